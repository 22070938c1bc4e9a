package ati

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The defaults and polish of issue 15: base URL and key from the environment, the missing-key
// rule, AGENTTRUST_LOG and WithLogger, WithResponseInto, the error classes.

// syncBuffer is a bytes.Buffer safe for the telemetry goroutine and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// captureLog points the stderr sink at a buffer for the test.
func captureLog(t *testing.T) *syncBuffer {
	t.Helper()
	buf := &syncBuffer{}
	logOutputMu.Lock()
	prev := logOutput
	logOutput = buf
	logOutputMu.Unlock()
	t.Cleanup(func() {
		logOutputMu.Lock()
		logOutput = prev
		logOutputMu.Unlock()
	})
	return buf
}

// counting is a server that answers every request with status and body, the X-Request-Id
// "req_fixed", and counts the requests.
func counting(t *testing.T, status int, body string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req_fixed")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestBaseURLFromArgumentEnvOrDefault(t *testing.T) {
	t.Setenv(EnvURL, "")
	t.Setenv(EnvBaseURL, "")
	if got := NewClient().BaseURL(); got != DefaultBaseURL {
		t.Fatalf("default: %q", got)
	}
	t.Setenv(EnvBaseURL, "http://base.example:1")
	if got := NewClient().BaseURL(); got != "http://base.example:1" {
		t.Fatalf("AGENTTRUST_BASE_URL: %q", got)
	}
	t.Setenv(EnvURL, "http://url.example:2/")
	for name, c := range map[string]*Client{"NewClient": NewClient(), "FromEnv": FromEnv(WithAPIKey("k"))} {
		if got := c.BaseURL(); got != "http://url.example:2" {
			t.Fatalf("%s: AGENTTRUST_URL first: %q", name, got)
		}
	}
	// The argument wins, even over an environment value that is not a URL.
	t.Setenv(EnvURL, "not a url")
	c := NewClient(WithBaseURL("http://arg.example:3"))
	if c.BaseURL() != "http://arg.example:3" || c.Err() != nil {
		t.Fatalf("argument: %q %v", c.BaseURL(), c.Err())
	}
	// An empty variable is unset.
	t.Setenv(EnvURL, "")
	if got := NewClient().BaseURL(); got != "http://base.example:1" {
		t.Fatalf("an empty AGENTTRUST_URL was not skipped: %q", got)
	}
}

func TestMissingKeyRule(t *testing.T) {
	srv, sent := counting(t, 200, `{"status":"healthy"}`)
	ctx := context.Background()
	t.Setenv(EnvAPIKey, "")

	// FromEnv without a key: a ConfigurationError naming the variable, for every call.
	c := FromEnv(WithBaseURL(srv.URL))
	var ce *ConfigurationError
	if !errors.As(c.Err(), &ce) || ce.Code != ErrorCodeValidationError || ce.Details["field"] != "api_key" ||
		!strings.Contains(ce.Message, "AGENTTRUST_API_KEY") || ce.Status != 0 {
		t.Fatalf("FromEnv without a key: %#v", c.Err())
	}
	if _, err := c.Health(ctx); !errors.As(err, &ce) {
		t.Fatalf("FromEnv client's call: %v", err)
	}

	if sent.Load() != 0 {
		t.Fatalf("%d requests sent", sent.Load())
	}

	// NewClient without a key: public operations go out, the others fail before sending.
	resetMock(t)
	agent := mustAgent(t, testClient(), "web:search")
	if _, err := testClient().AgentCards.Publish(ctx, agent.ID); err != nil {
		t.Fatal(err)
	}
	mockAdmin(t, "DELETE", "/__mock/requests", nil, nil)
	c = NewClient(WithBaseURL(mockURL))
	if c.Err() != nil {
		t.Fatal(c.Err())
	}
	if _, err := c.AgentCards.GetPublic(ctx, agent.ID); err != nil {
		t.Fatalf("public operation: %v", err)
	}
	for _, call := range []func() error{
		func() error { _, err := c.Agents.List(ctx); return err },
		func() error { _, err := c.Health(ctx); return err },
	} {
		err := call()
		if !errors.As(err, &ce) || ce.Details["field"] != "api_key" || ce.Status != 0 ||
			!strings.Contains(ce.Message, "no API key: pass ati.WithAPIKey or set AGENTTRUST_API_KEY") {
			t.Fatalf("auth operation without a key: %v", err)
		}
	}
	var journal []map[string]any
	mockAdmin(t, "GET", "/__mock/requests", nil, &journal)
	if len(journal) != 1 {
		t.Fatalf("%d requests reached the mock, want only the public one", len(journal))
	}

	// The environment's key is taken by NewClient too; an explicit empty key is an error.
	t.Setenv(EnvAPIKey, "sk_from_env")
	if NewClient().cfg.apiKey != "sk_from_env" {
		t.Fatal("NewClient ignored AGENTTRUST_API_KEY")
	}
	if !errors.As(NewClient(WithAPIKey("")).Err(), &ce) || ce.Details["field"] != "api_key" {
		t.Fatal("an explicit empty key was accepted")
	}
}

