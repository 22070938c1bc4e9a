package ati

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// addFault injects a mock fault; the spec uses snake_case keys.
func addFault(t *testing.T, fault map[string]any) {
	t.Helper()
	mockAdmin(t, "POST", "/__mock/faults", fault, nil)
}

type recorded struct {
	Method      string            `json:"method"`
	Path        string            `json:"path"`
	OperationID string            `json:"operation_id"`
	Headers     map[string]string `json:"headers"`
	Body        json.RawMessage   `json:"body"`
}

func requestsOf(t *testing.T, operationID string) []recorded {
	t.Helper()
	var all []recorded
	mockAdmin(t, "GET", "/__mock/requests", nil, &all)
	var out []recorded
	for _, r := range all {
		if r.OperationID == operationID {
			out = append(out, r)
		}
	}
	return out
}

// closedURL is a loopback URL nothing listens on (connection refused).
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + l.Addr().String()
	_ = l.Close()
	return u
}

func mustAgent(t *testing.T, c *Client, capabilities ...string) *Agent {
	t.Helper()
	a, err := c.Agents.Create(context.Background(), CreateAgentRequest{Name: "test-bot", Capabilities: capabilities})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestFromEnv(t *testing.T) {
	resetMock(t)
	t.Setenv(EnvURL, "")
	t.Setenv(EnvBaseURL, mockURL+"/")
	t.Setenv(EnvAPIKey, testKey)
	c := FromEnv()
	if c.BaseURL() != mockURL {
		t.Fatalf("BaseURL %q, want %q (trailing slash trimmed)", c.BaseURL(), mockURL)
	}
	if _, err := c.Agents.List(context.Background()); err != nil {
		t.Fatal(err)
	}
	// AGENTTRUST_URL wins over AGENTTRUST_BASE_URL; explicit options win over both.
	t.Setenv(EnvURL, "http://127.0.0.1:1")
	if got := FromEnv().BaseURL(); got != "http://127.0.0.1:1" {
		t.Fatalf("AGENTTRUST_URL ignored: %q", got)
	}
	if got := FromEnv(WithBaseURL(mockURL)).BaseURL(); got != mockURL {
		t.Fatalf("option did not win over the environment: %q", got)
	}
	// Without a key, FromEnv is a ConfigurationError (see TestMissingKeyRule).
	t.Setenv(EnvAPIKey, "")
	_, err := FromEnv(WithBaseURL(mockURL)).Agents.List(context.Background())
	var ce *ConfigurationError
	if !errors.As(err, &ce) {
		t.Fatalf("no key: %v, want a *ConfigurationError", err)
	}
}

func TestInvalidOptionsAreValidationErrors(t *testing.T) {
	for name, opt := range map[string]Option{
		"base url":    WithBaseURL("not a url"),
		"ftp url":     WithBaseURL("ftp://example.com"),
		"retries":     WithMaxRetries(-1),
		"timeout":     WithTimeout(-time.Second),
		"http client": WithHTTPClient(nil),
		"retry delay": WithRetryDelay(time.Second, time.Millisecond),
	} {
		_, err := NewClient(opt).Agents.List(context.Background())
		if !IsCode(err, ErrorCodeValidationError) {
			t.Errorf("%s: %v, want VALIDATION_ERROR", name, err)
		}
	}
	// An empty path parameter is refused before any request.
	_, err := testClient().Agents.Get(context.Background(), "")
	var ae *AgentTrustError
	if !errors.As(err, &ae) || ae.Code != ErrorCodeValidationError || ae.Details["field"] != "agent_id" || ae.Status != 0 {
		t.Fatalf("empty agent id: %#v", err)
	}
	var nilCtx context.Context
	if _, err := testClient().Agents.List(nilCtx); !IsCode(err, ErrorCodeValidationError) {
		t.Fatalf("nil ctx: %v", err)
	}
}

func TestAPIKeyNeverPrinted(t *testing.T) {
	resetMock(t)
	c := testClient()
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s %q", c, c, c, c, c), c.String()} {
		if strings.Contains(s, testKey) {
			t.Fatalf("client printed its key: %s", s)
		}
	}
	if data, _ := json.Marshal(c); strings.Contains(string(data), testKey) {
		t.Fatalf("client JSON shows its key: %s", data)
	}
	// Errors from the gateway and from the network.
	_, err1 := c.Agents.Get(context.Background(), "agt_missing")
	_, err2 := NewClient(WithBaseURL(closedURL(t)), WithAPIKey(testKey), WithMaxRetries(0)).Agents.List(context.Background())
	for _, err := range []error{err1, err2} {
		if err == nil {
			t.Fatal("want an error")
		}
		if s := fmt.Sprintf("%v %+v %#v", err, err, err); strings.Contains(s, testKey) {
			t.Fatalf("error shows the key: %s", s)
		}
	}
	// Secret fields of a response are masked when printed, yet readable.
	tok, err := c.Tokens.Issue(context.Background(), IssueTokenRequest{AgentID: mustAgent(t, c, "files:read").ID, Scope: []string{"files:read"}, TTL: 300})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Token == "" || strings.Contains(fmt.Sprintf("%v %+v %#v", tok, *tok, tok), tok.Token) {
		t.Fatalf("token printed: %+v", tok)
	}
}

