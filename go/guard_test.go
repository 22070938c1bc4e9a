package ati

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

func TestGuardDenyAndBlockOnDeny(t *testing.T) {
	resetMock(t)
	c := testClient()
	agent := mustAgent(t, c, "web:search")
	ctx := context.Background()

	g := NewGuard(c, agent.ID)
	if err := g.Check(ctx, "web_search", "q"); err != nil {
		t.Fatalf("allowed tool: %v", err)
	}
	err := g.Check(ctx, "send_email", "q", CheckEffect(ActionEffectMutating))
	var ae *AgentTrustError
	if !errors.As(err, &ae) || ae.Code != ErrorCodeActionDenied || ae.Details["rule"] != "no_capability" || ae.Details["check_id"] == "" || ae.Status != 0 {
		t.Fatalf("denied: %#v", err)
	}
	var ee *ElevationRequiredError
	if errors.As(err, &ee) {
		t.Fatal("a denial is not an elevation")
	}

	// With blockOnDeny off, a denial is a decision, not an error.
	soft := NewGuard(c, agent.ID, WithBlockOnDeny(false))
	if err := soft.Check(ctx, "send_email", ""); err != nil {
		t.Fatalf("blockOnDeny(false): %v", err)
	}
	d, err := soft.Decide(ctx, "send_email", "")
	if err != nil || d.Allowed || d.FailedOpen || d.Rule != DecisionRuleNoCapability {
		t.Fatalf("decision: %+v %v", d, err)
	}
	if s := soft.Stats(); s.Checks.Total != 2 || s.Checks.Denied != 2 {
		t.Fatalf("stats: %+v", s.Checks)
	}
	// Bad input is a VALIDATION_ERROR, never a request.
	if err := g.Check(ctx, "", "x"); !IsCode(err, ErrorCodeValidationError) {
		t.Fatalf("empty tool: %v", err)
	}
	if err := g.CheckWithEffect(ctx, "t", "x", "explode"); !IsCode(err, ErrorCodeValidationError) {
		t.Fatalf("bad effect: %v", err)
	}
	if err := NewGuard(nil, "").Check(ctx, "t", ""); !IsCode(err, ErrorCodeValidationError) {
		t.Fatalf("nil client: %v", err)
	}
}

// The wire's decision has no retryable: the guard derives it, true for a suspended agent (an
// admin can reactivate it) and a pending elevation, false for every other denial.
func TestGuardRetryableDerivedFromTheDecision(t *testing.T) {
	resetMock(t)
	c := testClient()
	agent := mustAgent(t, c, "web:search", "db:*")
	ctx := context.Background()
	g := NewGuard(c, agent.ID)
	defer g.Close(ctx)

	var ae *AgentTrustError
	err := g.Check(ctx, "send_email", "", CheckEffect(ActionEffectMutating))
	if !errors.As(err, &ae) || ae.Details["rule"] != "no_capability" || ae.Details["retryable"] != false {
		t.Fatalf("no_capability: %#v", err)
	}
	mockAdmin(t, "POST", "/__mock/agents/"+agent.ID+"/status", map[string]string{"status": "suspended"}, nil)
	err = g.Check(ctx, "web_search", "")
	if !errors.As(err, &ae) || ae.Details["rule"] != "agent_suspended" || ae.Details["retryable"] != true {
		t.Fatalf("agent_suspended: %#v", err)
	}

	soft := NewGuard(c, agent.ID, WithBlockOnDeny(false))
	defer soft.Close(ctx)
	d, err := soft.Decide(ctx, "web_search", "")
	if err != nil || d.Allowed || !d.Retryable {
		t.Fatalf("suspended decision: %+v %v", d, err)
	}
	if data, _ := json.Marshal(d); !strings.Contains(string(data), `"retryable":true`) {
		t.Fatalf("decision JSON: %s", data)
	}
	mockAdmin(t, "POST", "/__mock/agents/"+agent.ID+"/status", map[string]string{"status": "active"}, nil)
	d, err = soft.Decide(ctx, "web_search", "")
	if err != nil || !d.Allowed || d.Retryable {
		t.Fatalf("allowed decision: %+v %v", d, err)
	}
	if data, _ := json.Marshal(d); strings.Contains(string(data), "retryable") {
		t.Fatalf("an allowed decision has no retryable: %s", data)
	}
	d, err = soft.Decide(ctx, "send_email", "", CheckEffect(ActionEffectMutating))
	if err != nil || d.Allowed || d.Retryable {
		t.Fatalf("no_capability decision: %+v %v", d, err)
	}
	if data, _ := json.Marshal(d); !strings.Contains(string(data), `"retryable":false`) {
		t.Fatalf("decision JSON: %s", data)
	}
	d, err = soft.Decide(ctx, "db_delete", "", CheckEffect(ActionEffectDestructive))
	if err != nil || !d.ElevationRequired || !d.Retryable {
		t.Fatalf("pending elevation: %+v %v", d, err)
	}
}

