package ati

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// AgentTrustError is the error every call of this package returns when it fails: a gateway
// error answer, a client-side validation failure, a response that does not match the spec, or a
// guard decision. Code is machine-readable; match the type with errors.As:
//
//	var atiErr *ati.AgentTrustError
//	if errors.As(err, &atiErr) && atiErr.Code == ati.ErrorCodeNotFound { ... }
//
// *ElevationRequiredError and *NetworkError embed it, and errors.As finds the embedded value
// too, so a switch should test the more specific types first.
type AgentTrustError struct {
	// Code is the machine-readable error code, one of the ErrorCode constants (or a newer code
	// the gateway sent, kept as-is).
	Code ErrorCode
	// Message is a human-readable explanation. It never contains the API key.
	Message string
	// Details is structured context as the gateway sent it (e.g. "field" for
	// VALIDATION_ERROR, "status" for CONFLICT); nil when there is none.
	Details map[string]any
	// Status is the HTTP status of the gateway's answer, or 0 when there was none.
	Status int
	// RequestID is the gateway's id for the request (the X-Request-Id header), when it answered.
	RequestID string

	cause error
}

// Error returns the code, the message and, when known, the HTTP status and request id.
func (e *AgentTrustError) Error() string {
	var b strings.Builder
	b.WriteString("ati: ")
	b.WriteString(string(e.Code))
	if e.Message != "" {
		b.WriteString(": ")
		writeEscaped(&b, e.Message)
	}
	if e.Status != 0 || e.RequestID != "" {
		b.WriteString(" (")
		if e.Status != 0 {
			b.WriteString("HTTP ")
			b.WriteString(strconv.Itoa(e.Status))
		}
		if e.RequestID != "" {
			if e.Status != 0 {
				b.WriteString(", ")
			}
			b.WriteString("request ")
			writeEscaped(&b, e.RequestID)
		}
		b.WriteString(")")
	}
	return b.String()
}

// writeEscaped writes s with its control characters escaped (\n, \r, \t, \x1b as \u001b, and
// the C1 controls, U+2028 and U+2029): a gateway's error message is text from the network, and
// must not start a forged line or a terminal escape in a log that prints Error().
func writeEscaped(b *strings.Builder, s string) {
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || (r >= 0x7f && r < 0xa0) || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
}

// Unwrap returns the underlying cause (a net/http or context error, a JSON error), if any, so
// errors.Is(err, context.DeadlineExceeded) works through an *AgentTrustError.
func (e *AgentTrustError) Unwrap() error { return e.cause }

// ElevationRequiredError is returned by Guard.Check when Guardian needs a human (or an
// automated approver) to approve the call first. Approve ApprovalID with
// client.Approvals.Approve, then call Check again: within the elevation window it is allowed.
type ElevationRequiredError struct {
	AgentTrustError
	// ApprovalID is the pending approval to decide.
	ApprovalID string
	// CheckID is the id of the decision that asked for the elevation.
	CheckID string
}

// Unwrap returns the embedded *AgentTrustError, so errors.As(err, &atiErr) matches too.
func (e *ElevationRequiredError) Unwrap() error { return &e.AgentTrustError }

// NetworkError is returned when the gateway could not be reached or did not answer in time:
// Code is NETWORK_ERROR (connection refused or reset, DNS failure) or TIMEOUT. When the
// caller's own context ended the call, errors.Is(err, ctx.Err()) is true.
type NetworkError struct {
	AgentTrustError
}

// Unwrap returns the embedded *AgentTrustError, so errors.As(err, &atiErr) matches too.
func (e *NetworkError) Unwrap() error { return &e.AgentTrustError }

// TimeoutError is a *NetworkError with code TIMEOUT: an attempt ran out of its WithTimeout, or
// the caller's context deadline ended the call (then errors.Is(err, context.DeadlineExceeded)).
// It embeds the *NetworkError, so errors.As(err, &netErr) matches a timeout too.
type TimeoutError struct {
	NetworkError
}

// Unwrap returns the embedded *NetworkError, so errors.As(err, &netErr) and errors.As(err,
// &atiErr) match too.
func (e *TimeoutError) Unwrap() error { return &e.NetworkError }

