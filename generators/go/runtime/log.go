package ati

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// EnvLog is the environment variable that turns the SDK's log on: off (the default), error,
// warn, info or debug, in any case. Another value is off, with one warning line on stderr. The
// events of each level:
//
//   - debug: each HTTP attempt (method, path with its query, status, elapsed_ms, attempt,
//     request_id);
//   - info: each retry (delay_ms, reason) and each telemetry batch sent;
//   - warn: a guard's fail-open decision, telemetry failures and drops, TLS verification off;
//   - error: a call's final failure (its error class and code).
//
// Never a header value (X-API-Key, Authorization, DPoP, Cookie), a token, a key, an x-secret
// field, nor a request or response body, at any level. Without WithLogger the events go to
// stderr, one line each: "agenttrustid debug http request method=GET path=/health status=200 ...".
const EnvLog = "AGENTTRUST_LOG"

// levelOff is above every slog level: nothing is logged.
const levelOff = slog.Level(1 << 10)

// logOutput is where the stderr sink writes (tests replace it); logOutputMu keeps one event per
// line when clients log from several goroutines.
var (
	logOutput   io.Writer = os.Stderr
	logOutputMu sync.Mutex
	// warnedLog remembers the invalid AGENTTRUST_LOG values already warned about.
	warnedLog sync.Map
)

// WithLogger sends the SDK's log events to logger (log/slog), whose handler decides what it
// keeps. When AGENTTRUST_LOG is also set, only events at or above its level reach logger (off:
// none). Without WithLogger, AGENTTRUST_LOG alone writes one line per event on stderr, starting
// "agenttrustid <level>". A nil logger means none.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) { c.userLogger = logger }
}

// envLogLevel is the level AGENTTRUST_LOG asks for, and whether it is set (an empty value is
// unset). An unknown value is levelOff, warned about once per value.
func envLogLevel() (slog.Level, bool) {
	raw := os.Getenv(EnvLog)
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case "":
		return levelOff, false
	case "off":
		return levelOff, true
	case "error":
		return slog.LevelError, true
	case "warn":
		return slog.LevelWarn, true
	case "info":
		return slog.LevelInfo, true
	case "debug":
		return slog.LevelDebug, true
	}
	if _, seen := warnedLog.LoadOrStore(raw, true); !seen {
		line := "agenttrustid warn " + EnvLog + "=" + strconv.Quote(raw) +
			" is not a log level (accepted: off, error, warn, info, debug); logging is off\n"
		logOutputMu.Lock()
		_, _ = io.WriteString(logOutput, line)
		logOutputMu.Unlock()
	}
	return levelOff, true
}

// setLogger decides where the client's events go (see WithLogger); logger stays nil when logging
// is off, so a call pays one nil check.
func (c *config) setLogger() {
	c.logFrom = c.userLogger
	c.logger = nil
	level, set := envLogLevel()
	switch {
	case c.userLogger != nil && !set:
		c.logger = c.userLogger
	case c.userLogger != nil && level != levelOff:
		c.logger = slog.New(&levelFilter{next: c.userLogger.Handler(), min: level})
	case c.userLogger == nil && level != levelOff:
		c.logger = slog.New(&lineHandler{min: level})
	}
}

// logs reports whether an event at level would be kept, so that its attributes are built only
// then.
func (c *config) logs(ctx context.Context, level slog.Level) bool {
	return c.logger != nil && c.logger.Enabled(ctx, level)
}

// logAttempt is the debug event of one HTTP attempt.
func (c *config) logAttempt(ctx context.Context, op *operation, pathQuery string, attempt int, started time.Time, res *result) {
	if !c.logs(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", op.method),
		slog.String("path", pathQuery),
		slog.Int("status", res.status),
		slog.Int64("elapsed_ms", time.Since(started).Milliseconds()),
		slog.Int("attempt", attempt+1),
		slog.String("request_id", res.requestID),
	}
	if code := errorCodeOf(res.err); code != "" {
		attrs = append(attrs, slog.String("error_code", code))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "http request", attrs...)
}

// logRetry is the info event before a retry.
func (c *config) logRetry(ctx context.Context, op *operation, pathQuery string, attempt int, wait time.Duration, res *result) {
	if !c.logs(ctx, slog.LevelInfo) {
		return
	}
	reason := "HTTP " + strconv.Itoa(res.status)
	if res.err != nil {
		reason = errorCodeOf(res.err)
	}
	c.logger.LogAttrs(ctx, slog.LevelInfo, "retrying",
		slog.String("method", op.method),
		slog.String("path", pathQuery),
		slog.Int("attempt", attempt+2),
		slog.Int64("delay_ms", wait.Milliseconds()),
		slog.String("reason", reason),
	)
}

