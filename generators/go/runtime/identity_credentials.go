package ati

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// AgentCredentials sign an agent's checks for a gateway whose organization requires
// sender-constrained tokens: each request gets "Authorization: Bearer <WIMSE token>" and a fresh
// DPoP proof bound to it. The token is obtained with a proof of possession
// (WimseService.IssueTokenWithProof), cached, and renewed shortly before it expires; concurrent
// callers share one renewal. Pass them to a Guard with WithCredentials, or to one
// ActionsService.Check with WithAgentCredentials. Safe for concurrent use; no fmt verb, error
// or JSON encoding shows the token or the key.
type AgentCredentials struct {
	client  *Client
	agentID string
	params  ProofParams
	// store is the key store of WithCredentialsKeyStore; nil means the client's.
	store KeyStore
	now   func() time.Time

	mu      sync.Mutex
	token   secret
	pair    *AgentKeyPair
	renewAt time.Time
	flight  *renewal
}

// renewal is one token request that concurrent callers wait for together.
type renewal struct {
	done  chan struct{}
	token secret
	pair  *AgentKeyPair
	err   error
}

// CredentialsOption configures AgentCredentials.
type CredentialsOption func(*AgentCredentials) *AgentTrustError

// WithAudience sets the audience of the WIMSE tokens the credentials request.
func WithAudience(audience ...string) CredentialsOption {
	return func(a *AgentCredentials) *AgentTrustError {
		a.params.Audience = append([]string(nil), audience...)
		return nil
	}
}

// WithTokenTTL sets the lifetime the credentials ask for their WIMSE tokens (whole seconds, at
// least one); without it the gateway decides.
func WithTokenTTL(ttl time.Duration) CredentialsOption {
	return func(a *AgentCredentials) *AgentTrustError {
		if ttl < time.Second {
			return validation("ttl_seconds", "WithTokenTTL: want at least 1s, got %v", ttl)
		}
		a.params.TTLSeconds = int64(ttl / time.Second)
		return nil
	}
}

// WithCredentialsKeyStore makes the credentials take the agent's key pair from store instead of
// the client's key store.
func WithCredentialsKeyStore(store KeyStore) CredentialsOption {
	return func(a *AgentCredentials) *AgentTrustError {
		if store == nil {
			return validation("key_store", "WithCredentialsKeyStore: store is nil")
		}
		a.store = store
		return nil
	}
}

// NewAgentCredentials makes credentials for agentID on client. It sends nothing: the first
// request that needs them gets the token.
func NewAgentCredentials(client *Client, agentID string, opts ...CredentialsOption) (*AgentCredentials, error) {
	if client == nil {
		return nil, validation("client", "NewAgentCredentials needs a client")
	}
	if agentID == "" {
		return nil, validation("agent_id", "NewAgentCredentials needs a non-empty agent id")
	}
	a := &AgentCredentials{client: client, agentID: agentID, now: time.Now}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(a); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// AgentID is the agent the credentials speak for.
func (a *AgentCredentials) AgentID() string { return a.agentID }

// Headers returns the headers of one request made with the credentials: "Authorization: Bearer
// <token>" and "DPoP: <proof for method and url>". It gets or renews the token when needed.
func (a *AgentCredentials) Headers(ctx context.Context, method, url string) (http.Header, error) {
	h, _, err := a.headers(ctx, method, url)
	return h, err
}

// Invalidate drops the cached token, so the next request gets a new one.
func (a *AgentCredentials) Invalidate() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.token = ""
}

// invalidate drops the cached token if it is still token: of many requests refused with the same
// token, only the first makes the credentials renew it.
func (a *AgentCredentials) invalidate(token secret) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token == token {
		a.token = ""
	}
}

func (a *AgentCredentials) headers(ctx context.Context, method, url string) (http.Header, secret, error) {
	if ctx == nil {
		return nil, "", validation("ctx", "AgentCredentials: nil context")
	}
	target, err := dpopTarget(url)
	if err != nil {
		return nil, "", err
	}
	token, pair, err := a.current(ctx)
	if err != nil {
		return nil, "", err
	}
	proof := signDPoP(pair, method, target, string(token), a.now().Unix(), newJTI())
	return http.Header{"Authorization": {"Bearer " + string(token)}, "Dpop": {proof}}, token, nil
}

