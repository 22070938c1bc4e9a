package id.agenttrust.sdk;

/** The state of a guard's circuit breaker. */
public enum BreakerState {
  /** Checks go to Guardian. */
  CLOSED("closed"),
  /** Guardian failed repeatedly: checks fail at once until the cooldown ends. */
  OPEN("open"),
  /** The cooldown ended: one probe check may go to Guardian. */
  HALF_OPEN("half_open");

  private final String wire;

  BreakerState(String wire) {
    this.wire = wire;
  }

  /**
   * The state's wire name ({@code closed}, {@code open}, {@code half_open}).
   *
   * @return the name
   */
  public String wireName() {
    return wire;
  }
}
