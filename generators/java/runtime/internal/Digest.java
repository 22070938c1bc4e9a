package id.agenttrust.sdk.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The input digest of the guard: SHA-256 (lowercase hex) of a string's UTF-8 bytes, of bytes
 * themselves, or of any other value's RFC 8785 (JCS) canonical JSON. No maintained JCS library
 * for Java is on Maven Central, so this is the canonicalizer, checked by the conformance
 * vectors: keys sorted by UTF-16 code units, numbers as IEEE doubles in ECMAScript's shortest
 * form, minimal string escaping, NaN, infinities and lone surrogates refused.
 */
public final class Digest {
  private Digest() {}

  /**
   * The digest of a tool's input.
   *
   * @param input a String, byte[], JsonNode, model, Map, List, Number, Boolean or null
   * @return 64 lowercase hex characters
   */
  public static String of(Object input) {
    if (input instanceof String) return sha256Hex(((String) input).getBytes(StandardCharsets.UTF_8));
    if (input instanceof byte[]) return sha256Hex((byte[]) input);
    StringBuilder b = new StringBuilder();
    write(b, input instanceof JsonNode ? Json.any((JsonNode) input) : plain(input));
    return sha256Hex(b.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static Object plain(Object v) {
    if (v instanceof JsonValue) return Json.any(((JsonValue) v).toJson());
    return v;
  }

  /**
   * SHA-256 as lowercase hex.
   *
   * @param data the bytes
   * @return the hex digest
   */
  public static String sha256Hex(byte[] data) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(data);
      StringBuilder b = new StringBuilder(64);
      for (byte x : d) b.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
      return b.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  private static void write(StringBuilder b, Object v) {
    v = plain(v);
    if (v == null) b.append("null");
    else if (v instanceof Boolean) b.append(v);
    else if (v instanceof Number) b.append(number((Number) v));
    else if (v instanceof CharSequence || v instanceof Character) string(b, v.toString());
    else if (v instanceof Map) {
      List<String> keys = new ArrayList<>();
      for (Object k : ((Map<?, ?>) v).keySet()) keys.add(String.valueOf(k));
      keys.sort(String::compareTo); // String.compareTo orders by UTF-16 code units, as JCS does
      b.append('{');
      boolean first = true;
      for (String k : keys) {
        if (!first) b.append(',');
        first = false;
        string(b, k);
        b.append(':');
        write(b, ((Map<?, ?>) v).get(k));
      }
      b.append('}');
    } else if (v instanceof Iterable || v instanceof Object[]) {
      Iterable<?> items = v instanceof Object[] ? java.util.Arrays.asList((Object[]) v) : (Iterable<?>) v;
      b.append('[');
      boolean first = true;
      for (Object x : items) {
        if (!first) b.append(',');
        first = false;
        write(b, x);
      }
      b.append(']');
    } else if (v instanceof java.time.temporal.TemporalAccessor) {
      write(b, Json.any(Json.tree(v)));
    } else {
      throw Facts.validation("input", "the input holds a " + v.getClass().getSimpleName() + ", which has no JSON form");
    }
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          throw Facts.validation("input", "the input holds a lone surrogate");
        }
        b.append(c).append(s.charAt(++i));
        continue;
      }
      if (Character.isLowSurrogate(c)) throw Facts.validation("input", "the input holds a lone surrogate");
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\b':
          b.append("\\b");
          break;
        case '\t':
          b.append("\\t");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\f':
          b.append("\\f");
          break;
        case '\r':
          b.append("\\r");
          break;
        default:
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
      }
    }
    b.append('"');
  }

  /**
   * A number as ECMAScript's {@code Number.prototype.toString} writes its double.
   *
   * @param n the number
   * @return the text
   */
  static String number(Number n) {
    double d = n instanceof BigDecimal ? ((BigDecimal) n).doubleValue() : n instanceof java.math.BigInteger ? ((java.math.BigInteger) n).doubleValue() : n.doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d)) throw Facts.validation("input", "the input holds NaN or an infinity, which JSON cannot carry");
    if (d == 0) return "0";
    String sign = d < 0 ? "-" : "";
    double a = Math.abs(d);
    // The shortest decimal that reads back as the same double: the exact value rounded to the
    // fewest significant digits that round-trip (rounding the exact value picks the closest).
    BigDecimal exact = new BigDecimal(a);
    BigDecimal shortest = null;
    for (int p = 1; p <= 17; p++) {
      BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (r.doubleValue() == a) {
        shortest = r;
        break;
      }
    }
    if (shortest == null) shortest = exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    BigDecimal stripped = shortest.stripTrailingZeros();
    String digits = stripped.unscaledValue().toString();
    int k = digits.length();
    int n10 = k - stripped.scale(); // the value is 0.digits * 10^n10
    StringBuilder b = new StringBuilder(sign);
    if (k <= n10 && n10 <= 21) {
      b.append(digits);
      for (int i = 0; i < n10 - k; i++) b.append('0');
    } else if (0 < n10 && n10 <= 21) {
      b.append(digits, 0, n10).append('.').append(digits, n10, k);
    } else if (-6 < n10 && n10 <= 0) {
      b.append("0.");
      for (int i = 0; i < -n10; i++) b.append('0');
      b.append(digits);
    } else {
      int e = n10 - 1;
      b.append(digits.charAt(0));
      if (k > 1) b.append('.').append(digits, 1, k);
      b.append('e').append(e >= 0 ? "+" : "-").append(Math.abs(e));
    }
    return b.toString();
  }
}