// A session id past the check's session_id maxLength (128) is refused when the guard is created,
// instead of every check failing with a 400.
func TestGuardSessionIDLimit(t *testing.T) {
	resetMock(t)
	c := testClient()
	agent := mustAgent(t, c, "web:search")
	ctx := context.Background()
	g := NewGuard(c, agent.ID, WithSessionID(strings.Repeat("s", 129)))
	var ae *AgentTrustError
	if err := g.Err(); !errors.As(err, &ae) || ae.Code != ErrorCodeValidationError || ae.Details["field"] != "session_id" {
		t.Fatalf("Err: %#v", g.Err())
	}
	if err := g.Check(ctx, "web_search", ""); !IsCode(err, ErrorCodeValidationError) {
		t.Fatalf("check: %v", err)
	}
	var reqs []map[string]any
	mockAdmin(t, "GET", "/__mock/requests", nil, &reqs)
	for _, r := range reqs {
		if r["operation_id"] == "checkAction" {
			t.Fatal("a refused guard must not ask Guardian")
		}
	}
	ok := NewGuard(c, agent.ID, WithSessionID(strings.Repeat("é", 128))) // characters, not bytes
	defer ok.Close(ctx)
	if err := ok.Err(); err != nil {
		t.Fatal(err)
	}
	if err := ok.Check(ctx, "web_search", ""); err != nil {
		t.Fatalf("128 characters: %v", err)
	}
}

func TestGuardElevationWorkflow(t *testing.T) {
	resetMock(t)
	c := testClient()
	agent := mustAgent(t, c, "db:*")
	ctx := context.Background()
	g := NewGuard(c, agent.ID, WithActionEffect(ActionEffectDestructive))
	err := g.Check(ctx, "db_delete", "drop table users")
	var elev *ElevationRequiredError
	if !errors.As(err, &elev) || elev.ApprovalID == "" || elev.Details["approval_id"] != elev.ApprovalID {
		t.Fatalf("want ElevationRequiredError, got %#v", err)
	}
	var ae *AgentTrustError
	if !errors.As(err, &ae) || ae.Code != ErrorCodeElevationRequired {
		t.Fatal("ElevationRequiredError must match *AgentTrustError")
	}
	if err := c.Approvals.Approve(ctx, elev.ApprovalID, "admin@company.com"); err != nil {
		t.Fatal(err)
	}
	if err := g.Check(ctx, "db_delete", "drop table users"); err != nil {
		t.Fatalf("after approval: %v", err)
	}
}

func TestGuardCheckAndWait(t *testing.T) {
	resetMock(t)
	c := testClient()
	agent := mustAgent(t, c, "db:*")
	ctx := context.Background()
	var asked sync.WaitGroup
	asked.Add(1)
	g := NewGuard(c, agent.ID,
		WithApprovalWait(10*time.Second, 20*time.Millisecond, 100*time.Millisecond),
		WithApprovalHandler(func(r ApprovalRequest) {
			defer asked.Done()
			if r.ToolName != "db_delete" || r.AgentID != agent.ID {
				t.Errorf("approval request: %+v", r)
			}
			go func() { _ = c.Approvals.Approve(ctx, r.ApprovalID, "bot@company.com") }()
		}))
	d, err := g.CheckAndWait(ctx, "db_delete", "", CheckEffect(ActionEffectDestructive), CheckInput(map[string]any{"table": "users"}))
	asked.Wait()
	if err != nil || !d.Allowed {
		t.Fatalf("after approval: %+v %v", d, err)
	}

	// Denied, then timed out.
	deny := NewGuard(c, agent.ID, WithApprovalWait(10*time.Second, 20*time.Millisecond, 50*time.Millisecond),
		WithApprovalHandler(func(r ApprovalRequest) {
			go func() { _ = c.Approvals.Deny(ctx, r.ApprovalID, "sec@company.com") }()
		}))
	if _, err := deny.CheckAndWait(ctx, "db_drop", "", CheckEffect(ActionEffectDestructive)); !IsCode(err, ErrorCodeApprovalDenied) {
		t.Fatalf("denied: %v", err)
	}
	slow := NewGuard(c, agent.ID, WithApprovalWait(150*time.Millisecond, 20*time.Millisecond, 50*time.Millisecond))
	if _, err := slow.CheckAndWait(ctx, "db_truncate", "", CheckEffect(ActionEffectAdmin)); !IsCode(err, ErrorCodeApprovalTimeout) {
		t.Fatalf("timeout: %v", err)
	}
}

