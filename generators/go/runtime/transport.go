package ati

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"math"
	mathrand "math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxResponseBytes bounds how much of an answer is read (WithMaxResponseBytes changes it),
// so a broken or hostile gateway cannot exhaust memory; a larger answer is an INVALID_RESPONSE.
const DefaultMaxResponseBytes = 32 << 20

// operation is one HTTP call of a generated method.
type operation struct {
	// id is the spec's operationId, used in error messages.
	id     string
	method string
	// path is already expanded, with path parameters escaped.
	path  string
	query url.Values
	// body is encoded as JSON; nil sends no body.
	body any
	// header holds the operation's header parameters (X-Agent-ID); nil when it has none.
	header http.Header
	// noAuth is true for the public endpoints, which are called without the API key.
	noAuth bool
	// keyOptional is true for the public endpoints that send the key when one is configured: a
	// client without a key may call them.
	keyOptional bool
	// service names the base URL of a split deployment the call goes to ("auth", "audit"); ""
	// is the gateway's base URL.
	service string
	// unwrap is the member of the answer the method returns ({"agents": [...]}); a bare answer
	// is accepted too.
	unwrap string
	// rpc, when set, sends body as the params of a JSON-RPC 2.0 request and returns its result.
	rpc *rpcCall
	// shape is what a successful answer (after rpc and unwrap) must look like; nil when it has
	// no body (204).
	shape *shape
}

// rpcCall is how an operation travels as JSON-RPC 2.0.
type rpcCall struct {
	method string
	// id is the JSON-RPC id sent, unless counter asks for the client's next string id.
	id      int
	counter bool
	// raise turns a JSON-RPC error member into an *AgentTrustError; otherwise the method
	// returns the answer as it is.
	raise bool
}

// call sends op, retrying as configured, and decodes a successful answer into out (when both
// op.shape and out are non-nil). Every failure is an *AgentTrustError or one of the error types
// embedding it (*NotFoundError, *NetworkError, *ConfigurationError, ...).
func (c *Client) call(ctx context.Context, op *operation, out any, opts []Option) error {
	cfg := c.cfg
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	if cfg.logFrom != cfg.userLogger {
		cfg.setLogger() // a per-call WithLogger
	}
	if cfg.err != nil {
		return cfg.finalFailure(ctx, op, configError(cfg.err))
	}
	if ctx == nil {
		return cfg.finalFailure(ctx, op, newError(ErrorCodeValidationError, "%s: nil context", op.id))
	}
	// The key rule: an operation that needs the organization key is not sent without one.
	if !op.noAuth && !op.keyOptional && cfg.apiKey == "" {
		return cfg.finalFailure(ctx, op, missingKeyError(op.id))
	}

	var body []byte
	payload := op.body
	if op.rpc != nil {
		payload = rpcEnvelope(op, &cfg)
	}
	if payload != nil {
		var err error
		if body, err = json.Marshal(payload); err != nil {
			e := newError(ErrorCodeValidationError, "%s: cannot encode the request: %v", op.id, err)
			e.cause = err
			return cfg.finalFailure(ctx, op, e)
		}
	}
	pathQuery := op.path
	if len(op.query) > 0 {
		pathQuery += "?" + op.query.Encode()
	}
	target := cfg.serviceURL(op.service) + pathQuery
	var idempotencyKey string
	if op.method == http.MethodPost {
		idempotencyKey = cfg.idempotencyKey
		if idempotencyKey == "" {
			idempotencyKey = newUUID()
		}
	}

	renewed := false
	for attempt := 0; ; attempt++ {
		var auth http.Header
		var token secret
		if cfg.credentials != nil {
			// A fresh proof per attempt: the gateway refuses a DPoP jti it has seen.
			var err error
			if auth, token, err = cfg.credentials.headers(ctx, op.method, cfg.serviceURL(op.service)+op.path); err != nil {
				return cfg.finalFailure(ctx, op, err)
			}
		}
		var started time.Time
		if cfg.logger != nil {
			started = time.Now()
		}
		res := c.attempt(ctx, &cfg, op, target, body, idempotencyKey, auth)
		cfg.logAttempt(ctx, op, pathQuery, attempt, started, &res)
		if res.err == nil && cfg.responseMeta != nil {
			*cfg.responseMeta = Response{StatusCode: res.status, Header: res.header, RequestID: res.requestID}
		}
		if res.err == nil && res.status >= 200 && res.status < 300 {
			if err := decodeAnswer(op, &cfg, res, out); err != nil {
				return cfg.finalFailure(ctx, op, err)
			}
			return nil
		}
		if res.err == nil && res.status == http.StatusUnauthorized && cfg.credentials != nil && !renewed {
			// The token was revoked or expired before the credentials expected: once, with a new one.
			renewed = true
			cfg.credentials.invalidate(token)
			attempt--
			continue
		}
		var failure error
		if res.err != nil {
			failure = res.err
		} else {
			e := errorFromResponse(res.status, res.body, res.requestID)
			e.Message = cfg.apiKey.scrub(e.Message)
			// A gateway that echoes the request must not put the agent's token or proof in an error.
			for _, v := range [...]string{string(token), auth.Get("DPoP")} {
				e.Message = secret(v).scrub(e.Message)
			}
			failure = classified(e)
		}
		if !res.retryable || attempt >= cfg.maxRetries {
			return cfg.finalFailure(ctx, op, failure)
		}
		wait := res.retryAfter
		if wait < 0 {
			wait = backoff(attempt, cfg.retryBase, cfg.retryMax)
		}
		cfg.logRetry(ctx, op, pathQuery, attempt, wait, &res)
		if err := sleep(ctx, wait); err != nil {
			return cfg.finalFailure(ctx, op, ctxError(op, err))
		}
	}
}

