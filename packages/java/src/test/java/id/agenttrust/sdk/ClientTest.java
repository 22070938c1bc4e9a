package id.agenttrust.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import id.agenttrust.sdk.exceptions.AgentTrustException;
import id.agenttrust.sdk.exceptions.NetworkException;
import id.agenttrust.sdk.exceptions.NotFoundException;
import id.agenttrust.sdk.models.Agent;
import id.agenttrust.sdk.models.CreateAgentRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against the mock gateway: retries, Idempotency-Key, Retry-After, refusals, async. */
class ClientTest {
  private static AgentTrustClient client;

  @BeforeAll
  static void start() throws Exception {
    MockGateway.url();
    client = MockGateway.client(2);
  }

  @BeforeEach
  void reset() throws Exception {
    MockGateway.reset();
  }

  private static CreateAgentRequest bot() {
    return CreateAgentRequest.builder().name("bot").capabilities(List.of("web:search")).build();
  }

  @Test
  void retriesServerErrorsWithOneIdempotencyKey() throws Exception {
    MockGateway.fault("{\"operation\":\"createAgent\",\"kind\":\"status\",\"status\":503,\"times\":2}");
    AgentTrustClient fast = client.toBuilder().retryDelay(Duration.ofMillis(10), Duration.ofMillis(20)).build();
    Agent a = fast.agents().create(bot());
    assertEquals("bot", a.getName());
    List<JsonNode> reqs = MockGateway.requests("createAgent");
    assertEquals(3, reqs.size());
    String key = reqs.get(0).path("headers").path("idempotency-key").asText();
    assertFalse(key.isEmpty());
    for (JsonNode r : reqs) assertEquals(key, r.path("headers").path("idempotency-key").asText());
    assertTrue(reqs.get(0).path("headers").path("user-agent").asText().startsWith("agenttrustid-sdk-java/"));
  }

  @Test
  void honoursRetryAfter() throws Exception {
    MockGateway.fault("{\"operation\":\"listAgents\",\"kind\":\"status\",\"status\":429,\"retry_after\":1,\"times\":1}");
    long start = System.nanoTime();
    client.agents().list();
    assertTrue(System.nanoTime() - start >= 950_000_000L, "waited less than Retry-After");
    assertEquals(2, MockGateway.requests("listAgents").size());
  }

  @Test
  void givesUpAfterMaxRetries() throws Exception {
    MockGateway.fault("{\"operation\":\"listAgents\",\"kind\":\"status\",\"status\":500,\"times\":5}");
    AgentTrustClient once = client.toBuilder().maxRetries(0).build();
    AgentTrustException e = assertThrows(AgentTrustException.class, () -> once.agents().list());
    assertEquals(500, e.getStatus());
    assertEquals("INTERNAL_ERROR", e.getCode());
    assertEquals(1, MockGateway.requests("listAgents").size());
  }

  @Test
  void refusesDotSegmentsBeforeSending() throws Exception {
    for (String bad : new String[] {"", ".", ".."}) {
      AgentTrustException e = assertThrows(AgentTrustException.class, () -> client.agents().get(bad));
      assertEquals("VALIDATION_ERROR", e.getCode());
      assertEquals(0, e.getStatus());
    }
    assertEquals(0, MockGateway.requests("getAgent").size());
    assertEquals(0, MockGateway.requests("listAgents").size());
  }

  @Test
  void typedErrorsNeverCarryTheKey() throws Exception {
    NotFoundException e = assertThrows(NotFoundException.class, () -> client.agents().get("agt_missing"));
    assertEquals("NOT_FOUND", e.getCode());
    assertEquals(404, e.getStatus());
    assertFalse(e.toString().contains(MockGateway.KEY));
    AgentTrustClient nowhere = AgentTrustClient.builder().baseUrl("http://127.0.0.1:9").apiKey(MockGateway.KEY).maxRetries(0).build();
    NetworkException n = assertThrows(NetworkException.class, () -> nowhere.agents().list());
    assertEquals("NETWORK_ERROR", n.getCode());
    assertFalse(n.toString().contains(MockGateway.KEY));
  }

  @Test
  void bodylessPostSendsContentLengthZero() throws Exception {
    Agent a = client.agents().create(bot());
    client.agents().revoke(a.getId());
    JsonNode r = MockGateway.requests("revokeAgent").get(0);
    assertEquals("0", r.path("headers").path("content-length").asText());
  }

  @Test
  void asyncCallsCompleteOrFailWithTheSdkError() throws Exception {
    Agent a = client.agents().createAsync(bot()).get();
    assertEquals(a, client.agents().getAsync(a.getId()).get());
    CompletionException e = assertThrows(CompletionException.class, () -> client.agents().getAsync("agt_missing").join());
    assertInstanceOf(NotFoundException.class, e.getCause());
  }

  @Test
  void oneClientServesManyThreads() throws Exception {
    Agent a = client.agents().create(bot());
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<Agent>> got = new java.util.ArrayList<>();
      for (int i = 0; i < 80; i++) got.add(pool.submit(() -> client.agents().get(a.getId())));
      for (java.util.concurrent.Future<Agent> f : got) assertEquals(a, f.get());
    } finally {
      pool.shutdown();
    }
    assertEquals(80, MockGateway.requests("getAgent").size());
  }

  @Test
  void timesOutAWholeAttempt() throws Exception {
    MockGateway.fault("{\"operation\":\"listAgents\",\"kind\":\"latency\",\"latency_ms\":3000,\"times\":1}");
    AgentTrustClient quick = client.toBuilder().maxRetries(0).timeout(Duration.ofMillis(300)).build();
    NetworkException e = assertThrows(NetworkException.class, () -> quick.agents().list());
    assertEquals("TIMEOUT", e.getCode());
  }

  @Test
  void capsTheAnswerSize() throws Exception {
    client.agents().create(bot());
    AgentTrustClient tiny = client.toBuilder().maxResponseBytes(16).build();
    AgentTrustException e = assertThrows(AgentTrustException.class, () -> tiny.agents().list());
    assertEquals("INVALID_RESPONSE", e.getCode());
  }
}
