package ati

// Issue 16: a hostile gateway and a careless caller. Every test here uses its own
// 127.0.0.1 servers (httptest), not the mock, so it controls every byte of the answer.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const hostileKey = "sk_live_hostile_org_key_0123456789"

// hostileServer answers every request with handler and counts the requests.
func hostileServer(t *testing.T, handler http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	n := new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, n
}

func hostileClient(base string, opts ...Option) *Client {
	return NewClient(append([]Option{WithBaseURL(base), WithAPIKey(hostileKey), WithMaxRetries(0)}, opts...)...)
}

const agentAnswer = `{"id": "agt_1", "name": "a", "org_id": "org_1", "framework": "custom", "public_key": "pk", "status": "revoked", "capabilities": [], "metadata": {}, "created_at": "2026-01-01T00:00:00Z"}`

const allowedAnswer = `{"allowed": true, "check_id": "chk_1", "confidence": 0.9, "guard_tier": "fast", "reason": "ok"}`

// A redirect is never followed: the key does not reach the target, and the target's
// "allowed: true" never becomes the decision.
func TestRedirectsAreNotFollowed(t *testing.T) {
	var keys sync.Map
	target, reached := hostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		keys.Store(r.Header.Get(apiKeyHeader), true)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, allowedAnswer)
	})
	targetHost := strings.TrimPrefix(target.URL, "http://")
	for _, status := range []int{301, 302, 303, 307, 308} {
		origin, _ := hostileServer(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+r.URL.Path+"?stolen=1", status)
		})
		own := &http.Client{}
		clients := map[string]*Client{
			"default":        hostileClient(origin.URL),
			"WithHTTPClient": hostileClient(origin.URL, WithHTTPClient(own)),
		}
		for name, c := range clients {
			_, err := c.Actions.Check(context.Background(), ActionCheckRequest{AgentID: "agt_1", ToolName: "web_search", ActionSource: "api"})
			var re *RedirectError
			if !errors.As(err, &re) || re.Status != status || re.LocationHost != targetHost || re.Code != ErrorCodeInvalidResponse {
				t.Fatalf("%d %s: want a *RedirectError naming %s, got %#v", status, name, targetHost, err)
			}
			if !strings.Contains(err.Error(), fmt.Sprint(status)) || !strings.Contains(err.Error(), targetHost) {
				t.Fatalf("%d %s: the message does not name the status and host: %v", status, name, err)
			}
			if s := fmt.Sprintf("%v %+v %#v", err, err, err); strings.Contains(s, hostileKey) || strings.Contains(s, "stolen") {
				t.Fatalf("%d %s: the error shows the key or the full Location: %s", status, name, s)
			}
			g := NewGuard(c, "agt_1", WithoutCircuitBreaker())
			if err := g.Check(context.Background(), "web_search", ""); err == nil {
				t.Fatalf("%d %s: the redirect target's allowed:true became the decision", status, name)
			}
			_ = g.Close(context.Background())
		}
		if own.CheckRedirect != nil {
			t.Fatal("WithHTTPClient changed the caller's *http.Client")
		}
	}
	if n := reached.Load(); n != 0 {
		t.Fatalf("the redirect target got %d requests", n)
	}
	if _, leaked := keys.Load(hostileKey); leaked {
		t.Fatal("the org key reached the redirect target")
	}
}

// "." and ".." cannot change the path: refused before anything is sent.
func TestDotPathParametersRefused(t *testing.T) {
	srv, n := hostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id": "x"}`)
	})
	c := hostileClient(srv.URL)
	for _, id := range []string{"..", ".", ""} {
		_, err := c.Agents.Revoke(context.Background(), id)
		var e *AgentTrustError
		if !errors.As(err, &e) || e.Code != ErrorCodeValidationError || e.Details["field"] != "agent_id" {
			t.Fatalf("Revoke(%q): want a VALIDATION_ERROR on agent_id, got %#v", id, err)
		}
		if _, err := c.Agents.Get(context.Background(), id); !IsCode(err, ErrorCodeValidationError) {
			t.Fatalf("Get(%q): want a VALIDATION_ERROR, got %v", id, err)
		}
	}
	if got := n.Load(); got != 0 {
		t.Fatalf("%d requests reached the server", got)
	}
	// Dots inside an id are data, and go out escaped as part of the one segment.
	var path string
	srv2, _ := hostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.EscapedPath()
		w.WriteHeader(500)
	})
	_, _ = hostileClient(srv2.URL).Agents.Revoke(context.Background(), "../a")
	if path != "/api/v1/agents/..%2Fa/revoke" {
		t.Fatalf("sent %q", path)
	}
}

