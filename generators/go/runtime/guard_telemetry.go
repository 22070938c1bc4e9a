package ati

import (
	"context"
	"log/slog"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// report is one queued tool-call report. It holds no pointers beyond the two strings the caller
// passed, so queuing one allocates nothing.
type report struct {
	tool      string
	errorType string
	duration  int64
	at        time.Time
	success   bool
}

// telemetry batches reports on one goroutine, started on the first report. The queue is a
// buffered channel: Report never blocks (a full queue drops and counts), and memory is bounded
// by the capacity. Full batches go out at once; a partial batch waits at most one interval. After
// a failed batch, sending backs off exponentially (see run).
type telemetry struct {
	send      func(ctx context.Context, events []TelemetryEvent) error
	// logger receives the batch events (sent: info; failed, dropped: warn); nil for none.
	logger    *slog.Logger
	// loggedDrops is the dropped count already logged (only the goroutine touches it).
	loggedDrops int64
	agentID   string
	sessionID string
	batchSize int
	capacity  int
	interval  time.Duration

	start   sync.Once
	running atomic.Bool // set once the channels below exist
	mu      sync.RWMutex // Report holds it shared, Close exclusively, so no report slips past close
	closed  bool
	queue   chan report
	flushes chan chan error
	wake    chan struct{}
	stop    chan struct{}
	exited  chan struct{}

	sent          atomic.Int64
	dropped       atomic.Int64
	failedBatches atomic.Int64
	pending       atomic.Int64 // events taken off the queue but not yet sent or dropped
}

// maxTelemetryBackoff caps the wait after consecutive failed batches, in flush intervals (60 s
// at the default 5 s interval).
const maxTelemetryBackoff = 12

func (t *telemetry) push(r report) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.closed || r.tool == "" {
		t.dropped.Add(1)
		return
	}
	t.start.Do(t.launch)
	select {
	case t.queue <- r:
		// The goroutine is not parked on the queue (that would cost a wake-up per report): it
		// is woken once a batch is full, and by its ticker for partial batches.
		if len(t.queue) >= t.batchSize {
			select {
			case t.wake <- struct{}{}:
			default:
			}
		}
	default:
		t.dropped.Add(1)
	}
}

func (t *telemetry) launch() {
	t.queue = make(chan report, t.capacity)
	t.flushes = make(chan chan error)
	t.wake = make(chan struct{}, 1)
	t.stop = make(chan struct{})
	t.exited = make(chan struct{})
	t.running.Store(true)
	go t.run()
}

func (t *telemetry) started() bool { return t.running.Load() }

func (t *telemetry) run() {
	defer close(t.exited)
	batch := make([]TelemetryEvent, 0, t.batchSize)
	ticker := time.NewTicker(t.interval)
	defer ticker.Stop()
	// After a failed batch the goroutine backs off: neither a full batch nor the ticker sends
	// until quietUntil, which doubles with each consecutive failure (interval, 2x, 4x, ... up to
	// maxTelemetryBackoff intervals, shortened by up to 25% at random so that many guards do not
	// retry in step). The first success ends it. Flush and Close still send at once: the caller
	// asked for it. Reports keep queuing meanwhile; a full queue drops and counts them.
	var quietUntil time.Time
	failures := 0
	try := func(send func(*[]TelemetryEvent) error) error {
		before := t.sent.Load()
		err := send(&batch)
		switch {
		case err != nil:
			quietUntil = time.Now().Add(backoff(failures, t.interval, maxTelemetryBackoff*t.interval))
			failures++
		case t.sent.Load() > before: // an empty tick proves nothing
			failures = 0
		}
		return err
	}
	for {
		select {
		case <-t.wake:
			if time.Now().After(quietUntil) {
				_ = try(t.sendFull)
			}
		case <-ticker.C:
			if time.Now().After(quietUntil) {
				_ = try(t.drain)
			}
		case done := <-t.flushes:
			done <- try(t.drain)
		case <-t.stop:
			// Close flushed already; what is left could not be sent and is dropped, counted.
			n := int64(len(batch))
			t.pending.Add(-n)
			for {
				select {
				case <-t.queue:
					n++
				default:
					t.dropped.Add(n)
					t.logDrops()
					return
				}
			}
		}
	}
}

// take moves up to n queued reports into *batch.
func (t *telemetry) take(batch *[]TelemetryEvent, n int) {
	for ; n > 0; n-- {
		select {
		case r := <-t.queue:
			*batch = append(*batch, t.event(r))
			t.pending.Add(1)
		default:
			return
		}
	}
}

// sendFull sends full batches while the queue holds one; it stops at the first failure.
func (t *telemetry) sendFull(batch *[]TelemetryEvent) error {
	for len(t.queue)+len(*batch) >= t.batchSize {
		t.take(batch, t.batchSize-len(*batch))
		if err := t.flushBatch(context.Background(), batch); err != nil {
			return err
		}
	}
	return nil
}

