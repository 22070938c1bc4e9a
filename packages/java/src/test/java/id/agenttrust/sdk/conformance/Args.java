package id.agenttrust.sdk.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.agenttrust.sdk.internal.Facts;
import id.agenttrust.sdk.internal.Json;
import java.util.function.Supplier;

/** Reads a call's wire-keyed args for the generated dispatch. */
final class Args {
  private Args() {}

  /** A string arg, or null when absent (the SDK's own check reports a missing path parameter). */
  static String str(ObjectNode a, String key) {
    JsonNode v = a.get(key);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** An arg decoded by an SDK decoder, or null when absent. */
  static <T> T opt(ObjectNode a, String key, id.agenttrust.sdk.internal.Decoder<T> decoder) {
    JsonNode v = a.get(key);
    return v == null || v.isNull() ? null : decode(() -> decoder.decode(v, "$." + key));
  }

  /** The args among keys, as an object. */
  static ObjectNode subset(ObjectNode a, String... keys) {
    ObjectNode out = Json.NODES.objectNode();
    for (String k : keys) {
      if (a.has(k)) out.set(k, a.get(k));
    }
    return out;
  }

  /** Whether any of keys is given. */
  static boolean has(ObjectNode a, String... keys) {
    for (String k : keys) {
      if (a.has(k)) return true;
    }
    return false;
  }

  /** Decodes args into an SDK type; args the type refuses are the SDK's validation error, as its builder's would be. */
  static <T> T decode(Supplier<T> decode) {
    try {
      return decode.get();
    } catch (Json.DecodeException e) {
      throw Facts.validation("args", e.getMessage());
    }
  }
}
