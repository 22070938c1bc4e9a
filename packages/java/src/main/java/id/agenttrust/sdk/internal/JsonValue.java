// Copied from generators/java/runtime/internal/JsonValue.java by agenttrust-gen (Java). DO NOT EDIT.
package id.agenttrust.sdk.internal;

import com.fasterxml.jackson.databind.JsonNode;

/** A value with a wire (JSON) form: every generated model and open enum. */
public interface JsonValue {
  /**
   * The value's wire form, with the gateway's keys.
   *
   * @return the JSON tree
   */
  JsonNode toJson();
}
