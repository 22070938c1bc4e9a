//! `AgentTrustGuard`: ask Guardian before a tool call (`check`), report after it (`report`).
//! A denial is an error (`block_on_deny`), an unreachable Guardian fails closed unless
//! `fail_open`, a circuit breaker stops asking after repeated failures, and reports go out in
//! batches on a background thread. Flushed (with a bound) on `close` and on `Drop`.

use crate::digest::{digest_input, truncate_chars, truncate_summary};
use crate::facts;
use crate::telemetry::{self, Telemetry};
use crate::transport::new_uuid;
use crate::{
    ActionCheckRequest, ActionCheckResult, ActionEffect, AgentTrustClient, AgentTrustError,
    ApprovalStatus, DecisionRule, ErrorCode, Nullable, TelemetryEvent, TelemetryEventType,
};
use serde_json::{Map, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// How long `close` and `Drop` wait for the last reports at most.
const CLOSE_BOUND: Duration = Duration::from_secs(5);
/// How long `flush` waits at most.
const FLUSH_BOUND: Duration = Duration::from_secs(30);

/// The state of a guard's circuit breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    /// Checks go to Guardian.
    Closed,
    /// Checks fail fast (GUARDIAN_UNAVAILABLE) until the cooldown has passed.
    Open,
    /// The cooldown has passed: the next check probes Guardian.
    HalfOpen,
}

impl BreakerState {
    /// `closed`, `open` or `half_open`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::Open => "open",
            Self::HalfOpen => "half_open",
        }
    }
}

struct Breaker {
    threshold: usize,
    window: Duration,
    cooldown: Duration,
    state: BreakerState,
    failures: Vec<Instant>,
    opened_at: Option<Instant>,
    probe_out: bool,
}

impl Breaker {
    fn current(&self) -> BreakerState {
        match (self.state, self.opened_at) {
            (BreakerState::Open, Some(at)) if at.elapsed() >= self.cooldown => {
                BreakerState::HalfOpen
            }
            (s, _) => s,
        }
    }

    fn acquire(&mut self) -> bool {
        match self.state {
            BreakerState::Closed => return true,
            BreakerState::Open => {
                if self
                    .opened_at
                    .is_some_and(|at| at.elapsed() < self.cooldown)
                {
                    return false;
                }
                self.state = BreakerState::HalfOpen;
                self.probe_out = false;
            }
            BreakerState::HalfOpen => {}
        }
        if self.probe_out {
            return false;
        }
        self.probe_out = true;
        true
    }

    fn on_success(&mut self) {
        self.state = BreakerState::Closed;
        self.probe_out = false;
        self.failures.clear();
    }

    fn on_failure(&mut self) {
        let now = Instant::now();
        match self.state {
            BreakerState::HalfOpen => return self.trip(now),
            BreakerState::Open => return,
            BreakerState::Closed => {}
        }
        self.failures.push(now);
        let window = self.window;
        self.failures.retain(|at| now.duration_since(*at) < window);
        if self.failures.len() >= self.threshold {
            self.trip(now);
        }
    }

    fn trip(&mut self, now: Instant) {
        self.state = BreakerState::Open;
        self.opened_at = Some(now);
        self.probe_out = false;
        self.failures.clear();
    }
}

/// What Guardian decided (or the guard, without Guardian): the check's result plus what the
/// guard adds.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The gateway's answer (for a fail-open decision: `allowed` and a `reason` only).
    pub result: ActionCheckResult,
    /// True for a decision made without Guardian (`fail_open`).
    pub failed_open: bool,
    /// For a denial: whether asking again may succeed (a pending elevation, a suspended agent).
    pub retryable: bool,
    /// The effect the check was made with.
    pub action_effect: Option<ActionEffect>,
}

impl Decision {
    /// Whether the action may go ahead.
    pub fn allowed(&self) -> bool {
        self.result.allowed
    }