func TestErrorsAs(t *testing.T) {
	resetMock(t)
	c := testClient()
	_, err := c.Agents.Get(context.Background(), "agt_missing")
	var ae *AgentTrustError
	if !errors.As(err, &ae) {
		t.Fatalf("%T is not an *AgentTrustError", err)
	}
	if ae.Code != ErrorCodeNotFound || ae.Status != http.StatusNotFound || ae.RequestID == "" || ae.Message == "" {
		t.Fatalf("404: %+v", ae)
	}
	var ne *NetworkError
	if errors.As(err, &ne) {
		t.Fatal("a 404 is not a NetworkError")
	}

	_, err = NewClient(WithBaseURL(closedURL(t)), WithMaxRetries(0)).Agents.List(context.Background())
	if !errors.As(err, &ne) || ne.Code != ErrorCodeNetworkError || ne.Status != 0 {
		t.Fatalf("refused: %#v", err)
	}
	if !errors.As(err, &ae) || ae.Code != ErrorCodeNetworkError {
		t.Fatal("a NetworkError must match *AgentTrustError too")
	}
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Fatalf("the net/http cause is not kept: %v", err)
	}
}

func TestContextCancellation(t *testing.T) {
	resetMock(t)
	c := testClient()
	addFault(t, map[string]any{"operation": "listAgents", "kind": "latency", "latency_ms": 3000, "times": 1})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Agents.List(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !IsCode(err, ErrorCodeTimeout) {
		t.Fatalf("deadline: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("the call outlived its context by %v", d)
	}

	// A cancel during the wait between retries ends the call at once.
	resetMock(t)
	addFault(t, map[string]any{"operation": "listAgents", "kind": "status", "status": 503, "retry_after": 30, "times": 3})
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(150*time.Millisecond, cancel)
	start = time.Now()
	_, err = c.Agents.List(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancel: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Retry-After outlived the cancel: %v", d)
	}
}

func TestTimeoutIsNotRetried(t *testing.T) {
	resetMock(t)
	addFault(t, map[string]any{"operation": "listAgents", "kind": "latency", "latency_ms": 1000, "times": 1})
	_, err := testClient(WithTimeout(100 * time.Millisecond)).Agents.List(context.Background())
	var ne *NetworkError
	if !errors.As(err, &ne) || ne.Code != ErrorCodeTimeout {
		t.Fatalf("want a TIMEOUT NetworkError, got %v", err)
	}
	if n := len(requestsOf(t, "listAgents")); n != 1 {
		t.Fatalf("%d requests, want 1 (timeouts are not retried)", n)
	}
}

func TestRetriesReuseIdempotencyKey(t *testing.T) {
	resetMock(t)
	addFault(t, map[string]any{"operation": "createAgent", "kind": "status", "status": 500, "times": 2})
	if _, err := testClient().Agents.Create(context.Background(), CreateAgentRequest{Name: "retry-bot"}); err != nil {
		t.Fatal(err)
	}
	reqs := requestsOf(t, "createAgent")
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	key := reqs[0].Headers["idempotency-key"]
	if len(key) != 36 {
		t.Fatalf("idempotency key %q is not a UUID", key)
	}
	for _, r := range reqs {
		if r.Headers["idempotency-key"] != key {
			t.Fatalf("retry changed the key: %q vs %q", r.Headers["idempotency-key"], key)
		}
	}
	// A new call gets a new key; an explicit key is sent as is.
	if _, err := testClient().Agents.Create(context.Background(), CreateAgentRequest{Name: "b"}, WithIdempotencyKey("my-key")); err != nil {
		t.Fatal(err)
	}
	reqs = requestsOf(t, "createAgent")
	if got := reqs[len(reqs)-1].Headers["idempotency-key"]; got != "my-key" {
		t.Fatalf("explicit key: %q", got)
	}
	// Retries give up after max retries with the gateway's error.
	resetMock(t)
	addFault(t, map[string]any{"operation": "listAgents", "kind": "status", "status": 502, "times": 5})
	_, err := testClient(WithMaxRetries(1)).Agents.List(context.Background())
	var ae *AgentTrustError
	if !errors.As(err, &ae) || ae.Status != 502 || ae.Code != ErrorCodeInternalError {
		t.Fatalf("after retries: %v", err)
	}
	if n := len(requestsOf(t, "listAgents")); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}

func TestConcurrentUse(t *testing.T) {
	resetMock(t)
	c := testClient()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			a, err := c.Agents.Create(context.Background(), CreateAgentRequest{Name: fmt.Sprintf("bot-%d", i), Capabilities: []string{"web:search"}})
			if err != nil {
				errs <- err
				return
			}
			per := c.With(WithTimeout(5 * time.Second))
			if got, err := per.Agents.Get(context.Background(), a.ID); err != nil || got.Name != a.Name {
				errs <- fmt.Errorf("get %s: %v", a.ID, err)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	agents, err := c.Agents.List(context.Background())
	if err != nil || len(agents) != 16 {
		t.Fatalf("list: %d agents, %v", len(agents), err)
	}
}

func TestOptionalNullableAndEnums(t *testing.T) {
	resetMock(t)
	c := testClient()
	a, err := c.Agents.Create(context.Background(), CreateAgentRequest{Name: "n", Metadata: map[string]any{"camelCase": map[string]any{"innerKey": 1.5}}})
	if err != nil {
		t.Fatal(err)
	}
	if !a.RevokedAt.IsZero() || a.RevocationReason != "" {
		t.Fatalf("absent members decoded as values: %+v", a)
	}
	if inner, _ := a.Metadata["camelCase"].(map[string]any); inner["innerKey"] != 1.5 {
		t.Fatalf("metadata keys changed: %v", a.Metadata)
	}
	if a.Status != AgentStatusActive || !a.Status.IsKnown() || AgentStatus("archived").IsKnown() {
		t.Fatal("enum")
	}
	r, err := c.Agents.RevokeWith(context.Background(), a.ID, RevokeAgentRequest{Reason: "compromised"})
	if err != nil {
		t.Fatal(err)
	}
	if r.RevocationReason != "compromised" || r.RevokedAt.IsZero() {
		t.Fatalf("revoked: %+v", r)
	}
	// An optional boolean whose zero is meaningful is a pointer: false is sent, nil is not.
	d, err := c.Streaming.Create(context.Background(), CreateSIEMDestinationRequest{Name: "s", DestinationType: "splunk", EndpointURL: "https://splunk.example.com"})
	if err != nil || !d.IsActive {
		t.Fatalf("create: %+v %v", d, err)
	}
	d, err = c.Streaming.UpdateWith(context.Background(), d.ID, UpdateSIEMDestinationRequest{IsActive: Ptr(false)})
	if err != nil || d.IsActive {
		t.Fatalf("is_active false was not sent: %+v %v", d, err)
	}
	d, err = c.Streaming.UpdateWith(context.Background(), d.ID, UpdateSIEMDestinationRequest{Name: "renamed"})
	if err != nil || d.IsActive || d.Name != "renamed" {
		t.Fatalf("a nil pointer was sent: %+v %v", d, err)
	}
}

func TestA2APartsRoundTrip(t *testing.T) {
	resetMock(t)
	c := testClient()
	target := mustAgent(t, c, "web:search")
	task, err := c.A2A.SendMessage(context.Background(), target.ID, A2AMessage{
		Role: A2AMessageRoleUser,
		Parts: []A2APart{
			NewA2APartText(A2ATextPart{Text: "find papers"}),
			NewA2APartData(A2ADataPart{Data: map[string]any{"maxResults": 3.0, "nested_key": map[string]any{"camelCase": true}}}),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	parts := task.History[0].Parts
	if len(parts) != 2 || parts[0].Text == nil || parts[0].Text.Text != "find papers" || parts[0].Kind() != "text" {
		t.Fatalf("text part: %+v", parts)
	}
	if parts[1].Data == nil || parts[1].Data.Data["maxResults"] != 3.0 || parts[1].Data.Data["nested_key"].(map[string]any)["camelCase"] != true {
		t.Fatalf("data part keys changed: %+v", parts[1].Data)
	}
	// A part of a kind this SDK does not know is kept and encodes back unchanged.
	var p A2APart
	in := `{"kind":"file","file":{"uri":"s3://x"}}`
	if err := json.Unmarshal([]byte(in), &p); err != nil || p.Kind() != "file" || p.Text != nil || p.Data != nil {
		t.Fatalf("unknown kind: %v %+v", err, p)
	}
	if out, err := json.Marshal(p); err != nil || string(out) != in {
		t.Fatalf("unknown kind round trip: %s %v", out, err)
	}
	if _, err := json.Marshal(A2APart{}); err == nil {
		t.Fatal("an empty part must not encode")
	}
}

func TestEveryResourceIsWired(t *testing.T) {
	c := NewClient()
	for name, svc := range map[string]any{"Agents": c.Agents, "Tokens": c.Tokens, "Actions": c.Actions, "Telemetry": c.Telemetry,
		"Sessions": c.Sessions, "Approvals": c.Approvals, "MCP": c.MCP, "AgentCards": c.AgentCards, "A2A": c.A2A,
		"Delegations": c.Delegations, "Federation": c.Federation, "Streaming": c.Streaming} {
		if svc == nil {
			t.Errorf("client.%s is nil", name)
		}
	}
}
