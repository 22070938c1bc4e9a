package id.agenttrust.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.agenttrust.sdk.internal.Json;
import id.agenttrust.sdk.models.ActionCheckResult;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Strict decoding of the guard's decision (ActionCheckResult), by example and as a property:
 * any mutation of a valid answer (a member set to a hostile value, removed, duplicated, or copied
 * under a case-variant or camelCase name) either decodes to exactly what a spec-valid answer says
 * or fails with the decoder's own exception (which the transport turns into INVALID_RESPONSE).
 * Seeded (16) and bounded (2,000 tries); {@code AGENTTRUST_FUZZ_TRIES=200000} in the environment
 * of {@code mvn -Dtest=DecodingProperties test} runs longer.
 */
class DecodingProperties {
  private static final List<String> KEYS =
      List.of("allowed", "check_id", "confidence", "guard_tier", "latency_ms", "reason", "elevation_required", "approval_id", "rule");
  private static final List<String> VARIANTS = List.of("Allowed", "ALLOWED", "elevationRequired", "approvalId", "Confidence", "latencyMs");

  /** A JSON value as text, with what the oracle needs to judge it. */
  private static final class Value {
    final String text;
    final Object plain;

    Value(String text, Object plain) {
      this.text = text;
      this.plain = plain;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** Not a JSON value at all (NaN, Infinity, garbage): the parse must refuse it. */
  private static final Object INVALID = new Object();

  private static final List<Value> POOL =
      List.of(
          new Value("true", true),
          new Value("false", false),
          new Value("\"true\"", "true"),
          new Value("\"false\"", "false"),
          new Value("0", BigDecimal.ZERO),
          new Value("1", BigDecimal.ONE),
          new Value("-1", new BigDecimal("-1")),
          new Value("2", new BigDecimal("2")),
          new Value("0.9", new BigDecimal("0.9")),
          new Value("1.5", new BigDecimal("1.5")),
          new Value("3.0", new BigDecimal("3.0")),
          new Value("-0.0", new BigDecimal("-0.0")),
          new Value("1e999", new BigDecimal("1e999")),
          new Value("-1e999", new BigDecimal("-1e999")),
          new Value("1e-999", new BigDecimal("1e-999")),
          new Value("99999999999999999999999", new BigDecimal("99999999999999999999999")),
          new Value("\"0.9\"", "0.9"),
          new Value("\"\"", ""),
          new Value("\"read\"", "read"),
          new Value("\"allowlist\"", "allowlist"),
          new Value("\"brand_new\"", "brand_new"),
          new Value("\"apr_1\"", "apr_1"),
          new Value("\"x\\u0000\\n\"", "x\u0000\n"),
          new Value("null", null),
          new Value("[]", List.of()),
          new Value("[true]", List.of(true)),
          new Value("{}", new Object[0]),
          new Value("{\"allowed\":true}", new Object[0]),
          new Value("NaN", INVALID),
          new Value("Infinity", INVALID),
          new Value("-Infinity", INVALID),
          new Value("tru", INVALID),
          new Value("01", INVALID),
          new Value("'x'", INVALID));

  private static final List<String[]> VALID_BASE =
      List.of(
          new String[] {"allowed", "true"},
          new String[] {"check_id", "\"chk_1\""},
          new String[] {"confidence", "0.95"},
          new String[] {"guard_tier", "\"fast\""},
          new String[] {"latency_ms", "3"},
          new String[] {"reason", "\"ok\""},
          new String[] {"elevation_required", "false"},
          new String[] {"approval_id", "null"},
          new String[] {"rule", "\"allowlist\""});

  private static final AtomicLong CASES = new AtomicLong();
  private static final AtomicLong ACCEPTED = new AtomicLong();
  private static final AtomicLong REFUSED = new AtomicLong();
  private static final AtomicLong CRASHES = new AtomicLong();
  private static final AtomicLong INVALID_ACCEPTED = new AtomicLong();

  /** One mutation: op 0 sets key to value, 1 removes key, 2 appends a duplicate of key with value. */
  private static final class Mutation {
    final int op;
    final String key;
    final Value value;

    Mutation(int op, String key, Value value) {
      this.op = op;
      this.key = key;
      this.value = value;
    }

    @Override
    public String toString() {
      return new String[] {"set", "remove", "dup"}[op] + " " + key + (op == 1 ? "" : " = " + value);
    }
  }

  /**
   * The property: random lists of 1 to 4 mutations (set, remove or duplicate; any key; any pooled
   * value) from a fixed seed, each judged by {@link #check}. Tries: the {@code fuzz.tries} system
   * property the pom sets (2,000, or {@code AGENTTRUST_FUZZ_TRIES}). A plain seeded generator
   * rather than jqwik: jqwik 1.10's engine prints a notice that AI agents must not use it, and
   * this code is written with one.
   */
  @Test
  void mutatedDecisionsDecodeToSpecValidDataOrFailTyped() {
    List<String> keys = new ArrayList<>(KEYS);
    keys.addAll(VARIANTS);
    SplittableRandom random = new SplittableRandom(16);
    int tries = Integer.getInteger("fuzz.tries", 2000);
    for (int t = 0; t < tries; t++) {
      List<Mutation> ms = new ArrayList<>();
      int n = 1 + random.nextInt(4);
      for (int i = 0; i < n; i++) {
        ms.add(new Mutation(random.nextInt(3), keys.get(random.nextInt(keys.size())), POOL.get(random.nextInt(POOL.size()))));
      }
      check(ms);
    }
    report();
  }

  /** Applies the mutations and judges the decoder's verdict. */
  private static void check(List<Mutation> ms) {
    List<String[]> members = new ArrayList<>();
    for (String[] m : VALID_BASE) members.add(m.clone());
    List<Object[]> judged = new ArrayList<>();
    for (String[] m : VALID_BASE) judged.add(new Object[] {m[0], plainOf(m[1])});
    for (Mutation m : ms) {
      if (m.op == 0) {
        boolean found = false;
        for (int j = 0; j < members.size(); j++) {
          if (members.get(j)[0].equals(m.key)) {
            members.get(j)[1] = m.value.text;
            judged.get(j)[1] = m.value.plain;
            found = true;
          }
        }
        if (!found) {
          members.add(new String[] {m.key, m.value.text});
          judged.add(new Object[] {m.key, m.value.plain});
        }
      } else if (m.op == 1) {
        for (int j = members.size() - 1; j >= 0; j--) {
          if (members.get(j)[0].equals(m.key)) {
            members.remove(j);
            judged.remove(j);
          }
        }
      } else {
        members.add(new String[] {m.key, m.value.text});
        judged.add(new Object[] {m.key, m.value.plain});
      }
    }
    StringBuilder b = new StringBuilder("{");
    for (String[] m : members) b.append(b.length() > 1 ? "," : "").append('"').append(m[0]).append("\":").append(m[1]);
    String text = b.append('}').toString();
    CASES.incrementAndGet();
    String verdict = oracle(judged);
    ActionCheckResult r;
    try {
      r = ActionCheckResult.fromJson(Json.parse(text), "$");
    } catch (Json.DecodeException e) {
      REFUSED.incrementAndGet();
      return;
    } catch (RuntimeException | StackOverflowError e) {
      CRASHES.incrementAndGet();
      throw e;
    }
    ACCEPTED.incrementAndGet();
    if (!verdict.equals("valid")) INVALID_ACCEPTED.incrementAndGet();
    assertEquals("valid", verdict, "accepted a spec-invalid answer: " + text);
    assertEquals(get(judged, "allowed"), r.isAllowed(), text);
    Object elevation = get(judged, "elevation_required");
    assertEquals(elevation != null && (Boolean) elevation, r.isElevationRequired(), text);
    Object confidence = get(judged, "confidence");
    if (confidence != null) assertEquals(((BigDecimal) confidence).doubleValue(), r.getConfidence().orElseThrow(), text);
  }

  private static Object plainOf(String text) {
    for (Value v : POOL) if (v.text.equals(text)) return v.plain;
    if (text.startsWith("\"")) return text.substring(1, text.length() - 1);
    return new BigDecimal(text);
  }

  private static Object get(List<Object[]> judged, String key) {
    for (Object[] m : judged) if (m[0].equals(key)) return m[1];
    return null;
  }

  /** The spec's ActionCheckResult, judged by hand: "valid" or why not. */
  private static String oracle(List<Object[]> judged) {
    Set<String> seen = new HashSet<>();
    boolean hasAllowed = false;
    for (Object[] m : judged) {
      String k = (String) m[0];
      Object v = m[1];
      if (!seen.add(k)) return "duplicate " + k;
      if (v == INVALID) return "not JSON";
      switch (k) {
        case "allowed":
          hasAllowed = true;
          if (!(v instanceof Boolean)) return "allowed not boolean";
          break;
        case "elevation_required":
          if (!(v instanceof Boolean)) return k + " not boolean";
          break;
        case "check_id":
        case "reason":
        case "guard_tier":
        case "rule":
          if (!(v instanceof String)) return k + " not a string";
          break;
        case "approval_id":
          if (v != null && !(v instanceof String)) return k + " not a string or null";
          break;
        case "confidence":
          if (!(v instanceof BigDecimal)) return k + " not a number";
          BigDecimal c = (BigDecimal) v;
          if (c.signum() < 0 || c.compareTo(BigDecimal.ONE) > 0) return k + " out of range";
          break;
        case "latency_ms":
          if (!(v instanceof BigDecimal)) return k + " not a number";
          BigDecimal l = (BigDecimal) v;
          if (l.signum() < 0) return k + " negative";
          if (l.stripTrailingZeros().scale() > 0) return k + " not an integer";
          if (l.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) return k + " beyond int64";
          break;
        default:
          break;
      }
    }
    return hasAllowed ? "valid" : "allowed missing";
  }

  private static void report() {
    System.out.printf(
        "decoding property: %d cases, %d accepted, %d refused, %d crashes, %d invalid accepted%n",
        CASES.get(),
        ACCEPTED.get(),
        REFUSED.get(),
        CRASHES.get(),
        INVALID_ACCEPTED.get());
  }

  @Test
  void duplicateAndVariantKeysNeverChangeTheDecision() {
    assertThrows(Json.DecodeException.class, () -> Json.parse("{\"allowed\":false,\"allowed\":true}"));
    assertThrows(Json.DecodeException.class, () -> Json.parse("{\"allowed\":true,\"allowed\":false}"));
    ActionCheckResult r =
        ActionCheckResult.fromJson(
            Json.parse("{\"allowed\":false,\"Allowed\":true,\"ALLOWED\":true,\"elevation_required\":false,\"elevationRequired\":true}"), "$");
    assertFalse(r.isAllowed());
    assertFalse(r.isElevationRequired());
  }

  @Test
  void noCoercionNoNonFiniteNumbers() {
    for (String bad :
        new String[] {
          "{\"allowed\":\"true\"}", "{\"allowed\":1}", "{\"allowed\":null}", "{}", "{\"allowed\":true,\"confidence\":\"0.9\"}",
          "{\"allowed\":true,\"confidence\":NaN}", "{\"allowed\":true,\"confidence\":Infinity}", "{\"allowed\":true,\"confidence\":1e999}",
          "{\"allowed\":true,\"confidence\":2}", "{\"allowed\":true,\"confidence\":-1}", "{\"allowed\":true,\"latency_ms\":-1}",
          "{\"allowed\":true,\"latency_ms\":1.5}", "{\"allowed\":true,\"reason\":null}", "{\"allowed\":true,\"rule\":7}",
          "{\"allowed\":true,\"rule\":null}"
        }) {
      assertThrows(Json.DecodeException.class, () -> ActionCheckResult.fromJson(Json.parse(bad), "$"), bad);
    }
    assertTrue(ActionCheckResult.fromJson(Json.parse("{\"allowed\":true,\"approval_id\":null,\"rule\":\"new_rule\"}"), "$").isAllowed());
  }
}