    /// The decision in wire form: the check's result, `failed_open`, and `retryable` for a denial.
    pub fn to_json(&self) -> Value {
        let mut m = match serde_json::to_value(&self.result) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        m.insert("failed_open".into(), Value::from(self.failed_open));
        if !self.result.allowed {
            m.insert("retryable".into(), Value::from(self.retryable));
        }
        Value::Object(m)
    }
}

/// Counters of a guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct GuardStats {
    /// Reports sent.
    pub sent: u64,
    /// Reports dropped (queue full, failed batch, after close).
    pub dropped: u64,
    /// Reports waiting.
    pub queued: u64,
    /// Telemetry requests that failed.
    pub failed_batches: u64,
    /// Checks made.
    pub checks: u64,
    /// Checks that found Guardian unavailable.
    pub unavailable: u64,
    /// Decisions made without Guardian.
    pub failed_open: u64,
    /// The breaker's state.
    pub breaker: BreakerState,
}

/// Options of a new guard (`AgentTrustGuard::builder`).
#[derive(Debug)]
pub struct GuardBuilder {
    client: AgentTrustClient,
    agent_id: String,
    session_id: Option<String>,
    fail_open: bool,
    block_on_deny: bool,
    log_inputs: bool,
    effect: Option<ActionEffect>,
    breaker: Option<(u32, Duration, Duration)>,
    batch_size: usize,
    capacity: usize,
    interval: Duration,
    approval_timeout: Duration,
    poll: (Duration, Duration),
    credentials: Option<crate::AgentCredentials>,
}