// result is what one attempt produced: an answer, or a transport failure.
type result struct {
	status    int
	header    http.Header
	body      []byte
	requestID string
	err       error
	retryable bool
	// retryAfter is the wait the answer asked for, or -1 for the client's own backoff.
	retryAfter time.Duration
}

func (c *Client) attempt(ctx context.Context, cfg *config, op *operation, target string, body []byte, idempotencyKey string, auth http.Header) result {
	actx, cancel := ctx, context.CancelFunc(func() {})
	if cfg.timeout > 0 {
		actx, cancel = context.WithTimeout(ctx, cfg.timeout)
	}
	defer cancel()

	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(actx, op.method, target, reader)
	if err != nil {
		e := newError(ErrorCodeValidationError, "%s: cannot build the request: %v", op.id, err)
		e.cause = err
		return result{err: e}
	}
	// net/http's Transport silently sends a replayable request (a GET, or any request with an
	// Idempotency-Key header and a rewindable or empty body) a second time when a reused
	// keep-alive connection fails. This loop must be the only retry, so that WithMaxRetries means
	// what it says and a dropped connection with retries off fails, as in every other SDK:
	//   - a request with a body gets a one-shot body (no GetBody), still with its Content-Length;
	//   - a body-less GET, HEAD, OPTIONS or TRACE (replayable by its method) gets an empty
	//     one-shot body, which the Transport probes and sends without a body;
	//   - a body-less POST, PUT, PATCH or DELETE is sent with http.NoBody, so a POST goes out with
	//     Content-Length: 0 (an empty one-shot body would go out as Transfer-Encoding: chunked,
	//     which spec-validating proxies forward with both headers). NoBody alone is not replayable
	//     for these methods; only an Idempotency-Key header spelled canonically makes it so
	//     (net/http's Request.isReplayable looks the key up as "Idempotency-Key"), so the key of
	//     a body-less request is set under its lower-case spelling below. Header names are
	//     case-insensitive (RFC 9110; HTTP/2 sends them lower-case anyway), so the gateway sees
	//     the same header. The Transport may still resend a request none of whose bytes were
	//     written (nothingWrittenError): the gateway never saw it, so that is no replay.
	req.GetBody = nil
	bodyless := req.Body == nil || req.Body == http.NoBody
	if bodyless {
		switch op.method {
		case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
			req.Body = io.NopCloser(strings.NewReader(""))
		default:
			req.Body, req.ContentLength = http.NoBody, 0
		}
	}
	for k, vs := range cfg.headers {
		req.Header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idempotencyKey != "" {
		if bodyless {
			req.Header.Del(idempotencyHeader)
			req.Header[bodylessIdempotencyHeader] = []string{idempotencyKey}
		} else {
			req.Header.Set(idempotencyHeader, idempotencyKey)
		}
	}
	for k, vs := range op.header {
		req.Header[k] = append([]string(nil), vs...)
	}
	for k, vs := range auth {
		req.Header[k] = vs
	}
	// The gateway reads the organization key from X-API-Key, on every call that needs one.
	if op.noAuth || cfg.apiKey == "" {
		req.Header.Del(apiKeyHeader)
	} else {
		req.Header.Set(apiKeyHeader, string(cfg.apiKey))
	}

	resp, err := cfg.httpClient.Do(req)
	if err != nil {
		return transportFailure(ctx, actx, op, cfg, err)
	}
	defer resp.Body.Close()
	data, err := readBody(resp, cfg.maxResponse)
	if err != nil {
		if errors.Is(err, errTooLarge) {
			e := newError(ErrorCodeInvalidResponse, "%s: the answer is larger than %d bytes", op.id, cfg.maxResponse)
			e.Status, e.RequestID = resp.StatusCode, resp.Header.Get("X-Request-Id")
			return result{err: e}
		}
		return transportFailure(ctx, actx, op, cfg, err)
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return result{err: redirectError(op, resp)}
	}
	r := result{status: resp.StatusCode, header: resp.Header, body: data, requestID: resp.Header.Get("X-Request-Id"), retryAfter: -1}
	if retryableStatus(resp.StatusCode) {
		r.retryable = true
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			r.retryAfter = min(d, maxRetryAfter)
		}
	}
	return r
}

