package ati

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// rawCheck sends a check to the mock with the given Authorization and DPoP headers, as an
// attacker holding (or forging) them would, and returns the status and the error's reason.
func rawCheck(t *testing.T, agentID, authorization, dpop string) (int, string) {
	t.Helper()
	body, _ := json.Marshal(ActionCheckRequest{AgentID: agentID, ToolName: "web_search", ActionSource: "api", ActionEffect: ActionEffectRead})
	req, _ := http.NewRequest(http.MethodPost, mockURL+"/api/v1/agenttrust/check", bytes.NewReader(body))
	req.Header.Set("X-API-Key", testKey)
	req.Header.Set("Content-Type", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	if dpop != "" {
		req.Header.Set("DPoP", dpop)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e struct {
		Details struct {
			Reason string `json:"reason"`
		} `json:"details"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&e)
	return resp.StatusCode, e.Details.Reason
}

// Each forged, replayed, stale or mis-bound proof is refused by the (enforcing) mock.
func TestForgedProofsAreRefused(t *testing.T) {
	resetMock(t)
	ctx := context.Background()
	c := testClient()
	agent := mustAgent(t, c, "web:search")
	other := mustAgent(t, c, "web:search")
	setSecurity(t, c, true, true)
	creds, _ := NewAgentCredentials(c, agent.ID)
	htu := mockURL + "/api/v1/agenttrust/check"
	h, err := creds.Headers(ctx, "POST", htu)
	if err != nil {
		t.Fatal(err)
	}
	bearer := h.Get("Authorization")
	token := strings.TrimPrefix(bearer, "Bearer ")
	pair, _ := c.KeyStore().Get(ctx, agent.ID)
	stranger, _ := GenerateAgentKeyPair()
	now := time.Now().Unix()

	if status, reason := rawCheck(t, agent.ID, bearer, h.Get("DPoP")); status != 200 {
		t.Fatalf("the genuine proof: %d %s", status, reason)
	}
	signature := func(p string) string { // the last character of the signature changed
		last := p[len(p)-2]
		return p[:len(p)-2] + map[bool]string{true: "B", false: "A"}[last == 'A'] + p[len(p)-1:]
	}
	for _, tc := range []struct {
		name, dpop, reason string
		status             int
	}{
		{"replayed", h.Get("DPoP"), "dpop_replay", 401},
		{"another htu", signDPoP(pair, "POST", mockURL+"/api/v1/other", token, now, newJTI()), "dpop_htu", 401},
		{"another method", signDPoP(pair, "GET", htu, token, now, newJTI()), "dpop_htm", 401},
		{"stale iat", signDPoP(pair, "POST", htu, token, now-3600, newJTI()), "dpop_iat", 401},
		{"another token's hash", signDPoP(pair, "POST", htu, "another-token", now, newJTI()), "dpop_ath", 401},
		{"another key", signDPoP(stranger, "POST", htu, token, now, newJTI()), "dpop_key_mismatch", 401},
		{"forged signature", signature(signDPoP(pair, "POST", htu, token, now, newJTI())), "dpop_signature", 401},
		{"no proof", "", "dpop_missing", 401},
		{"not a JWS", "not.a-proof", "dpop_malformed", 401},
	} {
		if status, reason := rawCheck(t, agent.ID, bearer, tc.dpop); status != tc.status || reason != tc.reason {
			t.Errorf("%s: got %d %q, want %d %q", tc.name, status, reason, tc.status, tc.reason)
		}
	}
	if status, _ := rawCheck(t, other.ID, bearer, signDPoP(pair, "POST", htu, token, now, newJTI())); status != 403 {
		t.Errorf("agent %s's token on agent %s's check: %d, want 403", agent.ID, other.ID, status)
	}

	// Proofs of possession: a forged signature and a spent nonce are refused.
	ch, err := c.Wimse.Challenge(ctx, agent.ID)
	if err != nil {
		t.Fatal(err)
	}
	forged := IssueWimseTokenRequest{AgentID: agent.ID, Proof: &PopProof{Nonce: ch.Nonce, Ts: now,
		Signature: SignProofOfPossession(stranger, ch.Nonce, agent.ID, nil, now)}}
	var ae *AgentTrustError
	if _, err := c.Wimse.IssueToken(ctx, forged); !errors.As(err, &ae) || ae.Status != 401 {
		t.Errorf("a PoP signed by another key: %v", err)
	}
	forged.Proof.Signature = SignProofOfPossession(pair, ch.Nonce, agent.ID, nil, now)
	if _, err := c.Wimse.IssueToken(ctx, forged); !errors.As(err, &ae) || ae.Status != 401 {
		t.Errorf("a spent nonce: %v", err)
	}
}
