package id.agenttrust.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import id.agenttrust.sdk.exceptions.AgentTrustException;
import id.agenttrust.sdk.exceptions.NetworkException;
import id.agenttrust.sdk.models.CreateAgentRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's fault classes against a hostile gateway of its own (a JDK HttpServer on loopback
 * whose answers each test scripts): oversized and dripped bodies, redirects, Retry-After,
 * control characters and secrets in messages, telemetry against a failing gateway, bad input.
 */
class HostileGatewayTest {
  private static final String KEY = "sk_test_hostile_key_0123";
  private static final String ALLOWED = "{\"allowed\":true,\"confidence\":0.9}";
  private final List<HttpServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    for (HttpServer s : servers) s.stop(0);
  }

  /** Starts a loopback server answering every request with handler; counts the requests. */
  private String serve(AtomicInteger hits, HttpHandler handler) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s.setExecutor(Executors.newCachedThreadPool());
    s.createContext(
        "/",
        ex -> {
          hits.incrementAndGet();
          try {
            handler.handle(ex);
          } catch (IOException e) {
            // The client hung up (cap or deadline): that is the point of the test.
          } finally {
            ex.close();
          }
        });
    s.start();
    servers.add(s);
    return "http://127.0.0.1:" + s.getAddress().getPort();
  }

  private static void answer(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) ex.getResponseBody().write(b);
  }

  private static AgentTrustClient client(String url, int retries) {
    return AgentTrustClient.builder()
        .baseUrl(url)
        .apiKey(KEY)
        .maxRetries(retries)
        .retryDelay(Duration.ofMillis(10), Duration.ofMillis(40))
        .build();
  }

  private static void noSecret(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      assertFalse(String.valueOf(c).contains(KEY), c.toString());
      assertFalse(String.valueOf(c.getMessage()).contains(KEY));
    }
  }

  @Test
  void anOversizedStreamStopsAtTheCap() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    long[] written = {0};
    String url =
        serve(
            hits,
            ex -> {
              ex.sendResponseHeaders(200, 0);
              byte[] chunk = new byte[64 * 1024];
              java.util.Arrays.fill(chunk, (byte) ' ');
              OutputStream out = ex.getResponseBody();
              while (written[0] < 600L * 1024 * 1024) {
                out.write(chunk);
                written[0] += chunk.length;
              }
            });
    long start = System.nanoTime();
    AgentTrustException e = assertThrows(AgentTrustException.class, () -> client(url, 0).agents().list());
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals("INVALID_RESPONSE", e.getCode());
    assertTrue(e.getMessage().contains("larger than " + (32L << 20)), e.getMessage());
    assertTrue(ms < 10_000, "took " + ms + " ms");
    assertTrue(written[0] < 600L * 1024 * 1024, "the whole stream was read");
    System.out.printf("oversized: INVALID_RESPONSE after %d ms, %d MiB written by the server%n", ms, written[0] >> 20);
  }

  @Test
  void aDrippedBodyEndsAtTheWholeAttemptDeadline() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    String url =
        serve(
            hits,
            ex -> {
              ex.sendResponseHeaders(200, 0);
              OutputStream out = ex.getResponseBody();
              for (int i = 0; i < 200; i++) {
                out.write(' ');
                out.flush();
                try {
                  Thread.sleep(300);
                } catch (InterruptedException ie) {
                  Thread.currentThread().interrupt();
                  return;
                }
              }
            });
    AgentTrustClient c = client(url, 0).toBuilder().timeout(Duration.ofSeconds(1)).build();
    long start = System.nanoTime();
    NetworkException e = assertThrows(NetworkException.class, () -> c.agents().list());
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals("TIMEOUT", e.getCode());
    assertTrue(ms >= 900 && ms < 2_000, "took " + ms + " ms");
    System.out.printf("drip: TIMEOUT after %d ms%n", ms);
  }

  @Test
  void redirectsAreNeverFollowed() throws Exception {
    AtomicInteger targetHits = new AtomicInteger();
    String target = serve(targetHits, ex -> answer(ex, 200, ALLOWED));
    for (int status : new int[] {301, 302, 303, 307, 308}) {
      AtomicInteger hits = new AtomicInteger();
      String url =
          serve(
              hits,
              ex -> {
                ex.getResponseHeaders().set("Location", target + "/v1/secret/path?key=" + KEY);
                ex.sendResponseHeaders(status, -1);
              });
      AgentTrustException e = assertThrows(AgentTrustException.class, () -> client(url, 2).agents().list());
      assertEquals("INVALID_RESPONSE", e.getCode());
      assertEquals(status, e.getStatus());
      assertTrue(e.getMessage().contains("Location host 127.0.0.1"), e.getMessage());
      assertFalse(e.getMessage().contains("/v1/secret"), e.getMessage());
      noSecret(e);
      assertEquals(1, hits.get());
    }
    assertEquals(0, targetHits.get());
  }

  @Test
  void garbageRetryAfterFallsBackToBackoffAndHugeOnesAreBounded() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    String url =
        serve(
            hits,
            ex -> {
              if (hits.get() < 3) {
                ex.getResponseHeaders().set("Retry-After", "garbage");
                answer(ex, 503, "{}");
              } else {
                answer(ex, 200, "{\"agents\":[]}");
              }
            });
    long start = System.nanoTime();
    client(url, 2).agents().list();
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(3, hits.get());
    assertTrue(ms < 2_000, "took " + ms + " ms");
    assertEquals(-1, id.agenttrust.sdk.internal.TransportProbe.retryAfter("garbage"));
    assertEquals(-1, id.agenttrust.sdk.internal.TransportProbe.retryAfter("NaN"));
    assertEquals(-1, id.agenttrust.sdk.internal.TransportProbe.retryAfter("-5"));
    assertEquals(60_000, id.agenttrust.sdk.internal.TransportProbe.retryAfter("99999999999"));
    assertEquals(60_000, id.agenttrust.sdk.internal.TransportProbe.retryAfter("1e308"));
    assertEquals(-1, id.agenttrust.sdk.internal.TransportProbe.retryAfter("Infinity"));
  }

  @Test
  void gatewayMessagesAreEscapedCappedAndKeyless() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    String hostile = "denied\r\n[INFO] forged line\u001b[31m\u0000 key=" + KEY + " " + "x".repeat(5000);
    String url =
        serve(
            hits,
            ex ->
                answer(
                    ex,
                    400,
                    "{\"code\":\"VALIDATION_ERROR\",\"message\":" + id.agenttrust.sdk.internal.Json.write(id.agenttrust.sdk.internal.Json.NODES.textNode(hostile)) + "}"));
    AgentTrustException e = assertThrows(AgentTrustException.class, () -> client(url, 0).agents().list());
    assertEquals("VALIDATION_ERROR", e.getCode());
    String m = e.getMessage();
    for (char ch : m.toCharArray()) assertTrue(ch >= 0x20 && ch != 0x7f, "control character in " + m.substring(0, 60));
    assertTrue(m.length() <= 1000, "length " + m.length());
    assertTrue(m.contains("forged line"));
    noSecret(e);
  }

  @Test
  void telemetryBacksOffAFailingGateway() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    String url = serve(hits, ex -> answer(ex, 503, "{\"code\":\"SERVICE_UNAVAILABLE\",\"message\":\"down\"}"));
    AgentTrustClient c = client(url, 0);
    long end = System.nanoTime() + 5_000_000_000L;
    try (AgentTrustGuard g = AgentTrustGuard.builder(c, "agt_1").telemetry(10, 1000, Duration.ofMillis(250)).build()) {
      while (System.nanoTime() < end) {
        for (int i = 0; i < 20; i++) g.report("web_search", true, 1);
        Thread.sleep(10);
      }
      int sent = hits.get();
      System.out.printf("telemetry: %d requests in 5 s of 503s, %d batches failed%n", sent, g.getFailedBatches());
      assertTrue(sent >= 2 && sent <= 10, sent + " requests");
      assertTrue(g.getDroppedReports() > 0);
    }
  }

  @Test
  void badInputIsATypedErrorBeforeSending() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    String url = serve(hits, ex -> answer(ex, 201, "{}"));
    AgentTrustClient c = client(url, 0);
    Map<String, Object> circular = new HashMap<>();
    circular.put("self", circular);
    Map<String, Object> deep = new HashMap<>();
    Map<String, Object> at = deep;
    for (int i = 0; i < 100_000; i++) {
      Map<String, Object> next = new HashMap<>();
      at.put("d", next);
      at = next;
    }
    List<Map<String, Object>> bad =
        List.of(Map.of("x", Double.NaN), Map.of("x", Double.POSITIVE_INFINITY), Map.of("x", Float.NaN), circular, deep);
    for (Map<String, Object> m : bad) {
      AgentTrustException e =
          assertThrows(
              AgentTrustException.class,
              () -> c.agents().create(CreateAgentRequest.builder().name("bot").capabilities(List.of("a")).metadata(m).build()));
      assertEquals("VALIDATION_ERROR", e.getCode());
    }
    assertEquals(0, hits.get());
    for (Duration d : new Duration[] {Duration.ZERO, Duration.ofMillis(-1), null}) {
      assertInstanceOf(AgentTrustException.class, assertThrows(AgentTrustException.class, () -> AgentTrustClient.builder().timeout(d)));
    }
    for (String key : new String[] {KEY + "\n", KEY + "\r\nX-Evil: 1", "sk_\u0000", "sk_\u00e9\u4e2d"}) {
      AgentTrustException e = assertThrows(AgentTrustException.class, () -> client(url, 0).toBuilder().apiKey(key).build().agents().list());
      assertEquals("VALIDATION_ERROR", e.getCode());
      noSecret(e);
      assertFalse(e.getMessage().contains(key));
    }
    assertEquals(0, hits.get());
  }

  @Test
  void secretsAreMaskedInEveryPrintAndCauseChain() throws Exception {
    AgentTrustClient c = client("http://127.0.0.1:9", 0);
    try (AgentTrustGuard g = new AgentTrustGuard(c, "agt_1")) {
      for (Object o : new Object[] {c, c.options(), g}) {
        for (String f : new String[] {"%s", "%S", "%10s", "%-80s"}) {
          assertFalse(String.format(f, o).toLowerCase(java.util.Locale.ROOT).contains(KEY), f + " of " + o.getClass().getSimpleName());
        }
      }
      NetworkException e = assertThrows(NetworkException.class, () -> c.agents().list());
      noSecret(e);
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new java.io.PrintWriter(trace));
      assertFalse(trace.toString().contains(KEY));
      AgentTrustException denied = assertThrows(AgentTrustException.class, () -> g.check("web_search", "q", "read"));
      noSecret(denied);
    }
  }

  @Test
  void pathIdsCannotLeaveTheirSegment() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    List<String> paths = java.util.Collections.synchronizedList(new ArrayList<>());
    String url =
        serve(
            hits,
            ex -> {
              paths.add(ex.getRequestURI().getRawPath());
              answer(ex, 404, "{\"code\":\"NOT_FOUND\",\"message\":\"no\"}");
            });
    AgentTrustClient c = client(url, 0);
    for (String bad : new String[] {"", ".", ".."}) {
      assertEquals("VALIDATION_ERROR", assertThrows(AgentTrustException.class, () -> c.agents().get(bad)).getCode());
    }
    assertEquals(0, hits.get());
    String[] ids = {"a/../b", "../agents", "%2e%2e", "..%2f", "x?y#z", "a\\b", "\u0000"};
    for (String id : ids) assertEquals("NOT_FOUND", assertThrows(AgentTrustException.class, () -> c.agents().get(id)).getCode());
    assertEquals(ids.length, paths.size());
    for (String p : paths) {
      assertTrue(p.startsWith("/api/v1/agents/") && p.indexOf('/', "/api/v1/agents/".length()) < 0, p);
      assertFalse(p.contains("?") || p.contains("#"), p);
    }
  }
}
