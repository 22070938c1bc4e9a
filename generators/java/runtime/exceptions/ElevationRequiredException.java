package id.agenttrust.sdk.exceptions;

import java.util.Map;

/**
 * Thrown by the guard's {@code check} when Guardian needs a human (or an automated approver) to
 * approve the call first. Approve {@link #getApprovalId()} with {@code
 * client.approvals().approve(...)}, then check again.
 */
public class ElevationRequiredException extends AgentTrustException {
  private static final long serialVersionUID = 1L;

  /** The pending approval's id. */
  private final String approvalId;

  /**
   * Creates the exception.
   *
   * @param message the explanation
   * @param approvalId the pending approval
   * @param details wire-form details (with {@code approval_id})
   */
  public ElevationRequiredException(String message, String approvalId, Map<String, Object> details) {
    super("ELEVATION_REQUIRED", message, 0, details, null, null);
    this.approvalId = approvalId;
  }

  /**
   * The approval to decide.
   *
   * @return its id
   */
  public String getApprovalId() {
    return approvalId;
  }
}