impl GuardBuilder {
    /// Sends every check with the agent's credentials: a WIMSE bearer token and a fresh DPoP
    /// proof (for an organization that requires sender-constrained tokens). A check refused
    /// with 401 drops the token and is sent once more with a new one.
    pub fn credentials(mut self, credentials: crate::AgentCredentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Allow the action when Guardian cannot be asked (default false: fail closed).
    pub fn fail_open(mut self, fail_open: bool) -> Self {
        self.fail_open = fail_open;
        self
    }

    /// Return an error for a denial (default true); else `decide` returns the denial.
    pub fn block_on_deny(mut self, block: bool) -> Self {
        self.block_on_deny = block;
        self
    }

    /// The effect of checks that name none (`read`, `mutating`, `destructive`, `admin`).
    pub fn action_effect(mut self, effect: impl Into<ActionEffect>) -> Self {
        self.effect = Some(effect.into());
        self
    }

    /// The session id sent with checks and reports (default: a new UUID).
    pub fn session_id(mut self, id: impl Into<String>) -> Self {
        self.session_id = Some(id.into());
        self
    }

    /// Send the tool-input summary (truncated to 200 code points) with checks (default false).
    pub fn log_inputs(mut self, log: bool) -> Self {
        self.log_inputs = log;
        self
    }

    /// The circuit breaker: `threshold` failures within `window` open it for `cooldown`.
    pub fn circuit_breaker(mut self, threshold: u32, window: Duration, cooldown: Duration) -> Self {
        self.breaker = Some((threshold, window, cooldown));
        self
    }

    /// Reports per telemetry request (1 to 1000, default 10).
    pub fn batch_size(mut self, n: usize) -> Self {
        self.batch_size = n;
        self
    }

    /// Reports kept waiting at most (default 1000).
    pub fn queue_capacity(mut self, n: usize) -> Self {
        self.capacity = n;
        self
    }

    /// How long a partial batch waits (default 5 s).
    pub fn flush_interval(mut self, d: Duration) -> Self {
        self.interval = d;
        self
    }

    /// How long `check_and_wait` waits for a human, and its first and longest poll interval.
    pub fn approval_wait(
        mut self,
        timeout: Duration,
        poll_initial: Duration,
        poll_max: Duration,
    ) -> Self {
        self.approval_timeout = timeout;
        self.poll = (poll_initial, poll_max);
        self
    }

    /// The first refused option, as a `VALIDATION_ERROR` naming it.
    fn check(&self) -> crate::Result<()> {
        let refuse = |field: &str, text: &str| Err(AgentTrustError::validation(field, text));
        if self.agent_id.is_empty() {
            return refuse("agent_id", "the guard needs a non-empty agent id");
        }
        if let Some(s) = &self.session_id {
            if s.is_empty() || s.chars().count() > facts::MAX_SESSION_ID_CHARS {
                return refuse(
                    "session_id",
                    &format!(
                        "session id must be non-empty and at most {} characters",
                        facts::MAX_SESSION_ID_CHARS
                    ),
                );
            }
        }
        if self.effect.as_ref().is_some_and(|e| !e.is_known()) {
            return refuse(
                "action_effect",
                "action effect is not one of read, mutating, destructive, admin",
            );
        }
        if self.batch_size == 0 || self.batch_size > facts::MAX_TELEMETRY_BATCH {
            return refuse("batch_size", "batch size must be between 1 and 1000");
        }
        if self.capacity == 0 {
            return refuse("queue_capacity", "queue capacity must be positive");
        }
        if self.interval.is_zero() {
            return refuse("flush_interval", "flush interval must be positive");
        }
        if self.breaker.is_some_and(|(t, w, _)| t == 0 || w.is_zero()) {
            return refuse(
                "circuit_breaker",
                "the breaker needs threshold >= 1 and window > 0",
            );
        }
        Ok(())
    }

    /// Builds the guard; a refused option is a `VALIDATION_ERROR` naming it.
    pub fn try_build(self) -> crate::Result<AgentTrustGuard> {
        self.check()?;
        Ok(self.assemble(None))
    }

    /// Builds the guard. A refused option does not panic: every check then returns its
    /// `VALIDATION_ERROR` (`try_build` returns it at once), and reports are dropped.
    pub fn build(self) -> AgentTrustGuard {
        let error = self.check().err();
        self.assemble(error)
    }

    fn assemble(self, error: Option<AgentTrustError>) -> AgentTrustGuard {
        // With a refused option the guard only ever returns `error`; its settings fall back to
        // the defaults so that nothing (a zero-sized queue) misbehaves meanwhile.
        let valid = error.is_none();
        let (threshold, window, cooldown) = self.breaker.unwrap_or((
            facts::DEFAULT_BREAKER_THRESHOLD,
            facts::DEFAULT_BREAKER_WINDOW,
            facts::DEFAULT_BREAKER_COOLDOWN,
        ));
        let session_id = self.session_id.filter(|_| valid).unwrap_or_else(new_uuid);
        let telemetry = Telemetry::new(telemetry::Config {
            agent_id: self.agent_id.clone(),
            session_id: session_id.clone(),
            batch_size: if valid {
                self.batch_size
            } else {
                facts::DEFAULT_BATCH_SIZE
            },
            capacity: if valid { self.capacity } else { 0 },
            interval: if valid {
                self.interval
            } else {
                facts::DEFAULT_FLUSH_INTERVAL
            },
        });
        AgentTrustGuard {
            client: Some(self.client),
            agent_id: self.agent_id,
            session_id,
            fail_open: self.fail_open,
            block_on_deny: self.block_on_deny,
            log_inputs: self.log_inputs,
            effect: self.effect,
            approval_timeout: self.approval_timeout,
            poll: self.poll,
            credentials: self.credentials,
            breaker: Mutex::new(Breaker {
                threshold: threshold.max(1) as usize,
                window,
                cooldown,
                state: BreakerState::Closed,
                failures: Vec::new(),
                opened_at: None,
                probe_out: false,
            }),
            telemetry,
            checks: AtomicU64::new(0),
            unavailable: AtomicU64::new(0),
            failed_open_count: AtomicU64::new(0),
            error,
        }
    }

    fn new(client: AgentTrustClient, agent_id: String) -> Self {
        Self {
            client,
            agent_id,
            session_id: None,
            fail_open: false,
            block_on_deny: true,
            log_inputs: false,
            effect: None,
            breaker: None,
            batch_size: facts::DEFAULT_BATCH_SIZE,
            capacity: facts::DEFAULT_QUEUE_CAPACITY,
            interval: facts::DEFAULT_FLUSH_INTERVAL,
            approval_timeout: Duration::from_secs(600),
            poll: (Duration::from_secs(1), Duration::from_secs(10)),
            credentials: None,
        }
    }
}

/// The Guard: `check` before a tool call, `report` after it.
pub struct AgentTrustGuard {
    /// `None` only while dropping (handed to a thread that may drop a blocking client).
    client: Option<AgentTrustClient>,
    agent_id: String,
    session_id: String,
    fail_open: bool,
    block_on_deny: bool,
    log_inputs: bool,
    effect: Option<ActionEffect>,
    approval_timeout: Duration,
    poll: (Duration, Duration),
    credentials: Option<crate::AgentCredentials>,
    breaker: Mutex<Breaker>,
    telemetry: Telemetry,
    checks: AtomicU64,
    unavailable: AtomicU64,
    failed_open_count: AtomicU64,
    error: Option<AgentTrustError>,
}

impl std::fmt::Debug for AgentTrustGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentTrustGuard")
            .field("agent_id", &self.agent_id)
            .field("session_id", &self.session_id)
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

fn retryable_rule(rule: Option<&DecisionRule>) -> bool {
    matches!(
        rule,
        Some(DecisionRule::AgentSuspended | DecisionRule::ElevationRequired)
    )
}

/// Whether a failed check means Guardian could not be asked (as opposed to a refusal).
fn unavailability(e: &AgentTrustError) -> bool {
    matches!(
        e,
        AgentTrustError::Network(_)
            | AgentTrustError::Timeout(_)
            | AgentTrustError::InvalidResponse { .. }
    ) || e.status().is_some_and(|s| s >= 500)
}

impl AgentTrustGuard {
    /// A builder for a guard of `agent_id` on `client`.
    pub fn builder(client: AgentTrustClient, agent_id: &str) -> GuardBuilder {
        GuardBuilder::new(client, agent_id.to_owned())
    }

