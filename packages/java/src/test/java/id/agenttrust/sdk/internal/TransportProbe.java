package id.agenttrust.sdk.internal;

/** Test access to the transport's package-private parsing. */
public final class TransportProbe {
  private TransportProbe() {}

  /**
   * Transport's Retry-After parser.
   *
   * @param v the header value
   * @return the delay in ms, or -1
   */
  public static long retryAfter(String v) {
    return Transport.retryAfter(v);
  }
}
