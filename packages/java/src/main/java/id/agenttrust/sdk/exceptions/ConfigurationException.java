// Copied from generators/java/runtime/exceptions/ConfigurationException.java by agenttrust-gen (Java). DO NOT EDIT.
package id.agenttrust.sdk.exceptions;

import java.util.Map;

/**
 * Thrown by the SDK itself, before anything is sent, when the client is not set up to make a
 * call: a bad option (a base URL that is not http(s), an empty API key, a negative timeout,
 * an unknown log level) or no API key for an operation that needs one. Its code is {@code
 * VALIDATION_ERROR}, its status 0, and {@code details.field} names the option ({@code api_key},
 * {@code base_url}, ...). A {@link ValidationException}, so code that catches those catches it
 * too.
 */
public class ConfigurationException extends ValidationException {
  private static final long serialVersionUID = 1L;

  /** The message of a call that needs an API key made by a client without one. */
  public static final String NO_API_KEY = "no API key: pass apiKey or set AGENTTRUST_API_KEY";

  /**
   * Creates the exception.
   *
   * @param field the option, in wire spelling ({@code api_key})
   * @param message the explanation
   */
  public ConfigurationException(String field, String message) {
    super("VALIDATION_ERROR", message, 0, Map.of("field", field), null, null);
  }

  /**
   * The error of a call that needs an API key, made by a client without one.
   *
   * @return the exception (to throw)
   */
  public static ConfigurationException noApiKey() {
    return new ConfigurationException("api_key", NO_API_KEY);
  }
}