    fn client(&self) -> &AgentTrustClient {
        self.client
            .as_ref()
            .expect("the client is present until the guard is dropped")
    }

    /// The session id of checks and reports.
    pub fn session_id(&self) -> &str {
        &self.session_id
    }

    /// The agent the guard checks for.
    pub fn agent_id(&self) -> &str {
        &self.agent_id
    }

    /// Asks Guardian whether `tool` may run (with the guard's default effect); `Err` when it may
    /// not (ACTION_DENIED, ELEVATION_REQUIRED) or Guardian is unavailable and the guard fails
    /// closed.
    pub fn check(&self, tool: &str, summary: &str) -> crate::Result<()> {
        self.decide(tool, summary, None, None).map(|_| ())
    }

    /// `check` with an explicit effect for this call.
    pub fn check_with_effect(
        &self,
        tool: &str,
        summary: &str,
        effect: impl Into<ActionEffect>,
    ) -> crate::Result<()> {
        self.decide(tool, summary, Some(effect.into()), None)
            .map(|_| ())
    }

    /// The full decision. `input`, when given, is digested (RFC 8785 + SHA-256) locally; it is
    /// never sent. With `block_on_deny` a denial is an `Err`, else it is returned.
    pub fn decide(
        &self,
        tool: &str,
        summary: &str,
        effect: Option<ActionEffect>,
        input: Option<&Value>,
    ) -> crate::Result<Decision> {
        let d = self.ask(tool, summary, effect, input)?;
        self.blocked(tool, d)
    }

    fn blocked(&self, tool: &str, d: Decision) -> crate::Result<Decision> {
        if self.block_on_deny {
            enforce(tool, &d)?;
        }
        Ok(d)
    }