func TestErrorClassesPerStatus(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		status int
		body   string
		check  func(error) bool
		code   ErrorCode
	}{
		{400, `{"code":"VALIDATION_ERROR","message":"bad","details":{"field":"name"}}`, func(e error) bool { var x *ValidationError; return errors.As(e, &x) }, ErrorCodeValidationError},
		{401, `{"message":"no"}`, func(e error) bool { var x *AuthenticationError; return errors.As(e, &x) }, ErrorCodeAuthFailed},
		{403, `{"message":"no"}`, func(e error) bool { var x *AuthorizationError; return errors.As(e, &x) }, ErrorCodeAuthDenied},
		{404, `{"message":"gone"}`, func(e error) bool { var x *NotFoundError; return errors.As(e, &x) }, ErrorCodeNotFound},
		{409, `{"message":"taken"}`, func(e error) bool { var x *ConflictError; return errors.As(e, &x) }, ErrorCodeConflict},
		{429, `{"message":"slow down"}`, func(e error) bool { var x *RateLimitError; return errors.As(e, &x) }, ErrorCodeRateLimited},
		{500, `oops`, func(e error) bool { var x *InternalServerError; return errors.As(e, &x) }, ErrorCodeInternalError},
		{503, `{}`, func(e error) bool { var x *InternalServerError; return errors.As(e, &x) }, ErrorCodeGuardianUnavailable},
		{401, `{"code":"TOKEN_EXPIRED","message":"expired"}`, func(e error) bool { var x *TokenExpiredError; return errors.As(e, &x) }, ErrorCodeTokenExpired},
		{403, `{"code":"AGENT_REVOKED","message":"revoked"}`, func(e error) bool { var x *AgentRevokedError; return errors.As(e, &x) }, ErrorCodeAgentRevoked},
	}
	for _, tc := range cases {
		srv, _ := counting(t, tc.status, tc.body)
		_, err := NewClient(WithBaseURL(srv.URL), WithAPIKey("k"), WithMaxRetries(0)).Agents.Get(ctx, "a1")
		var ae *AgentTrustError
		if !tc.check(err) || !errors.As(err, &ae) {
			t.Errorf("%d %s: %T %v", tc.status, tc.body, err, err)
			continue
		}
		if ae.Status != tc.status || ae.Code != tc.code || ae.RequestID != "req_fixed" || ae.Message == "" {
			t.Errorf("%d: %+v", tc.status, ae)
		}
	}
	// A timeout is a *TimeoutError, and a *NetworkError too.
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(slow.Close)
	_, err := NewClient(WithBaseURL(slow.URL), WithTimeout(20*time.Millisecond), WithMaxRetries(0)).Health(ctx)
	var te *TimeoutError
	var ne *NetworkError
	if !errors.As(err, &te) || !errors.As(err, &ne) || te.Code != ErrorCodeTimeout {
		t.Fatalf("timeout: %T %v", err, err)
	}
	// A refused connection is a *NetworkError, not a timeout.
	_, err = NewClient(WithBaseURL("http://127.0.0.1:1"), WithMaxRetries(0)).Health(ctx)
	if !errors.As(err, &ne) || errors.As(err, &te) {
		t.Fatalf("refused: %T %v", err, err)
	}
}

