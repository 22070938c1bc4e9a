package ati

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Issue 12: agent keys, key stores, proofs of possession, WIMSE credentials and DPoP.

// everyVerb prints v with every fmt verb a log line might use.
func everyVerb(v any) string {
	var b strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		fmt.Fprintf(&b, verb+"\n", v)
	}
	return b.String()
}

// secretForms are the ways a private key could show up in text.
func secretForms(pair *AgentKeyPair) []string {
	seed := pair.private.Seed()
	return []string{
		"PRIVATE KEY",
		hex.EncodeToString(seed), strings.ToUpper(hex.EncodeToString(seed)),
		base64.StdEncoding.EncodeToString(seed)[:20], base64.RawURLEncoding.EncodeToString(seed)[:20],
		fmt.Sprint([]byte(seed))[1:30],
	}
}

func assertNoSecret(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Fatalf("%s shows a secret (%.12q...): %s", what, s, text)
		}
	}
}

func TestAgentKeyPairNeverShowsThePrivateKey(t *testing.T) {
	pair, err := GenerateAgentKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	secrets := secretForms(pair)
	type holder struct {
		Pair  *AgentKeyPair
		Value AgentKeyPair
		List  []*AgentKeyPair
	}
	h := holder{Pair: pair, Value: *pair, List: []*AgentKeyPair{pair}}
	for _, v := range []any{pair, *pair, h, &h, []AgentKeyPair{*pair}, map[string]*AgentKeyPair{"a": pair}} {
		out := everyVerb(v)
		assertNoSecret(t, fmt.Sprintf("%T", v), out, secrets...)
		if !strings.Contains(out, "[redacted]") {
			t.Fatalf("%T prints no redaction marker: %s", v, out)
		}
	}
	data, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "JSON", string(data), secrets...)
	if !strings.Contains(string(data), "BEGIN PUBLIC KEY") {
		t.Fatalf("JSON should carry the public PEM: %s", data)
	}
	store := NewMemoryKeyStore()
	_ = store.Put(context.Background(), "agt_1", pair)
	assertNoSecret(t, "MemoryKeyStore", everyVerb(store), secrets...)
	var nilPair *AgentKeyPair
	if s := fmt.Sprintf("%v", nilPair); s != "<nil>" {
		t.Fatalf("nil pair printed %q", s)
	}
}

func TestAgentKeyPairPEMs(t *testing.T) {
	pair, err := GenerateAgentKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(pair.PublicKeyPEM(), "-----BEGIN PUBLIC KEY-----\n") {
		t.Fatalf("public PEM: %q", pair.PublicKeyPEM())
	}
	if !strings.HasPrefix(string(pair.PrivateKeyPEM()), "-----BEGIN PRIVATE KEY-----\n") {
		t.Fatal("private PEM is not PKCS#8")
	}
	back, err := ParseAgentKeyPairPEM(pair.PrivateKeyPEM())
	if err != nil {
		t.Fatal(err)
	}
	if back.PublicKeyPEM() != pair.PublicKeyPEM() {
		t.Fatal("PKCS#8 round trip changed the key")
	}
	pub, err := ParsePublicKeyPEM(pair.PublicKeyPEM())
	if err != nil || !ed25519.Verify(pub, []byte("m"), pair.Sign([]byte("m"))) {
		t.Fatalf("public PEM does not verify the pair's signature: %v", err)
	}
	_, err = ParseAgentKeyPairPEM([]byte("-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n"))
	var ae *AgentTrustError
	if !errors.As(err, &ae) || ae.Code != ErrorCodeValidationError || strings.Contains(ae.Message, "not base64") {
		t.Fatalf("a broken PEM: want a VALIDATION_ERROR that does not quote it, got %v", err)
	}
}