    fn ask(
        &self,
        tool: &str,
        summary: &str,
        effect: Option<ActionEffect>,
        input: Option<&Value>,
    ) -> crate::Result<Decision> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if tool.is_empty() || tool.chars().count() > facts::MAX_TOOL_NAME_CHARS {
            return Err(AgentTrustError::validation(
                "tool_name",
                &format!(
                    "tool name must be non-empty and at most {} characters",
                    facts::MAX_TOOL_NAME_CHARS
                ),
            ));
        }
        let effect = effect.or_else(|| self.effect.clone());
        if let Some(e) = &effect {
            if !e.is_known() {
                return Err(AgentTrustError::validation(
                    "action_effect",
                    &format!(
                        "action effect {:?} is not one of read, mutating, destructive, admin",
                        e.as_str()
                    ),
                ));
            }
        }
        if let Some(input) = input {
            digest_input(input)?;
        }
        self.checks.fetch_add(1, Ordering::Relaxed);
        let acquired = self
            .breaker
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .acquire();
        if !acquired {
            let mut details = Map::new();
            details.insert("tool_name".into(), Value::from(tool));
            details.insert("breaker".into(), Value::from("open"));
            let e = AgentTrustError::build(
                ErrorCode::GuardianUnavailable,
                "Guardian is unavailable: the circuit breaker is open after repeated failures",
                None,
                details,
                None,
            );
            return self.unavailable_decision(e, effect);
        }
        let req = ActionCheckRequest {
            agent_id: self.agent_id.clone(),
            tool_name: tool.to_owned(),
            session_id: Some(self.session_id.clone()),
            tool_input_summary: (self.log_inputs && !summary.is_empty())
                .then(|| truncate_summary(summary).to_owned()),
            action_effect: effect.clone(),
            ..Default::default()
        };
        let actions = match &self.credentials {
            Some(c) => self.client().actions().with_credentials(c),
            None => self.client().actions(),
        };
        match actions.check(&req) {
            Ok(result) => {
                self.breaker
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .on_success();
                let retryable = !result.allowed
                    && (result.elevation_required == Some(true)
                        || retryable_rule(result.rule.as_ref()));
                Ok(Decision {
                    result,
                    failed_open: false,
                    retryable,
                    action_effect: effect,
                })
            }
            Err(e) if !unavailability(&e) => {
                self.breaker
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .on_success();
                Err(e)
            }
            Err(cause) => {
                let state = {
                    let mut b = self.breaker.lock().unwrap_or_else(|p| p.into_inner());
                    b.on_failure();
                    b.current()
                };
                let mut details = Map::new();
                details.insert("tool_name".into(), Value::from(tool));
                details.insert("breaker".into(), Value::from(state.as_str()));
                details.insert("cause_code".into(), Value::from(cause.code().as_str()));
                if let Some(s) = cause.status() {
                    details.insert("status".into(), Value::from(s));
                }
                let e = AgentTrustError::build(
                    ErrorCode::GuardianUnavailable,
                    &format!("Guardian is unavailable: {}", cause.message()),
                    None,
                    details,
                    None,
                );
                self.unavailable_decision(e, effect)
            }
        }
    }

    fn unavailable_decision(
        &self,
        e: AgentTrustError,
        effect: Option<ActionEffect>,
    ) -> crate::Result<Decision> {
        self.unavailable.fetch_add(1, Ordering::Relaxed);
        if !self.fail_open {
            return Err(e);
        }
        self.failed_open_count.fetch_add(1, Ordering::Relaxed);
        crate::logging::event!(
            self.client().inner.log,
            Warn,
            "fail-open: allowing without a decision for agent {}: {} {}",
            self.agent_id,
            e.class_name(),
            e.code()
        );
        Ok(Decision {
            result: ActionCheckResult {
                allowed: true,
                reason: Some(format!(
                    "allowed without a decision (fail-open): {}",
                    e.message()
                )),
                elevation_required: Some(false),
                approval_id: Nullable::Null,
                ..Default::default()
            },
            failed_open: true,
            retryable: false,
            action_effect: effect,
        })
    }

