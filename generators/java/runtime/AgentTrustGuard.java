package id.agenttrust.sdk;

import id.agenttrust.sdk.exceptions.AgentTrustException;
import id.agenttrust.sdk.exceptions.ElevationRequiredException;
import id.agenttrust.sdk.exceptions.NetworkException;
import id.agenttrust.sdk.identity.AgentCredentials;
import id.agenttrust.sdk.internal.Breaker;
import id.agenttrust.sdk.internal.Digest;
import id.agenttrust.sdk.internal.Facts;
import id.agenttrust.sdk.internal.Log;
import id.agenttrust.sdk.internal.Telemetry;
import id.agenttrust.sdk.models.ActionCheckRequest;
import id.agenttrust.sdk.models.ActionCheckResult;
import id.agenttrust.sdk.models.ActionEffect;
import id.agenttrust.sdk.models.ApprovalRequest;
import id.agenttrust.sdk.models.ApprovalStatus;
import id.agenttrust.sdk.models.DecisionRule;
import id.agenttrust.sdk.models.TelemetryEvent;
import id.agenttrust.sdk.models.TelemetryEventType;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Guards an agent's tool calls: {@link #check} asks Guardian before a call (and throws when it is
 * denied), {@link #report} queues what happened after it, sent in the background. Close it (it is
 * {@link AutoCloseable}) to flush the queue; the guard is thread-safe.
 *
 * <pre>{@code
 * try (AgentTrustGuard guard = new AgentTrustGuard(client, agent.getId())) {
 *   guard.check("web_search", "AI news", "read");
 *   guard.report("web_search", true, 120);
 * }
 * }</pre>
 */
public final class AgentTrustGuard implements AutoCloseable {
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final AgentTrustClient client;
  private final String agentId;
  private final String sessionId;
  private final boolean blockOnDeny;
  private final boolean failOpen;
  private final boolean logInputs;
  private final ActionEffect defaultEffect;
  private final Breaker breaker;
  private final Telemetry<Pending> telemetry;
  private final Duration approvalTimeout;
  private final Duration pollInitial;
  private final Duration pollMax;
  private final AgentCredentials credentials;

  /**
   * A guard with the defaults: blocks on deny, fails closed, sends no inputs, the spec's breaker
   * and telemetry settings.
   *
   * @param client the client
   * @param agentId the agent whose calls are checked
   */
  public AgentTrustGuard(AgentTrustClient client, String agentId) {
    this(builder(client, agentId));
  }

  private AgentTrustGuard(Builder b) {
    if (b.client == null) throw Facts.validation("client", "the guard needs a client");
    if (b.agentId == null || b.agentId.isEmpty()) throw Facts.validation("agent_id", "the guard needs a non-empty agent id");
    this.client = b.client;
    this.agentId = b.agentId;
    this.sessionId = b.sessionId != null ? b.sessionId : UUID.randomUUID().toString();
    this.blockOnDeny = b.blockOnDeny;
    this.failOpen = b.failOpen;
    this.logInputs = b.logInputs;
    this.defaultEffect = b.effect;
    this.breaker =
        b.breaker
            ? new Breaker(b.threshold, b.window.toMillis(), b.cooldown.toMillis(), () -> System.nanoTime() / 1_000_000)
            : null;
    this.approvalTimeout = b.approvalTimeout;
    this.pollInitial = b.pollInitial;
    this.pollMax = b.pollMax;
    if (b.credentials != null && !b.credentials.getAgentId().equals(b.agentId)) {
      throw Facts.validation("credentials", "the guard's credentials are another agent's (" + b.credentials.getAgentId() + ")");
    }
    this.credentials = b.credentials;
    // Telemetry is best-effort: a failed batch is dropped, not retried by the client.
    AgentTrustClient sender = client.toBuilder().maxRetries(0).build();
    String agent = agentId;
    String session = sessionId;
    this.telemetry =
        new Telemetry<>(
            batch -> sender.telemetry().report(agent, session, events(batch)), b.batchSize, b.capacity, b.interval, client.transport().log());
  }