// The spec's ranges and nullability hold on decode; an unknown enum string is still kept.
func TestStrictDecoding(t *testing.T) {
	var answer atomic.Value
	srv, _ := hostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answer.Load().(string))
	})
	c := hostileClient(srv.URL)
	check := func(body string) (*ActionCheckResult, error) {
		answer.Store(body)
		return c.Actions.Check(context.Background(), ActionCheckRequest{AgentID: "agt_1", ToolName: "web_search", ActionSource: "api"})
	}
	bad := []string{
		`{"allowed": true, "confidence": 2}`,
		`{"allowed": true, "confidence": -1}`,
		`{"allowed": true, "confidence": 1.0000001}`,
		`{"allowed": true, "confidence": null}`,
		`{"allowed": true, "latency_ms": -5}`,
		`{"allowed": true, "reason": null}`,
		`{"allowed": true, "check_id": null}`,
		`{"allowed": true, "guard_tier": null}`,
		`{"allowed": true, "elevation_required": null}`,
		`{"allowed": true, "guard_tier": 7}`,
		`{"allowed": "true"}`,
		`{"allowed": true, "confidence": "0.9"}`,
		// encoding/json matches keys case-insensitively (Unicode folding too) and keeps the last.
		`{"allowed": false, "Allowed": true}`,
		`{"allowed": false, "ALLOWED": true, "confidence": 0.5, "Confidence": 7}`,
		`{"allowed": false, "\u0041llowed": true}`,
		`{"allowed": true, "latency_ms": 1, "latency_mſ": -1}`,
		`{"allowed": false, "allowed": true}`,
	}
	for _, body := range bad {
		if res, err := check(body); !IsCode(err, ErrorCodeInvalidResponse) {
			t.Errorf("%s: want INVALID_RESPONSE, got %+v, %v", body, res, err)
		}
	}
	good := map[string]func(*ActionCheckResult) bool{
		`{"allowed": true, "confidence": 0}`:                    func(r *ActionCheckResult) bool { return r.Allowed },
		`{"allowed": true, "confidence": 1}`:                    func(r *ActionCheckResult) bool { return r.Confidence == 1 },
		`{"allowed": true, "guard_tier": "quantum"}`:            func(r *ActionCheckResult) bool { return r.GuardTier == "quantum" },
		`{"allowed": false, "approval_id": null}`:               func(r *ActionCheckResult) bool { return !r.Allowed },
		`{"allowed": true, "confidence": 0.5, "latency_ms": 0}`: func(r *ActionCheckResult) bool { return r.Confidence == 0.5 },
	}
	for body, ok := range good {
		res, err := check(body)
		if err != nil || !ok(res) {
			t.Errorf("%s: want it accepted, got %+v, %v", body, res, err)
		}
	}
}

// No fmt verb prints the key of a client or guard, or a model's secret; a gateway's error
// message cannot forge log lines or terminal escapes through Error().
func TestSecretsMaskedInEveryVerb(t *testing.T) {
	c := hostileClient("http://127.0.0.1:1")
	g := NewGuard(c, "agt_1")
	defer g.Close(context.Background())
	tok := &Token{Token: "tok_secret_value_42", AgentID: "agt_1"}
	for _, verb := range []string{"%s", "%q", "%d", "%v", "%+v", "%#v", "%x", "%T %[1]v"} {
		for name, v := range map[string]any{"client": c, "guard": g, "token": tok, "token value": *tok,
			"nested": struct{ G *Guard }{g}, "slice": []any{c, g, tok}} {
			s := fmt.Sprintf(verb, v)
			if strings.Contains(s, hostileKey) || strings.Contains(s, "tok_secret_value_42") ||
				strings.Contains(s, fmt.Sprintf("%x", hostileKey)) || strings.Contains(s, fmt.Sprintf("%x", "tok_secret_value_42")) {
				t.Errorf("%s of the %s shows a secret: %s", verb, name, s)
			}
		}
	}
	if s := fmt.Sprint(g); !strings.Contains(s, "agt_1") {
		t.Errorf("the guard prints nothing useful: %s", s)
	}

	msg := "denied\nati: AUTH_OK: forged line\r\x1b[31mred\x1b[0m\u2028tail\x00"
	srv, _ := hostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(403)
		m, _ := json.Marshal(msg)
		_, _ = fmt.Fprintf(w, `{"code": "FORBIDDEN", "message": %s, "request_id": "req\u001b[2J"}`, m)
	})
	_, err := hostileClient(srv.URL).Agents.List(context.Background())
	var e *AgentTrustError
	if !errors.As(err, &e) {
		t.Fatalf("want an *AgentTrustError, got %v", err)
	}
	s := err.Error()
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0x2028 {
			t.Fatalf("Error() holds control character %U: %q", r, s)
		}
	}
	if !strings.Contains(s, `denied\nati: AUTH_OK: forged line\r\u001b[31mred`) {
		t.Fatalf("Error() lost the message: %q", s)
	}
	if e.Message != msg {
		t.Fatalf("Message should keep the gateway's text as it was: %q", e.Message)
	}
}

