package id.agenttrust.sdk.internal;

import java.util.Locale;

/**
 * The SDK's log (issue 15): events at {@code debug} (each HTTP attempt), {@code info} (retries,
 * telemetry batches sent), {@code warn} (fail-open decisions, telemetry failures and drops) and
 * {@code error} (a call's final failure). They go to the {@link System.Logger} the user gave the
 * builder, which filters them further with {@code isLoggable}; without one, to stderr, one line
 * per event starting {@code agenttrustid <level>}. The level comes from the builder's {@code
 * logLevel}, else {@code AGENTTRUST_LOG}, else {@code debug} when a logger was given (the logger's
 * configuration decides), else {@code off}.
 *
 * <p>Callers pass only what may be logged: method, path and query, status, timing, attempt,
 * request id, error class and code. Never a header value, a body, a token or a key.
 */
public final class Log {
  /** The levels, most quiet first. */
  public enum Level {
    /** Nothing. */
    OFF,
    /** A call's final failure. */
    ERROR,
    /** Fail-open decisions, telemetry failures and drops. */
    WARN,
    /** Retries, telemetry batches sent. */
    INFO,
    /** Each HTTP attempt. */
    DEBUG;

    /**
     * The lower-case name, as {@code AGENTTRUST_LOG} spells it.
     *
     * @return the name
     */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The environment variable of the level. */
  public static final String ENV = "AGENTTRUST_LOG";

  /** The values the level accepts. */
  public static final String ACCEPTED = "off, error, warn, info, debug";

  /** A log that drops everything. */
  public static final Log OFF = new Log(Level.OFF, null);

  private final Level level;
  private final System.Logger logger;

  /**
   * Creates a log.
   *
   * @param level the most verbose level written
   * @param logger the user's logger, or null for stderr
   */
  public Log(Level level, System.Logger logger) {
    this.level = level;
    this.logger = logger;
  }

  /**
   * Parses a level, case-insensitively.
   *
   * @param value the text
   * @return the level, or null when it is none of {@value #ACCEPTED}
   */
  public static Level parse(String value) {
    if (value == null) return null;
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "off":
        return Level.OFF;
      case "error":
        return Level.ERROR;
      case "warn":
      case "warning":
        return Level.WARN;
      case "info":
        return Level.INFO;
      case "debug":
        return Level.DEBUG;
      default:
        return null;
    }
  }

  /**
   * Whether an event of this level would be written.
   *
   * @param at the event's level
   * @return true when written
   */
  public boolean on(Level at) {
    if (at == Level.OFF || at.ordinal() > level.ordinal()) return false;
    return logger == null || logger.isLoggable(jdk(at));
  }

  /**
   * Writes an event.
   *
   * @param at its level
   * @param message the text (control characters are escaped)
   */
  public void log(Level at, String message) {
    if (!on(at)) return;
    String text = escape(message);
    if (logger != null) logger.log(jdk(at), text);
    else System.err.println("agenttrustid " + at.wireName() + " " + text);
  }

  /**
   * A {@code debug} event.
   *
   * @param message the text
   */
  public void debug(String message) {
    log(Level.DEBUG, message);
  }

  /**
   * An {@code info} event.
   *
   * @param message the text
   */
  public void info(String message) {
    log(Level.INFO, message);
  }

  /**
   * A {@code warn} event.
   *
   * @param message the text
   */
  public void warn(String message) {
    log(Level.WARN, message);
  }

  /**
   * An {@code error} event.
   *
   * @param message the text
   */
  public void error(String message) {
    log(Level.ERROR, message);
  }

  private static System.Logger.Level jdk(Level l) {
    switch (l) {
      case ERROR:
        return System.Logger.Level.ERROR;
      case WARN:
        return System.Logger.Level.WARNING;
      case INFO:
        return System.Logger.Level.INFO;
      default:
        return System.Logger.Level.DEBUG;
    }
  }

  /**
   * Escapes control characters so that text from the network cannot forge a log line.
   *
   * @param text the text
   * @return the escaped text
   */
  static String escape(String text) {
    if (text == null) return "";
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029) {
        b.append(String.format("\\u%04x", (int) c));
      } else b.append(c);
    }
    return b.toString();
  }
}