var errTooLarge = errors.New("answer too large")

// redirectError is the error of a 3xx answer, which is never followed (see refuseRedirect).
func redirectError(op *operation, resp *http.Response) *RedirectError {
	host := ""
	if loc, err := resp.Location(); err == nil {
		host = loc.Host
	}
	where := "no Location"
	if host != "" {
		where = "Location host " + strconv.Quote(host)
	}
	e := &RedirectError{AgentTrustError: AgentTrustError{Code: ErrorCodeInvalidResponse,
		Status: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id"),
		Message: op.id + ": the gateway answered with a redirect (HTTP " + strconv.Itoa(resp.StatusCode) + ", " + where + "), which is not followed"}}
	e.LocationHost = host
	return e
}

func readBody(resp *http.Response, limit int64) ([]byte, error) {
	if resp.ContentLength > limit {
		return nil, errTooLarge
	}
	var buf []byte
	if resp.ContentLength > 0 {
		buf = make([]byte, 0, resp.ContentLength+1)
	} else {
		buf = make([]byte, 0, 512)
	}
	b := bytes.NewBuffer(buf)
	n, err := b.ReadFrom(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, errTooLarge
	}
	return b.Bytes(), nil
}

// transportFailure classifies an error of http.Client.Do or of reading the body. The caller's
// own cancellation is never retried; the per-attempt timeout is not either (as in TypeScript);
// anything else (refused, reset, DNS) is.
func transportFailure(ctx, actx context.Context, op *operation, cfg *config, err error) result {
	if ctx.Err() != nil {
		return result{err: ctxError(op, ctx.Err())}
	}
	if actx.Err() != nil {
		e := &TimeoutError{NetworkError{AgentTrustError{Code: ErrorCodeTimeout, cause: err,
			Message: op.method + " " + op.path + " timed out after " + cfg.timeout.String()}}}
		return result{err: e}
	}
	msg := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		msg = ue.Err.Error() // without the URL, which the message states itself
	}
	e := &NetworkError{AgentTrustError{Code: ErrorCodeNetworkError, cause: err,
		Message: op.method + " " + op.path + " failed: " + cfg.apiKey.scrub(msg)}}
	return result{err: e, retryable: true, retryAfter: -1}
}

