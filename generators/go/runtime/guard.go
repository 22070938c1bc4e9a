package ati

import (
	"fmt"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"regexp"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Guard wraps an agent's tool calls (guide section 7): Check before each call, Report after it,
// Close (or Flush) when the agent is done.
//
//	guard := ati.NewGuard(client, agentID, ati.WithFailOpen(false))
//	defer guard.Close(ctx)
//	if err := guard.Check(ctx, "web_search", "AI news"); err != nil {
//		return err // *ElevationRequiredError, ACTION_DENIED, GUARDIAN_UNAVAILABLE, ...
//	}
//	start := time.Now()
//	_, err := doWebSearch("AI news")
//	guard.Report("web_search", err == nil, int(time.Since(start).Milliseconds()))
//
// Reports are batched and sent on a background goroutine; Report never blocks and never fails.
// A Guard is safe for concurrent use.
type Guard struct {
	client    *Client
	agentID   string
	sessionID string
	cfg       guardConfig
	err       *AgentTrustError
	breaker   *breaker
	tel       *telemetry
	now       func() time.Time

	total, allowed, denied, elevation, failedOpen, unavailable atomic.Int64
}

// String describes the guard: its agent and client, never the API key.
func (g *Guard) String() string {
	if g == nil {
		return "ati.Guard(nil)"
	}
	return fmt.Sprintf("ati.Guard{AgentID: %q, Client: %s}", g.agentID, g.client)
}

// GoString is String: %#v must not print the API key either.
func (g *Guard) GoString() string { return g.String() }

// Format makes every fmt verb print String, so the key never leaks through a printed guard.
func (g *Guard) Format(f fmt.State, verb rune) { formatMasked(f, verb, g.String()) }

type guardConfig struct {
	sessionID       string
	blockOnDeny     bool
	failOpen        bool
	logInputs       bool
	effect          ActionEffect
	checkOpts       []Option
	credentials     *AgentCredentials
	batchSize       int
	capacity        int
	interval        time.Duration
	breaker         bool
	threshold       int
	window          time.Duration
	cooldown        time.Duration
	onApproval      func(ApprovalRequest)
	approvalTimeout time.Duration
	pollInitial     time.Duration
	pollMax         time.Duration
	err             *AgentTrustError
}

// GuardOption configures a Guard.
type GuardOption func(*guardConfig)

func (c *guardConfig) fail(field, format string, args ...any) {
	if c.err == nil {
		c.err = newError(ErrorCodeValidationError, format, args...)
		c.err.Details = map[string]any{"field": field}
	}
}

// WithFailOpen sets what Check does when Guardian cannot be asked (unreachable, timing out, 5xx
// after retries, an unreadable answer, or the circuit breaker open): false (the default) returns
// a GUARDIAN_UNAVAILABLE error, true allows the call and marks the decision FailedOpen.
func WithFailOpen(failOpen bool) GuardOption {
	return func(c *guardConfig) { c.failOpen = failOpen }
}

// WithBlockOnDeny sets whether Check returns an error when Guardian denies a call or needs an
// elevation (default true). With false, Check returns nil and Decide the decision.
func WithBlockOnDeny(block bool) GuardOption {
	return func(c *guardConfig) { c.blockOnDeny = block }
}

// WithActionEffect sets the effect declared by checks that name none (default: none, and Guardian
// classifies the tool name).
func WithActionEffect(effect ActionEffect) GuardOption {
	return func(c *guardConfig) {
		if !effect.IsKnown() {
			c.fail("action_effect", "action effect %q is not one of read, mutating, destructive, admin", effect)
			return
		}
		c.effect = effect
	}
}


// retryableRules are the denials that asking again can change: the wire's decision has no
// retryable, but a suspended agent can be reactivated and a pending elevation approved; every
// other denial stands until the policy changes.
var retryableRules = map[DecisionRule]bool{DecisionRuleAgentSuspended: true, DecisionRuleElevationRequired: true}

// WithSessionID sets the session id sent with every check and report (default: a new random
// UUID per guard). It must be 1 to 128 characters, the check's limit: a longer one is refused
// when the guard is created (see Guard.Err) rather than making every check a 400.
func WithSessionID(sessionID string) GuardOption {
	return func(c *guardConfig) {
		if sessionID == "" || utf8.RuneCountInString(sessionID) > maxSessionIDRunes {
			c.fail("session_id", "session id must be non-empty and at most %d characters", maxSessionIDRunes)
			return
		}
		c.sessionID = sessionID
	}
}

// WithLogInputs sets whether checks send the input summary, capped at MaxSummaryRunes code
// points (default false: no summary leaves the process).
func WithLogInputs(logInputs bool) GuardOption {
	return func(c *guardConfig) { c.logInputs = logInputs }
}

// WithCheckOptions sets client options for every check request, such as WithTimeout or
// WithMaxRetries (default: the client's).
func WithCheckOptions(opts ...Option) GuardOption {
	return func(c *guardConfig) { c.checkOpts = append(c.checkOpts, opts...) }
}

// WithCredentials makes the guard send every check with the agent's credentials (a WIMSE bearer
// and a DPoP proof), as an organization with require_sender_constrained_tokens needs. They must
// be the credentials of the guard's agent.
func WithCredentials(creds *AgentCredentials) GuardOption {
	return func(c *guardConfig) {
		if creds == nil {
			c.fail("credentials", "WithCredentials: credentials are nil")
			return
		}
		c.credentials = creds
	}
}

// WithBatchSize sets how many reports go in one telemetry request (default DefaultBatchSize, at
// most 100).
func WithBatchSize(n int) GuardOption {
	return func(c *guardConfig) {
		if n < 1 || n > maxTelemetryBatch {
			c.fail("batch_size", "batch size must be between 1 and %d, got %d", maxTelemetryBatch, n)
			return
		}
		c.batchSize = n
	}
}

// WithQueueCapacity sets how many reports may wait to be sent (default DefaultQueueCapacity);
// past it, new reports are dropped and counted in Stats.
func WithQueueCapacity(n int) GuardOption {
	return func(c *guardConfig) {
		if n < 1 {
			c.fail("queue_capacity", "queue capacity must be positive, got %d", n)
			return
		}
		c.capacity = n
	}
}

// WithFlushInterval sets how long a partial telemetry batch waits before it is sent (default
// DefaultFlushInterval).
func WithFlushInterval(d time.Duration) GuardOption {
	return func(c *guardConfig) {
		if d <= 0 {
			c.fail("flush_interval", "flush interval must be positive, got %v", d)
			return
		}
		c.interval = d
	}
}

// WithCircuitBreaker tunes the circuit breaker in front of Guardian: threshold failures within
// window open it, and it then fails checks at once for cooldown before one probe goes through.
// Defaults: DefaultBreakerThreshold, DefaultBreakerWindow, DefaultBreakerCooldown.
func WithCircuitBreaker(threshold int, window, cooldown time.Duration) GuardOption {
	return func(c *guardConfig) {
		if threshold < 1 || window <= 0 || cooldown < 0 {
			c.fail("circuit_breaker", "circuit breaker needs threshold >= 1, window > 0 and cooldown >= 0")
			return
		}
		c.breaker, c.threshold, c.window, c.cooldown = true, threshold, window, cooldown
	}
}

// WithoutCircuitBreaker disables the circuit breaker: every check asks Guardian.
func WithoutCircuitBreaker() GuardOption {
	return func(c *guardConfig) { c.breaker = false }
}

// WithApprovalHandler sets a function CheckAndWait calls when a call needs an approval, to tell a
// human (or an automated approver) what to decide.
func WithApprovalHandler(fn func(ApprovalRequest)) GuardOption {
	return func(c *guardConfig) { c.onApproval = fn }
}

// WithApprovalWait sets how CheckAndWait waits for a decision: at most timeout (default 10
// minutes; the caller's context may end it sooner), polling first after pollInitial (default 1 s)
// and then 1.5 times longer each time, up to pollMax (default 10 s).
func WithApprovalWait(timeout, pollInitial, pollMax time.Duration) GuardOption {
	return func(c *guardConfig) {
		if timeout <= 0 || pollInitial <= 0 || pollMax < pollInitial {
			c.fail("approval_wait", "approval wait needs timeout > 0 and 0 < pollInitial <= pollMax")
			return
		}
		c.approvalTimeout, c.pollInitial, c.pollMax = timeout, pollInitial, pollMax
	}
}

// NewGuard creates a Guard for the agent agentID on client. Invalid options (or a nil client, or
// an empty agentID) make every Check return a VALIDATION_ERROR, so NewGuard itself cannot fail;
// Guard.Err reports that error right after NewGuard.
func NewGuard(client *Client, agentID string, opts ...GuardOption) *Guard {
	cfg := guardConfig{
		blockOnDeny:     true,
		batchSize:       DefaultBatchSize,
		capacity:        DefaultQueueCapacity,
		interval:        DefaultFlushInterval,
		breaker:         true,
		threshold:       DefaultBreakerThreshold,
		window:          DefaultBreakerWindow,
		cooldown:        DefaultBreakerCooldown,
		approvalTimeout: 10 * time.Minute,
		pollInitial:     time.Second,
		pollMax:         10 * time.Second,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	if client == nil {
		cfg.fail("client", "NewGuard needs a client")
	}
	if agentID == "" {
		cfg.fail("agent_id", "NewGuard needs a non-empty agent id")
	}
	if cfg.credentials != nil && agentID != "" && cfg.credentials.AgentID() != agentID {
		cfg.fail("credentials", "WithCredentials: the credentials are agent %q's, not the guard's agent %q", cfg.credentials.AgentID(), agentID)
	}
	if cfg.credentials != nil {
		cfg.checkOpts = append(cfg.checkOpts, WithAgentCredentials(cfg.credentials))
	}
	g := &Guard{client: client, agentID: agentID, cfg: cfg, err: cfg.err, now: time.Now}
	g.sessionID = cfg.sessionID
	if g.sessionID == "" {
		g.sessionID = newUUID()
	}
	if cfg.breaker {
		g.breaker = newBreaker(cfg.threshold, cfg.window, cfg.cooldown, func() time.Time { return g.now() })
	}
	g.tel = &telemetry{
		agentID:   agentID,
		sessionID: g.sessionID,
		batchSize: cfg.batchSize,
		capacity:  cfg.capacity,
		interval:  cfg.interval,
		logger:    clientLogger(client),
		send: func(ctx context.Context, events []TelemetryEvent) error {
			if client == nil {
				return g.err
			}
			_, err := client.Telemetry.Report(ctx, agentID, g.sessionID, events)
			return err
		},
	}
	return g
}

// clientLogger is where a client's log events go, or nil (a nil client, logging off).
func clientLogger(c *Client) *slog.Logger {
	if c == nil {
		return nil
	}
	return c.cfg.logger
}

// Err returns the *ConfigurationError (VALIDATION_ERROR) of an invalid NewGuard argument or option (details["field"]
// names it), or nil. Every check of such a guard returns this error without asking Guardian.
func (g *Guard) Err() error {
	if g.err == nil {
		return nil
	}
	return configError(g.err)
}

// AgentID returns the agent the guard checks for.
func (g *Guard) AgentID() string { return g.agentID }

// SessionID returns the session id sent with every check and report.
func (g *Guard) SessionID() string { return g.sessionID }

// Decision is Guardian's answer to one check, or, when Guardian could not be asked and fail-open
// is on, an allowed decision marked FailedOpen (whose CheckID is empty and ApprovalID null).
type Decision struct {
	ActionCheckResult
	// FailedOpen is true when the call is allowed only because Guardian could not be asked.
	FailedOpen bool `json:"failed_open"`
	// Cause is why Guardian could not be asked, when FailedOpen.
	Cause error `json:"-"`
	// ActionEffect is the effect the guard declared for the call ("" when it left the
	// classification to Guardian).
	ActionEffect ActionEffect `json:"-"`
	// Retryable tells, for a denial, whether asking again can change the answer: true for a
	// pending elevation and for rule agent_suspended (an admin can reactivate the agent), false
	// for every other denial. The wire has no such field; the guard derives it from the decision.
	Retryable bool `json:"-"`
}

// MarshalJSON encodes the decision as the spec's ActionCheckResult plus "failed_open", and
// "retryable" for a denial. A failed-open decision carries only what is known without Guardian
// (no check_id or rule).
func (d Decision) MarshalJSON() ([]byte, error) {
	if d.FailedOpen {
		return json.Marshal(struct {
			Allowed           bool             `json:"allowed"`
			FailedOpen        bool             `json:"failed_open"`
			Reason            string           `json:"reason"`
			ElevationRequired bool             `json:"elevation_required"`
			ApprovalID        Nullable[string] `json:"approval_id"`
		}{d.Allowed, true, d.Reason, false, Nullable[string]{}})
	}
	type decision struct {
		ActionCheckResult
		FailedOpen bool  `json:"failed_open"`
		Retryable  *bool `json:"retryable,omitempty"`
	}
	out := decision{ActionCheckResult: d.ActionCheckResult}
	if !d.Allowed {
		out.Retryable = &d.Retryable
	}
	return json.Marshal(out)
}

// CheckOption configures one check.
type CheckOption func(*checkConfig)

type checkConfig struct {
	effect ActionEffect
	digest string
	input  any
	hasIn  bool
}

// CheckEffect declares the check's action effect, overriding WithActionEffect.
func CheckEffect(effect ActionEffect) CheckOption {
	return func(c *checkConfig) { c.effect = effect }
}

// CheckInput binds the check (and any approval it asks for) to the tool's full input. The input
// never leaves the process: only its SHA-256 does, so an approval granted for this input cannot
// be replayed for another. Strings and []byte are hashed as bytes; anything else as canonical
// JSON (object keys sorted).
func CheckInput(input any) CheckOption {
	return func(c *checkConfig) { c.input, c.hasIn = input, true }
}

// CheckInputDigest binds the check to a precomputed input digest (64 lowercase hex characters,
// see DigestInput); it wins over CheckInput.
func CheckInputDigest(digest string) CheckOption {
	return func(c *checkConfig) { c.digest = digest }
}

// Check asks Guardian whether the agent may call tool. It returns nil when the call may go
// ahead; otherwise an *ElevationRequiredError (approve its ApprovalID, then check again), an
// *AgentTrustError with code ACTION_DENIED, or, when Guardian cannot be asked and fail-open is
// off, one with code GUARDIAN_UNAVAILABLE. With WithBlockOnDeny(false) denials return nil too.
// Other client errors (AUTH_FAILED, VALIDATION_ERROR, ...) are returned unchanged.
//
// summary describes the input; it is sent only with WithLogInputs(true), capped at
// MaxSummaryRunes code points.
func (g *Guard) Check(ctx context.Context, tool, summary string, opts ...CheckOption) error {
	_, err := g.Decide(ctx, tool, summary, opts...)
	return err
}

// CheckWithEffect is Check with an explicit action effect for this call, overriding the guard's
// default (as the Rust SDK's check_with_effect).
func (g *Guard) CheckWithEffect(ctx context.Context, tool, summary string, effect ActionEffect, opts ...CheckOption) error {
	_, err := g.Decide(ctx, tool, summary, append(opts, CheckEffect(effect))...)
	return err
}

// Decide is Check returning the decision: with WithBlockOnDeny(true) (the default) a denial is
// still an error, as in Check; with false it is a decision with Allowed false.
func (g *Guard) Decide(ctx context.Context, tool, summary string, opts ...CheckOption) (*Decision, error) {
	cc := checkOptions(opts)
	d, err := g.decide(ctx, tool, summary, &cc)
	if err != nil {
		return nil, err
	}
	return g.blocked(tool, d)
}

func checkOptions(opts []CheckOption) checkConfig {
	var cc checkConfig
	for _, opt := range opts {
		if opt != nil {
			opt(&cc)
		}
	}
	return cc
}

// blocked returns d, or its denial as an error when the guard blocks on deny.
func (g *Guard) blocked(tool string, d *Decision) (*Decision, error) {
	if g.cfg.blockOnDeny {
		if err := g.enforce(tool, d); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// ApprovalRequest is what a human is asked to approve (see WithApprovalHandler).
type ApprovalRequest struct {
	// ApprovalID is the pending approval to decide.
	ApprovalID string
	// ToolName is the tool the approval is bound to.
	ToolName string
	// ActionEffect is the call's effect (destructive or admin).
	ActionEffect ActionEffect
	// CheckID is the decision that asked for the approval.
	CheckID string
	// Reason is Guardian's explanation.
	Reason string
	// AgentID is the agent that asked.
	AgentID string
	// SessionID is the guard's session.
	SessionID string
	// ToolInputDigest is the SHA-256 of the input (CheckInput), computed locally: the gateway's
	// check takes no digest.
	ToolInputDigest string
}

// CheckAndWait is Decide, except that when the call needs an elevation it tells the approval
// handler (WithApprovalHandler), polls the approval until someone decides, and then checks again
// (same tool, effect and input digest, which the approval is bound to). It fails with code
// APPROVAL_DENIED, APPROVAL_EXPIRED or APPROVAL_TIMEOUT when no approval comes.
func (g *Guard) CheckAndWait(ctx context.Context, tool, summary string, opts ...CheckOption) (*Decision, error) {
	cc := checkOptions(opts)
	first, err := g.decide(ctx, tool, summary, &cc)
	if err != nil {
		return nil, err
	}
	approvalID, pending := first.ApprovalID.Get()
	if first.Allowed || !first.ElevationRequired || !pending {
		return g.blocked(tool, first)
	}
	if g.cfg.onApproval != nil {
		g.cfg.onApproval(ApprovalRequest{
			ApprovalID: approvalID, ToolName: tool, ActionEffect: first.ActionEffect, CheckID: first.CheckID,
			Reason: first.Reason, AgentID: g.agentID, SessionID: g.sessionID, ToolInputDigest: cc.digest,
		})
	}
	approval, err := g.waitForDecision(ctx, approvalID, tool)
	if err != nil {
		return nil, err
	}
	switch approval.Status {
	case ApprovalStatusDenied:
		e := newError(ErrorCodeApprovalDenied, "the elevation for %s was denied", tool)
		if by, ok := approval.DecidedBy.Get(); ok {
			e.Message += " by " + by
		}
		e.Details = map[string]any{"approval_id": approvalID, "tool_name": tool, "decided_by": approval.DecidedBy.Ptr()}
		return nil, e
	case ApprovalStatusExpired:
		e := newError(ErrorCodeApprovalExpired, "the elevation request for %s expired before anyone decided", tool)
		e.Details = map[string]any{"approval_id": approvalID, "tool_name": tool}
		return nil, e
	}
	second, err := g.decide(ctx, tool, summary, &cc)
	if err != nil {
		return nil, err
	}
	return g.blocked(tool, second)
}

func (g *Guard) waitForDecision(ctx context.Context, approvalID, tool string) (*Approval, error) {
	started := g.now()
	deadline := started.Add(g.cfg.approvalTimeout)
	delay := g.cfg.pollInitial
	for {
		left := deadline.Sub(g.now())
		if left <= 0 {
			e := newError(ErrorCodeApprovalTimeout, "no decision on the elevation for %s within %v", tool, g.cfg.approvalTimeout)
			e.Details = map[string]any{"approval_id": approvalID, "tool_name": tool, "waited_ms": g.now().Sub(started).Milliseconds()}
			return nil, e
		}
		if err := sleep(ctx, min(delay, left)); err != nil {
			return nil, ctxError(&operation{method: "wait", path: "approval " + approvalID}, err)
		}
		delay = min(time.Duration(float64(delay)*1.5), g.cfg.pollMax)
		approval, err := g.client.Approvals.Get(ctx, approvalID)
		if err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			// A blip while polling is retried on the next tick; an answer like 401 or 404 is final.
			if isUnavailability(err) || IsCode(err, ErrorCodeRateLimited) {
				continue
			}
			return nil, err
		}
		if approval.Status != ApprovalStatusPending {
			return approval, nil
		}
	}
}

var digestPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// decide makes one round trip to Guardian: a denial is a value here; unavailability is handled
// as the fail-open setting says.
func (g *Guard) decide(ctx context.Context, tool, summary string, cc *checkConfig) (*Decision, error) {
	if g.err != nil {
		return nil, configError(g.err)
	}
	if ctx == nil {
		return nil, validation("ctx", "Check needs a non-nil context")
	}
	if tool == "" || utf8.RuneCountInString(tool) > maxToolNameRunes {
		return nil, validation("tool_name", "tool name must be non-empty and at most %d characters", maxToolNameRunes)
	}
	effect := g.cfg.effect
	if cc.effect != "" {
		effect = cc.effect
	}
	if effect != "" && !effect.IsKnown() {
		return nil, validation("action_effect", "action effect %q is not one of read, mutating, destructive, admin", effect)
	}
	digest := cc.digest
	if digest != "" {
		if !digestPattern.MatchString(digest) {
			return nil, validation("tool_input_digest", "input digest must be 64 lowercase hex characters")
		}
	} else if cc.hasIn {
		var err error
		if digest, err = DigestInput(cc.input); err != nil {
			return nil, err
		}
	}
	cc.digest = digest
	if err := ctx.Err(); err != nil {
		return nil, ctxError(&operation{method: "check", path: tool}, err)
	}

	g.total.Add(1)
	if g.breaker != nil && !g.breaker.acquire() {
		e := newError(ErrorCodeGuardianUnavailable, "Guardian is unavailable: the circuit breaker is open after repeated failures")
		e.Details = map[string]any{"tool_name": tool, "breaker": string(BreakerOpen)}
		if at := g.breaker.retryAt(); !at.IsZero() {
			e.Details["retry_at"] = at.UTC().Format(time.RFC3339Nano)
		}
		return g.unavailableDecision(e, effect)
	}
	// The input digest stays local (the approval handler sees it): the gateway's check takes none.
	req := ActionCheckRequest{AgentID: g.agentID, ToolName: tool, SessionID: g.sessionID, ActionEffect: effect}
	if g.cfg.logInputs && summary != "" {
		req.ToolInputSummary = TruncateSummary(summary)
	}
	res, err := g.client.Actions.Check(ctx, req, g.cfg.checkOpts...)
	if err != nil {
		if ctx.Err() != nil {
			if g.breaker != nil {
				g.breaker.release()
			}
			return nil, err
		}
		if !isUnavailability(err) {
			// Guardian answered (401, 403, 404, 400...): it is up, and the error is the caller's.
			if g.breaker != nil {
				g.breaker.onSuccess()
			}
			g.explainRefusal(err)
			return nil, err
		}
		state := BreakerClosed
		if g.breaker != nil {
			g.breaker.onFailure()
			state = g.breaker.State()
		}
		e := newError(ErrorCodeGuardianUnavailable, "Guardian is unavailable: %s", errorMessage(err))
		e.Details = map[string]any{"tool_name": tool, "breaker": string(state)}
		var ae *AgentTrustError
		if errors.As(err, &ae) {
			e.Details["cause_code"] = string(ae.Code)
			if ae.Status != 0 {
				e.Details["status"] = ae.Status
			}
		}
		e.cause = err
		return g.unavailableDecision(e, effect)
	}
	if g.breaker != nil {
		g.breaker.onSuccess()
	}
	switch {
	case res.Allowed:
		g.allowed.Add(1)
	case res.ElevationRequired:
		g.elevation.Add(1)
	default:
		g.denied.Add(1)
	}
	d := &Decision{ActionCheckResult: *res, ActionEffect: effect}
	if !res.Allowed {
		d.Retryable = res.ElevationRequired || retryableRules[res.Rule]
	}
	return d, nil
}

// explainRefusal adds to a 401 the gateway gave a check without credentials (an organization that
// requires sender-constrained tokens) what the guard needs to pass it.
func (g *Guard) explainRefusal(err error) {
	var ae *AgentTrustError
	if g.cfg.credentials != nil || !errors.As(err, &ae) || ae.Status != 401 {
		return
	}
	if field, _ := ae.Details["field"].(string); field == "Authorization" || field == "DPoP" {
		ae.Message += " (this guard sends no agent credentials: give it ati.WithCredentials)"
	}
}

func (g *Guard) unavailableDecision(e *AgentTrustError, effect ActionEffect) (*Decision, error) {
	g.unavailable.Add(1)
	if !g.cfg.failOpen {
		return nil, e
	}
	g.failedOpen.Add(1)
	if g.client != nil && g.client.cfg.logs(context.Background(), slog.LevelWarn) {
		g.client.cfg.logger.LogAttrs(context.Background(), slog.LevelWarn, "guard failed open: the call is allowed without a decision",
			slog.String("agent_id", g.agentID), slog.String("code", string(e.Code)))
	}
	return &Decision{
		ActionCheckResult: ActionCheckResult{
			Allowed: true,
			Reason:  "allowed without a decision (fail-open): " + e.Message,
		},
		FailedOpen:   true,
		Cause:        e,
		ActionEffect: effect,
	}, nil
}

func (g *Guard) enforce(tool string, d *Decision) error {
	if d.Allowed {
		return nil
	}
	details := map[string]any{
		"check_id":      d.CheckID,
		"reason":        d.Reason,
		"rule":          string(d.Rule),
		"tool_name":     tool,
		"action_effect": string(d.ActionEffect),
		"retryable":     d.Retryable,
	}
	if approvalID, ok := d.ApprovalID.Get(); ok && d.ElevationRequired {
		details["approval_id"] = approvalID
		return &ElevationRequiredError{
			AgentTrustError: AgentTrustError{
				Code:    ErrorCodeElevationRequired,
				Message: tool + " needs an approved elevation (approval " + approvalID + "): " + d.Reason,
				Details: details,
			},
			ApprovalID: approvalID,
			CheckID:    d.CheckID,
		}
	}
	return &AgentTrustError{Code: ErrorCodeActionDenied, Message: "Guardian denied " + tool + ": " + d.Reason, Details: details}
}

// isUnavailability reports whether err means Guardian could not decide: a network failure, a
// timeout, 5xx after retries, or an unreadable answer.
func isUnavailability(err error) bool {
	var ae *AgentTrustError
	if !errors.As(err, &ae) {
		return true
	}
	switch ae.Code {
	case ErrorCodeNetworkError, ErrorCodeTimeout, ErrorCodeInvalidResponse:
		return true
	}
	return ae.Status >= 500
}

func errorMessage(err error) string {
	var ae *AgentTrustError
	if errors.As(err, &ae) {
		return ae.Message
	}
	return err.Error()
}

func validation(field, format string, args ...any) *AgentTrustError {
	e := newError(ErrorCodeValidationError, format, args...)
	e.Details = map[string]any{"field": field}
	return e
}

// Report records one finished tool call for telemetry: the tool name, whether it succeeded and
// how long it took. It never blocks and never fails: when the queue is full, or after Close, the
// report is dropped and counted in Stats. Nothing about the input or output is sent.
func (g *Guard) Report(tool string, success bool, durationMs int) {
	g.report(tool, success, durationMs, "")
}

// ReportError records a failed tool call; the error's type name (ErrorTypeOf) is sent, never its
// message.
func (g *Guard) ReportError(tool string, durationMs int, err error) {
	g.report(tool, false, durationMs, ErrorTypeOf(err))
}

// ReportFailure records a failed tool call with an error type name of the caller's choosing (at
// most 128 characters; never put the error's message here).
func (g *Guard) ReportFailure(tool string, durationMs int, errorType string) {
	g.report(tool, false, durationMs, truncateRunes(errorType, maxErrorTypeRunes))
}

func (g *Guard) report(tool string, success bool, durationMs int, errorType string) {
	if durationMs < 0 {
		durationMs = 0
	}
	g.tel.push(report{
		tool:      truncateRunes(tool, maxToolNameRunes),
		errorType: errorType,
		duration:  int64(durationMs),
		at:        g.now(),
		success:   success,
	})
}

// Flush sends every report queued so far and waits until they were sent (or dropped), or ctx
// ends. It returns the error of a failed batch; the remaining reports then stay queued.
func (g *Guard) Flush(ctx context.Context) error { return g.tel.flush(ctx) }

// Close flushes, then stops the telemetry goroutine; later reports are dropped and counted.
// Checks keep working. Close is safe to call more than once.
func (g *Guard) Close(ctx context.Context) error { return g.tel.close(ctx) }

// GuardStats are a guard's counters (see Guard.Stats).
type GuardStats struct {
	// SessionID is the guard's session id.
	SessionID string
	// Sent is how many reports the gateway accepted.
	Sent int64
	// Dropped is how many reports were dropped: queue full, failed batch, invalid report, or
	// reported after Close.
	Dropped int64
	// Queued is how many reports wait to be sent.
	Queued int64
	// FailedBatches is how many telemetry requests failed (their reports are in Dropped).
	FailedBatches int64
	// Checks counts check outcomes.
	Checks CheckStats
	// Breaker is the circuit breaker's state (BreakerClosed when it is disabled).
	Breaker BreakerState
}

// CheckStats counts a guard's checks by outcome.
type CheckStats struct {
	// Total is every check that reached the point of asking Guardian (or the open breaker).
	Total int64
	// Allowed, Denied and ElevationRequired count Guardian's decisions.
	Allowed, Denied, ElevationRequired int64
	// Unavailable counts checks Guardian could not decide; FailedOpen those of them that
	// fail-open let through.
	Unavailable, FailedOpen int64
}

// Stats returns the guard's counters.
func (g *Guard) Stats() GuardStats {
	s := GuardStats{
		SessionID:     g.sessionID,
		Sent:          g.tel.sent.Load(),
		Dropped:       g.tel.dropped.Load(),
		Queued:        g.tel.queued(),
		FailedBatches: g.tel.failedBatches.Load(),
		Checks: CheckStats{
			Total: g.total.Load(), Allowed: g.allowed.Load(), Denied: g.denied.Load(),
			ElevationRequired: g.elevation.Load(), FailedOpen: g.failedOpen.Load(), Unavailable: g.unavailable.Load(),
		},
		Breaker: BreakerClosed,
	}
	if g.breaker != nil {
		s.Breaker = g.breaker.State()
	}
	return s
}

