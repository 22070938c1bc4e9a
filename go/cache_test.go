package ati

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The token cache (x-sdk-cache): per (agent_id, scopes, audience), renewed shortly before expiry,
// evicted by tokens.revoke and agents.revoke, opt-out per client or call, goroutine-safe.

func issueRequests(t *testing.T) int {
	t.Helper()
	var reqs []map[string]any
	mockAdmin(t, "GET", "/__mock/requests", nil, &reqs)
	n := 0
	for _, r := range reqs {
		if r["operation_id"] == "issueToken" {
			n++
		}
	}
	return n
}

func newCachedAgent(t *testing.T, c *Client) *Agent {
	t.Helper()
	resetMock(t)
	a, err := c.Agents.Create(context.Background(), CreateAgentRequest{Name: "cache-bot", Capabilities: []string{"files:read", "web:search"}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestTokenCacheReusesPerKey(t *testing.T) {
	ctx := context.Background()
	c := testClient()
	a := newCachedAgent(t, c)
	first, err := c.Tokens.Issue(ctx, IssueTokenRequest{AgentID: a.ID, Scope: []string{"files:read", "web:search"}, TTL: 300})
	if err != nil {
		t.Fatal(err)
	}
	// The same set of scopes in another order, with a duplicate: the same key.
	again, err := c.Tokens.Issue(ctx, IssueTokenRequest{AgentID: a.ID, Scope: []string{"web:search", "files:read", "web:search"}, TTL: 300})
	if err != nil || again.Token != first.Token {
		t.Fatalf("not reused: %v %v", again, err)
	}
	again.Scope[0] = "mutated" // a copy: the cached token stays as issued
	other, err := c.Tokens.Issue(ctx, IssueTokenRequest{AgentID: a.ID, Scope: []string{"files:read"}, TTL: 300})
	if err != nil || other.Token == first.Token {
		t.Fatalf("another key reused a token: %v %v", other, err)
	}
	if n := issueRequests(t); n != 2 {
		t.Fatalf("%d issue requests, want 2", n)
	}
	if _, err := c.Tokens.Issue(ctx, IssueTokenRequest{AgentID: a.ID, Scope: []string{"files:read"}}, WithUseCache(false)); err != nil {
		t.Fatal(err)
	}
	if _, err := NewClient(WithBaseURL(mockURL), WithAPIKey(testKey), WithUseCache(false)).Tokens.Issue(ctx, IssueTokenRequest{AgentID: a.ID, Scope: []string{"files:read"}}); err != nil {
		t.Fatal(err)
	}
	if n := issueRequests(t); n != 4 {
		t.Fatalf("%d issue requests, want 4 (the opted-out calls are not cached)", n)
	}
}

func TestTokenCacheRenewsBeforeExpiry(t *testing.T) {
	ctx := context.Background()
	c := testClient()
	a := newCachedAgent(t, c)
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	c.cfg.cache.now = func() time.Time { return time.Unix(0, now.Load()) }
	req := IssueTokenRequest{AgentID: a.ID, Scope: []string{"files:read"}, TTL: 300}
	first, err := c.Tokens.Issue(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	now.Add(int64(269 * time.Second)) // 300 s minus the 30 s margin, less a second
	if again, _ := c.Tokens.Issue(ctx, req); again == nil || again.Token != first.Token {
		t.Fatal("renewed too early")
	}
	now.Add(int64(2 * time.Second))
	if again, _ := c.Tokens.Issue(ctx, req); again == nil || again.Token == first.Token {
		t.Fatal("not renewed within the margin before expiry")
	}
}

func TestTokenCacheEvictsOnRevoke(t *testing.T) {
	ctx := context.Background()
	c := testClient()
	a := newCachedAgent(t, c)
	req := IssueTokenRequest{AgentID: a.ID, Scope: []string{"files:read"}}
	first, err := c.Tokens.Issue(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Tokens.Revoke(ctx, first.Token, ""); err != nil {
		t.Fatal(err)
	}
	second, err := c.Tokens.Issue(ctx, req)
	if err != nil || second.Token == first.Token {
		t.Fatalf("a revoked token was handed out again: %v", err)
	}
	if _, err := c.Agents.Revoke(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if c.cfg.cache.len() != 0 {
		t.Fatal("the revoked agent's token is still cached")
	}
	if _, err := c.Tokens.Issue(ctx, req); err == nil {
		t.Fatal("a revoked agent got a token")
	}
}

func TestTokenCacheOneRequestPerKeyConcurrently(t *testing.T) {
	ctx := context.Background()
	c := testClient()
	a := newCachedAgent(t, c)
	var wg sync.WaitGroup
	tokens := make([]string, 16)
	for i := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := c.Tokens.Issue(ctx, IssueTokenRequest{AgentID: a.ID, Scope: []string{"files:read"}})
			if err != nil {
				t.Error(err)
				return
			}
			tokens[i] = tok.Token
		}()
	}
	wg.Wait()
	for _, tok := range tokens {
		if tok != tokens[0] {
			t.Fatal("concurrent callers got different tokens")
		}
	}
	if n := issueRequests(t); n != 1 {
		t.Fatalf("%d issue requests for one key, want 1", n)
	}
	// An eviction while a request is in flight keeps its answer out of the cache.
	rc := newResponseCache()
	release := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = cachedCall(ctx, &operation{}, rc, "k", func(context.Context) (*Token, error) {
			<-release
			return &Token{Token: "t", AgentID: "a", ExpiresAt: time.Now().Add(time.Hour)}, nil
		}, func(v *Token) (time.Time, time.Time, map[string]string) {
			return time.Time{}, v.ExpiresAt, map[string]string{"agent_id": v.AgentID}
		})
	}()
	time.Sleep(10 * time.Millisecond)
	rc.evict("agent_id", "a")
	close(release)
	<-done
	if rc.len() != 0 {
		t.Fatal("an answer fetched across an eviction was cached")
	}
}

func TestTokenCacheWaiterStopsAtItsContext(t *testing.T) {
	rc := newResponseCache()
	release := make(chan struct{})
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := cachedCall(ctx, &operation{method: "POST", path: "/v1/tokens"}, rc, "k", func(context.Context) (*Token, error) {
		<-release
		return nil, newError(ErrorCodeInternalError, "late")
	}, func(v *Token) (time.Time, time.Time, map[string]string) { return time.Time{}, v.ExpiresAt, nil })
	if !IsCode(err, ErrorCodeTimeout) {
		t.Fatalf("got %v, want TIMEOUT", err)
	}
}

func TestTokenCacheMeasuresLifetimeOnTheGatewaysClock(t *testing.T) {
	// The gateway's clock is an hour behind ours: by our clock the token expired long ago, but
	// it lives ten minutes from issued_at, so it is cached.
	rc := newResponseCache()
	issued := time.Now().Add(-time.Hour)
	fetches := 0
	for range 2 {
		_, err := cachedCall(context.Background(), &operation{}, rc, "k", func(context.Context) (*Token, error) {
			fetches++
			return &Token{Token: "t", IssuedAt: issued, ExpiresAt: issued.Add(10 * time.Minute)}, nil
		}, func(v *Token) (time.Time, time.Time, map[string]string) { return v.IssuedAt, v.ExpiresAt, nil })
		if err != nil {
			t.Fatal(err)
		}
	}
	if fetches != 1 {
		t.Fatalf("fetched %d times, want 1 (lifetime measured from issued_at)", fetches)
	}
}
