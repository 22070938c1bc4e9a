package ati

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strconv"
)

// AgentKeyPair is an agent's Ed25519 identity key (issue 12): the public half is registered with
// the gateway as an SPKI PEM, the private half signs proofs of possession and DPoP proofs and is
// never sent. No fmt verb (%v %+v %#v %s %q %x %d), no error and no JSON encoding shows the
// private half: they print the public PEM and "[redacted]". A key pair is immutable and safe for
// concurrent use.
type AgentKeyPair struct {
	private ed25519.PrivateKey
	public  ed25519.PublicKey
}

// GenerateAgentKeyPair makes a new Ed25519 key pair from crypto/rand.
func GenerateAgentKeyPair() (*AgentKeyPair, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		e := newError(ErrorCodeInternalError, "cannot generate an Ed25519 key pair: %v", err)
		e.cause = err
		return nil, e
	}
	return &AgentKeyPair{private: priv, public: pub}, nil
}

// NewAgentKeyPair wraps an existing Ed25519 private key (its public half is derived from it).
func NewAgentKeyPair(private ed25519.PrivateKey) (*AgentKeyPair, error) {
	if len(private) != ed25519.PrivateKeySize {
		return nil, newError(ErrorCodeValidationError, "an Ed25519 private key is %d bytes, got %d", ed25519.PrivateKeySize, len(private))
	}
	priv := append(ed25519.PrivateKey(nil), private...)
	return &AgentKeyPair{private: priv, public: priv.Public().(ed25519.PublicKey)}, nil
}

// ParseAgentKeyPairPEM reads a private key written by PrivateKeyPEM (PKCS#8 PEM, "-----BEGIN
// PRIVATE KEY-----"). The error never quotes the input.
func ParseAgentKeyPairPEM(data []byte) (*AgentKeyPair, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, newError(ErrorCodeValidationError, "not a PKCS#8 PEM private key (want a PRIVATE KEY block)")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, newError(ErrorCodeValidationError, "the PRIVATE KEY block is not valid PKCS#8")
	}
	priv, ok := key.(ed25519.PrivateKey)
	if !ok {
		return nil, newError(ErrorCodeValidationError, "the private key is a %T, not Ed25519", key)
	}
	return NewAgentKeyPair(priv)
}

// ParsePublicKeyPEM reads an Ed25519 public key from an SPKI PEM ("-----BEGIN PUBLIC KEY-----").
func ParsePublicKeyPEM(data string) (ed25519.PublicKey, error) {
	block, _ := pem.Decode([]byte(data))
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, newError(ErrorCodeValidationError, "not an SPKI PEM public key (want a PUBLIC KEY block)")
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, newError(ErrorCodeValidationError, "the PUBLIC KEY block is not valid SPKI: %v", err)
	}
	pub, ok := key.(ed25519.PublicKey)
	if !ok {
		return nil, newError(ErrorCodeValidationError, "the public key is a %T, not Ed25519", key)
	}
	return pub, nil
}

// PublicKey returns the raw 32-byte public key.
func (k *AgentKeyPair) PublicKey() ed25519.PublicKey {
	return append(ed25519.PublicKey(nil), k.public...)
}

// PublicKeyPEM is the public half as an SPKI PEM, the form agents.create sends.
func (k *AgentKeyPair) PublicKeyPEM() string {
	der, err := x509.MarshalPKIXPublicKey(k.public)
	if err != nil {
		// MarshalPKIXPublicKey cannot fail for a valid ed25519.PublicKey, the only kind stored.
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// PrivateKeyPEM is the private half as a PKCS#8 PEM, for a KeyStore to persist. It is the only
// way the private key leaves a key pair: keep what it returns out of logs.
func (k *AgentKeyPair) PrivateKeyPEM() []byte {
	der, err := x509.MarshalPKCS8PrivateKey(k.private)
	if err != nil {
		// MarshalPKCS8PrivateKey cannot fail for a valid ed25519.PrivateKey, the only kind stored.
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// Sign signs message with the private key (Ed25519, RFC 8032).
func (k *AgentKeyPair) Sign(message []byte) []byte { return ed25519.Sign(k.private, message) }

// Thumbprint is the RFC 7638 JWK thumbprint of the public key (base64url SHA-256 of
// {"crv","kty","x"} in that order), the `cnf.jkt` a key-bound WIMSE token carries.
func (k *AgentKeyPair) Thumbprint() string {
	sum := sha256.Sum256([]byte(`{"crv":"Ed25519","kty":"OKP","x":"` + b64url(k.public) + `"}`))
	return b64url(sum[:])
}

// String describes the key pair by its public half; the private half is "[redacted]".
func (k AgentKeyPair) String() string {
	if k.public == nil {
		return "ati.AgentKeyPair{}"
	}
	return "ati.AgentKeyPair{Thumbprint: " + strconv.Quote(k.Thumbprint()) + ", PrivateKey: [redacted]}"
}

// GoString is String, so %#v does not reach the key bytes.
func (k AgentKeyPair) GoString() string { return k.String() }

// Format prints String for every verb (%x and %d included).
func (k AgentKeyPair) Format(f fmt.State, verb rune) { formatMasked(f, verb, k.String()) }

// MarshalJSON writes the public PEM and a redacted private half.
func (k AgentKeyPair) MarshalJSON() ([]byte, error) {
	out := struct {
		PublicKey  string `json:"public_key,omitempty"`
		PrivateKey string `json:"private_key"`
	}{PrivateKey: "[redacted]"}
	if k.public != nil {
		out.PublicKey = k.PublicKeyPEM()
	}
	return json.Marshal(out)
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
