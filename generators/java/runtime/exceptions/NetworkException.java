package id.agenttrust.sdk.exceptions;

/**
 * Thrown when the gateway could not be reached or did not answer in time: the code is {@code
 * NETWORK_ERROR} (connection refused or reset, DNS failure) or {@code TIMEOUT}; there is no HTTP
 * status.
 */
public class NetworkException extends AgentTrustException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param code {@code NETWORK_ERROR} or {@code TIMEOUT}
   * @param message the explanation
   * @param cause the I/O failure
   */
  public NetworkException(String code, String message, Throwable cause) {
    super(code, message, 0, null, null, cause);
  }
}