    /// Checks; on ELEVATION_REQUIRED waits for a human to decide the approval (polling it), then
    /// checks again. APPROVAL_DENIED, APPROVAL_EXPIRED or APPROVAL_TIMEOUT when it ends otherwise.
    pub fn check_and_wait(
        &self,
        tool: &str,
        summary: &str,
        effect: Option<ActionEffect>,
        input: Option<&Value>,
    ) -> crate::Result<Decision> {
        let first = self.ask(tool, summary, effect.clone(), input)?;
        let approval_id = match (&first.result.approval_id, first.result.allowed) {
            (Nullable::Value(id), false) if first.result.elevation_required == Some(true) => {
                id.clone()
            }
            _ => return self.blocked(tool, first),
        };
        let started = Instant::now();
        let mut delay = self.poll.0;
        let approval = loop {
            let left = self.approval_timeout.saturating_sub(started.elapsed());
            if left.is_zero() {
                let mut d = Map::new();
                d.insert("approval_id".into(), Value::from(approval_id.clone()));
                d.insert("tool_name".into(), Value::from(tool));
                d.insert(
                    "waited_ms".into(),
                    Value::from(started.elapsed().as_millis() as u64),
                );
                return Err(AgentTrustError::build(
                    ErrorCode::ApprovalTimeout,
                    &format!(
                        "no decision on the elevation for {tool} within {:?}",
                        self.approval_timeout
                    ),
                    None,
                    d,
                    None,
                ));
            }
            std::thread::sleep(delay.min(left));
            delay = delay.mul_f64(1.5).min(self.poll.1);
            match self.client().approvals().get(&approval_id) {
                Ok(a) if a.status != ApprovalStatus::Pending => break a,
                Ok(_) => {}
                Err(e) if unavailability(&e) || matches!(e, AgentTrustError::RateLimit { .. }) => {}
                Err(e) => return Err(e),
            }
        };
        let mut d = Map::new();
        d.insert("approval_id".into(), Value::from(approval_id.clone()));
        d.insert("tool_name".into(), Value::from(tool));
        match approval.status {
            ApprovalStatus::Denied => {
                let by = approval.decided_by.clone().into_option();
                d.insert(
                    "decided_by".into(),
                    by.clone().map_or(Value::Null, Value::from),
                );
                let text = match by {
                    Some(b) => format!("the elevation for {tool} was denied by {b}"),
                    None => format!("the elevation for {tool} was denied"),
                };
                return Err(AgentTrustError::build(
                    ErrorCode::ApprovalDenied,
                    &text,
                    None,
                    d,
                    None,
                ));
            }
            ApprovalStatus::Expired => {
                return Err(AgentTrustError::build(
                    ErrorCode::ApprovalExpired,
                    &format!("the elevation request for {tool} expired before anyone decided"),
                    None,
                    d,
                    None,
                ))
            }
            _ => {}
        }
        let second = self.ask(tool, summary, effect, input)?;
        self.blocked(tool, second)
    }

    /// Runs `f` if Guardian allows `tool` (the input digested, never sent), then reports its
    /// outcome. The outer `Result` is the guard's (a denial); the inner one is `f`'s, unchanged.
    pub fn wrap<T, E>(
        &self,
        tool: &str,
        effect: Option<ActionEffect>,
        input: &Value,
        f: impl FnOnce(&Value) -> Result<T, E>,
    ) -> crate::Result<Result<T, E>> {
        let d = self.ask(tool, "", effect, Some(input))?;
        enforce(tool, &d)?;
        let started = Instant::now();
        let out = f(input);
        let ms = started.elapsed().as_millis() as u64;
        match &out {
            Ok(_) => self.report(tool, true, ms),
            Err(_) => self.report_failure(tool, ms, error_type_name::<E>()),
        }
        Ok(out)
    }

    /// Queues a report of one tool call; never blocks on the network and never fails (a full
    /// queue drops it and counts the drop).
    pub fn report(&self, tool: &str, success: bool, duration_ms: u64) {
        self.push(tool, success, duration_ms, None);
    }

    /// Queues a report of a failed tool call with its error type (a class name, never a message).
    pub fn report_failure(&self, tool: &str, duration_ms: u64, error_type: &str) {
        self.push(
            tool,
            false,
            duration_ms,
            Some(truncate_chars(error_type, facts::MAX_ERROR_TYPE_CHARS)),
        );
    }

