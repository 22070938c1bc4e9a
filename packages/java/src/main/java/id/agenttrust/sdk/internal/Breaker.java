// Copied from generators/java/runtime/internal/Breaker.java by agenttrust-gen (Java). DO NOT EDIT.
package id.agenttrust.sdk.internal;

import id.agenttrust.sdk.BreakerState;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * The guard's circuit breaker: threshold failures within the window open it; after the cooldown
 * one probe may pass (half-open); a success closes it, a failed probe opens it again.
 */
public final class Breaker {
  private final int threshold;
  private final long windowMs;
  private final long cooldownMs;
  private final LongSupplier clock;
  private final ArrayDeque<Long> failures = new ArrayDeque<>();
  private BreakerState state = BreakerState.CLOSED;
  private long openedAt;
  private boolean probeOut;

  /**
   * Creates a closed breaker.
   *
   * @param threshold failures that open it
   * @param windowMs the window they must fall in
   * @param cooldownMs how long it stays open
   * @param clock milliseconds, monotonic
   */
  public Breaker(int threshold, long windowMs, long cooldownMs, LongSupplier clock) {
    this.threshold = threshold;
    this.windowMs = windowMs;
    this.cooldownMs = cooldownMs;
    this.clock = clock;
  }

  /**
   * The state: open past its cooldown reads half-open.
   *
   * @return the state
   */
  public synchronized BreakerState state() {
    if (state == BreakerState.OPEN && clock.getAsLong() - openedAt >= cooldownMs) return BreakerState.HALF_OPEN;
    return state;
  }

  /**
   * Whether a check may go to Guardian now (in half-open, only one probe at a time).
   *
   * @return true to send
   */
  public synchronized boolean acquire() {
    if (state == BreakerState.CLOSED) return true;
    if (state == BreakerState.OPEN) {
      if (clock.getAsLong() - openedAt < cooldownMs) return false;
      state = BreakerState.HALF_OPEN;
      probeOut = false;
    }
    if (probeOut) return false;
    probeOut = true;
    return true;
  }

  /** Guardian answered. */
  public synchronized void onSuccess() {
    state = BreakerState.CLOSED;
    probeOut = false;
    failures.clear();
  }

  /** Guardian was unavailable. */
  public synchronized void onFailure() {
    long now = clock.getAsLong();
    if (state == BreakerState.HALF_OPEN) {
      trip(now);
      return;
    }
    if (state == BreakerState.OPEN) return;
    failures.addLast(now);
    while (failures.size() > threshold) failures.removeFirst();
    long recent = failures.stream().filter(at -> now - at < windowMs).count();
    if (recent >= threshold) trip(now);
  }

  private void trip(long now) {
    state = BreakerState.OPEN;
    openedAt = now;
    probeOut = false;
    failures.clear();
  }
}
