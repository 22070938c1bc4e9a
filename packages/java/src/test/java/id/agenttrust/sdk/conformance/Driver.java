package id.agenttrust.sdk.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import id.agenttrust.sdk.AgentTrustClient;
import id.agenttrust.sdk.AgentTrustGuard;
import id.agenttrust.sdk.GuardedFunction;
import id.agenttrust.sdk.exceptions.AgentTrustException;
import id.agenttrust.sdk.identity.AgentCredentials;
import id.agenttrust.sdk.identity.AgentKeyPair;
import id.agenttrust.sdk.identity.ProofOptions;
import id.agenttrust.sdk.internal.Digest;
import id.agenttrust.sdk.internal.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The conformance driver (spec/conformance/README.md): one JSON request per stdin line, one JSON
 * answer per stdout line, each request turned into an SDK call.
 */
public final class Driver {
  private final Map<String, AgentTrustClient> clients = new HashMap<>();
  private final Map<String, AgentCredentials> credentials = new HashMap<>();
  private AgentTrustGuard guard;
  private AgentTrustClient guardClient;
  private ObjectNode guardRequest;
  private int wrapped;

  /** The driver's own tool failure, which wrap must hand back unchanged. */
  static final class ToolFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ToolFailure() {
      super("the tool failed");
    }
  }

  /**
   * Runs the driver until stdin closes.
   *
   * @param args unused
   * @throws Exception when stdio fails
   */
  public static void main(String[] args) throws Exception {
    Driver d = new Driver();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    String line;
    while ((line = readLine(in)) != null) {
      if (line.isBlank()) continue;
      ObjectNode answer = Json.NODES.objectNode();
      try {
        ObjectNode req = (ObjectNode) Json.parse(line);
        answer.set("id", req.get("id"));
        try {
          Object result = d.handle(req);
          answer.put("ok", true);
          answer.set("result", Json.tree(result));
        } catch (AgentTrustException e) {
          answer.put("ok", false);
          answer.set("error", wireError(e));
        } catch (Exception | Error e) {
          answer.put("ok", false);
          answer.put("crash", e.getClass().getName() + ": " + e.getMessage());
        }
      } catch (RuntimeException e) {
        answer.put("ok", false);
        answer.put("crash", "bad request: " + e);
      }
      out.print(Json.write(answer));
      out.print('\n');
      out.flush();
    }
    d.reset();
  }

  /** Reads up to '\n' only (a request may hold U+2028 raw). */
  private static String readLine(BufferedReader in) throws java.io.IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') return b.toString();
      b.append((char) c);
    }
    return b.length() == 0 ? null : b.toString();
  }

  private static ObjectNode wireError(AgentTrustException e) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("code", e.getCode());
    o.put("message", e.getMessage());
    if (e.getStatus() != 0) o.put("status", e.getStatus());
    else o.putNull("status");
    o.set("details", Json.tree(e.getDetails()));
    o.set("request_id", Json.tree(e.getRequestId().orElse(null)));
    o.put("text", e.toString());
    return o;
  }

  private Object handle(ObjectNode req) throws Exception {
    String op = req.path("op").asText();
    switch (op) {
      case "call":
        {
          Dispatch.Call call = Dispatch.CALLS.get(req.path("call").asText());
          if (call == null) throw new IllegalStateException("the SDK has no " + req.path("call").asText());
          JsonNode a = req.get("args");
          return call.call(client(req.get("client")), a == null || a.isNull() ? Json.NODES.objectNode() : (ObjectNode) a);
        }
      case "guard":
        return guard(req);
      case "identity":
        return identity(req);
      case "vector":
        return vector(req);
      case "reset":
        reset();
        return null;
      default:
        throw new IllegalStateException("unknown op " + op);
    }
  }

  private AgentTrustClient client(JsonNode settings) {
    String key = Json.write(settings);
    AgentTrustClient c = clients.get(key);
    if (c != null) return c;
    // The scenario's settings only: nothing from the driver's environment.
    AgentTrustClient.Builder b = AgentTrustClient.builder().fromEnvironment(name -> null).baseUrl(settings.path("base_url").asText());
    JsonNode k = settings.get("api_key");
    if (k != null && !k.isNull()) b.apiKey(k.asText());
    if (settings.has("max_retries")) b.maxRetries(settings.get("max_retries").asInt());
    if (settings.has("timeout_ms")) b.timeout(Duration.ofMillis(settings.get("timeout_ms").asLong()));
    c = b.build();
    clients.put(key, c);
    return c;
  }

  /** The client's credentials for an agent, made on first use and kept until reset. */
  private AgentCredentials credentials(JsonNode settings, String agentId, JsonNode audience) {
    String key = Json.write(settings) + "\u0000" + agentId;
    AgentCredentials c = credentials.get(key);
    if (c != null) return c;
    ProofOptions.Builder o = ProofOptions.builder();
    if (audience != null && !audience.isNull()) o.audience(strings(audience));
    c = new AgentCredentials(client(settings), agentId, o.build());
    credentials.put(key, c);
    return c;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private Object identity(ObjectNode req) {
    String agentId = req.path("agent_id").asText();
    AgentTrustClient c = client(req.get("client"));
    switch (req.path("action").asText()) {
      case "issue_with_proof":
        {
          ProofOptions.Builder o = ProofOptions.builder();
          if (req.hasNonNull("audience")) o.audience(strings(req.get("audience")));
          if (req.hasNonNull("ttl_seconds")) o.ttlSeconds(req.get("ttl_seconds").asLong());
          return c.wimse().issueTokenWithProof(agentId, o.build()).toJson();
        }
      case "headers":
        {
          Map<String, String> h =
              credentials(req.get("client"), agentId, req.get("audience"))
                  .headers(req.path("htm").asText(), req.path("htu").asText());
          return Map.of("authorization", h.get("Authorization"), "dpop", h.get("DPoP"));
        }
      case "public_key":
        {
          Map<String, Object> out = new HashMap<>();
          out.put("public_key", c.options().getKeyStore().get(agentId).map(AgentKeyPair::publicKeyPem).orElse(null));
          return out;
        }
      default:
        throw new IllegalStateException("unknown identity action " + req.path("action").asText());
    }
  }

  private AgentTrustGuard.Builder build(AgentTrustClient c, ObjectNode req, String sessionId) {
    JsonNode o = req.path("options");
    AgentTrustGuard.Builder b = AgentTrustGuard.builder(c, req.path("agent_id").asText());
    if (sessionId != null) b.sessionId(sessionId);
    else if (o.has("session_id")) b.sessionId(o.get("session_id").asText());
    if (o.has("block_on_deny")) b.blockOnDeny(o.get("block_on_deny").asBoolean());
    if (o.has("fail_open")) b.failOpen(o.get("fail_open").asBoolean());
    if (o.has("log_inputs")) b.logInputs(o.get("log_inputs").asBoolean());
    if (o.path("credentials").asBoolean()) b.credentials(credentials(req.get("client"), req.path("agent_id").asText(), null));
    JsonNode br = o.get("breaker");
    if (br != null && !br.isNull()) {
      b.circuitBreaker(
          br.path("failure_threshold").asInt(),
          Duration.ofMillis(br.path("window_ms").asLong()),
          Duration.ofMillis(br.path("cooldown_ms").asLong()));
    }
    return b;
  }

  private Object guard(ObjectNode req) throws Exception {
    String action = req.path("action").asText();
    if (action.equals("create")) {
      closeGuard();
      AgentTrustClient c = client(req.get("client"));
      guard = build(c, req, null).build();
      guardClient = c;
      guardRequest = req;
      wrapped = 0;
      return null;
    }
    if (guard == null) throw new IllegalStateException("no guard: a guard create request must come first");
    String tool = req.path("tool").asText();
    String summary = req.has("input_summary") ? req.get("input_summary").asText() : "";
    String effect = req.has("action_effect") ? req.get("action_effect").asText() : null;
    switch (action) {
      case "check":
        return req.has("input")
            ? guard.check(tool, summary, effect, Json.any(req.get("input")))
            : guard.check(tool, summary, effect);
      case "report":
        if (req.has("error_type") && !req.get("error_type").isNull()) {
          guard.reportFailure(tool, req.path("duration_ms").asInt(), req.get("error_type").asText());
        } else guard.report(tool, req.path("success").asBoolean(), req.path("duration_ms").asInt());
        return null;
      case "flush":
        guard.flush(Duration.ofSeconds(30));
        return null;
      case "close":
        guard.close(Duration.ofSeconds(30));
        return null;
      case "wait_for_approval":
        {
          Duration poll = Duration.ofMillis(req.path("poll_interval_ms").asLong());
          try (AgentTrustGuard waiter =
              build(guardClient, guardRequest, guard.getSessionId())
                  .approvalWait(Duration.ofMillis(req.path("timeout_ms").asLong()), poll, poll)
                  .build()) {
            return waiter.checkAndWait(tool, summary, effect);
          }
        }
      case "breaker":
        return guard.getBreakerState().wireName();
      case "wrap":
        {
          boolean raise = req.path("raise").asBoolean();
          GuardedFunction<Object, Object> f =
              guard.wrap(
                  tool,
                  effect,
                  x -> {
                    wrapped++;
                    if (raise) throw new ToolFailure();
                    return x;
                  });
          try {
            return Map.of("returned", Json.tree(f.apply(Json.any(req.get("input")))));
          } catch (ToolFailure e) {
            return Map.of("raised", e.getClass().getSimpleName());
          }
        }
      case "wrapped_calls":
        return wrapped;
      default:
        throw new IllegalStateException("unknown guard action " + action);
    }
  }

  private Object vector(ObjectNode req) throws Exception {
    switch (req.path("kind").asText()) {
      case "digest":
        return Digest.of(Json.any(req.get("input")));
      case "truncate":
        return AgentTrustGuard.truncate(req.path("text").asText(), req.path("limit").asInt());
      case "status":
        return status(req.path("status").asInt(), req.get("body"));
      case "roundtrip":
        {
          var fn = Dispatch.ROUNDTRIPS.get(req.path("type").asText());
          if (fn == null) throw new IllegalStateException("the SDK has no type " + req.path("type").asText());
          return fn.apply(req.get("value"));
        }
      default:
        throw new IllegalStateException("unknown vector kind " + req.path("kind").asText());
    }
  }

  private Object status(int status, JsonNode body) throws Exception {
    HttpServer srv = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    srv.createContext(
        "/",
        ex -> {
          byte[] data = body == null || body.isNull() ? new byte[0] : body.asText().getBytes(StandardCharsets.UTF_8);
          if (data.length > 0) ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(status, data.length == 0 ? -1 : data.length);
          try (OutputStream os = ex.getResponseBody()) {
            os.write(data);
          }
        });
    srv.start();
    try {
      AgentTrustClient c =
          AgentTrustClient.builder()
              .baseUrl("http://127.0.0.1:" + srv.getAddress().getPort())
              .apiKey("sk_vector")
              .maxRetries(0)
              .build();
      try {
        c.agents().get("agt_vector");
      } catch (AgentTrustException e) {
        Map<String, Object> out = new HashMap<>();
        out.put("code", e.getCode());
        out.put("status", e.getStatus() == 0 ? null : e.getStatus());
        return out;
      }
      throw new IllegalStateException("status " + status + " gave no AgentTrust error");
    } finally {
      srv.stop(0);
    }
  }

  private void closeGuard() {
    if (guard != null) {
      guard.close(Duration.ofSeconds(5));
      guard = null;
    }
  }

  private void reset() {
    closeGuard();
    clients.clear();
    credentials.clear();
  }
}