// A body-less POST goes out with Content-Length: 0, not an empty chunked body, and still with its
// Idempotency-Key.
func TestBodylessPostSendsContentLengthZero(t *testing.T) {
	type seen struct {
		te        []string
		length    int64
		header    string
		idem      string
		method    string
		bodyBytes int
	}
	var mu sync.Mutex
	var got []seen
	srv, _ := hostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{r.TransferEncoding, r.ContentLength, r.Header.Get("Content-Length"), r.Header.Get("Idempotency-Key"), r.Method, len(b)})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, agentAnswer)
	})
	c := hostileClient(srv.URL)
	_, _ = c.Agents.Revoke(context.Background(), "agt_1")                                         // body-less POST
	_, _ = c.Agents.RevokeWith(context.Background(), "agt_1", RevokeAgentRequest{Reason: "test"}) // POST with a body
	_, _ = c.Agents.Get(context.Background(), "agt_1")                                            // GET
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 {
		t.Fatalf("want 3 requests, got %d", len(got))
	}
	if s := got[0]; len(s.te) != 0 || s.length != 0 || s.header != "0" || s.idem == "" || s.bodyBytes != 0 {
		t.Fatalf("body-less POST went out as %+v", s)
	}
	if s := got[1]; len(s.te) != 0 || s.length <= 0 || s.idem == "" {
		t.Fatalf("POST with a body went out as %+v", s)
	}
	if s := got[2]; len(s.te) != 0 || s.length != 0 || s.header != "" || s.idem != "" {
		t.Fatalf("GET went out as %+v", s)
	}
}

// net/http must not resend a request on its own: with retries off, a keep-alive connection the
// gateway drops after reading a request fails the call, and the gateway sees the request once.
// Before the Content-Length fix a body-less POST was kept non-replayable by an empty chunked
// body; this proves http.NoBody with the lower-case Idempotency-Key spelling keeps it so.
func TestTransportNeverReplaysBodylessPost(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var requests atomic.Int64
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func(conn net.Conn) {
				defer conn.Close()
				br := bufio.NewReader(conn)
				for {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					_, _ = io.Copy(io.Discard, req.Body)
					if requests.Add(1) == 2 {
						return // the second request: read, then the connection drops unanswered
					}
					body := agentAnswer
					_, _ = fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
				}
			}(conn)
		}
	}()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	c := hostileClient("http://"+ln.Addr().String(), WithHTTPClient(hc))
	if _, err := c.Agents.Revoke(context.Background(), "agt_1"); err != nil {
		t.Fatal(err)
	}
	_, err = c.Agents.Revoke(context.Background(), "agt_1") // reuses the connection, which drops
	var ne *NetworkError
	if !errors.As(err, &ne) {
		t.Fatalf("want a *NetworkError, got %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	if n := requests.Load(); n != 2 {
		t.Fatalf("the gateway saw %d requests: net/http replayed the POST", n)
	}
}