func TestWithResponseInto(t *testing.T) {
	resetMock(t)
	ctx := context.Background()
	c := testClient()
	var resp Response
	agent, err := c.Agents.Create(ctx, CreateAgentRequest{Name: "raw-bot"}, WithResponseInto(&resp))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 201 || resp.RequestID == "" || resp.Header.Get("X-Request-Id") != resp.RequestID {
		t.Fatalf("create: %+v", resp)
	}
	var got []map[string]any
	mockAdmin(t, "GET", "/__mock/requests", nil, &got)
	if len(got) != 1 {
		t.Fatalf("%d requests for one call", len(got))
	}
	resp = Response{}
	if _, err := c.Agents.Get(ctx, agent.ID, WithResponseInto(&resp)); err != nil || resp.StatusCode != 200 || resp.RequestID == "" {
		t.Fatalf("get: %+v %v", resp, err)
	}
	// An error answer fills it too; its request id is the error's.
	resp = Response{}
	_, err = c.Agents.Get(ctx, "agent_missing", WithResponseInto(&resp))
	var nf *NotFoundError
	if !errors.As(err, &nf) || resp.StatusCode != 404 || resp.RequestID != nf.RequestID {
		t.Fatalf("404: %+v %v", resp, err)
	}
	// A gateway that sends no X-Request-Id: the id is empty.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"status":"healthy"}`))
	}))
	t.Cleanup(srv.Close)
	resp = Response{RequestID: "stale"}
	if _, err := NewClient(WithBaseURL(srv.URL)).Health(ctx, WithResponseInto(&resp)); err != nil || resp.RequestID != "" || resp.StatusCode != 200 {
		t.Fatalf("no request id: %+v %v", resp, err)
	}
}

func TestLogDebugRedactsSecrets(t *testing.T) {
	resetMock(t)
	ctx := context.Background()
	setup := testClient()
	agent := mustAgent(t, setup, "web:search")
	setSecurity(t, setup, false, true)
	t.Cleanup(func() { setSecurity(t, setup, false, false) })

	t.Setenv(EnvLog, "DEBUG")
	logged := captureLog(t)
	c := testClient(WithKeyStore(setup.cfg.keyStore))
	creds, err := NewAgentCredentials(c, agent.ID)
	if err != nil {
		t.Fatal(err)
	}
	req := ActionCheckRequest{AgentID: agent.ID, ToolName: "web_search", ActionEffect: ActionEffectRead}
	if _, err := c.Actions.Check(ctx, req, WithAgentCredentials(creds)); err != nil {
		t.Fatal(err)
	}
	out := logged.String()
	if !strings.Contains(out, "agenttrustid debug http request method=POST path=/api/v1/agenttrust/check status=200 ") ||
		!strings.Contains(out, " attempt=1 request_id=") {
		t.Fatalf("no request line:\n%s", out)
	}
	h, _ := creds.Headers(ctx, "POST", mockURL+"/x")
	assertNoSecret(t, "the debug log", out, testKey, strings.TrimPrefix(h.Get("Authorization"), "Bearer "), h.Get("DPoP"), "Bearer", "PRIVATE KEY", "web_search")
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(line, "agenttrustid ") {
			t.Fatalf("a line without the prefix: %q", line)
		}
	}
}

