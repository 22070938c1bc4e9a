package id.agenttrust.sdk.bench;

import id.agenttrust.sdk.AgentTrustClient;
import id.agenttrust.sdk.AgentTrustGuard;
import id.agenttrust.sdk.MockGateway;
import id.agenttrust.sdk.internal.Facts;
import id.agenttrust.sdk.models.Agent;
import id.agenttrust.sdk.models.CreateAgentRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * {@code guard.check} latency as a ratio to a raw {@link HttpClient} POST of the same check to the
 * same loopback mock gateway (the same headers and body; calls alternate, medians compared), and the cost
 * of {@code guard.report} per call. Run by the package's {@code bench} script.
 */
public final class GuardBench {
  private static final int WARMUP = 3000;
  private static final int CALLS = 4000;

  private GuardBench() {}

  /**
   * Runs the benchmark and prints its figures.
   *
   * @param args unused
   * @throws Exception when the mock fails
   */
  public static void main(String[] args) throws Exception {
    String base = MockGateway.url();
    AgentTrustClient client = MockGateway.client(0);
    Agent agent = client.agents().create(CreateAgentRequest.builder().name("bench").capabilities(List.of("web:search")).build());
    HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
    String session = "bench-session";
    String body =
        "{\"agent_id\":\"" + agent.getId() + "\",\"session_id\":\"" + session
            + "\",\"action_name\":\"web_search\",\"action_source\":\"api\",\"action_effect\":\"read\"}";
    String userAgent = "agenttrustid-sdk-java/" + Facts.SDK_VERSION + " java/" + System.getProperty("java.version");
    try (AgentTrustGuard guard = AgentTrustGuard.builder(client, agent.getId()).sessionId(session).build()) {
      Runnable sdk = () -> guard.check("web_search", "", "read");
      // The same request the SDK sends: its headers (a fresh Idempotency-Key each) and body.
      Runnable direct =
          () -> {
            HttpRequest request =
                HttpRequest.newBuilder(URI.create(base + "/api/v1/agenttrust/check"))
                    .header("X-API-Key", MockGateway.KEY)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .header("User-Agent", userAgent)
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            try {
              HttpResponse<byte[]> r = raw.send(request, HttpResponse.BodyHandlers.ofByteArray());
              if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode());
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          };
      for (int i = 0; i < WARMUP; i++) {
        sdk.run();
        direct.run();
      }
      // Pairs alternate which goes first, so drift on a shared machine hits both alike.
      double[] s = new double[CALLS];
      double[] d = new double[CALLS];
      for (int i = 0; i < CALLS; i++) {
        if (i % 2 == 0) {
          d[i] = micros(direct);
          s[i] = micros(sdk);
        } else {
          s[i] = micros(sdk);
          d[i] = micros(direct);
        }
      }
      double ms = median(s);
      double md = median(d);
      System.out.printf(
          "guard.check: %.1f us/call, raw HttpClient POST: %.1f us/call, ratio %.3f (target <= 1.1; medians of %d alternating pairs)%n",
          ms, md, ms / md, CALLS);
    }
    int n = 200_000;
    try (AgentTrustGuard guard =
        AgentTrustGuard.builder(client, agent.getId()).telemetry(1000, 2 * n, Duration.ofSeconds(5)).build()) {
      for (int i = 0; i < n; i++) guard.report("web_search", true, 12);
      guard.flush(Duration.ofSeconds(60));
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) guard.report("web_search", true, 12);
      double per = (System.nanoTime() - t0) / (double) n;
      guard.flush(Duration.ofSeconds(60));
      System.out.printf(
          "guard.report: %.0f ns/call over %d calls (queued, sent in batches of 1000 by the background thread; %d sent, %d dropped)%n",
          per, n, guard.getSentReports(), guard.getDroppedReports());
    }
    System.exit(0);
  }

  private static double micros(Runnable call) {
    long t0 = System.nanoTime();
    call.run();
    return (System.nanoTime() - t0) / 1000.0;
  }

  private static double median(double[] xs) {
    double[] c = xs.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }
}