    fn push(&self, tool: &str, success: bool, duration_ms: u64, error_type: Option<&str>) {
        let tool = truncate_chars(tool, facts::MAX_TOOL_NAME_CHARS);
        let Some(client) = self.client.as_ref() else {
            return;
        };
        if tool.is_empty() {
            return;
        }
        let event = TelemetryEvent {
            event_type: if success {
                TelemetryEventType::ToolEnd
            } else {
                TelemetryEventType::ToolError
            },
            tool_name: tool.to_owned(),
            duration_ms: Some(duration_ms.min(i64::MAX as u64) as i64),
            success: Some(success),
            error_type: error_type.filter(|e| !e.is_empty()).map(str::to_owned),
            timestamp: Some(rfc3339_now()),
        };
        self.telemetry.push(client, event);
    }

    /// Waits (up to 30 s) until every queued report was sent or dropped; the error of a failed
    /// batch, if any.
    pub fn flush(&self) -> crate::Result<()> {
        self.telemetry.flush(FLUSH_BOUND)
    }

    /// Flushes (up to 5 s) and stops the background thread; later reports are dropped.
    pub fn close(&self) -> crate::Result<()> {
        self.telemetry.close(CLOSE_BOUND)
    }

    /// The guard's counters.
    pub fn stats(&self) -> GuardStats {
        let c = self.telemetry.counts();
        GuardStats {
            sent: c.sent,
            dropped: c.dropped,
            queued: c.queued,
            failed_batches: c.failed_batches,
            checks: self.checks.load(Ordering::Relaxed),
            unavailable: self.unavailable.load(Ordering::Relaxed),
            failed_open: self.failed_open_count.load(Ordering::Relaxed),
            breaker: self.breaker_state(),
        }
    }

    /// The breaker's state (open past its cooldown reads `HalfOpen`).
    pub fn breaker_state(&self) -> BreakerState {
        self.breaker
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .current()
    }
}

impl Drop for AgentTrustGuard {
    /// Flushes the last reports (up to 5 s) on the background thread, which also drops the
    /// guard's client: dropping a blocking client inside an async runtime would panic.
    fn drop(&mut self) {
        let _ = self.telemetry.close(CLOSE_BOUND);
        if let Some(client) = self.client.take() {
            self.telemetry.bury(client);
        }
    }
}

fn enforce(tool: &str, d: &Decision) -> crate::Result<()> {
    if d.result.allowed {
        return Ok(());
    }
    let r = &d.result;
    let reason = r.reason.clone().unwrap_or_default();
    let mut details = Map::new();
    details.insert(
        "check_id".into(),
        r.check_id.clone().map_or(Value::Null, Value::from),
    );
    details.insert("reason".into(), Value::from(reason.clone()));
    details.insert(
        "rule".into(),
        r.rule
            .as_ref()
            .map_or(Value::Null, |x| Value::from(x.as_str())),
    );
    details.insert("tool_name".into(), Value::from(tool));
    details.insert(
        "action_effect".into(),
        d.action_effect
            .as_ref()
            .map_or(Value::Null, |x| Value::from(x.as_str())),
    );
    details.insert("retryable".into(), Value::from(d.retryable));
    if let (Nullable::Value(id), Some(true)) = (&r.approval_id, r.elevation_required) {
        details.insert("approval_id".into(), Value::from(id.clone()));
        return Err(AgentTrustError::build(
            ErrorCode::ElevationRequired,
            &format!("{tool} needs an approved elevation (approval {id}): {reason}"),
            None,
            details,
            None,
        ));
    }
    Err(AgentTrustError::build(
        ErrorCode::ActionDenied,
        &format!("Guardian denied {tool}: {reason}"),
        None,
        details,
        None,
    ))
}

/// The last path segment of a type's name (`ToolFailure`, not `my_crate::ToolFailure`).
fn error_type_name<E>() -> &'static str {
    let full = std::any::type_name::<E>();
    let base = full.split('<').next().unwrap_or(full);
    base.rsplit("::").next().unwrap_or(base)
}

/// Now as an RFC 3339 UTC date-time with milliseconds.
fn rfc3339_now() -> String {
    let d = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}
