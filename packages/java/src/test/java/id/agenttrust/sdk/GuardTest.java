package id.agenttrust.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.agenttrust.sdk.exceptions.AgentTrustException;
import id.agenttrust.sdk.internal.Digest;
import id.agenttrust.sdk.models.Agent;
import id.agenttrust.sdk.models.CreateAgentRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The guard's Java-specific behaviour: its telemetry thread, bounded queue, close and digest. */
class GuardTest {
  private static AgentTrustClient client;
  private Agent agent;

  @BeforeAll
  static void start() throws Exception {
    client = MockGateway.client(0);
  }

  @BeforeEach
  void reset() throws Exception {
    MockGateway.reset();
    agent = client.agents().create(CreateAgentRequest.builder().name("g").capabilities(List.of("web:search")).build());
  }

  @Test
  void reportNeverThrowsAndCountsDrops() {
    try (AgentTrustGuard g =
        AgentTrustGuard.builder(client, agent.getId()).telemetry(10, 2, Duration.ofHours(1)).build()) {
      g.report(null, true, 1);
      g.report("", true, 1);
      for (int i = 0; i < 5; i++) g.report("web_search", true, 1);
      assertEquals(5, g.getDroppedReports());
      assertEquals(2, g.getQueuedReports());
      assertTrue(g.flush(Duration.ofSeconds(10)));
      assertEquals(2, g.getSentReports());
    }
  }

  @Test
  void closeFlushesAndLaterReportsAreDropped() throws Exception {
    AgentTrustGuard g = new AgentTrustGuard(client, agent.getId());
    g.report("web_search", true, 3);
    g.close();
    assertEquals(1, MockGateway.requests("reportTelemetry").size());
    g.report("web_search", true, 3);
    assertEquals(1, g.getDroppedReports());
    boolean daemon =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("agenttrust-telemetry"))
            .allMatch(Thread::isDaemon);
    assertTrue(daemon);
  }

  @Test
  void checkAllowsAndDenies() {
    try (AgentTrustGuard g = new AgentTrustGuard(client, agent.getId())) {
      assertTrue(g.check("web_search", "AI news", "read").isAllowed());
      AgentTrustException e = assertThrows(AgentTrustException.class, () -> g.check("send_email", "hi", "mutating"));
      assertEquals("ACTION_DENIED", e.getCode());
      assertEquals("send_email", e.getDetails().get("tool_name"));
      assertThrows(AgentTrustException.class, () -> g.check("web_search", "", "teleport"));
    }
  }

  @Test
  void digestIsJcs() {
    assertEquals(Digest.sha256Hex("{\"a\":1,\"b\":[1,2]}".getBytes(java.nio.charset.StandardCharsets.UTF_8)), Digest.of(Map.of("b", List.of(1, 2), "a", 1)));
    assertEquals(Digest.of(Map.of("b", List.of(1, 2), "a", 1.0)), Digest.of(Map.of("a", 1, "b", List.of(1.0, 2))));
    assertThrows(AgentTrustException.class, () -> Digest.of(Map.of("x", Double.NaN)));
  }
}