// ctxError is the error of a call ended by the caller's context; errors.Is(err, ctx.Err()) holds.
func ctxError(op *operation, err error) error {
	ne := NetworkError{AgentTrustError{Code: ErrorCodeNetworkError, cause: err,
		Message: op.method + " " + op.path + ": " + err.Error()}}
	if errors.Is(err, context.DeadlineExceeded) {
		ne.Code = ErrorCodeTimeout
		return &TimeoutError{ne}
	}
	return &ne
}

// idempotencyHeader carries the key that makes a retried POST safe; bodylessIdempotencyHeader is
// the same header, spelled so that net/http does not replay a body-less request on its own (see
// attempt).
const (
	idempotencyHeader         = "Idempotency-Key"
	bodylessIdempotencyHeader = "idempotency-key"
)

// apiKeyHeader carries the organization API key.
const apiKeyHeader = "X-API-Key"

// rpcEnvelope wraps op.body as the params of a JSON-RPC 2.0 request.
func rpcEnvelope(op *operation, cfg *config) any {
	var id any = op.rpc.id
	if op.rpc.counter {
		id = cfg.rpcID()
	}
	params := op.body
	if params == nil {
		params = struct{}{}
	}
	return struct {
		JSONRPC string `json:"jsonrpc"`
		ID      any    `json:"id"`
		Method  string `json:"method"`
		Params  any    `json:"params"`
	}{"2.0", id, op.rpc.method, params}
}

// answerOf is the part of a 2xx body the method returns: the JSON-RPC result, then the unwrap
// member when the body is an object that has it (else the body itself).
func answerOf(op *operation, res result) ([]byte, *AgentTrustError) {
	data := res.body
	if op.rpc != nil {
		var env struct {
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Code    int            `json:"code"`
				Message string         `json:"message"`
				Data    any            `json:"data"`
			} `json:"error"`
		}
		if err := json.Unmarshal(data, &env); err != nil {
			e := newError(ErrorCodeInvalidResponse, "%s: the gateway's answer is not a JSON-RPC response: %v", op.id, err)
			e.Status, e.RequestID, e.cause = res.status, res.requestID, err
			return nil, e
		}
		switch {
		case env.Error != nil && op.rpc.raise:
			code := rpcErrorCode(env.Error.Code)
			// Our gateway may name the ErrorCode itself in data.code.
			if data, ok := env.Error.Data.(map[string]any); ok {
				if c, ok := data["code"].(string); ok && ErrorCode(c).IsKnown() {
					code = ErrorCode(c)
				}
			}
			e := newError(code, "%s", env.Error.Message)
			e.Status, e.RequestID = res.status, res.requestID
			e.Details = map[string]any{"rpc_code": env.Error.Code}
			if env.Error.Data != nil {
				e.Details["data"] = env.Error.Data
			}
			return nil, e
		case env.Result != nil && !bytes.Equal(env.Result, []byte("null")):
			data = env.Result
		case op.rpc.raise:
			e := newError(ErrorCodeInvalidResponse, "%s: the JSON-RPC response has neither result nor error", op.id)
			e.Status, e.RequestID = res.status, res.requestID
			return nil, e
		}
	}
	if op.unwrap != "" {
		var obj map[string]json.RawMessage
		if json.Unmarshal(data, &obj) == nil {
			if member, ok := obj[op.unwrap]; ok {
				data = member
			}
		}
	}
	return data, nil
}

// rpcErrorCode maps a JSON-RPC error code to the ErrorCode an error of it carries (when its data
// names none): A2A's TaskNotFound (-32001) and method not found (-32601) are NOT_FOUND,
// TaskNotCancelable (-32002) CONFLICT, parse and request errors (-32700, -32600, -32602)
// VALIDATION_ERROR, anything else INTERNAL_ERROR. The JSON-RPC code itself is in
// Details["rpc_code"].
func rpcErrorCode(code int) ErrorCode {
	switch code {
	case -32700, -32600, -32602:
		return ErrorCodeValidationError
	case -32001, -32601:
		return ErrorCodeNotFound
	case -32002:
		return ErrorCodeConflict
	}
	return ErrorCodeInternalError
}