func TestGuardFailClosedAndOpen(t *testing.T) {
	down := NewClient(WithBaseURL(closedURL(t)), WithAPIKey(testKey), WithMaxRetries(0))
	ctx := context.Background()
	err := NewGuard(down, "agt_1").Check(ctx, "web_search", "")
	var ae *AgentTrustError
	if !errors.As(err, &ae) || ae.Code != ErrorCodeGuardianUnavailable || ae.Details["cause_code"] != "NETWORK_ERROR" {
		t.Fatalf("fail closed: %#v", err)
	}
	var ne *NetworkError
	if !errors.As(err, &ne) {
		t.Fatal("the network cause is kept")
	}
	open := NewGuard(down, "agt_1", WithFailOpen(true))
	d, err := open.Decide(ctx, "web_search", "")
	if err != nil || !d.Allowed || !d.FailedOpen || d.Cause == nil {
		t.Fatalf("fail open: %+v %v", d, err)
	}
	if data, _ := json.Marshal(d); !strings.Contains(string(data), `"failed_open":true`) || strings.Contains(string(data), "check_id") {
		t.Fatalf("failed-open JSON: %s", data)
	}
	if s := open.Stats(); s.Checks.FailedOpen != 1 || s.Checks.Unavailable != 1 {
		t.Fatalf("stats: %+v", s.Checks)
	}

	// A 5xx after retries, and a malformed answer, also mean Guardian could not decide.
	resetMock(t)
	c := testClient(WithMaxRetries(1))
	agent := mustAgent(t, c, "web:search")
	for _, kind := range []map[string]any{
		{"operation": "checkAction", "kind": "status", "status": 503, "times": 2},
		{"operation": "checkAction", "kind": "malformed", "times": 1},
	} {
		addFault(t, kind)
		if err := NewGuard(c, agent.ID).Check(ctx, "web_search", ""); !IsCode(err, ErrorCodeGuardianUnavailable) {
			t.Fatalf("%v: %v", kind["kind"], err)
		}
	}
	// But a 4xx answer is the caller's error, passed through.
	if err := NewGuard(c, "agt_missing").Check(ctx, "web_search", ""); !IsCode(err, ErrorCodeNotFound) {
		t.Fatalf("404: %v", err)
	}
}

