// Copied from generators/java/runtime/internal/Json.java by agenttrust-gen (Java). DO NOT EDIT.
package id.agenttrust.sdk.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The strict JSON codec the generated models use: Jackson's tree model for parsing and writing,
 * and checks that name the JSON path of whatever does not match the spec (a wrong type, a missing
 * required key, a null where the spec allows none, a value out of range). Not part of the public
 * API.
 */
public final class Json {
  /** The shared, thread-safe mapper: big numbers stay exact, duplicate keys are refused. */
  public static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  /** The node factory for building trees. */
  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  /** A value of the answer that does not match the spec; the message names its JSON path. */
  public static final class DecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param path the JSON path of the value
     * @param problem what is wrong with it
     */
    public DecodeException(String path, String problem) {
      super(path + ": " + problem);
    }
  }

  /**
   * Parses JSON text.
   *
   * @param text the text
   * @return the tree
   * @throws DecodeException when it is not JSON
   */
  public static JsonNode parse(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) throw new DecodeException("$", "empty body");
      return node;
    } catch (JsonProcessingException e) {
      throw new DecodeException("$", "not JSON (" + e.getOriginalMessage() + ")");
    }
  }

  /**
   * Parses JSON bytes.
   *
   * @param bytes UTF-8 JSON
   * @return the tree
   * @throws DecodeException when it is not JSON
   */
  public static JsonNode parse(byte[] bytes) {
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) throw new DecodeException("$", "empty body");
      return node;
    } catch (JsonProcessingException e) {
      throw new DecodeException("$", "not JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw new DecodeException("$", "unreadable (" + e.getMessage() + ")");
    }
  }

  /**
   * Writes a tree as compact JSON text.
   *
   * @param node the tree
   * @return the text
   */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /**
   * The object at path, checked.
   *
   * @param node the value
   * @param path its JSON path
   * @return the object
   */
  public static ObjectNode object(JsonNode node, String path) {
    if (node == null || !node.isObject()) throw new DecodeException(path, "want an object, got " + kind(node));
    return (ObjectNode) node;
  }

  /**
   * The member key of obj, or null when absent; a JSON null member is refused unless nullable.
   *
   * @param obj the object
   * @param key the member's wire key
   * @param path the object's path
   * @param required whether the key must be present
   * @param nullable whether the member may be JSON null
   * @return the member, or null when absent (or null and nullable)
   */
  public static JsonNode member(ObjectNode obj, String key, String path, boolean required, boolean nullable) {
    JsonNode v = obj.get(key);
    if (v == null) {
      if (required) throw new DecodeException(path + "." + key, "required, missing");
      return null;
    }
    if (v.isNull()) {
      if (!nullable) throw new DecodeException(path + "." + key, "must not be null");
      return null;
    }
    return v;
  }

  /**
   * A string.
   *
   * @param node the value
   * @param path its path
   * @return the string
   */
  public static String string(JsonNode node, String path) {
    if (!node.isTextual()) throw new DecodeException(path, "want a string, got " + kind(node));
    return node.textValue();
  }

  /**
   * An integer (a JSON number without a fraction; 3.0 is accepted).
   *
   * @param node the value
   * @param path its path
   * @return the integer
   */
  public static long integer(JsonNode node, String path) {
    if (!node.isNumber()) throw new DecodeException(path, "want an integer, got " + kind(node));
    if (node.isIntegralNumber()) {
      if (!node.canConvertToLong()) throw new DecodeException(path, "integer out of range");
      return node.longValue();
    }
    java.math.BigDecimal d = node.decimalValue();
    try {
      return d.longValueExact();
    } catch (ArithmeticException e) {
      throw new DecodeException(path, "want an integer, got " + d.toPlainString());
    }
  }

  /**
   * A number.
   *
   * @param node the value
   * @param path its path
   * @return the number as a double
   */
  public static double number(JsonNode node, String path) {
    if (!node.isNumber()) throw new DecodeException(path, "want a number, got " + kind(node));
    return node.doubleValue();
  }

  /**
   * A boolean.
   *
   * @param node the value
   * @param path its path
   * @return the boolean
   */
  public static boolean bool(JsonNode node, String path) {
    if (!node.isBoolean()) throw new DecodeException(path, "want a boolean, got " + kind(node));
    return node.booleanValue();
  }

  /**
   * An RFC 3339 date-time.
   *
   * @param node the value
   * @param path its path
   * @return the instant with its offset
   */
  public static OffsetDateTime dateTime(JsonNode node, String path) {
    String s = string(node, path);
    try {
      return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    } catch (DateTimeParseException e) {
      throw new DecodeException(path, "not an RFC 3339 date-time");
    }
  }

  /**
   * The wire form of a date-time (seconds always written, fractions only when present).
   *
   * @param t the date-time
   * @return its JSON string node
   */
  public static JsonNode dateTime(OffsetDateTime t) {
    return NODES.textNode(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t));
  }

  /**
   * An array, each item decoded.
   *
   * @param <T> the item type
   * @param node the value
   * @param path its path
   * @param item decodes one item from its node and path
   * @return an unmodifiable list
   */
  public static <T> List<T> list(JsonNode node, String path, BiFunction<JsonNode, String, T> item) {
    if (!node.isArray()) throw new DecodeException(path, "want an array, got " + kind(node));
    List<T> out = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode v = node.get(i);
      String at = path + "[" + i + "]";
      if (v.isNull()) throw new DecodeException(at, "must not be null");
      out.add(item.apply(v, at));
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * An object of user data: keys pass through untouched, values as plain Java values (String,
   * Boolean, Long/BigInteger, Double/BigDecimal, List, Map, null).
   *
   * @param node the value
   * @param path its path
   * @return an unmodifiable map in wire order
   */
  public static Map<String, Object> freeMap(JsonNode node, String path) {
    return typedMap(node, path, (v, at) -> any(v));
  }

  /**
   * An object whose values are decoded by item (JSON nulls allowed only for free-form values).
   *
   * @param <T> the value type
   * @param node the value
   * @param path its path
   * @param item decodes one value
   * @return an unmodifiable map in wire order
   */
  public static <T> Map<String, T> typedMap(JsonNode node, String path, BiFunction<JsonNode, String, T> item) {
    ObjectNode obj = object(node, path);
    Map<String, T> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : obj.properties()) {
      out.put(e.getKey(), item.apply(e.getValue(), path + "." + e.getKey()));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Any JSON value as a plain Java value.
   *
   * @param node the value (null for JSON null)
   * @return String, Boolean, a Number, List, Map or null
   */
  public static Object any(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) return null;
    if (node.isTextual()) return node.textValue();
    if (node.isBoolean()) return node.booleanValue();
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
    }
    if (node.isNumber()) {
      java.math.BigDecimal d = node.decimalValue();
      double v = d.doubleValue();
      return Double.isInfinite(v) ? d : (Object) v;
    }
    if (node.isArray()) {
      List<Object> out = new ArrayList<>(node.size());
      for (JsonNode v : node) out.add(any(v));
      return Collections.unmodifiableList(out);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      out.put(e.getKey(), any(e.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }

  /** Deeper values are refused: Jackson cannot write them, and a circular value never ends. */
  public static final int MAX_DEPTH = 1000;

  /**
   * A plain Java value (or a model with {@code toJson()}) as a tree.
   *
   * @param value String, Boolean, Number, List, Map, JsonNode, a model or null
   * @return the tree
   * @throws id.agenttrust.sdk.exceptions.AgentTrustException VALIDATION_ERROR for NaN or an
   *     infinity (JSON has neither), a value nested deeper than {@link #MAX_DEPTH} or circular,
   *     or an object Jackson cannot encode
   */
  public static JsonNode tree(Object value) {
    return tree(value, 0);
  }

  private static JsonNode tree(Object value, int depth) {
    if (depth > MAX_DEPTH) {
      throw Facts.validation("value", "a value is nested deeper than " + MAX_DEPTH + " levels (or is circular)");
    }
    if (value == null) return NODES.nullNode();
    if (value instanceof JsonNode) return (JsonNode) value;
    if (value instanceof JsonValue) return ((JsonValue) value).toJson();
    if (value instanceof OffsetDateTime) return dateTime((OffsetDateTime) value);
    if ((value instanceof Double && !Double.isFinite((Double) value)) || (value instanceof Float && !Float.isFinite((Float) value))) {
      throw Facts.validation("value", "NaN and infinities are not JSON numbers");
    }
    if (value instanceof Map) {
      ObjectNode out = NODES.objectNode();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) out.set(String.valueOf(e.getKey()), tree(e.getValue(), depth + 1));
      return out;
    }
    if (value instanceof Iterable) {
      ArrayNode out = NODES.arrayNode();
      for (Object v : (Iterable<?>) value) out.add(tree(v, depth + 1));
      return out;
    }
    try {
      return MAPPER.valueToTree(value);
    } catch (IllegalArgumentException e) {
      throw Facts.validation("value", "a " + value.getClass().getSimpleName() + " cannot be encoded as JSON");
    }
  }

  /**
   * A list as an array, each item encoded by item.
   *
   * @param <T> the item type
   * @param list the list
   * @param item encodes one item
   * @return the array
   */
  public static <T> ArrayNode array(List<T> list, Function<T, JsonNode> item) {
    ArrayNode out = NODES.arrayNode();
    for (T v : list) out.add(item.apply(v));
    return out;
  }

  /**
   * Checks a number against the spec's minimum and maximum.
   *
   * @param value the number
   * @param path its path
   * @param min the minimum, or null
   * @param max the maximum, or null
   */
  public static void range(double value, String path, Double min, Double max) {
    if (min != null && value < min) throw new DecodeException(path, value + " is below the minimum " + min);
    if (max != null && value > max) throw new DecodeException(path, value + " is above the maximum " + max);
  }

  /**
   * The JSON type of a node, for messages.
   *
   * @param node the node
   * @return its type name
   */
  public static String kind(JsonNode node) {
    if (node == null || node.isMissingNode()) return "nothing";
    if (node.isNull()) return "null";
    if (node.isTextual()) return "a string";
    if (node.isBoolean()) return "a boolean";
    if (node.isNumber()) return "a number";
    if (node.isArray()) return "an array";
    return "an object";
  }

  /**
   * A copy of a list, unmodifiable, refusing null items.
   *
   * @param <T> the item type
   * @param list the list
   * @return the copy
   */
  public static <T> List<T> copy(List<T> list) {
    return List.copyOf(list);
  }

  /**
   * A copy of a map, unmodifiable, in the given order; null values are kept (user data).
   *
   * @param <T> the value type
   * @param map the map
   * @return the copy
   */
  public static <T> Map<String, T> copy(Map<String, T> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
