package id.agenttrust.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import id.agenttrust.sdk.internal.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * The mock gateway CLI (packages/mock-gateway, built), started once per test JVM and stopped
 * when it exits; its admin API for faults and the request journal.
 */
public final class MockGateway {
  /** The key the mock accepts for every operation. */
  public static final String KEY = "sk_test_agenttrust";

  private static String url;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private MockGateway() {}

  /**
   * The mock's base URL, starting it on first use.
   *
   * @return the URL
   * @throws IOException when it cannot start
   */
  public static synchronized String url() throws IOException {
    if (url != null) return url;
    Process p =
        new ProcessBuilder("node", "../mock-gateway/dist/cli.js", "--port", "0")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    if (first == null) throw new IOException("the mock gateway did not start (run pnpm --filter @agenttrustid/mock-gateway build)");
    Thread drain =
        new Thread(
            () -> {
              try {
                while (out.readLine() != null) {
                  // The mock's log is not needed; reading it keeps the pipe from filling.
                }
              } catch (IOException e) {
                // The mock exited.
              }
            });
    drain.setDaemon(true);
    drain.start();
    url = first.trim();
    return url;
  }

  /**
   * A client of the mock with the test key and the given retries.
   *
   * @param maxRetries retries
   * @return the client
   * @throws IOException when the mock cannot start
   */
  public static AgentTrustClient client(int maxRetries) throws IOException {
    return AgentTrustClient.builder().baseUrl(url()).apiKey(KEY).maxRetries(maxRetries).build();
  }

  /**
   * Calls the admin API.
   *
   * @param method the HTTP method
   * @param path the path under the base URL
   * @param body a JSON body, or null
   * @return the answer's JSON, or null for none
   * @throws Exception when the call fails
   */
  public static JsonNode admin(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    HttpResponse<String> res = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return res.body().isBlank() ? null : Json.parse(res.body());
  }

  /**
   * Resets state, faults and the journal.
   *
   * @throws Exception when the mock fails
   */
  public static void reset() throws Exception {
    admin("POST", "/__mock/reset", null);
    admin("DELETE", "/__mock/faults", null);
    admin("DELETE", "/__mock/requests", null);
  }

  /**
   * Adds a fault.
   *
   * @param json the fault, as the admin API takes it
   * @throws Exception when the mock refuses it
   */
  public static void fault(String json) throws Exception {
    admin("POST", "/__mock/faults", json);
  }

  /**
   * The recorded requests of one operation.
   *
   * @param operationId the HTTP operationId
   * @return the requests, oldest first
   * @throws Exception when the mock fails
   */
  public static java.util.List<JsonNode> requests(String operationId) throws Exception {
    java.util.List<JsonNode> out = new java.util.ArrayList<>();
    JsonNode all = admin("GET", "/__mock/requests", null);
    JsonNode list = all.isArray() ? all : all.path("requests");
    for (JsonNode r : list) {
      if (r.path("operation_id").asText().equals(operationId)) out.add(r);
    }
    return out;
  }
}