// RFC 8037 appendix A: the Ed25519 key, its JWK thumbprint and an EdDSA JWS signature.
func TestRFC8037Vectors(t *testing.T) {
	d, _ := base64.RawURLEncoding.DecodeString("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")
	pair, err := NewAgentKeyPair(ed25519.NewKeyFromSeed(d))
	if err != nil {
		t.Fatal(err)
	}
	if x := b64url(pair.PublicKey()); x != "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" {
		t.Fatalf("x = %s", x)
	}
	if tp := pair.Thumbprint(); tp != "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k" {
		t.Fatalf("thumbprint = %s", tp)
	}
	input := b64url([]byte(`{"alg":"EdDSA"}`)) + "." + b64url([]byte("Example of Ed25519 signing"))
	want := "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
	if sig := b64url(pair.Sign([]byte(input))); sig != want {
		t.Fatalf("JWS signature = %s", sig)
	}
}

func TestPopMessage(t *testing.T) {
	got := popMessage("n-{ts}", "agt_1", []string{"a", "b"}, 1700000000)
	if got != "pop-v1:n-{ts}:agt_1:a,b:1700000000" {
		t.Fatalf("pop message %q", got)
	}
}

func decodeSegment(t *testing.T, seg string, out any) {
	t.Helper()
	data, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatal(err)
	}
}

func TestMintDPoPProof(t *testing.T) {
	pair, _ := GenerateAgentKeyPair()
	proof, err := MintDPoPProof(pair, "POST", "https://gw.example/api/v1/agenttrust/check?x=1#f", "tok")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(proof, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %s", proof)
	}
	var header struct {
		Typ, Alg string
		JWK      map[string]string
	}
	var claims struct {
		Htm, Htu, Jti, Ath string
		Iat                int64
	}
	decodeSegment(t, parts[0], &header)
	decodeSegment(t, parts[1], &claims)
	if header.Typ != "dpop+jwt" || header.Alg != "EdDSA" || header.JWK["kty"] != "OKP" || header.JWK["crv"] != "Ed25519" {
		t.Fatalf("header %+v", header)
	}
	x, _ := base64.RawURLEncoding.DecodeString(header.JWK["x"])
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	if !ed25519.Verify(ed25519.PublicKey(x), []byte(parts[0]+"."+parts[1]), sig) {
		t.Fatal("the proof does not verify with its own jwk")
	}
	// ath = b64url(SHA-256("tok"))
	if claims.Htm != "POST" || claims.Htu != "https://gw.example/api/v1/agenttrust/check" ||
		claims.Ath != "GnZ0607njffhrEOak8P6jjyUV4TU3sn9jjARc4svHWI" || len(claims.Jti) != 32 ||
		time.Since(time.Unix(claims.Iat, 0)).Abs() > 5*time.Second {
		t.Fatalf("claims %+v", claims)
	}
	again, _ := MintDPoPProof(pair, "POST", "https://gw.example/p", "")
	var c2 map[string]any
	decodeSegment(t, strings.Split(again, ".")[1], &c2)
	if _, ok := c2["ath"]; ok {
		t.Fatal("a proof without a token has no ath")
	}
	store := NewMemoryKeyStore()
	if _, err := MintDPoPProofWithKeyStore(context.Background(), store, "agt_none", "POST", "https://gw.example/p", ""); !errors.As(err, new(*KeyNotFoundError)) {
		t.Fatalf("no key in the store: %v", err)
	}
	_ = store.Put(context.Background(), "agt_1", pair)
	if p, err := MintDPoPProofWithKeyStore(context.Background(), store, "agt_1", "GET", "https://gw.example/p", ""); err != nil || strings.Count(p, ".") != 2 {
		t.Fatalf("from the store: %v", err)
	}
	if _, err := MintDPoPProof(pair, "POST", "/relative", ""); !IsCode(err, ErrorCodeValidationError) {
		t.Fatalf("relative htu: %v", err)
	}
}

