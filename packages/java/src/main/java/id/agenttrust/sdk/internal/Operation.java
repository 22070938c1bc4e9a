// Copied from generators/java/runtime/internal/Operation.java by agenttrust-gen (Java). DO NOT EDIT.
package id.agenttrust.sdk.internal;

import com.fasterxml.jackson.databind.JsonNode;
import id.agenttrust.sdk.identity.AgentCredentials;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One HTTP call of a generated method, as the generated code describes it to the transport. */
public final class Operation {
  final String id;
  final String method;
  final String path;
  final List<String[]> query = new ArrayList<>();
  final Map<String, String> headers = new LinkedHashMap<>();
  JsonNode body;
  boolean noAuth;
  boolean keyOptional;
  String service;
  String unwrap;
  boolean rpc;
  String rpcMethod;
  boolean rpcCounter;
  long rpcId;
  boolean rpcRaise;
  AgentCredentials credentials;

  private Operation(String id, String method, String path) {
    this.id = id;
    this.method = method;
    this.path = path;
  }

  /**
   * Starts an operation.
   *
   * @param id the spec's operationId
   * @param method the HTTP method
   * @param path the path, with its parameters already escaped ({@link #segment})
   * @return the operation
   */
  public static Operation of(String id, String method, String path) {
    return new Operation(id, method, path);
  }

  /**
   * A path parameter, checked and escaped: an empty one, {@code .} or {@code ..} would address
   * another endpoint, so they are refused before anything is sent.
   *
   * @param opId the operationId, for the message
   * @param name the parameter's wire name
   * @param value its value
   * @return the escaped segment
   */
  public static String segment(String opId, String name, String value) {
    if (value == null || value.isEmpty()) throw Facts.validation(name, opId + ": " + name + " must not be empty");
    if (value.equals(".") || value.equals("..")) {
      throw Facts.validation(name, opId + ": " + name + " must not be \"" + value + "\" (a dot-segment would change the path)");
    }
    StringBuilder b = new StringBuilder();
    for (byte x : value.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
        b.append((char) c);
      } else b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
    }
    return b.toString();
  }

  /**
   * Adds a query parameter (skipped when value is null).
   *
   * @param key the wire name
   * @param value the value
   * @return this
   */
  public Operation query(String key, Object value) {
    if (value == null) return this;
    if (value instanceof Iterable) {
      for (Object v : (Iterable<?>) value) query(key, v);
      return this;
    }
    String text = value instanceof JsonValue ? ((JsonValue) value).toJson().asText() : String.valueOf(value);
    query.add(new String[] {key, text});
    return this;
  }

  /**
   * Sets a header parameter (skipped when value is null).
   *
   * @param name the header name
   * @param value the value
   * @return this
   */
  public Operation header(String name, String value) {
    if (value != null) headers.put(name, value);
    return this;
  }

  /**
   * Sets the JSON body.
   *
   * @param body the body, or null for none
   * @return this
   */
  public Operation body(JsonNode body) {
    this.body = body;
    return this;
  }

  /**
   * Sends the agent's WIMSE bearer and a fresh DPoP proof with every attempt; a 401 drops the
   * token and retries once with a new one.
   *
   * @param credentials the credentials, or null for none
   * @return this operation
   */
  public Operation credentials(AgentCredentials credentials) {
    this.credentials = credentials;
    return this;
  }

  /**
   * Marks a public endpoint: no API key is sent.
   *
   * @return this
   */
  public Operation noAuth() {
    this.noAuth = true;
    return this;
  }

  /**
   * Marks an endpoint that works without an API key (one is sent when the client has it).
   *
   * @return this
   */
  public Operation keyOptional() {
    this.keyOptional = true;
    return this;
  }

  /**
   * Sends the call to a split deployment's service.
   *
   * @param service the service name
   * @return this
   */
  public Operation service(String service) {
    this.service = service;
    return this;
  }

  /**
   * The member of the answer the method returns (a bare answer is accepted too).
   *
   * @param member the wire key
   * @return this
   */
  public Operation unwrap(String member) {
    this.unwrap = member;
    return this;
  }

  /**
   * Marks a JSON-RPC 2.0 call: with a method, the body is sent as the params of a request the
   * SDK builds; without, the body is the caller's whole request. The answer is its result (or,
   * when errors are not raised, the whole answer when it holds an error).
   *
   * @param method the JSON-RPC method, or null when the body is the whole request
   * @param counter whether the id is the client's next string id (else {@code id})
   * @param id the fixed id when not counter
   * @param raise whether an error member raises (else the whole answer is returned)
   * @return this
   */
  public Operation rpc(String method, boolean counter, long id, boolean raise) {
    this.rpc = true;
    this.rpcMethod = method;
    this.rpcCounter = counter;
    this.rpcId = id;
    this.rpcRaise = raise;
    return this;
  }

  String target(String base) {
    StringBuilder b = new StringBuilder(base).append(path);
    char sep = '?';
    for (String[] kv : query) {
      b.append(sep).append(enc(kv[0])).append('=').append(enc(kv[1]));
      sep = '&';
    }
    return b.toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
