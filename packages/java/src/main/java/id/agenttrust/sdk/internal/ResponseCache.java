// Copied from generators/java/runtime/internal/ResponseCache.java by agenttrust-gen (Java). DO NOT EDIT.
package id.agenttrust.sdk.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The client-side token cache of the spec's {@code x-sdk-cache}: answers kept per key until
 * shortly before they expire (measured on the gateway's clock: expires minus issued), dropped
 * when a call revokes them, at most {@value #MAX_ENTRIES} entries (least recently used first
 * out). Thread-safe.
 */
public final class ResponseCache {
  /** The most entries kept. */
  static final int MAX_ENTRIES = 256;

  private static final Duration REFRESH_MARGIN = Duration.ofSeconds(30);

  private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long generation;

  /** What the cache needs of an answer. */
  public static final class Meta {
    final OffsetDateTime issued;
    final OffsetDateTime expires;
    final Map<String, String> fields;

    /**
     * Describes a cached answer.
     *
     * @param issued when the gateway issued it, or null
     * @param expires when it expires
     * @param fields the values evict rules match, by wire name
     */
    public Meta(OffsetDateTime issued, OffsetDateTime expires, Map<String, String> fields) {
      this.issued = issued;
      this.expires = expires;
      this.fields = fields;
    }
  }

  private static final class Entry {
    final Object value;
    final Map<String, String> fields;
    final Instant refreshAt;

    Entry(Object value, Map<String, String> fields, Instant refreshAt) {
      this.value = value;
      this.fields = fields;
      this.refreshAt = refreshAt;
    }
  }

  /**
   * The cached answer for key, else fetch's (cached when it has a lifetime left).
   *
   * @param <T> the answer type
   * @param key the cache key
   * @param fetch makes the call
   * @param meta reads the answer's times and fields
   * @return the answer
   */
  @SuppressWarnings("unchecked") // an entry's value is what fetch gave for the same key
  public <T> T get(String key, Supplier<T> fetch, Function<T, Meta> meta) {
    long gen;
    synchronized (this) {
      Entry e = entries.get(key);
      if (e != null) {
        if (Instant.now().isBefore(e.refreshAt)) return (T) e.value;
        entries.remove(key);
      }
      gen = generation;
    }
    Instant asked = Instant.now();
    T v = fetch.get();
    Meta m = meta.apply(v);
    Instant issued = m.issued == null ? asked : m.issued.toInstant();
    Duration lifetime = Duration.between(issued, m.expires.toInstant());
    if (lifetime.isNegative() || lifetime.isZero()) return v;
    Duration margin = REFRESH_MARGIN.compareTo(lifetime.dividedBy(10)) < 0 ? REFRESH_MARGIN : lifetime.dividedBy(10);
    Instant refreshAt = asked.plus(lifetime.minus(margin));
    synchronized (this) {
      if (gen == generation) {
        entries.put(key, new Entry(v, m.fields, refreshAt));
        Iterator<String> it = entries.keySet().iterator();
        while (entries.size() > MAX_ENTRIES && it.hasNext()) {
          it.next();
          it.remove();
        }
      }
    }
    return v;
  }

  /**
   * Drops the entries whose field equals value (a revoked token, a revoked agent's tokens).
   *
   * @param field the wire name
   * @param value the revoked value
   */
  public synchronized void evict(String field, String value) {
    generation++;
    entries.values().removeIf(e -> value != null && value.equals(e.fields.get(field)));
  }
}