func TestFileKeyStore(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "keys")
	store := NewFileKeyStore(dir)
	if got, err := store.Get(ctx, "agt_missing"); got != nil || err != nil {
		t.Fatalf("missing key: %v %v", got, err)
	}
	pair, _ := GenerateAgentKeyPair()
	if err := store.Put(ctx, "agt_1", pair); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, "agt_1.pem"): 0o600} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Fatalf("%s has mode %o, want %o", path, st.Mode().Perm(), want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
	got, err := store.Get(ctx, "agt_1")
	if err != nil || got.PublicKeyPEM() != pair.PublicKeyPEM() {
		t.Fatalf("round trip: %v", err)
	}
	for _, bad := range []string{"", ".", "..", "../x", "a/b", `a\b`, ".hidden", strings.Repeat("a", 129), "a\x00b"} {
		err := store.Put(ctx, bad, pair)
		var ae *AgentTrustError
		if !errors.As(err, &ae) || ae.Code != ErrorCodeValidationError {
			t.Fatalf("agent id %q: want VALIDATION_ERROR, got %v", bad, err)
		}
	}
	if err := store.Delete(ctx, "agt_1"); err != nil {
		t.Fatal(err)
	}
	if err := store.Delete(ctx, "agt_1"); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
	if got, _ := store.Get(ctx, "agt_1"); got != nil {
		t.Fatal("deleted key still there")
	}
}

func TestCreateAgentGeneratesAndKeepsAKey(t *testing.T) {
	resetMock(t)
	ctx := context.Background()
	store := NewMemoryKeyStore()
	c := testClient(WithKeyStore(store))
	agent := mustAgent(t, c, "web:search")
	pair, err := store.Get(ctx, agent.ID)
	if err != nil || pair == nil {
		t.Fatalf("no key pair kept for %s: %v", agent.ID, err)
	}
	if agent.PublicKey != pair.PublicKeyPEM() {
		t.Fatalf("the gateway has %q, the store %q", agent.PublicKey, pair.PublicKeyPEM())
	}
	sent := requestsOf(t, "createAgent")
	if len(sent) != 1 {
		t.Fatalf("%d createAgent requests", len(sent))
	}
	var body map[string]any
	_ = json.Unmarshal(sent[0].Body, &body)
	if body["public_key"] != pair.PublicKeyPEM() {
		t.Fatalf("sent public_key %v", body["public_key"])
	}
	var all []recorded
	mockAdmin(t, "GET", "/__mock/requests", nil, &all)
	raw, _ := json.Marshal(all)
	assertNoSecret(t, "the journal", string(raw), secretForms(pair)...)

	// A caller's own public key is sent as given and nothing is generated or kept.
	own, _ := GenerateAgentKeyPair()
	agent2, err := c.Agents.Create(ctx, CreateAgentRequest{Name: "own-key", PublicKey: own.PublicKeyPEM()})
	if err != nil {
		t.Fatal(err)
	}
	if agent2.PublicKey != own.PublicKeyPEM() {
		t.Fatal("the given public key was not sent")
	}
	if got, _ := store.Get(ctx, agent2.ID); got != nil {
		t.Fatal("a key pair was kept for an agent created with its own public key")
	}
}

func setSecurity(t *testing.T, c *Client, pop, sender bool) {
	t.Helper()
	if _, err := c.Orgs.UpdateSecuritySettings(context.Background(), UpdateSecuritySettingsRequest{
		RequireProofOfPossession: &pop, RequireSenderConstrainedTokens: &sender,
	}); err != nil {
		t.Fatal(err)
	}
}

func TestIssueTokenWithProof(t *testing.T) {
	resetMock(t)
	ctx := context.Background()
	c := testClient()
	agent := mustAgent(t, c, "web:search")
	setSecurity(t, c, true, false)

	_, err := c.Wimse.IssueToken(ctx, IssueWimseTokenRequest{AgentID: agent.ID})
	var ae *AgentTrustError
	if !errors.As(err, &ae) || ae.Code != ErrorCodeAuthFailed || ae.Status != 401 {
		t.Fatalf("without a proof: want AUTH_FAILED 401, got %v", err)
	}
	tok, err := c.Wimse.IssueTokenWithProof(ctx, agent.ID, ProofParams{Audience: []string{"svc-a", "svc-b"}, TTLSeconds: 600})
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.Wimse.VerifyToken(ctx, VerifyWimseTokenRequest{Token: tok.Token})
	if err != nil || !v.Valid || v.AgentID != agent.ID {
		t.Fatalf("verify: %+v %v", v, err)
	}
	// The token is bound to the agent key: cnf.jkt is its thumbprint.
	var claims struct {
		Cnf struct {
			Jkt string `json:"jkt"`
		} `json:"cnf"`
	}
	decodeSegment(t, strings.Split(tok.Token, ".")[1], &claims)
	pair, _ := c.KeyStore().Get(ctx, agent.ID)
	if claims.Cnf.Jkt != pair.Thumbprint() {
		t.Fatalf("cnf.jkt %q, key thumbprint %q", claims.Cnf.Jkt, pair.Thumbprint())
	}
	assertNoSecret(t, "a WimseToken", everyVerb(tok), tok.Token)

	// Another client (another key store) has no key for the agent.
	_, err = testClient().Wimse.IssueTokenWithProof(ctx, agent.ID, ProofParams{})
	var missing *KeyNotFoundError
	if !errors.As(err, &missing) || missing.AgentID != agent.ID || !strings.Contains(missing.Error(), agent.ID) ||
		!errors.As(err, &ae) || ae.Code != ErrorCodeValidationError {
		t.Fatalf("want a KeyNotFoundError naming %s, got %v", agent.ID, err)
	}
}