// drain sends everything queued when it was called, batch after batch, the last one partial.
// It stops at the first failed batch, so a flush against a gateway that is down costs one
// request, not one per batch; the rest stays queued for the next tick.
func (t *telemetry) drain(batch *[]TelemetryEvent) error {
	for n := len(t.queue); n > 0 || len(*batch) > 0; {
		take := min(n, t.batchSize-len(*batch))
		t.take(batch, take)
		n -= take
		if err := t.flushBatch(context.Background(), batch); err != nil {
			return err
		}
	}
	return nil
}

// flushBatch sends *batch and empties it. A failed batch is dropped and counted, not retried
// here (the client's own bounded retries apply), and its content is never logged.
func (t *telemetry) flushBatch(ctx context.Context, batch *[]TelemetryEvent) error {
	n := int64(len(*batch))
	if n == 0 {
		return nil
	}
	t.logDrops()
	// send encodes the events before it returns, so the batch's array is reused right after.
	err := t.send(ctx, *batch)
	*batch = (*batch)[:0]
	t.pending.Add(-n)
	if err != nil {
		t.failedBatches.Add(1)
		t.dropped.Add(n)
		t.loggedDrops += n // logged here, not again as drops
		if t.logger != nil && t.logger.Enabled(ctx, slog.LevelWarn) {
			t.logger.LogAttrs(ctx, slog.LevelWarn, "telemetry batch failed; its reports are dropped",
				slog.Int64("events", n), slog.String("code", errorCodeOf(err)))
		}
		return err
	}
	t.sent.Add(n)
	if t.logger != nil && t.logger.Enabled(ctx, slog.LevelInfo) {
		t.logger.LogAttrs(ctx, slog.LevelInfo, "telemetry batch sent", slog.Int64("events", n))
	}
	return nil
}

// logDrops logs, at warn, the reports dropped (a full queue, a closed guard) since it last did.
func (t *telemetry) logDrops() {
	d := t.dropped.Load()
	if d <= t.loggedDrops {
		return
	}
	if t.logger != nil && t.logger.Enabled(context.Background(), slog.LevelWarn) {
		t.logger.LogAttrs(context.Background(), slog.LevelWarn, "telemetry reports dropped",
			slog.Int64("dropped", d-t.loggedDrops), slog.Int64("total_dropped", d))
	}
	t.loggedDrops = d
}

func (t *telemetry) event(r report) TelemetryEvent {
	// The guard reports each call once, when it finished: tool_end, or tool_error when it failed.
	kind := TelemetryEventTypeToolEnd
	if !r.success {
		kind = TelemetryEventTypeToolError
	}
	return TelemetryEvent{
		EventType:  kind,
		ToolName:   r.tool,
		Success:    Ptr(r.success),
		DurationMs: Ptr(r.duration),
		ErrorType:  r.errorType,
		Timestamp:  r.at.UTC(),
	}
}

func (t *telemetry) flush(ctx context.Context) error {
	if !t.started() {
		return nil
	}
	done := make(chan error, 1)
	select {
	case t.flushes <- done:
	case <-t.exited:
		return nil
	case <-ctx.Done():
		return ctxError(&operation{method: "flush", path: "telemetry"}, ctx.Err())
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctxError(&operation{method: "flush", path: "telemetry"}, ctx.Err())
	}
}

func (t *telemetry) close(ctx context.Context) error {
	err := t.flush(ctx)
	t.mu.Lock()
	already := t.closed
	t.closed = true
	t.mu.Unlock()
	started := t.started()
	if already || !started {
		return err
	}
	close(t.stop)
	select {
	case <-t.exited:
	case <-ctx.Done():
		// The goroutine finishes its in-flight request (bounded by the client's timeout) and
		// exits on its own; the caller does not wait for it.
		if err == nil {
			err = ctxError(&operation{method: "close", path: "telemetry"}, ctx.Err())
		}
	}
	return err
}

func (t *telemetry) queued() int64 {
	n := t.pending.Load()
	if t.started() {
		n += int64(len(t.queue))
	}
	return n
}

// TruncateRunes cuts s to at most max code points, never splitting one (TruncateSummary with a
// limit of your choice).
func TruncateRunes(s string, max int) string { return truncateRunes(s, max) }

// truncateRunes cuts s to at most max code points, never inside one. Invalid UTF-8 counts one
// code point per bad byte, as encoding/json will write each as U+FFFD.
func truncateRunes(s string, max int) string {
	if len(s) <= max {
		return s // fewer bytes than the cap means fewer code points too
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i]
		}
		n++
	}
	return s
}

// TruncateSummary caps s at MaxSummaryRunes code points, never splitting one. The guard applies
// it to every summary it sends.
func TruncateSummary(s string) string { return truncateRunes(s, MaxSummaryRunes) }

// ErrorTypeOf is the error_type telemetry sends for err: its Go type name ("fs.PathError"),
// never its message, which may hold user data.
func ErrorTypeOf(err error) string {
	if err == nil {
		return ""
	}
	return truncateRunes(strings.TrimPrefix(fmt.Sprintf("%T", err), "*"), maxErrorTypeRunes)
}
