package ati

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// The real gateway's wire conventions (issue 17): the key in X-API-Key, split-deployment URLs,
// JSON-RPC envelopes, unwrapped envelopes, header arguments, error bodies.

// seen is one request a recording server received.
type seen struct {
	method, path string
	header       http.Header
	body         []byte
}

// recorder answers every request with status and body, and records it.
func recorder(t *testing.T, status int, body string) (*httptest.Server, func() []seen) {
	t.Helper()
	var mu sync.Mutex
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{r.Method, r.URL.Path, r.Header.Clone(), b})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, func() []seen {
		mu.Lock()
		defer mu.Unlock()
		return append([]seen(nil), got...)
	}
}

func TestAPIKeyTravelsInXAPIKey(t *testing.T) {
	srv, got := recorder(t, 200, `{"status":"healthy"}`)
	c := NewClient(WithBaseURL(srv.URL), WithAPIKey("sk_live_abc"))
	h, err := c.Health(context.Background())
	if err != nil || h.Status != "healthy" {
		t.Fatalf("health: %+v %v", h, err)
	}
	r := got()[0]
	if r.header.Get("X-API-Key") != "sk_live_abc" || r.header.Get("Authorization") != "" || r.path != "/health" {
		t.Fatalf("headers: %v", r.header)
	}
	// Without a key, an operation that needs one is not sent at all (TestMissingKeyRule).
	t.Setenv(EnvAPIKey, "") // NewClient would take the key of the environment
	var ce *ConfigurationError
	if _, err := NewClient(WithBaseURL(srv.URL)).Health(context.Background()); !errors.As(err, &ce) || len(got()) != 1 {
		t.Fatalf("no key: %v, %d requests", err, len(got()))
	}
}

func TestServiceURLs(t *testing.T) {
	gateway, atGateway := recorder(t, 200, `{"active":true}`)
	auth, atAuth := recorder(t, 200, `{"active":true}`)
	ctx := context.Background()
	intro := IntrospectTokenRequest{Token: "at_x"}

	// Without a service URL, the auth operations go to the gateway.
	if _, err := NewClient(WithBaseURL(gateway.URL)).Tokens.Introspect(ctx, intro); err != nil {
		t.Fatal(err)
	}
	if len(atGateway()) != 1 {
		t.Fatal("introspect did not go to the gateway")
	}
	// WithAuthURL routes them; other operations stay on the gateway.
	c := NewClient(WithBaseURL(gateway.URL), WithAuthURL(auth.URL+"/"))
	if _, err := c.Tokens.Introspect(ctx, intro); err != nil {
		t.Fatal(err)
	}
	if n := len(atAuth()); n != 1 || atAuth()[0].path != "/api/v1/agent-tokens/introspect" {
		t.Fatalf("auth service got %d requests", n)
	}
	// The environment names it too (FromEnv).
	t.Setenv(EnvAuthURL, auth.URL)
	t.Setenv(EnvURL, gateway.URL)
	if _, err := FromEnv().Tokens.Introspect(ctx, intro); err != nil || len(atAuth()) != 2 {
		t.Fatalf("AGENTTRUST_AUTH_URL ignored: %v", err)
	}
	// The :8081 rule of the official clients.
	t.Setenv(EnvAuthURL, "")
	cfg := NewClient(WithBaseURL("http://gw.local:8081/base")).cfg
	if cfg.serviceURL("auth") != "http://gw.local:8082/base" || cfg.serviceURL("audit") != "http://gw.local:8084/base" || cfg.serviceURL("") != "http://gw.local:8081/base" {
		t.Fatalf("derived: %s %s", cfg.serviceURL("auth"), cfg.serviceURL("audit"))
	}
	if NewClient(WithAuthURL("not a url")).cfg.err == nil {
		t.Fatal("an invalid auth URL was accepted")
	}
}

