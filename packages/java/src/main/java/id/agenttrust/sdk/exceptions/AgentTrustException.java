// Copied from generators/java/runtime/exceptions/AgentTrustException.java by agenttrust-gen (Java). DO NOT EDIT.
package id.agenttrust.sdk.exceptions;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The exception every call of this SDK throws when it fails: a gateway error answer, a client-side
 * validation failure, an answer that does not match the spec, or a guard decision. It is
 * unchecked; catch the subclasses first ({@link ElevationRequiredException}, {@link
 * NetworkException}, {@link NotFoundException}, ...), then this class.
 *
 * <p>The message is text from the network: its control characters are escaped and it is capped
 * at {@value #MAX_MESSAGE} characters, and it never contains the API key.
 */
public class AgentTrustException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The longest message kept, in characters. */
  public static final int MAX_MESSAGE = 1000;

  /** The machine-readable error code. */
  private final String code;
  /** The HTTP status, or 0. */
  private final int status;
  private final transient Map<String, Object> details;
  /** The gateway's request id, or null. */
  private final String requestId;

  /**
   * Creates the exception.
   *
   * @param code the machine-readable error code ({@code ACTION_DENIED}, {@code NOT_FOUND}, ...)
   * @param message the human-readable explanation
   * @param status the HTTP status of the gateway's answer, or 0 when there was none
   * @param details structured context in wire form (e.g. {@code field}, {@code approval_id}), or
   *     null
   * @param requestId the gateway's id for the request, or null
   * @param cause the underlying cause, or null
   */
  public AgentTrustException(
      String code, String message, int status, Map<String, Object> details, String requestId, Throwable cause) {
    super(clean(message), cause);
    this.code = code;
    this.status = status;
    this.details =
        details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
    this.requestId = requestId;
  }

  /**
   * The machine-readable error code, one of {@code ErrorCode}'s values or a newer code.
   *
   * @return the code
   */
  public String getCode() {
    return code;
  }

  /**
   * The HTTP status of the gateway's answer.
   *
   * @return the status, or 0 when the error happened without an answer (client-side)
   */
  public int getStatus() {
    return status;
  }

  /**
   * Structured context in wire form ({@code approval_id}, {@code field}, {@code tool_name}, ...).
   *
   * @return an unmodifiable map, empty when there is none
   */
  public Map<String, Object> getDetails() {
    return details;
  }

  /**
   * The gateway's id for the request (its {@code X-Request-Id} or the body's {@code request_id}).
   *
   * @return the id, when the gateway sent one
   */
  public Optional<String> getRequestId() {
    return Optional.ofNullable(requestId);
  }

  /**
   * The code, message, and HTTP status and request id when known.
   *
   * @return the string form
   */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(getClass().getSimpleName()).append(": ").append(code);
    if (getMessage() != null && !getMessage().isEmpty()) b.append(": ").append(getMessage());
    if (status != 0 || requestId != null) {
      b.append(" (");
      if (status != 0) b.append("HTTP ").append(status);
      if (requestId != null) b.append(status != 0 ? ", " : "").append("request ").append(clean(requestId));
      b.append(')');
    }
    return b.toString();
  }

  /**
   * Escapes control characters (C0, DEL, C1, U+2028, U+2029) and caps the length, so that text
   * from the network cannot forge log lines or terminal escapes.
   *
   * @param text the text
   * @return the cleaned text
   */
  static String clean(String text) {
    if (text == null) return "";
    StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_MESSAGE + 16));
    for (int i = 0; i < text.length() && b.length() < MAX_MESSAGE; i++) {
      char c = text.charAt(i);
      if (c == '\n') b.append("\\n");
      else if (c == '\r') b.append("\\r");
      else if (c == '\t') b.append("\\t");
      else if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029) {
        b.append(String.format("\\u%04x", (int) c));
      } else b.append(c);
    }
    if (b.length() > MAX_MESSAGE) b.setLength(MAX_MESSAGE);
    // Never end on half of a surrogate pair.
    if (b.length() > 0 && Character.isHighSurrogate(b.charAt(b.length() - 1))) b.setLength(b.length() - 1);
    return b.toString();
  }
}