// ConfigurationError is returned when the client is configured wrongly: an invalid option value
// (a base URL that is not http(s), an empty API key, a negative timeout), FromEnv without
// AGENTTRUST_API_KEY, or an operation that needs the API key called on a client that has none.
// Code is VALIDATION_ERROR and Details["field"] names the setting ("api_key", ...). Nothing was
// sent: Status is 0. Client.Err reports it right after NewClient or FromEnv.
type ConfigurationError struct {
	AgentTrustError
}

// Unwrap returns the embedded *AgentTrustError, so errors.As(err, &atiErr) matches too.
func (e *ConfigurationError) Unwrap() error { return &e.AgentTrustError }

// configError is a copy of a recorded option error, as the *ConfigurationError a call returns.
func configError(e *AgentTrustError) *ConfigurationError {
	return &ConfigurationError{*e}
}

// missingKeyMessage is the message of a call that needs the API key on a client without one.
const missingKeyMessage = "no API key: pass ati.WithAPIKey or set " + EnvAPIKey

// missingKeyError is the ConfigurationError of an operation that needs the API key, called on a
// client without one (op is the operation, or the constructor, that needed it).
func missingKeyError(op string) *ConfigurationError {
	return &ConfigurationError{AgentTrustError{Code: ErrorCodeValidationError,
		Message: op + ": " + missingKeyMessage, Details: map[string]any{"field": "api_key"}}}
}

// RedirectError is returned when the gateway answers with a redirect (3xx). The SDK never
// follows one, so the API key is never sent to the Location, and the target's answer never
// becomes a decision. Code is INVALID_RESPONSE; Status is the 3xx status and LocationHost the
// host the gateway pointed to (never the full Location, which may carry secrets).
type RedirectError struct {
	AgentTrustError
	// LocationHost is the host[:port] of the Location header, or "" when there was none.
	LocationHost string
}

// Unwrap returns the embedded *AgentTrustError, so errors.As(err, &atiErr) matches too.
func (e *RedirectError) Unwrap() error { return &e.AgentTrustError }

// IsCode reports whether err is, or wraps, an *AgentTrustError with the given code.
func IsCode(err error, code ErrorCode) bool {
	var e *AgentTrustError
	return errors.As(err, &e) && e.Code == code
}

func newError(code ErrorCode, format string, args ...any) *AgentTrustError {
	return &AgentTrustError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// errorFromResponse builds the error for a non-2xx answer: the message from the body's "message"
// (else "error"), the code from its "code" when this SDK knows it (else from the status). The
// body is an ErrorEnvelope when the gateway wrote it; anything else (HTML, garbage, an empty body) still yields a typed error.
func errorFromResponse(status int, body []byte, headerRequestID string) *AgentTrustError {
	e := &AgentTrustError{Status: status, RequestID: headerRequestID}
	var env struct {
		Code      any            `json:"code"`
		Message   any            `json:"message"`
		Error     any            `json:"error"`
		Details   map[string]any `json:"details"`
		RequestID any            `json:"request_id"`
	}
	// A body that is not an envelope leaves env empty; the status then decides the code.
	if json.Unmarshal(body, &env) == nil {
		// A code this SDK does not know (a newer gateway) falls back to the status's code, as
		// in the TypeScript SDK, so callers can always switch on the ErrorCode constants.
		if c, ok := env.Code.(string); ok && ErrorCode(c).IsKnown() {
			e.Code = ErrorCode(c)
		}
		// The gateway's message is in "message"; some gateways send only "error".
		if m, ok := env.Message.(string); ok && m != "" {
			e.Message = m
		} else if m, ok := env.Error.(string); ok {
			e.Message = m
		}
		e.Details = env.Details
		if r, ok := env.RequestID.(string); ok && e.RequestID == "" {
			e.RequestID = r
		}
	}
	if e.Code == "" {
		e.Code = codeForStatus(status)
	}
	if e.Message == "" {
		e.Message = "gateway answered HTTP " + strconv.Itoa(status)
	}
	return e
}