// current is the cached token and key pair, renewed first when fewer than
// credentialsRefreshBefore remain. Callers that find a renewal under way wait for it.
func (a *AgentCredentials) current(ctx context.Context) (secret, *AgentKeyPair, error) {
	a.mu.Lock()
	if a.token != "" && a.now().Before(a.renewAt) {
		token, pair := a.token, a.pair
		a.mu.Unlock()
		return token, pair, nil
	}
	f := a.flight
	if f == nil {
		f = &renewal{done: make(chan struct{})}
		a.flight = f
		// The renewal outlives the caller that started it (others wait for it too); the client's
		// timeout and retry limits still bound it.
		go a.renew(context.WithoutCancel(ctx), f)
	}
	a.mu.Unlock()
	select {
	case <-f.done:
		return f.token, f.pair, f.err
	case <-ctx.Done():
		return "", nil, ctxError(&operation{method: "POST", path: "(WIMSE token of " + a.agentID + ")"}, ctx.Err())
	}
}

func (a *AgentCredentials) renew(ctx context.Context, f *renewal) {
	token, pair, renewAt, err := a.issue(ctx)
	a.mu.Lock()
	if err == nil {
		a.token, a.pair, a.renewAt = token, pair, renewAt
	}
	a.flight = nil
	f.token, f.pair, f.err = token, pair, err
	a.mu.Unlock()
	close(f.done)
}

func (a *AgentCredentials) issue(ctx context.Context) (secret, *AgentKeyPair, time.Time, error) {
	store := a.store
	if store == nil {
		store = a.client.cfg.keyStore
	}
	pair, err := loadKey(ctx, store, a.agentID)
	if err != nil {
		return "", nil, time.Time{}, err
	}
	// Without the credentials option: a client made With(WithAgentCredentials(a)) would otherwise
	// wait for this very renewal.
	tok, err := a.client.Wimse.issueWithProof(ctx, pair, a.agentID, a.params, []Option{withoutCredentials})
	if err != nil {
		return "", nil, time.Time{}, err
	}
	expires := tok.ExpiresAt
	if expires.IsZero() {
		expires = a.now().Add(credentialsFallbackTTL)
	}
	return secret(tok.Token), pair, expires.Add(-credentialsRefreshBefore), nil
}

// String names the agent and whether a token is cached, never the token or the key.
func (a *AgentCredentials) String() string {
	if a == nil {
		return "ati.AgentCredentials(nil)"
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	state := "none"
	if a.token != "" {
		state = "[redacted], renews at " + a.renewAt.UTC().Format(time.RFC3339)
	}
	return "ati.AgentCredentials{AgentID: " + strconv.Quote(a.agentID) + ", Token: " + state + "}"
}

// GoString is String.
func (a *AgentCredentials) GoString() string { return a.String() }

// Format prints String for every verb.
func (a *AgentCredentials) Format(f fmt.State, verb rune) { formatMasked(f, verb, a.String()) }

// MarshalJSON writes the agent id only.
func (a *AgentCredentials) MarshalJSON() ([]byte, error) {
	return []byte(`{"agent_id":` + strconv.Quote(a.agentID) + `}`), nil
}

// WithAgentCredentials sends one call (ActionsService.Check) with the agent's credentials: the
// WIMSE bearer and a fresh DPoP proof on every attempt. A 401 answer makes the credentials drop
// their token and the call is sent once more with a new one (a token revoked or expired early).
func WithAgentCredentials(creds *AgentCredentials) Option {
	return func(c *config) {
		if creds == nil {
			c.fail(newError(ErrorCodeValidationError, "WithAgentCredentials: credentials are nil"))
			return
		}
		c.credentials = creds
	}
}

// withoutCredentials sends a call without agent credentials, whatever the client's options say.
func withoutCredentials(c *config) { c.credentials = nil }

// callConfig is the client's configuration with the call's options applied.
func (c *Client) callConfig(opts []Option) config {
	cfg := c.cfg
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	return cfg
}

// agentKeyFor is the key pair agents.create generates when the caller gives no public key: its
// public PEM goes into the request (publicKey), its private half stays on the client. It returns
// nil when the caller gave a key.
func (c *Client) agentKeyFor(publicKey *string) (*AgentKeyPair, error) {
	if *publicKey != "" {
		return nil, nil
	}
	pair, err := GenerateAgentKeyPair()
	if err != nil {
		return nil, err
	}
	*publicKey = pair.PublicKeyPEM()
	return pair, nil
}

// keepAgentKey stores the pair agentKeyFor generated under the id the gateway gave the agent.
func (c *Client) keepAgentKey(ctx context.Context, agentID string, pair *AgentKeyPair, opts []Option) error {
	if pair == nil {
		return nil
	}
	cfg := c.callConfig(opts)
	if err := cfg.keyStore.Put(ctx, agentID, pair); err != nil {
		e := newError(ErrorCodeInternalError, "agent %s was created, but the key store could not keep its generated key pair: %s", agentID, errorMessage(err))
		e.Details = map[string]any{"agent_id": agentID}
		e.cause = err
		return e
	}
	return nil
}