func decodeAnswer(op *operation, cfg *config, res result, out any) error {
	data, rpcErr := answerOf(op, res)
	if rpcErr != nil {
		rpcErr.Message = cfg.apiKey.scrub(rpcErr.Message)
		return rpcErr
	}
	res.body = data
	if op.shape != nil && out != nil {
		if err := decodeJSON(res.body, out, op.shape); err != nil {
			e := newError(ErrorCodeInvalidResponse, "%s: the gateway's answer does not match the spec: %s", op.id, err.msg)
			e.Status, e.RequestID, e.cause = res.status, res.requestID, err.cause
			return e
		}
	}
	if cfg.responseInto != nil {
		if len(bytes.TrimSpace(res.body)) == 0 {
			return nil
		}
		if err := json.Unmarshal(res.body, cfg.responseInto); err != nil {
			e := newError(ErrorCodeInvalidResponse, "%s: cannot decode the answer into %T: %v", op.id, cfg.responseInto, err)
			e.Status, e.RequestID, e.cause = res.status, res.requestID, err
			return e
		}
	}
	return nil
}

// backoff is the wait before retry number attempt+1: initial * 2^attempt, capped at max, then
// shortened by up to 25% at random.
func backoff(attempt int, initial, max time.Duration) time.Duration {
	d := float64(initial) * math.Pow(2, float64(attempt))
	if d > float64(max) {
		d = float64(max)
	}
	return time.Duration(d * (1 - mathrand.Float64()*0.25))
}

// parseRetryAfter reads a Retry-After header: delta seconds (fractions allowed) or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || math.IsNaN(secs) || math.IsInf(secs, 0) {
			return 0, false
		}
		return time.Duration(math.Min(secs, maxRetryAfter.Seconds()) * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms (Go 1.24+).
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// scrub masks the key in text (a gateway that echoes a header back must not leak it).
func (s secret) scrub(text string) string {
	if len(s) < 4 || !strings.Contains(text, string(s)) {
		return text
	}
	return strings.ReplaceAll(text, string(s), "[redacted]")
}

// pathParam checks a path parameter before it is escaped into the path: an empty one would
// silently address another endpoint.
func pathParam(opID, name, value string) error {
	if value == "" {
		e := newError(ErrorCodeValidationError, "%s: %s must not be empty", opID, name)
		e.Details = map[string]any{"field": name}
		return e
	}
	// url.PathEscape leaves "." alone, so "." or ".." would become a dot-segment that the HTTP
	// stack, a proxy or the gateway resolves against the path: revoke("..") would go out as
	// POST /api/v1/agents/revoke, another endpoint. They are refused, not encoded (%2E is
	// decoded back to "." by many servers before routing).
	if value == "." || value == ".." {
		e := newError(ErrorCodeValidationError, "%s: %s must not be %q (a dot-segment would change the path)", opID, name, value)
		e.Details = map[string]any{"field": name}
		return e
	}
	return nil
}

// shorthand builds dst from a JSON template of the spec's x-sdk-shorthands, with every string
// "{value}" in it replaced by value.
func shorthand(template, value string, dst any) error {
	var t any
	if err := json.Unmarshal([]byte(template), &t); err != nil {
		return newError(ErrorCodeValidationError, "shorthand template: %v", err)
	}
	var fill func(v any) any
	fill = func(v any) any {
		switch x := v.(type) {
		case string:
			if x == "{value}" {
				return value
			}
		case []any:
			for i := range x {
				x[i] = fill(x[i])
			}
		case map[string]any:
			for k := range x {
				x[k] = fill(x[k])
			}
		}
		return v
	}
	data, err := json.Marshal(fill(t))
	if err == nil {
		err = json.Unmarshal(data, dst)
	}
	if err != nil {
		return newError(ErrorCodeValidationError, "shorthand: %v", err)
	}
	return nil
}