func TestGuardCircuitBreaker(t *testing.T) {
	down := NewClient(WithBaseURL(closedURL(t)), WithMaxRetries(0))
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	g := NewGuard(down, "agt_1", WithCircuitBreaker(3, 10*time.Second, 30*time.Second))
	g.now = clock
	for i := 0; i < 3; i++ {
		_ = g.Check(ctx, "t", "")
	}
	if s := g.Stats().Breaker; s != BreakerOpen {
		t.Fatalf("after 3 failures: %s", s)
	}
	err := g.Check(ctx, "t", "")
	var ae *AgentTrustError
	if !errors.As(err, &ae) || ae.Code != ErrorCodeGuardianUnavailable || ae.Details["breaker"] != "open" || ae.Unwrap() != nil {
		t.Fatalf("open breaker fails fast without a request: %#v", err)
	}
	advance(31 * time.Second)
	if s := g.Stats().Breaker; s != BreakerHalfOpen {
		t.Fatalf("after the cooldown: %s", s)
	}
	_ = g.Check(ctx, "t", "") // the probe fails: open again
	if s := g.Stats().Breaker; s != BreakerOpen {
		t.Fatalf("after a failed probe: %s", s)
	}

	// Failures spread wider than the window do not open it.
	spread := NewGuard(down, "agt_1", WithCircuitBreaker(3, 10*time.Second, 30*time.Second))
	spread.now = clock
	for i := 0; i < 5; i++ {
		_ = spread.Check(ctx, "t", "")
		advance(6 * time.Second)
	}
	if s := spread.Stats().Breaker; s != BreakerClosed {
		t.Fatalf("spread failures opened the breaker: %s", s)
	}

	// A successful probe closes it.
	resetMock(t)
	up := testClient()
	agent := mustAgent(t, up, "web:search")
	probe := NewGuard(up, agent.ID, WithCircuitBreaker(1, time.Second, time.Second))
	probe.now = clock
	addFault(t, map[string]any{"operation": "checkAction", "kind": "drop", "times": 3})
	_ = probe.Check(ctx, "web_search", "")
	if s := probe.Stats().Breaker; s != BreakerOpen {
		t.Fatalf("dropped connection: %s", s)
	}
	advance(2 * time.Second)
	if err := probe.Check(ctx, "web_search", ""); err != nil || probe.Stats().Breaker != BreakerClosed {
		t.Fatalf("successful probe: %v %s", err, probe.Stats().Breaker)
	}
}

func TestGuardSummaryPrivacyAndTruncation(t *testing.T) {
	resetMock(t)
	c := testClient()
	agent := mustAgent(t, c, "web:search")
	ctx := context.Background()
	long := strings.Repeat("é", 150) + strings.Repeat("🦀", 100) // 250 code points, multi-byte
	if err := NewGuard(c, agent.ID).Check(ctx, "web_search", long); err != nil {
		t.Fatal(err)
	}
	if err := NewGuard(c, agent.ID, WithLogInputs(true), WithSessionID("sess-x")).Check(ctx, "web_search", long); err != nil {
		t.Fatal(err)
	}
	reqs := requestsOf(t, "checkAction")
	if len(reqs) != 2 {
		t.Fatalf("%d checks recorded", len(reqs))
	}
	var first, second map[string]any
	_ = json.Unmarshal(reqs[0].Body, &first)
	_ = json.Unmarshal(reqs[1].Body, &second)
	if _, sent := first["action_input_summary"]; sent {
		t.Fatalf("summary sent without WithLogInputs: %v", first)
	}
	sum, _ := second["action_input_summary"].(string)
	if utf8.RuneCountInString(sum) != 200 || !utf8.ValidString(sum) || !strings.HasPrefix(long, sum) {
		t.Fatalf("summary: %d code points, valid %v", utf8.RuneCountInString(sum), utf8.ValidString(sum))
	}
	if second["session_id"] != "sess-x" || first["session_id"] == "" {
		t.Fatalf("session ids: %v / %v", first["session_id"], second["session_id"])
	}
	if got := TruncateSummary("short"); got != "short" {
		t.Fatal(got)
	}
	if got := TruncateSummary(string([]byte{0xff, 0xfe}) + strings.Repeat("a", 300)); utf8.RuneCountInString(got) != 200 {
		t.Fatalf("invalid UTF-8: %d", utf8.RuneCountInString(got))
	}
}