  /**
   * A builder for a guard with other options.
   *
   * @param client the client
   * @param agentId the agent whose calls are checked
   * @return the builder
   */
  public static Builder builder(AgentTrustClient client, String agentId) {
    return new Builder(client, agentId);
  }

  /**
   * The agent whose calls are checked.
   *
   * @return its id
   */
  public String getAgentId() {
    return agentId;
  }

  /**
   * The session id sent with every check and report.
   *
   * @return the id
   */
  public String getSessionId() {
    return sessionId;
  }

  /**
   * Checks a tool call with the guard's default effect.
   *
   * @param tool the tool's name
   * @param summary what the input is about (sent only when the guard logs inputs)
   * @return the decision
   * @throws AgentTrustException {@code ACTION_DENIED}, {@link ElevationRequiredException}, {@code
   *     GUARDIAN_UNAVAILABLE} (unless failing open), {@code VALIDATION_ERROR}
   */
  public Decision check(String tool, String summary) {
    return check(tool, summary, null);
  }

  /**
   * Checks a tool call.
   *
   * @param tool the tool's name
   * @param summary what the input is about (sent only when the guard logs inputs)
   * @param effect {@code read}, {@code mutating}, {@code destructive} or {@code admin}; null for
   *     the guard's default
   * @return the decision
   * @throws AgentTrustException {@code ACTION_DENIED}, {@link ElevationRequiredException}, {@code
   *     GUARDIAN_UNAVAILABLE} (unless failing open), {@code VALIDATION_ERROR}
   */
  public Decision check(String tool, String summary, String effect) {
    return blocked(tool, decide(tool, summary, effect));
  }

  /**
   * Checks a tool call bound to its input: the input's digest is computed (it never leaves the
   * process), which refuses inputs JSON cannot carry.
   *
   * @param tool the tool's name
   * @param summary what the input is about
   * @param effect the effect, or null for the default
   * @param input the tool's input
   * @return the decision
   */
  public Decision check(String tool, String summary, String effect, Object input) {
    Digest.of(input);
    return check(tool, summary, effect);
  }

  /**
   * Checks a tool call; when it needs an elevation, waits for a human to decide (polling the
   * approval), then checks again.
   *
   * @param tool the tool's name
   * @param summary what the input is about
   * @param effect the effect, or null for the default
   * @return the decision after the approval
   * @throws AgentTrustException {@code APPROVAL_DENIED}, {@code APPROVAL_EXPIRED}, {@code
   *     APPROVAL_TIMEOUT} (with {@code approval_id}), or any error of {@link #check}
   */
  public Decision checkAndWait(String tool, String summary, String effect) {
    Decision first = decide(tool, summary, effect);
    ActionCheckResult r = first.getResult().orElse(null);
    if (r == null || r.isAllowed() || !r.isElevationRequired() || r.getApprovalId().isEmpty()) return blocked(tool, first);
    String approvalId = r.getApprovalId().get();
    ApprovalRequest approval = waitForDecision(approvalId, tool);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("approval_id", approvalId);
    details.put("tool_name", tool);
    if (ApprovalStatus.DENIED.equals(approval.getStatus())) {
      details.put("decided_by", approval.getDecidedBy().orElse(null));
      throw Facts.error("APPROVAL_DENIED", "the elevation for " + tool + " was denied" + approval.getDecidedBy().map(by -> " by " + by).orElse(""), 0, details, null);
    }
    if (ApprovalStatus.EXPIRED.equals(approval.getStatus())) {
      throw Facts.error("APPROVAL_EXPIRED", "the elevation request for " + tool + " expired before anyone decided", 0, details, null);
    }
    return blocked(tool, decide(tool, summary, effect));
  }

