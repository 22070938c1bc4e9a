package ati

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"
)

// BenchmarkGuardCheck measures guard.Check against a raw net/http POST of the same request to
// the same loopback mock, interleaved call by call so both see the same machine noise. It
// reports the medians and their ratio (check/raw, target <= 1.1): what the SDK adds on top of
// the HTTP round trip (encoding, headers, idempotency key, decoding and validating the answer,
// breaker, counters).
//
//	go test -run '^$' -bench GuardCheck -benchtime 2000x
func BenchmarkGuardCheck(b *testing.B) {
	resetMock(b)
	c := testClient()
	agent, err := c.Agents.Create(context.Background(), CreateAgentRequest{Name: "bench-bot", Capabilities: []string{"web:search"}})
	if err != nil {
		b.Fatal(err)
	}
	g := NewGuard(c, agent.ID, WithActionEffect(ActionEffectRead), WithSessionID("sess-bench"))
	defer g.Close(context.Background())
	body, _ := json.Marshal(ActionCheckRequest{AgentID: agent.ID, ToolName: "web_search", ActionSource: "api", SessionID: "sess-bench", ActionEffect: ActionEffectRead})
	raw := &http.Client{Transport: sharedTransport.(*http.Transport).Clone()}
	// The same request on the wire as the SDK's (headers included: the mock does the same work
	// for both), built by hand.
	rawPost := func() {
		req, _ := http.NewRequest(http.MethodPost, mockURL+"/api/v1/agenttrust/check", bytes.NewReader(body))
		req.Header.Set("X-API-Key", testKey)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", userAgent)
		req.Header.Set("Idempotency-Key", newUUID())
		resp, err := raw.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("raw POST: HTTP %d", resp.StatusCode)
		}
	}
	ctx := context.Background()
	check := func() {
		if err := g.Check(ctx, "web_search", ""); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < 50; i++ { // warm up connections, the mock's JIT, the pools
		rawPost()
		check()
	}
	rawTimes := make([]time.Duration, 0, b.N)
	checkTimes := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Alternate which goes first, so neither always follows the other.
		if i%2 == 0 {
			t0 := time.Now()
			rawPost()
			t1 := time.Now()
			check()
			rawTimes, checkTimes = append(rawTimes, t1.Sub(t0)), append(checkTimes, time.Since(t1))
		} else {
			t0 := time.Now()
			check()
			t1 := time.Now()
			rawPost()
			checkTimes, rawTimes = append(checkTimes, t1.Sub(t0)), append(rawTimes, time.Since(t1))
		}
	}
	b.StopTimer()
	rawMedian, checkMedian := median(rawTimes), median(checkTimes)
	b.ReportMetric(float64(rawMedian.Microseconds()), "raw-us")
	b.ReportMetric(float64(checkMedian.Microseconds()), "check-us")
	b.ReportMetric(float64(checkMedian)/float64(rawMedian), "check/raw")
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// telemetrySink is a loopback gateway that accepts every telemetry batch, once release is closed
// (nil: at once), so the Report benchmarks measure the SDK and not the mock's CPU.
func telemetrySink(b *testing.B, release <-chan struct{}) *Client {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var batch TelemetryReport
		_ = json.NewDecoder(r.Body).Decode(&batch)
		if release != nil {
			<-release
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_, _ = fmt.Fprintf(w, `{"accepted":true,"events_processed":%d}`, len(batch.Events))
	}))
	b.Cleanup(srv.Close)
	return NewClient(WithBaseURL(srv.URL), WithAPIKey(testKey))
}

// BenchmarkGuardReport measures what one Report call costs its caller (ns/op, allocs/op), with
// the default queue: reports go in runs of 99, one short of a batch, so the telemetry goroutine
// stays asleep while the timer runs; each run is then flushed with the timer stopped.
//
//	go test -run '^$' -bench 'GuardReport$' -benchmem -benchtime 200000x
func BenchmarkGuardReport(b *testing.B) {
	g := NewGuard(telemetrySink(b, nil), "agt_bench", WithBatchSize(100))
	g.Report("warm_up", true, 1) // starts the goroutine and allocates the queue
	ctx := context.Background()
	if err := g.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(99, b.N-done)
		for i := 0; i < n; i++ {
			g.Report("web_search", true, 12)
		}
		done += n
		b.StopTimer()
		if err := g.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	if err := g.Close(ctx); err != nil {
		b.Fatal(err)
	}
	if s := g.Stats(); s.Sent != int64(b.N)+1 {
		b.Fatalf("sent %d of %d (dropped %d)", s.Sent, b.N+1, s.Dropped)
	}
}

// BenchmarkGuardReportParallel is Report from every core at once, with the telemetry goroutine
// held in its first request (so the queue, sized to hold them all, only fills).
func BenchmarkGuardReportParallel(b *testing.B) {
	release := make(chan struct{})
	g := NewGuard(telemetrySink(b, release), "agt_bench", WithQueueCapacity(b.N+1), WithBatchSize(100))
	g.Report("warm_up", true, 1)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			g.Report("web_search", true, 12)
		}
	})
	b.StopTimer()
	close(release)
	_ = g.Close(context.Background())
}

// BenchmarkGuardReportSustained is Report with the telemetry goroutine batching and sending to
// a loopback sink at the same time: the amortized cost of a report end to end, on this machine's
// cores (encoding, HTTP and the sink's decoding included).
func BenchmarkGuardReportSustained(b *testing.B) {
	g := NewGuard(telemetrySink(b, nil), "agt_bench", WithQueueCapacity(b.N+1), WithBatchSize(100))
	g.Report("warm_up", true, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.Report("web_search", true, 12)
	}
	if err := g.Close(context.Background()); err != nil {
		b.Fatal(err)
	}
}
