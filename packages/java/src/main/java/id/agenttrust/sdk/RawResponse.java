// Copied from generators/java/runtime/RawResponse.java by agenttrust-gen (Java). DO NOT EDIT.
package id.agenttrust.sdk;

import java.net.http.HttpHeaders;
import java.util.Optional;

/**
 * A successful call's typed answer together with its HTTP response: the status, the headers and
 * the gateway's request id ({@code X-Request-Id}). Returned by the methods of {@link
 * AgentTrustClient#withRawResponse()}; no second request is made. A token served from the
 * client-side cache carries the response that filled the cache.
 *
 * @param <T> the answer type ({@link Void} for an operation without one)
 */
public final class RawResponse<T> {
  private final T data;
  private final int statusCode;
  private final HttpHeaders headers;

  /**
   * Created by the SDK.
   *
   * @param data the decoded answer, or null for none
   * @param statusCode the HTTP status
   * @param headers the response headers
   */
  public RawResponse(T data, int statusCode, HttpHeaders headers) {
    this.data = data;
    this.statusCode = statusCode;
    this.headers = headers;
  }

  /**
   * The typed answer, as the plain method returns it.
   *
   * @return the answer, or null for an operation without one
   */
  public T data() {
    return data;
  }

  /**
   * The HTTP status of the answer (2xx).
   *
   * @return the status
   */
  public int statusCode() {
    return statusCode;
  }

  /**
   * The response headers (names case-insensitive).
   *
   * @return the headers
   */
  public HttpHeaders headers() {
    return headers;
  }

  /**
   * The gateway's id for the request, its {@code X-Request-Id} header.
   *
   * @return the id, absent when the gateway sent none
   */
  public Optional<String> requestId() {
    return headers.firstValue("X-Request-Id");
  }

  /**
   * The same response with another answer (the SDK uses it to return a member of the answer).
   *
   * @param <U> the new answer type
   * @param other the new answer
   * @return the response
   */
  public <U> RawResponse<U> withData(U other) {
    return new RawResponse<>(other, statusCode, headers);
  }

  /**
   * The status and request id (never the answer, which may hold secrets).
   *
   * @return the string form
   */
  @Override
  public String toString() {
    return "RawResponse{status=" + statusCode + ", requestId=" + requestId().orElse("none") + "}";
  }
}