// Telemetry against a failing gateway backs off exponentially instead of sending one batch per
// flush interval, and sends again once the gateway is back.
func TestTelemetryBacksOffWhenFailing(t *testing.T) {
	var failing atomic.Bool
	failing.Store(true)
	srv, requests := hostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if failing.Load() {
			w.WriteHeader(503)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"accepted": true, "events_processed": 10}`)
	})
	const interval = 20 * time.Millisecond
	g := NewGuard(hostileClient(srv.URL), "agt_1", WithFlushInterval(interval))
	defer g.Close(context.Background())
	// One second of reports, far more than the gateway takes: 50 intervals.
	for end := time.Now().Add(time.Second); time.Now().Before(end); {
		for range 20 {
			g.Report("web_search", true, 1)
		}
		time.Sleep(time.Millisecond)
	}
	failed := requests.Load()
	// Without backoff: a failed batch per tick and per full batch (measured 80). With it: the
	// waits double (20, 40, 80, 160 ms, then the 240 ms cap), ~8 requests.
	if failed > 15 || failed < 3 {
		t.Fatalf("%d telemetry requests in 1 s against a failing gateway (interval %v)", failed, interval)
	}
	failing.Store(false)
	deadline := time.Now().Add(3 * time.Second)
	for g.Stats().Sent == 0 && time.Now().Before(deadline) {
		g.Report("web_search", true, 1)
		time.Sleep(5 * time.Millisecond)
	}
	if g.Stats().Sent == 0 {
		t.Fatal("telemetry did not resume once the gateway recovered")
	}
	t.Logf("%d requests while failing, then sent %d", failed, g.Stats().Sent)
}

// The answer size cap is configurable and holds with and without a Content-Length.
func TestResponseSizeCapConfigurable(t *testing.T) {
	big := `{"allowed": true, "reason": "` + strings.Repeat("x", 4096) + `"}`
	for _, chunked := range []bool{false, true} {
		srv, _ := hostileServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if !chunked {
				w.Header().Set("Content-Length", fmt.Sprint(len(big)))
			}
			_, _ = io.WriteString(w, big[:10])
			w.(http.Flusher).Flush() // without a Content-Length, the rest goes out chunked
			_, _ = io.WriteString(w, big[10:])
		})
		req := ActionCheckRequest{AgentID: "agt_1", ToolName: "web_search", ActionSource: "api"}
		_, err := hostileClient(srv.URL, WithMaxResponseBytes(1024)).Actions.Check(context.Background(), req)
		if !IsCode(err, ErrorCodeInvalidResponse) || !strings.Contains(err.Error(), "larger than 1024 bytes") {
			t.Fatalf("chunked=%v: want INVALID_RESPONSE for a 4 KiB answer over a 1 KiB cap, got %v", chunked, err)
		}
		if res, err := hostileClient(srv.URL, WithMaxResponseBytes(int64(len(big)))).Actions.Check(context.Background(), req); err != nil || !res.Allowed {
			t.Fatalf("chunked=%v: an answer of exactly the cap: %v", chunked, err)
		}
	}
	if _, err := hostileClient("http://127.0.0.1:1", WithMaxResponseBytes(0)).Agents.List(context.Background()); !IsCode(err, ErrorCodeValidationError) {
		t.Fatalf("a zero cap: %v", err)
	}
}

// An API key that cannot be a header value is a VALIDATION_ERROR before anything is sent (not a
// retried NETWORK_ERROR from net/http), and no error or print shows it.
func TestAPIKeyWithControlCharacters(t *testing.T) {
	srv, n := hostileServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	for _, key := range []string{hostileKey + "\n", hostileKey + "\r\nX-Evil: 1", "\x00" + hostileKey, hostileKey + "\x7f"} {
		c := NewClient(WithBaseURL(srv.URL), WithAPIKey(key), WithRetryDelay(time.Second, time.Second))
		start := time.Now()
		_, err := c.Agents.List(context.Background())
		var e *AgentTrustError
		if !errors.As(err, &e) || e.Code != ErrorCodeValidationError || e.Details["field"] != "api_key" {
			t.Fatalf("%q: want a VALIDATION_ERROR on api_key, got %#v", key, err)
		}
		if time.Since(start) > 500*time.Millisecond {
			t.Fatalf("%q: the call was retried", key)
		}
		if s := fmt.Sprintf("%v %+v %#v %s %v", err, err, err, c, NewGuard(c, "agt_1")); strings.Contains(s, hostileKey) {
			t.Fatalf("%q: printed: %s", key, s)
		}
	}
	if n.Load() != 0 {
		t.Fatalf("%d requests sent", n.Load())
	}
}
