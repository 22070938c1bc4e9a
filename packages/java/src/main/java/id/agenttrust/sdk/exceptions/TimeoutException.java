// Copied from generators/java/runtime/exceptions/TimeoutException.java by agenttrust-gen (Java). DO NOT EDIT.
package id.agenttrust.sdk.exceptions;

/**
 * Thrown when an attempt did not get its whole answer within the client's timeout (and no retry
 * was left): the code is {@code TIMEOUT}, there is no HTTP status. A {@link NetworkException},
 * so code that catches those catches it too. (Not {@code java.util.concurrent.TimeoutException}:
 * import this one by its full name when both are in use.)
 */
public class TimeoutException extends NetworkException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the explanation
   * @param cause the I/O failure
   */
  public TimeoutException(String message, Throwable cause) {
    super("TIMEOUT", message, cause);
  }
}
