package ati

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// A proof is a compact JWS with alg EdDSA: b64url(header) "." b64url(payload) "." b64url(Ed25519
// signature over the first two parts). crypto/ed25519 does the signing; the SDK only lays out
// the JSON, so it needs no JOSE dependency (see AgentKeyPair.Thumbprint for the JWK side).

// ProofParams are the optional fields of a proof-of-possession token request.
type ProofParams struct {
	// Audience is who the token is for; it is part of the signed message (joined by ",").
	Audience []string
	// TTLSeconds is the token's lifetime; 0 leaves it to the gateway.
	TTLSeconds int64
	// ServiceName and Environment describe the workload.
	ServiceName string
	Environment string
}

// SignProofOfPossession signs the proof-of-possession message of a challenge nonce: the UTF-8 of
// "pop-v1:<nonce>:<agent id>:<audience joined by ",">:<ts>", with ts in Unix seconds. It returns
// the signature as base64url without padding, the form the gateway takes.
func SignProofOfPossession(pair *AgentKeyPair, nonce, agentID string, audience []string, ts int64) string {
	return b64url(pair.Sign([]byte(popMessage(nonce, agentID, audience, ts))))
}

func popMessage(nonce, agentID string, audience []string, ts int64) string {
	// One pass: a value that happens to contain "{ts}" is not replaced again.
	return strings.NewReplacer(
		"{nonce}", nonce,
		"{agent_id}", agentID,
		"{audience}", strings.Join(audience, ","),
		"{ts}", strconv.FormatInt(ts, 10),
	).Replace(popMessageTemplate)
}

// IssueTokenWithProof gets a WIMSE token bound to the agent's key: it asks for a challenge nonce
// (Challenge), signs it with the agent's key pair from the client's key store (WithKeyStore), and
// sends the proof with IssueToken. An agent with no key pair in the store is a *KeyNotFoundError.
func (s *WimseService) IssueTokenWithProof(ctx context.Context, agentID string, params ProofParams, opts ...Option) (*WimseToken, error) {
	if err := pathParam("issueWimseToken", "agent_id", agentID); err != nil {
		return nil, err
	}
	cfg := s.c.callConfig(opts)
	if cfg.err != nil {
		return nil, configError(cfg.err)
	}
	if ctx == nil {
		return nil, newError(ErrorCodeValidationError, "issueWimseToken: nil context")
	}
	pair, err := loadKey(ctx, cfg.keyStore, agentID)
	if err != nil {
		return nil, err
	}
	return s.issueWithProof(ctx, pair, agentID, params, opts)
}

func (s *WimseService) issueWithProof(ctx context.Context, pair *AgentKeyPair, agentID string, params ProofParams, opts []Option) (*WimseToken, error) {
	ch, err := s.Challenge(ctx, agentID, opts...)
	if err != nil {
		return nil, err
	}
	ts := time.Now().Unix()
	return s.IssueToken(ctx, IssueWimseTokenRequest{
		AgentID:     agentID,
		ServiceName: params.ServiceName,
		Environment: params.Environment,
		TTLSeconds:  params.TTLSeconds,
		Audience:    params.Audience,
		Proof: &PopProof{
			Nonce:     ch.Nonce,
			Ts:        ts,
			Signature: SignProofOfPossession(pair, ch.Nonce, agentID, params.Audience, ts),
		},
	}, opts...)
}

// MintDPoPProof makes a DPoP proof (RFC 9449) for one request: a JWS of type dpop+jwt signed with
// the agent's key, whose header carries the public key as a JWK and whose payload binds the
// request method (htm), its URL without query and fragment (htu), the time (iat), a random jti
// and, with an accessToken, its hash (ath). Each request needs a fresh proof: the gateway refuses
// a replayed jti.
func MintDPoPProof(pair *AgentKeyPair, htm, htu, accessToken string) (string, error) {
	if pair == nil {
		return "", newError(ErrorCodeValidationError, "MintDPoPProof: key pair is nil")
	}
	target, err := dpopTarget(htu)
	if err != nil {
		return "", err
	}
	if htm == "" {
		return "", newError(ErrorCodeValidationError, "MintDPoPProof: empty method")
	}
	return signDPoP(pair, htm, target, accessToken, time.Now().Unix(), newJTI()), nil
}

// newJTI is a proof's unique id: 16 random bytes as hex.
func newJTI() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms (Go 1.24+).
	return hex.EncodeToString(b[:])
}

// MintDPoPProofWithKeyStore is MintDPoPProof with the agent's key pair taken from store (a
// *KeyNotFoundError when it has none).
func MintDPoPProofWithKeyStore(ctx context.Context, store KeyStore, agentID, htm, htu, accessToken string) (string, error) {
	if store == nil {
		return "", newError(ErrorCodeValidationError, "MintDPoPProofWithKeyStore: store is nil")
	}
	pair, err := loadKey(ctx, store, agentID)
	if err != nil {
		return "", err
	}
	return MintDPoPProof(pair, htm, htu, accessToken)
}

// dpopTarget is htu as a proof carries it: the absolute URL without query and fragment.
func dpopTarget(htu string) (string, error) {
	u, err := url.Parse(htu)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", newError(ErrorCodeValidationError, "DPoP: htu %q is not an absolute http(s) URL", htu)
	}
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
	return u.String(), nil
}

type dpopJWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
}

type dpopHeader struct {
	Typ string  `json:"typ"`
	Alg string  `json:"alg"`
	JWK dpopJWK `json:"jwk"`
}

type dpopClaims struct {
	Htm string `json:"htm"`
	Htu string `json:"htu"`
	Iat int64  `json:"iat"`
	Jti string `json:"jti"`
	Ath string `json:"ath,omitempty"`
}

// signDPoP lays out and signs a proof; iat and jti are given so test vectors are reproducible.
func signDPoP(pair *AgentKeyPair, htm, htu, accessToken string, iat int64, jti string) string {
	header, _ := json.Marshal(dpopHeader{Typ: dpopTyp, Alg: dpopAlg, JWK: dpopJWK{Kty: "OKP", Crv: "Ed25519", X: b64url(pair.public)}})
	claims := dpopClaims{Htm: htm, Htu: htu, Iat: iat, Jti: jti}
	if accessToken != "" {
		sum := sha256.Sum256([]byte(accessToken))
		claims.Ath = b64url(sum[:])
	}
	payload, _ := json.Marshal(claims)
	input := b64url(header) + "." + b64url(payload)
	return input + "." + b64url(pair.Sign([]byte(input)))
}