func TestCredentialsSingleFlightRenewal(t *testing.T) {
	resetMock(t)
	ctx := context.Background()
	c := testClient()
	agent := mustAgent(t, c, "web:search")
	creds, err := NewAgentCredentials(c, agent.ID, WithTokenTTL(10*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	const n = 32
	var wg sync.WaitGroup
	tokens := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h, err := creds.Headers(ctx, "POST", mockURL+"/api/v1/agenttrust/check")
			errs[i] = err
			if err == nil {
				tokens[i] = h.Get("Authorization")
			}
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || tokens[i] != tokens[0] || !strings.HasPrefix(tokens[0], "Bearer ey") {
			t.Fatalf("goroutine %d: %q %v", i, tokens[i], errs[i])
		}
	}
	if got := len(requestsOf(t, "issueWimseToken")); got != 1 {
		t.Fatalf("%d goroutines made %d token requests, want 1", n, got)
	}
	// Renewal: a token within credentialsRefreshBefore of its expiry is replaced, once.
	creds.now = func() time.Time { return time.Now().Add(10*time.Minute - credentialsRefreshBefore + time.Second) }
	if _, err := creds.Headers(ctx, "POST", mockURL+"/api/v1/agenttrust/check"); err != nil {
		t.Fatal(err)
	}
	creds.now = time.Now
	for range 3 {
		if _, err := creds.Headers(ctx, "POST", mockURL+"/api/v1/agenttrust/check"); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(requestsOf(t, "issueWimseToken")); got != 2 {
		t.Fatalf("after the renewal point: %d token requests, want 2", got)
	}
	out := everyVerb(creds)
	raw, _ := json.Marshal(creds)
	assertNoSecret(t, "AgentCredentials", out+string(raw), strings.TrimPrefix(tokens[0], "Bearer "))
}

func guardDecisions(t *testing.T, g *Guard) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for _, step := range []struct {
		tool   string
		effect ActionEffect
	}{{"web_search", ActionEffectRead}, {"files_read", ActionEffectRead}, {"web_search", ActionEffectDestructive}} {
		d, err := g.Decide(ctx, step.tool, "q", CheckEffect(step.effect))
		if err != nil {
			t.Fatalf("%s: %v", step.tool, err)
		}
		out = append(out, fmt.Sprintf("%s/%s allowed=%v elevation=%v", step.tool, step.effect, d.Allowed, d.ElevationRequired))
	}
	return out
}

func TestGuardWithCredentialsOnAnEnforcingOrg(t *testing.T) {
	resetMock(t)
	ctx := context.Background()
	c := testClient()
	agent := mustAgent(t, c, "web:search")
	plain := NewGuard(c, agent.ID, WithoutCircuitBreaker(), WithBlockOnDeny(false))
	defer plain.Close(ctx)
	want := guardDecisions(t, plain)

	setSecurity(t, c, true, true)
	creds, err := NewAgentCredentials(c, agent.ID)
	if err != nil {
		t.Fatal(err)
	}
	g := NewGuard(c, agent.ID, WithCredentials(creds), WithoutCircuitBreaker(), WithBlockOnDeny(false))
	defer g.Close(ctx)
	if got := guardDecisions(t, g); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("with credentials on an enforcing org: %v, without enforcement: %v", got, want)
	}
	checks := requestsOf(t, "checkAction")
	last := checks[len(checks)-1]
	if last.Headers["dpop"] == "" && last.Headers["DPoP"] == "" {
		t.Fatalf("the check carried no DPoP header: %v", last.Headers)
	}

	// Without credentials the gateway refuses, and the error says why.
	err = plain.Check(ctx, "web_search", "q")
	var ae *AgentTrustError
	if !errors.As(err, &ae) || ae.Code != ErrorCodeAuthFailed || ae.Status != 401 {
		t.Fatalf("want AUTH_FAILED 401, got %v", err)
	}
	for _, want := range []string{"WIMSE", "DPoP", "WithCredentials"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("the refusal does not say %q: %v", want, err)
		}
	}

	// A check refused with 401 (a token revoked early) is retried once with a new token.
	issued := len(requestsOf(t, "issueWimseToken"))
	addFault(t, map[string]any{"operation": "checkAction", "kind": "status", "status": 401, "times": 1})
	if err := g.Check(ctx, "web_search", "q", CheckEffect(ActionEffectRead)); err != nil {
		t.Fatalf("after one 401: %v", err)
	}
	if got := len(requestsOf(t, "issueWimseToken")); got != issued+1 {
		t.Fatalf("a 401 led to %d new tokens, want 1", got-issued)
	}

	// Credentials of another agent are refused by NewGuard.
	other := mustAgent(t, c, "web:search")
	bad := NewGuard(c, other.ID, WithCredentials(creds))
	defer bad.Close(ctx)
	if !IsCode(bad.Err(), ErrorCodeValidationError) {
		t.Fatalf("foreign credentials: %v", bad.Err())
	}
}

