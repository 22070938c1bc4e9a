package id.agenttrust.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.agenttrust.sdk.internal.Json;
import id.agenttrust.sdk.internal.JsonValue;
import id.agenttrust.sdk.models.ActionCheckResult;
import java.util.Optional;

/**
 * A guard's decision: Guardian's {@link ActionCheckResult}, or an allowance made without Guardian
 * when it was unavailable and the guard fails open.
 */
public final class Decision implements JsonValue {
  private final ActionCheckResult result;
  private final boolean failedOpen;
  private final boolean retryable;
  private final String reason;

  Decision(ActionCheckResult result, boolean failedOpen, boolean retryable, String reason) {
    this.result = result;
    this.failedOpen = failedOpen;
    this.retryable = retryable;
    this.reason = reason;
  }

  /**
   * Whether the call may go ahead.
   *
   * @return true when allowed (or failed open)
   */
  public boolean isAllowed() {
    return failedOpen || result.isAllowed();
  }

  /**
   * Whether the decision was made without Guardian (fail-open).
   *
   * @return true when failed open
   */
  public boolean isFailedOpen() {
    return failedOpen;
  }

  /**
   * Whether checking again may give another answer: a pending elevation, or a suspended agent.
   *
   * @return true when retryable
   */
  public boolean isRetryable() {
    return retryable;
  }

  /**
   * Guardian's answer.
   *
   * @return the result, absent for a fail-open decision
   */
  public Optional<ActionCheckResult> getResult() {
    return Optional.ofNullable(result);
  }

  /**
   * Why.
   *
   * @return the reason
   */
  public String getReason() {
    return reason;
  }

  /**
   * The decision in wire form: the check's result, {@code failed_open}, and {@code retryable} for
   * a denial.
   *
   * @return the JSON object
   */
  @Override
  public JsonNode toJson() {
    ObjectNode out;
    if (failedOpen) {
      out = Json.NODES.objectNode();
      out.put("allowed", true);
      out.put("reason", reason);
      out.put("elevation_required", false);
      out.putNull("approval_id");
    } else {
      out = (ObjectNode) result.toJson();
    }
    out.put("failed_open", failedOpen);
    if (!isAllowed()) out.put("retryable", retryable);
    return out;
  }

  /**
   * The decision's wire form as text.
   *
   * @return the JSON text
   */
  @Override
  public String toString() {
    return "Decision" + Json.write(toJson());
  }
}