func TestGuardTelemetryBatching(t *testing.T) {
	resetMock(t)
	c := testClient()
	agent := mustAgent(t, c, "web:search")
	g := NewGuard(c, agent.ID, WithFlushInterval(time.Hour))
	for i := 0; i < 25; i++ {
		if i == 3 {
			g.ReportError("web_search", 7, &json.SyntaxError{})
			continue
		}
		g.Report("web_search", true, i)
	}
	if err := g.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	reqs := requestsOf(t, "reportTelemetry")
	var sizes []int
	total := 0
	for _, r := range reqs {
		var b struct {
			AgentID   string           `json:"agent_id"`
			SessionID string           `json:"session_id"`
			Events    []map[string]any `json:"events"`
		}
		_ = json.Unmarshal(r.Body, &b)
		sizes = append(sizes, len(b.Events))
		total += len(b.Events)
		if b.AgentID != agent.ID || b.SessionID != g.SessionID() {
			t.Fatalf("batch: %s %s", b.AgentID, b.SessionID)
		}
		for _, e := range b.Events {
			if e["tool_name"] != "web_search" || (e["event_type"] != "tool_end" && e["event_type"] != "tool_error") {
				t.Fatalf("event: %v", e)
			}
			if et, ok := e["error_type"]; ok && et != "json.SyntaxError" {
				t.Fatalf("error_type %v", et)
			}
		}
	}
	if total != 25 || len(reqs) != 3 || sizes[0] != 10 || sizes[1] != 10 || sizes[2] != 5 {
		t.Fatalf("batches %v", sizes)
	}
	s := g.Stats()
	if s.Sent != 25 || s.Dropped != 0 || s.Queued != 0 {
		t.Fatalf("stats: %+v", s)
	}
	if err := g.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	g.Report("late", true, 1) // after Close: dropped, counted, never a panic
	if err := g.Close(context.Background()); err != nil {
		t.Fatal("second Close:", err)
	}
	if s := g.Stats(); s.Dropped != 1 {
		t.Fatalf("after close: %+v", s)
	}
}

func TestGuardTelemetryBoundedAndNonBlocking(t *testing.T) {
	resetMock(t)
	c := testClient(WithMaxRetries(0))
	agent := mustAgent(t, c, "web:search")
	// The gateway is slow to take telemetry: the queue fills and reports are dropped, not waited for.
	addFault(t, map[string]any{"operation": "reportTelemetry", "kind": "latency", "latency_ms": 300})
	g := NewGuard(c, agent.ID, WithQueueCapacity(20), WithBatchSize(5))
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				g.Report("web_search", true, 1)
			}
		}()
	}
	// Not a timing assertion: Reports that waited for the slow gateway would take about 48 s
	// here (800 reports, 300 ms per batch of 5); the bound only turns a hang into a failure.
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Report blocked on a slow gateway")
	}
	if s := g.Stats(); s.Dropped == 0 || s.Queued > 20+5 {
		t.Fatalf("queue not bounded: %+v", s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_ = g.Close(ctx)
	if s := g.Stats(); s.Sent+s.Dropped != 800 || s.Queued != 0 {
		t.Fatalf("every report is sent or counted dropped: %+v", s)
	}

	// A gateway that fails: the batch is dropped and counted, and Flush reports it.
	resetMock(t)
	agent = mustAgent(t, c, "web:search")
	addFault(t, map[string]any{"operation": "reportTelemetry", "kind": "status", "status": 500})
	bad := NewGuard(c, agent.ID)
	bad.Report("web_search", false, 3)
	if err := bad.Flush(context.Background()); !IsCode(err, ErrorCodeInternalError) {
		t.Fatalf("flush of a failing batch: %v", err)
	}
	if s := bad.Stats(); s.FailedBatches != 1 || s.Dropped != 1 {
		t.Fatalf("failed batch: %+v", s)
	}
	_ = bad.Close(context.Background())
}

func TestGuardConcurrentChecksAndReports(t *testing.T) {
	resetMock(t)
	c := testClient()
	agent := mustAgent(t, c, "web:search")
	g := NewGuard(c, agent.ID)
	defer g.Close(context.Background())
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				if err := g.Check(context.Background(), "web_search", "q"); err != nil {
					t.Error(err)
					return
				}
				g.Report("web_search", true, 2)
				_ = g.Stats()
			}
		}()
	}
	wg.Wait()
	if err := g.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := g.Stats(); s.Checks.Allowed != 40 || s.Sent != 40 {
		t.Fatalf("stats: %+v", s)
	}
}

func TestDigestInput(t *testing.T) {
	a, _ := DigestInput(map[string]any{"b": 2, "a": []any{1, "x<y"}})
	type in struct {
		B int   `json:"b"`
		A []any `json:"a"`
	}
	b, _ := DigestInput(in{B: 2, A: []any{1, "x<y"}})
	if a != b || len(a) != 64 {
		t.Fatalf("canonical JSON differs: %s %s", a, b)
	}
	s, _ := DigestInput("hello")
	if s != "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" {
		t.Fatal(s)
	}
	if _, err := DigestInput(func() {}); !IsCode(err, ErrorCodeValidationError) {
		t.Fatalf("undigestable input: %v", err)
	}
}
