// Copied from generators/java/runtime/internal/Decoder.java by agenttrust-gen (Java). DO NOT EDIT.
package id.agenttrust.sdk.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Decodes an answer's JSON into an SDK type, strictly.
 *
 * @param <T> the type
 */
@FunctionalInterface
public interface Decoder<T> {
  /**
   * Decodes a value.
   *
   * @param node the JSON value
   * @param path its JSON path, for messages
   * @return the value
   * @throws Json.DecodeException when the value does not match the spec
   */
  T decode(JsonNode node, String path);
}
