package id.agenttrust.sdk;

/**
 * A tool function the guard wraps: it may throw anything, which the wrapped function rethrows
 * unchanged after reporting it.
 *
 * @param <T> the input type
 * @param <R> the result type
 */
@FunctionalInterface
public interface GuardedFunction<T, R> {
  /**
   * Runs the tool.
   *
   * @param input the tool's input
   * @return its result
   * @throws Exception whatever the tool throws
   */
  R apply(T input) throws Exception;
}