func TestFromConfig(t *testing.T) {
	srv, got := recorder(t, 200, `{"status":"healthy"}`)
	path := filepath.Join(t.TempDir(), "agenttrust.json")
	cfg := `{"base_url": "` + srv.URL + `", "auth_url": "http://auth.local:9000", "api_key": "sk_live_file", "other": 1}`
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := FromConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Health(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got()[0].header.Get("X-API-Key") != "sk_live_file" || c.cfg.serviceURL("auth") != "http://auth.local:9000" {
		t.Fatalf("config file not applied: %v", got()[0].header)
	}
	if c, _ := FromConfig(path, WithAPIKey("sk_live_opt")); string(c.cfg.apiKey) != "sk_live_opt" {
		t.Fatal("an option did not win over the file")
	}
	if _, err := FromConfig(filepath.Join(t.TempDir(), "missing.json")); !IsCode(err, ErrorCodeValidationError) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestInsecureSkipVerify(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"status":"healthy"}`))
	}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	if _, err := NewClient(WithBaseURL(srv.URL), WithMaxRetries(0)).Health(ctx); !IsCode(err, ErrorCodeNetworkError) {
		t.Fatalf("an unverified certificate was accepted: %v", err)
	}
	t.Setenv(EnvLog, "warn")
	logged := captureLog(t)
	if _, err := NewClient(WithBaseURL(srv.URL), WithInsecureSkipVerify()).Health(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logged.String(), "TLS certificate verification is off") {
		t.Fatalf("no warning: %q", logged.String())
	}
	// The shared default transport is not changed for other clients.
	if _, err := NewClient(WithBaseURL(srv.URL), WithMaxRetries(0)).Health(ctx); err == nil {
		t.Fatal("the option leaked into the shared transport")
	}
}

func TestJSONRPCEnvelopeAndCounter(t *testing.T) {
	srv, got := recorder(t, 200, `{"jsonrpc":"2.0","id":"1","result":{"tasks":[{"id":"t1","source_agent_id":"a","target_agent_id":"b","status":"completed","created_at":"2026-11-22T10:00:00Z"}]}}`)
	c := NewClient(WithBaseURL(srv.URL))
	ctx := context.Background()
	tasks, err := c.A2A.ListTasks(ctx, ListTasksParams{Limit: 50})
	if err != nil || len(tasks) != 1 || tasks[0].ID != "t1" {
		t.Fatalf("list: %+v %v", tasks, err)
	}
	if _, err := c.A2A.ListTasks(ctx, ListTasksParams{}); err != nil {
		t.Fatal(err)
	}
	var first, second map[string]any
	_ = json.Unmarshal(got()[0].body, &first)
	_ = json.Unmarshal(got()[1].body, &second)
	if first["jsonrpc"] != "2.0" || first["id"] != "1" || first["method"] != "tasks/list" || first["params"].(map[string]any)["limit"] != 50.0 {
		t.Fatalf("envelope: %v", first)
	}
	if second["id"] != "2" || len(second["params"].(map[string]any)) != 0 {
		t.Fatalf("second envelope: %v", second)
	}
}

func TestJSONRPCErrorRaises(t *testing.T) {
	srv, _ := recorder(t, 200, `{"jsonrpc":"2.0","id":"1","error":{"code":-32001,"message":"task not found"}}`)
	_, err := NewClient(WithBaseURL(srv.URL)).A2A.GetTask(context.Background(), "tsk_x")
	var ae *AgentTrustError
	if !errors.As(err, &ae) || ae.Code != ErrorCodeNotFound || ae.Message != "task not found" || ae.Details["rpc_code"] != -32001 {
		t.Fatalf("got %#v", err)
	}
}

func TestA2AAndMCPAgainstTheMock(t *testing.T) {
	resetMock(t)
	c := testClient()
	ctx := context.Background()
	src := mustAgent(t, c, "web:search")
	dst := mustAgent(t, c, "web:search")
	task, err := c.A2A.SendTask(ctx, SendTaskParams{SourceAgentID: src.ID, TargetAgentID: dst.ID,
		Message: map[string]any{"role": "user", "parts": []any{map[string]any{"kind": "text", "text": "hi"}}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.A2A.GetTask(ctx, task.ID)
	if err != nil || got.ID != task.ID {
		t.Fatalf("get: %+v %v", got, err)
	}
	if _, err := c.A2A.GetTask(ctx, "tsk_missing"); !IsCode(err, ErrorCodeNotFound) {
		t.Fatalf("missing task: %v", err)
	}
	server, err := c.MCP.RegisterServer(ctx, RegisterMCPServerRequest{Name: "code", URL: "https://mcp.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.MCP.CallTool(ctx, server.ID, "", "tools/list", nil, ""); !IsCode(err, ErrorCodeValidationError) {
		t.Fatalf("an empty agent id was sent: %v", err)
	}
	res, err := c.MCP.CallTool(ctx, server.ID, src.ID, "tools/call", map[string]any{"name": "web_search", "arguments": map[string]any{}}, "sess-1")
	if err != nil || res.Jsonrpc != "2.0" {
		t.Fatalf("call: %+v %v", res, err)
	}
	reqs := requestsOf(t, "callMcpTool")
	if len(reqs) != 1 {
		t.Fatalf("%d proxy calls recorded", len(reqs))
	}
	var body map[string]any
	_ = json.Unmarshal(reqs[0].Body, &body)
	h := map[string]string{}
	for k, v := range reqs[0].Headers {
		h[strings.ToLower(k)] = v
	}
	if h["x-agent-id"] != src.ID || h["x-session-id"] != "sess-1" || body["id"] != 1.0 || body["jsonrpc"] != "2.0" {
		t.Fatalf("proxy request: %v %v", h, body)
	}
}

func TestUnwrapAcceptsBareBodies(t *testing.T) {
	agent := `{"id":"agt_1","name":"n","org_id":"o","framework":"custom","public_key":"","status":"active","capabilities":[],"metadata":{},"created_at":"2026-11-22T10:00:00Z"}`
	for name, body := range map[string]string{"wrapped": `{"agents":[` + agent + `]}`, "bare": `[` + agent + `]`} {
		srv, _ := recorder(t, 200, body)
		agents, err := NewClient(WithBaseURL(srv.URL)).Agents.List(context.Background())
		if err != nil || len(agents) != 1 || agents[0].ID != "agt_1" {
			t.Fatalf("%s: %+v %v", name, agents, err)
		}
	}
}

func TestErrorBodies(t *testing.T) {
	cases := []struct {
		status  int
		body    string
		code    ErrorCode
		message string
	}{
		{404, `{"error":"no such agent"}`, ErrorCodeNotFound, "no such agent"},
		{403, `{"message":"agent revoked","code":"AGENT_REVOKED"}`, ErrorCodeAgentRevoked, "agent revoked"},
		{401, `{"message":"bad key","code":"SOMETHING_NEW"}`, ErrorCodeAuthFailed, "bad key"},
		{400, `{"message":"","error":"bad input"}`, ErrorCodeValidationError, "bad input"},
	}
	for _, tc := range cases {
		srv, _ := recorder(t, tc.status, tc.body)
		_, err := NewClient(WithBaseURL(srv.URL), WithMaxRetries(0)).Agents.Get(context.Background(), "agt_1")
		var ae *AgentTrustError
		if !errors.As(err, &ae) || ae.Code != tc.code || ae.Message != tc.message || ae.Status != tc.status {
			t.Errorf("%d %s: got %#v", tc.status, tc.body, err)
		}
	}
}

func TestShorthandText(t *testing.T) {
	srv, got := recorder(t, 200, `{"jsonrpc":"2.0","id":"1","result":{"id":"t","contextId":"c","status":{"state":"completed"}}}`)
	task, err := NewClient(WithBaseURL(srv.URL)).A2A.SendMessageText(context.Background(), "agt_1", `say "hi"`)
	if err != nil || task.ID != "t" {
		t.Fatalf("%+v %v", task, err)
	}
	var body struct {
		Params struct {
			Message map[string]any `json:"message"`
		} `json:"params"`
	}
	_ = json.Unmarshal(got()[0].body, &body)
	parts, _ := body.Params.Message["parts"].([]any)
	if body.Params.Message["role"] != "user" || len(parts) != 1 || parts[0].(map[string]any)["text"] != `say "hi"` || got()[0].path != "/a2a/agents/agt_1" {
		t.Fatalf("message: %v", body.Params.Message)
	}
}

// x-sdk-generate: an A2A message without an id gets a fresh UUID v4; a caller's id is kept,
// and the caller's struct is not changed.
func TestMessageIDGenerated(t *testing.T) {
	srv, got := recorder(t, 200, `{"jsonrpc":"2.0","id":"1","result":{"id":"t","contextId":"c","status":{"state":"completed"}}}`)
	c := NewClient(WithBaseURL(srv.URL))
	ctx := context.Background()
	msg := A2AMessage{Role: A2AMessageRoleUser, Parts: []A2APart{{Text: &A2ATextPart{Kind: "text", Text: "hi"}}}}
	for _, send := range []func() error{
		func() error { _, err := c.A2A.SendMessage(ctx, "agt_1", msg); return err },
		func() error { _, err := c.A2A.SendMessageText(ctx, "agt_1", "hi"); return err },
		func() error {
			own := msg
			own.MessageID = "m-1"
			_, err := c.A2A.SendMessageWith(ctx, "agt_1", SendMessageParams{Message: own})
			return err
		},
	} {
		if err := send(); err != nil {
			t.Fatal(err)
		}
	}
	if msg.MessageID != "" {
		t.Fatalf("the caller's message was changed: %q", msg.MessageID)
	}
	var ids []string
	for _, r := range got() {
		var body struct {
			Params struct {
				Message struct {
					MessageID string `json:"messageId"`
				} `json:"message"`
			} `json:"params"`
		}
		if err := json.Unmarshal(r.body, &body); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, body.Params.Message.MessageID)
	}
	uuid4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !uuid4.MatchString(ids[0]) || !uuid4.MatchString(ids[1]) || ids[0] == ids[1] || ids[2] != "m-1" {
		t.Fatalf("message ids: %q", ids)
	}
}