  private ApprovalRequest waitForDecision(String approvalId, String tool) {
    long started = System.nanoTime();
    long deadline = started + approvalTimeout.toNanos();
    long delay = pollInitial.toMillis();
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("approval_id", approvalId);
        details.put("tool_name", tool);
        details.put("waited_ms", (System.nanoTime() - started) / 1_000_000);
        throw Facts.error("APPROVAL_TIMEOUT", "no decision on the elevation for " + tool + " within " + approvalTimeout.toMillis() + " ms", 0, details, null);
      }
      try {
        Thread.sleep(Math.min(delay, left));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NetworkException("NETWORK_ERROR", "waiting for approval " + approvalId + ": interrupted", e);
      }
      delay = Math.min((long) (delay * 1.5), pollMax.toMillis());
      ApprovalRequest a;
      try {
        a = client.approvals().get(approvalId);
      } catch (AgentTrustException e) {
        if (isUnavailability(e) || "RATE_LIMITED".equals(e.getCode())) continue;
        throw e;
      }
      if (!ApprovalStatus.PENDING.equals(a.getStatus())) return a;
    }
  }

  private Decision blocked(String tool, Decision d) {
    if (blockOnDeny) enforce(tool, d);
    return d;
  }

  private void enforce(String tool, Decision d) {
    if (d.isAllowed()) return;
    ActionCheckResult r = d.getResult().orElseThrow();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("check_id", r.getCheckId().orElse(""));
    details.put("reason", r.getReason().orElse(""));
    details.put("rule", r.getRule().map(DecisionRule::value).orElse(""));
    details.put("tool_name", tool);
    details.put("retryable", d.isRetryable());
    if (r.isElevationRequired() && r.getApprovalId().isPresent()) {
      String approvalId = r.getApprovalId().get();
      details.put("approval_id", approvalId);
      throw new ElevationRequiredException(
          tool + " needs an approved elevation (approval " + approvalId + "): " + r.getReason().orElse(""), approvalId, details);
    }
    throw Facts.error("ACTION_DENIED", "Guardian denied " + tool + ": " + r.getReason().orElse(""), 0, details, null);
  }

  private Decision decide(String tool, String summary, String effect) {
    if (tool == null || tool.isEmpty() || codePoints(tool) > Facts.LIMIT_TOOL_NAME) {
      throw Facts.validation("tool_name", "the tool name must be non-empty and at most " + Facts.LIMIT_TOOL_NAME + " characters");
    }
    ActionEffect eff = effect == null || effect.isEmpty() ? defaultEffect : ActionEffect.of(effect);
    if (eff != null && !eff.isKnown()) {
      throw Facts.validation("action_effect", "action effect \"" + eff.value() + "\" is not one of read, mutating, destructive, admin");
    }
    if (breaker != null && !breaker.acquire()) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("tool_name", tool);
      details.put("breaker", BreakerState.OPEN.wireName());
      return unavailable(
          Facts.error("GUARDIAN_UNAVAILABLE", "Guardian is unavailable: the circuit breaker is open after repeated failures", 0, details, null));
    }
    ActionCheckRequest.Builder req = ActionCheckRequest.builder().agentId(agentId).toolName(tool).sessionId(sessionId);
    if (eff != null) req.actionEffect(eff);
    if (logInputs && summary != null && !summary.isEmpty()) req.toolInputSummary(truncate(summary, Facts.LIMIT_SUMMARY));
    ActionCheckResult res;
    try {
      res = credentials == null ? client.actions().check(req.build()) : client.actions().check(req.build(), credentials);
    } catch (AgentTrustException e) {
      if (!isUnavailability(e)) {
        if (breaker != null) breaker.onSuccess();
        throw e;
      }
      BreakerState state = BreakerState.CLOSED;
      if (breaker != null) {
        breaker.onFailure();
        state = breaker.state();
      }
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("tool_name", tool);
      details.put("breaker", state.wireName());
      details.put("cause_code", e.getCode());
      if (e.getStatus() != 0) details.put("status", e.getStatus());
      return unavailable(Facts.error("GUARDIAN_UNAVAILABLE", "Guardian is unavailable: " + e.getMessage(), 0, details, null));
    }
    if (breaker != null) breaker.onSuccess();
    boolean retryable =
        !res.isAllowed()
            && (res.isElevationRequired()
                || res.getRule().map(r -> r.equals(DecisionRule.AGENT_SUSPENDED) || r.equals(DecisionRule.ELEVATION_REQUIRED)).orElse(false));
    return new Decision(res, false, retryable, res.getReason().orElse(""));
  }

  private Decision unavailable(AgentTrustException e) {
    if (!failOpen) throw e;
    Log log = client.transport().log();
    if (log.on(Log.Level.WARN)) {
      log.warn("fail-open: allowed " + e.getDetails().get("tool_name") + " without a decision: " + e.getCode() + " (cause " + e.getDetails().getOrDefault("cause_code", e.getDetails().getOrDefault("breaker", "unknown")) + ")");
    }
    return new Decision(null, true, false, "allowed without a decision (fail-open): " + e.getMessage());
  }

  private static boolean isUnavailability(AgentTrustException e) {
    String c = e.getCode();
    return "NETWORK_ERROR".equals(c) || "TIMEOUT".equals(c) || "INVALID_RESPONSE".equals(c) || e.getStatus() >= 500;
  }

  /**
   * Wraps a tool: each call is checked first (denials always throw, whatever blockOnDeny says,
   * since the tool must not run), then run and reported with its duration; what the tool throws
   * is reported by its class name and rethrown unchanged.
   *
   * @param <T> the input type
   * @param <R> the result type
   * @param tool the tool's name
   * @param effect the effect, or null for the default
   * @param fn the tool
   * @return the guarded tool
   */
  public <T, R> GuardedFunction<T, R> wrap(String tool, String effect, GuardedFunction<T, R> fn) {
    return input -> {
      Digest.of(input);
      enforce(tool, decide(tool, "", effect));
      long start = System.nanoTime();
      R out;
      try {
        out = fn.apply(input);
      } catch (Exception | Error e) {
        reportFailure(tool, (int) ((System.nanoTime() - start) / 1_000_000), e.getClass().getName());
        throw e;
      }
      report(tool, true, (int) ((System.nanoTime() - start) / 1_000_000));
      return out;
    };
  }

  /**
   * Queues a report of a tool call; never throws, never blocks.
   *
   * @param tool the tool's name
   * @param success whether it succeeded
   * @param durationMs how long it took
   */
  public void report(String tool, boolean success, int durationMs) {
    push(tool, success, durationMs, null);
  }

  /**
   * Queues a report of a failed tool call with its error type; never throws.
   *
   * @param tool the tool's name
   * @param durationMs how long it took
   * @param errorType the error's class name (truncated to the spec's limit)
   */
  public void reportFailure(String tool, int durationMs, String errorType) {
    push(tool, false, durationMs, errorType);
  }

  /** A report as queued: the event is built when its batch is sent. */
  private record Pending(String tool, boolean success, int durationMs, String errorType, long atMillis) {}

  private void push(String tool, boolean success, int durationMs, String errorType) {
    if (tool == null || tool.isEmpty()) {
      telemetry.drop();
      return;
    }
    telemetry.offer(new Pending(tool, success, durationMs, errorType, System.currentTimeMillis()));
  }

  private static List<TelemetryEvent> events(List<Pending> batch) {
    List<TelemetryEvent> out = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      TelemetryEvent.Builder e =
          TelemetryEvent.builder()
              .eventType(p.success() ? TelemetryEventType.TOOL_END : TelemetryEventType.TOOL_ERROR)
              .toolName(truncate(p.tool(), Facts.LIMIT_TOOL_NAME))
              .success(p.success())
              .durationMs(Math.max(0, p.durationMs()))
              .timestamp(OffsetDateTime.ofInstant(Instant.ofEpochMilli(p.atMillis()), ZoneOffset.UTC));
      if (p.errorType() != null && !p.errorType().isEmpty()) e.errorType(truncate(p.errorType(), Facts.LIMIT_ERROR_TYPE));
      out.add(e.build());
    }
    return out;
  }

  /**
   * Sends every queued report, waiting up to 30 s.
   *
   * @return true when everything was sent (or dropped) in time
   */
  public boolean flush() {
    return flush(Duration.ofSeconds(30));
  }

  /**
   * Sends every queued report, waiting up to timeout.
   *
   * @param timeout the bound
   * @return true when done in time
   */
  public boolean flush(Duration timeout) {
    return telemetry.flush(timeout);
  }

  /** Flushes (waiting up to 5 s) and stops the background thread; later reports are dropped. */
  @Override
  public void close() {
    close(CLOSE_TIMEOUT);
  }

  /**
   * Flushes (waiting up to timeout) and stops the background thread.
   *
   * @param timeout the bound
   */
  public void close(Duration timeout) {
    telemetry.close(timeout);
  }

  /**
   * The circuit breaker's state.
   *
   * @return the state ({@code CLOSED} when the guard has no breaker)
   */
  public BreakerState getBreakerState() {
    return breaker == null ? BreakerState.CLOSED : breaker.state();
  }

  /**
   * Reports sent so far.
   *
   * @return the count
   */
  public long getSentReports() {
    return telemetry.sent();
  }

  /**
   * Reports dropped so far (queue full, closed, or their batch failed).
   *
   * @return the count
   */
  public long getDroppedReports() {
    return telemetry.dropped();
  }

  /**
   * Reports waiting to be sent.
   *
   * @return the count
   */
  public long getQueuedReports() {
    return telemetry.queued();
  }

  /**
   * Telemetry batches that failed (their reports are counted as dropped).
   *
   * @return the count
   */
  public long getFailedBatches() {
    return telemetry.failedBatches();
  }

  /**
   * The guard, without secrets.
   *
   * @return the string form
   */
  @Override
  public String toString() {
    return "AgentTrustGuard{agentId=" + agentId + ", sessionId=" + sessionId + "}";
  }

  /**
   * The first limit code points of text.
   *
   * @param text the text
   * @param limit the most code points kept
   * @return the text, truncated by code point
   */
  public static String truncate(String text, int limit) {
    if (text.length() <= limit) return text;
    if (codePoints(text) <= limit) return text;
    return text.substring(0, text.offsetByCodePoints(0, limit));
  }

  private static int codePoints(String s) {
    return s.codePointCount(0, s.length());
  }

  /** Options of a guard. */
  public static final class Builder {
    private final AgentTrustClient client;
    private final String agentId;
    private String sessionId;
    private boolean blockOnDeny = true;
    private boolean failOpen;
    private boolean logInputs;
    private ActionEffect effect;
    private boolean breaker = true;
    private int threshold = Facts.BREAKER_FAILURE_THRESHOLD;
    private Duration window = Duration.ofMillis(Facts.BREAKER_WINDOW_MS);
    private Duration cooldown = Duration.ofMillis(Facts.BREAKER_COOLDOWN_MS);
    private int batchSize = Facts.TELEMETRY_BATCH_SIZE;
    private int capacity = Facts.TELEMETRY_CAPACITY;
    private Duration interval = Duration.ofMillis(Facts.TELEMETRY_FLUSH_INTERVAL_MS);
    private Duration approvalTimeout = Duration.ofMinutes(10);
    private Duration pollInitial = Duration.ofSeconds(1);
    private Duration pollMax = Duration.ofSeconds(10);
    private AgentCredentials credentials;

    private Builder(AgentTrustClient client, String agentId) {
      this.client = client;
      this.agentId = agentId;
    }

    /**
     * The session id sent with checks and reports (default: a random UUID).
     *
     * @param sessionId non-empty, at most 128 characters
     * @return this builder
     */
    public Builder sessionId(String sessionId) {
      if (sessionId == null || sessionId.isEmpty() || codePoints(sessionId) > Facts.LIMIT_SESSION_ID) {
        throw Facts.validation("session_id", "the session id must be non-empty and at most " + Facts.LIMIT_SESSION_ID + " characters");
      }
      this.sessionId = sessionId;
      return this;
    }

    /**
     * Whether a denial throws (default true); false returns the denying decision.
     *
     * @param block whether to throw
     * @return this builder
     */
    public Builder blockOnDeny(boolean block) {
      this.blockOnDeny = block;
      return this;
    }

    /**
     * Whether an unavailable Guardian allows the call (default false: it throws).
     *
     * @param failOpen whether to allow
     * @return this builder
     */
    public Builder failOpen(boolean failOpen) {
      this.failOpen = failOpen;
      return this;
    }

    /**
     * Whether input summaries are sent (default false), truncated to 200 code points.
     *
     * @param logInputs whether to send them
     * @return this builder
     */
    public Builder logInputs(boolean logInputs) {
      this.logInputs = logInputs;
      return this;
    }

    /**
     * The effect of checks that name none.
     *
     * @param effect {@code read}, {@code mutating}, {@code destructive} or {@code admin}
     * @return this builder
     */
    public Builder actionEffect(String effect) {
      ActionEffect e = ActionEffect.of(effect);
      if (!e.isKnown()) throw Facts.validation("action_effect", "action effect \"" + effect + "\" is not one of read, mutating, destructive, admin");
      this.effect = e;
      return this;
    }

    /**
     * The circuit breaker's settings.
     *
     * @param failureThreshold failures that open it (at least 1)
     * @param window the window they must fall in
     * @param cooldown how long it stays open
     * @return this builder
     */
    public Builder circuitBreaker(int failureThreshold, Duration window, Duration cooldown) {
      if (failureThreshold < 1 || window.isNegative() || window.isZero() || cooldown.isNegative()) {
        throw Facts.validation("circuit_breaker", "the circuit breaker needs threshold >= 1, window > 0 and cooldown >= 0");
      }
      this.breaker = true;
      this.threshold = failureThreshold;
      this.window = window;
      this.cooldown = cooldown;
      return this;
    }

    /**
     * Turns the circuit breaker off.
     *
     * @return this builder
     */
    public Builder withoutCircuitBreaker() {
      this.breaker = false;
      return this;
    }

    /**
     * The telemetry queue's settings.
     *
     * @param batchSize events per request (1 to the spec's batch limit)
     * @param capacity the queue's bound
     * @param flushInterval how often a partial batch is sent
     * @return this builder
     */
    public Builder telemetry(int batchSize, int capacity, Duration flushInterval) {
      if (batchSize < 1 || batchSize > Facts.LIMIT_TELEMETRY_BATCH || capacity < 1 || flushInterval.isNegative() || flushInterval.isZero()) {
        throw Facts.validation("telemetry", "telemetry needs 1 <= batch size <= " + Facts.LIMIT_TELEMETRY_BATCH + ", a positive capacity and interval");
      }
      this.batchSize = batchSize;
      this.capacity = capacity;
      this.interval = flushInterval;
      return this;
    }

    /**
     * How {@link #checkAndWait} waits: the whole timeout, the first poll delay and the longest.
     *
     * @param timeout the most time to wait
     * @param pollInitial the first delay
     * @param pollMax the longest delay
     * @return this builder
     */
    public Builder approvalWait(Duration timeout, Duration pollInitial, Duration pollMax) {
      if (timeout.isNegative() || timeout.isZero() || pollInitial.isNegative() || pollInitial.isZero() || pollMax.compareTo(pollInitial) < 0) {
        throw Facts.validation("approval_wait", "the approval wait needs timeout > 0 and 0 < pollInitial <= pollMax");
      }
      this.approvalTimeout = timeout;
      this.pollInitial = pollInitial;
      this.pollMax = pollMax;
      return this;
    }

    /**
     * The agent's credentials: every check carries its WIMSE bearer and a DPoP proof (what an
     * organization requiring sender-constrained tokens needs); a check refused with 401 is
     * retried once with a new token.
     *
     * @param credentials the guard's agent's credentials, or null for none
     * @return this builder
     */
    public Builder credentials(AgentCredentials credentials) {
      this.credentials = credentials;
      return this;
    }

    /**
     * The guard.
     *
     * @return a new guard (close it)
     */
    public AgentTrustGuard build() {
      return new AgentTrustGuard(this);
    }
  }
}