func TestLogLevelsAndEvents(t *testing.T) {
	ctx := context.Background()
	var calls atomic.Int64
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(503)
			return
		}
		w.WriteHeader(404)
		_, _ = w.Write([]byte(`{"message":"no such agent"}`))
	}))
	t.Cleanup(flaky.Close)
	run := func() {
		calls.Store(0)
		_, _ = NewClient(WithBaseURL(flaky.URL), WithAPIKey("sk_secret_key"), WithRetryDelay(time.Millisecond, time.Millisecond)).Agents.Get(ctx, "a1")
	}

	t.Setenv(EnvLog, "")
	logged := captureLog(t)
	run()
	if logged.String() != "" {
		t.Fatalf("logging is off by default, got %q", logged.String())
	}

	t.Setenv(EnvLog, "Info")
	run()
	out := logged.String()
	if !strings.Contains(out, "agenttrustid info retrying method=GET path=/api/v1/agents/a1 attempt=2 delay_ms=") ||
		!strings.Contains(out, " reason=\"HTTP 503\"") ||
		!strings.Contains(out, "agenttrustid error call failed operation=getAgent class=NotFoundError code=NOT_FOUND status=404") ||
		strings.Contains(out, "debug") || strings.Contains(out, "no such agent") || strings.Contains(out, "sk_secret_key") {
		t.Fatalf("info:\n%s", out)
	}

	// An unknown value: off, and one warning naming the variable and the levels.
	logged = captureLog(t)
	t.Setenv(EnvLog, "loud")
	run()
	run()
	out = logged.String()
	if strings.Count(out, "\n") != 1 || !strings.Contains(out, "AGENTTRUST_LOG") || !strings.Contains(out, "off, error, warn, info, debug") {
		t.Fatalf("unknown level:\n%s", out)
	}

	// WithLogger: the events go to the caller's slog logger; AGENTTRUST_LOG then filters.
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	t.Setenv(EnvLog, "")
	calls.Store(0)
	_, _ = NewClient(WithBaseURL(flaky.URL), WithAPIKey("k"), WithLogger(logger), WithRetryDelay(time.Millisecond, time.Millisecond)).Agents.Get(ctx, "a1")
	if s := buf.String(); !strings.Contains(s, `level=DEBUG msg="http request"`) || !strings.Contains(s, "level=ERROR") || logged.String() != out {
		t.Fatalf("WithLogger:\n%s", s)
	}
	buf = syncBuffer{}
	t.Setenv(EnvLog, "error")
	calls.Store(0)
	_, _ = NewClient(WithBaseURL(flaky.URL), WithAPIKey("k"), WithLogger(logger), WithRetryDelay(time.Millisecond, time.Millisecond)).Agents.Get(ctx, "a1")
	if s := buf.String(); strings.Contains(s, "DEBUG") || strings.Contains(s, "INFO") || !strings.Contains(s, "level=ERROR") {
		t.Fatalf("WithLogger at AGENTTRUST_LOG=error:\n%s", s)
	}
}

func TestLogGuardEvents(t *testing.T) {
	resetMock(t)
	ctx := context.Background()
	t.Setenv(EnvLog, "info")
	logged := captureLog(t)

	// Fail-open: warn.
	down := NewClient(WithBaseURL("http://127.0.0.1:1"), WithAPIKey("k"), WithMaxRetries(0))
	g := NewGuard(down, "agent_1", WithFailOpen(true))
	if err := g.Check(ctx, "web_search", ""); err != nil {
		t.Fatal(err)
	}
	_ = g.Close(ctx)
	if out := logged.String(); !strings.Contains(out, "agenttrustid warn guard failed open") || !strings.Contains(out, "code=GUARDIAN_UNAVAILABLE") {
		t.Fatalf("fail-open:\n%s", out)
	}

	// A telemetry batch sent: info.
	c := testClient()
	agent := mustAgent(t, c, "web:search")
	g = NewGuard(c, agent.ID)
	g.Report("web_search", true, 12)
	if err := g.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	_ = g.Close(ctx)
	if out := logged.String(); !strings.Contains(out, "agenttrustid info telemetry batch sent events=1") {
		t.Fatalf("telemetry:\n%s", out)
	}

	// A full queue drops reports, and a batch the gateway does not take is dropped: warn.
	g = NewGuard(down, "agent_1", WithQueueCapacity(1), WithBatchSize(5))
	for range 3 {
		g.Report("web_search", true, 1)
	}
	_ = g.Flush(ctx)
	_ = g.Close(ctx)
	out := logged.String()
	if !strings.Contains(out, "agenttrustid warn telemetry reports dropped dropped=2 total_dropped=2") ||
		!strings.Contains(out, "agenttrustid warn telemetry batch failed; its reports are dropped events=1 code=NETWORK_ERROR") {
		t.Fatalf("telemetry drops:\n%s", out)
	}
}