func TestActionsCheckWithAgentCredentials(t *testing.T) {
	resetMock(t)
	ctx := context.Background()
	c := testClient()
	agent := mustAgent(t, c, "web:search")
	setSecurity(t, c, false, true)
	creds, _ := NewAgentCredentials(c, agent.ID)
	req := ActionCheckRequest{AgentID: agent.ID, ToolName: "web_search", ActionEffect: ActionEffectRead}
	if _, err := c.Actions.Check(ctx, req); !IsCode(err, ErrorCodeAuthFailed) {
		t.Fatalf("without credentials: %v", err)
	}
	res, err := c.Actions.Check(ctx, req, WithAgentCredentials(creds))
	if err != nil || !res.Allowed {
		t.Fatalf("with credentials: %+v %v", res, err)
	}
	// The same credentials on another agent's check: the gateway refuses the token.
	other := mustAgent(t, c, "web:search")
	_, err = c.Actions.Check(ctx, ActionCheckRequest{AgentID: other.ID, ToolName: "web_search"}, WithAgentCredentials(creds))
	var ae *AgentTrustError
	if !errors.As(err, &ae) || ae.Status != 403 {
		t.Fatalf("another agent's check: want 403, got %v", err)
	}
	h, _ := creds.Headers(ctx, "POST", mockURL+"/x")
	assertNoSecret(t, "the refusal", err.Error()+everyVerb(err), strings.TrimPrefix(h.Get("Authorization"), "Bearer "), h.Get("DPoP"))
}