// finalFailure logs a call's final failure at error level (its class and code, never its
// message, which may quote the gateway) and returns err.
func (c *config) finalFailure(ctx context.Context, op *operation, err error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if !c.logs(ctx, slog.LevelError) {
		return err
	}
	attrs := []slog.Attr{
		slog.String("operation", op.id),
		slog.String("class", errorClassName(err)),
		slog.String("code", errorCodeOf(err)),
	}
	if ae := asAgentTrustError(err); ae != nil {
		if ae.Status != 0 {
			attrs = append(attrs, slog.Int("status", ae.Status))
		}
		if ae.RequestID != "" {
			attrs = append(attrs, slog.String("request_id", ae.RequestID))
		}
	}
	c.logger.LogAttrs(ctx, slog.LevelError, "call failed", attrs...)
	return err
}

// errorClassName is the Go type name of err without package and pointer ("NotFoundError").
func errorClassName(err error) string {
	name := strings.TrimPrefix(fmt.Sprintf("%T", err), "*")
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return name
}

// asAgentTrustError is the *AgentTrustError err is or wraps, or nil.
func asAgentTrustError(err error) *AgentTrustError {
	var ae *AgentTrustError
	if errors.As(err, &ae) {
		return ae
	}
	return nil
}

// errorCodeOf is the ErrorCode of err, or "" when it carries none.
func errorCodeOf(err error) string {
	if ae := asAgentTrustError(err); ae != nil {
		return string(ae.Code)
	}
	return ""
}

// lineHandler is the stderr sink of AGENTTRUST_LOG: one line per event,
// "agenttrustid <level> <message> key=value ...", values quoted when they need it.
type lineHandler struct {
	min    slog.Level
	prefix string // "group." of WithGroup
	attrs  []byte // the pre-formatted attributes of WithAttrs
}

func (h *lineHandler) Enabled(_ context.Context, level slog.Level) bool { return level >= h.min }

func (h *lineHandler) Handle(_ context.Context, r slog.Record) error {
	buf := make([]byte, 0, 192)
	buf = append(buf, "agenttrustid "...)
	buf = append(buf, levelName(r.Level)...)
	buf = append(buf, ' ')
	buf = appendValue(buf, r.Message, false)
	buf = append(buf, h.attrs...)
	r.Attrs(func(a slog.Attr) bool {
		buf = appendAttr(buf, h.prefix, a)
		return true
	})
	buf = append(buf, '\n')
	logOutputMu.Lock()
	defer logOutputMu.Unlock()
	_, err := logOutput.Write(buf)
	return err
}

func (h *lineHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	n := *h
	n.attrs = append([]byte(nil), h.attrs...)
	for _, a := range attrs {
		n.attrs = appendAttr(n.attrs, h.prefix, a)
	}
	return &n
}

func (h *lineHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	n := *h
	n.prefix = h.prefix + name + "."
	return &n
}

// levelName is the lower-case name of a level, rounded down to one of the four.
func levelName(l slog.Level) string {
	switch {
	case l < slog.LevelInfo:
		return "debug"
	case l < slog.LevelWarn:
		return "info"
	case l < slog.LevelError:
		return "warn"
	}
	return "error"
}

func appendAttr(buf []byte, prefix string, a slog.Attr) []byte {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		p := prefix
		if a.Key != "" {
			p += a.Key + "."
		}
		for _, g := range v.Group() {
			buf = appendAttr(buf, p, g)
		}
		return buf
	}
	if a.Key == "" {
		return buf
	}
	buf = append(buf, ' ')
	buf = append(buf, prefix...)
	buf = append(buf, a.Key...)
	buf = append(buf, '=')
	return appendValue(buf, v.String(), true)
}

// appendValue writes s, quoted when it is empty (for a value), holds a space, a quote, an equals
// sign or a control character, or is not valid UTF-8, so that one event stays one line.
func appendValue(buf []byte, s string, value bool) []byte {
	quote := (value && s == "") || !utf8.ValidString(s)
	for i := 0; i < len(s) && !quote; i++ {
		if b := s[i]; b <= ' ' || b == '"' || b == 0x7f || (value && b == '=') {
			quote = !(b == ' ' && !value)
		}
	}
	if quote {
		return strconv.AppendQuote(buf, s)
	}
	return append(buf, s...)
}

// levelFilter passes to next only the events at or above min (AGENTTRUST_LOG over WithLogger).
type levelFilter struct {
	next slog.Handler
	min  slog.Level
}

func (h *levelFilter) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= h.min && h.next.Enabled(ctx, level)
}

func (h *levelFilter) Handle(ctx context.Context, r slog.Record) error { return h.next.Handle(ctx, r) }

func (h *levelFilter) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &levelFilter{next: h.next.WithAttrs(attrs), min: h.min}
}

func (h *levelFilter) WithGroup(name string) slog.Handler {
	return &levelFilter{next: h.next.WithGroup(name), min: h.min}
}