// An interop vector computed apart from this SDK (Python `cryptography` 50, json.dumps with
// compact separators): the same key, PoP signature and DPoP proof, byte for byte. Ed25519 is
// deterministic, so any SDK that lays out the same JSON must produce these strings.
func TestIdentityInteropVector(t *testing.T) {
	const (
		privatePEM = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f\n-----END PRIVATE KEY-----\n"
		publicPEM  = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAA6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=\n-----END PUBLIC KEY-----\n"
		thumbprint = "1IG2tMH7J2wbJZnOf8LJzQitKf7LMvoAElsuDMVM54Y"
		popSig     = "o4A822aRqZrhPRtDhrQQlzU1Y_mNiweFsLWmlOxh4ojBYsWrbpTwXiCoQzRaLc8AIpIuNrPmSYuDVAA4sxSqCw"
		proof      = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVkRFNBIiwiandrIjp7Imt0eSI6Ik9LUCIsImNydiI6IkVkMjU1MTkiLCJ4IjoiQTZFSHZfUE9FTDRkY04wWTUwdkFtV2ZrMWpDYnBRMWZIZHlHWkJKVk1iZyJ9fQ." +
			"eyJodG0iOiJQT1NUIiwiaHR1IjoiaHR0cDovLzEyNy4wLjAuMTo4MDgwL2FwaS92MS9hZ2VudHRydXN0L2NoZWNrIiwiaWF0IjoxNzY3MjI1NjAwLCJqdGkiOiIwMDExMjIzMzQ0NTU2Njc3ODg5OWFhYmJjY2RkZWVmZiIsImF0aCI6ImhvN0pZRUplV0tOTGZaaXBpaUVsMzJEZXQ3UzQ0MFhLRFVNQlFfVF9CSEEifQ." +
			"TD_KV1Wr6ezlhtDq-WXuRsAMjuohBB21cRXrZcjIRK_fUGiy5K1xgR0IMhmTVMaGQSLcwEf5DUCezTBCzGukBg"
	)
	pair, err := ParseAgentKeyPairPEM([]byte(privatePEM))
	if err != nil {
		t.Fatal(err)
	}
	if pair.PublicKeyPEM() != publicPEM || string(pair.PrivateKeyPEM()) != privatePEM || pair.Thumbprint() != thumbprint {
		t.Fatalf("key: %q %q", pair.PublicKeyPEM(), pair.Thumbprint())
	}
	if got := SignProofOfPossession(pair, "nonce-123", "agt_vector", []string{"svc-a", "svc-b"}, 1767225600); got != popSig {
		t.Fatalf("PoP signature %s", got)
	}
	got := signDPoP(pair, "POST", "http://127.0.0.1:8080/api/v1/agenttrust/check", "wimse.token.value", 1767225600, "00112233445566778899aabbccddeeff")
	if got != proof {
		t.Fatalf("DPoP proof\n got %s\nwant %s", got, proof)
	}
}

// A gateway that echoes the credentials in its error message: the error shows neither.
func TestCredentialsNeverInErrors(t *testing.T) {
	resetMock(t)
	ctx := context.Background()
	c := testClient(WithMaxRetries(0))
	agent := mustAgent(t, c, "web:search")
	creds, _ := NewAgentCredentials(c, agent.ID)
	h, err := creds.Headers(ctx, "POST", mockURL+"/x")
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimPrefix(h.Get("Authorization"), "Bearer ")
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		msg := "refused " + r.Header.Get("Authorization") + " with proof " + r.Header.Get("DPoP")
		_ = json.NewEncoder(w).Encode(map[string]any{"code": "AUTH_DENIED", "message": msg})
	}))
	defer echo.Close()
	// The token comes from the mock; the check goes to the echoing gateway.
	_, err = c.With(WithAuthURL(echo.URL)).Actions.Check(ctx, ActionCheckRequest{AgentID: agent.ID, ToolName: "web_search"}, WithAgentCredentials(creds))
	if !IsCode(err, ErrorCodeAuthDenied) || !strings.Contains(err.Error(), "refused Bearer [redacted]") {
		t.Fatalf("want the echoed refusal, redacted: %v", err)
	}
	assertNoSecret(t, "the error", err.Error()+everyVerb(err), token, h.Get("DPoP")[:40])
}

// A caller whose context ends while the token is being fetched gets its context's error; the
// fetch goes on for the others.
func TestCredentialsWaitHonoursContext(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer slow.Close()
	defer close(release)
	store := NewMemoryKeyStore()
	pair, _ := GenerateAgentKeyPair()
	_ = store.Put(context.Background(), "agt_1", pair)
	c := NewClient(WithBaseURL(slow.URL), WithAPIKey(testKey), WithKeyStore(store), WithMaxRetries(0))
	creds, _ := NewAgentCredentials(c, "agt_1")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := creds.Headers(ctx, "POST", slow.URL+"/api/v1/agenttrust/check")
	if !errors.Is(err, context.DeadlineExceeded) || !IsCode(err, ErrorCodeTimeout) {
		t.Fatalf("want the context's deadline, got %v", err)
	}
}
