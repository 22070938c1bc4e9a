package id.agenttrust.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.agenttrust.sdk.exceptions.AgentRevokedException;
import id.agenttrust.sdk.exceptions.AgentTrustException;
import id.agenttrust.sdk.exceptions.AuthenticationException;
import id.agenttrust.sdk.exceptions.AuthorizationException;
import id.agenttrust.sdk.exceptions.ConfigurationException;
import id.agenttrust.sdk.exceptions.ConflictException;
import id.agenttrust.sdk.exceptions.InternalServerException;
import id.agenttrust.sdk.exceptions.NetworkException;
import id.agenttrust.sdk.exceptions.NotFoundException;
import id.agenttrust.sdk.exceptions.RateLimitException;
import id.agenttrust.sdk.exceptions.TimeoutException;
import id.agenttrust.sdk.exceptions.TokenExpiredException;
import id.agenttrust.sdk.exceptions.ValidationException;
import id.agenttrust.sdk.identity.AgentCredentials;
import id.agenttrust.sdk.internal.Facts;
import id.agenttrust.sdk.models.ActionCheckRequest;
import id.agenttrust.sdk.models.Agent;
import id.agenttrust.sdk.models.CreateAgentRequest;
import id.agenttrust.sdk.models.HealthResponse;
import id.agenttrust.sdk.models.UpdateSecuritySettingsRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's defaults and polish, the same in every language: base URL and key from arguments or
 * the environment, the missing-key rule, AGENTTRUST_LOG, raw responses, the error classes.
 */
class PolishTest {
  private static AgentTrustClient client;

  @BeforeAll
  static void start() throws Exception {
    client = MockGateway.client(0);
  }

  @BeforeEach
  void reset() throws Exception {
    MockGateway.reset();
  }

  private static Function<String, String> env(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m::get;
  }

  private static Agent bot(AgentTrustClient c) {
    return c.agents().create(CreateAgentRequest.builder().name("bot").capabilities(List.of("web:search")).build());
  }

  // 1. Base URL: argument, else AGENTTRUST_URL, else AGENTTRUST_BASE_URL, else the default; empty is unset.

  @Test
  void baseUrlComesFromTheArgumentThenTheEnvironmentThenTheDefault() {
    Function<String, String> both = env("AGENTTRUST_URL", "http://a.test", "AGENTTRUST_BASE_URL", "http://b.test");
    assertEquals("http://a.test", AgentTrustClient.builder().fromEnvironment(both).build().options().getBaseUrl());
    assertEquals("http://a.test", AgentTrustClient.fromEnv(env("AGENTTRUST_URL", "http://a.test", "AGENTTRUST_API_KEY", "k")).options().getBaseUrl());
    Function<String, String> second = env("AGENTTRUST_URL", "", "AGENTTRUST_BASE_URL", "http://b.test/");
    assertEquals("http://b.test", AgentTrustClient.builder().fromEnvironment(second).build().options().getBaseUrl());
    assertEquals("http://arg.test", AgentTrustClient.builder().fromEnvironment(both).baseUrl("http://arg.test").build().options().getBaseUrl());
    assertEquals("http://localhost:8080", AgentTrustClient.builder().fromEnvironment(env()).build().options().getBaseUrl());
    assertEquals("http://localhost:8080", AgentTrustClient.builder().fromEnvironment(env("AGENTTRUST_URL", "")).build().options().getBaseUrl());
    ConfigurationException bad =
        assertThrows(ConfigurationException.class, () -> AgentTrustClient.builder().fromEnvironment(env("AGENTTRUST_URL", "ftp://x")).build());
    assertEquals("base_url", bad.getDetails().get("field"));
  }

  // 2. API key: argument, else AGENTTRUST_API_KEY; fromEnv requires one; an empty argument is an error.

  @Test
  void apiKeyComesFromTheArgumentThenTheEnvironment() {
    Function<String, String> e = env("AGENTTRUST_API_KEY", "sk_env");
    assertEquals("sk_env", AgentTrustClient.builder().fromEnvironment(e).build().options().getApiKey().orElseThrow());
    assertEquals("sk_arg", AgentTrustClient.builder().fromEnvironment(e).apiKey("sk_arg").build().options().getApiKey().orElseThrow());
    assertTrue(AgentTrustClient.builder().fromEnvironment(env("AGENTTRUST_API_KEY", "")).build().options().getApiKey().isEmpty());
    ConfigurationException empty = assertThrows(ConfigurationException.class, () -> AgentTrustClient.builder().apiKey(""));
    assertEquals("VALIDATION_ERROR", empty.getCode());
    assertEquals("api_key", empty.getDetails().get("field"));
  }

  @Test
  void fromEnvWithoutAKeyIsAConfigurationError() {
    for (Function<String, String> e : List.of(env(), env("AGENTTRUST_API_KEY", ""), env("AGENTTRUST_URL", "http://a.test"))) {
      ConfigurationException x = assertThrows(ConfigurationException.class, () -> AgentTrustClient.fromEnv(e));
      assertEquals("VALIDATION_ERROR", x.getCode());
      assertEquals(0, x.getStatus());
      assertEquals("api_key", x.getDetails().get("field"));
      assertTrue(x.getMessage().contains("AGENTTRUST_API_KEY"), x.getMessage());
      assertInstanceOf(ValidationException.class, x);
    }
  }

  @Test
  void anOperationNeedingAKeyFailsBeforeSendingWithoutOne() throws Exception {
    AgentTrustClient keyless = AgentTrustClient.builder().fromEnvironment(env()).baseUrl(MockGateway.url()).maxRetries(0).build();
    ConfigurationException x = assertThrows(ConfigurationException.class, () -> keyless.agents().list());
    assertEquals("no API key: pass apiKey or set AGENTTRUST_API_KEY", x.getMessage());
    assertEquals("api_key", x.getDetails().get("field"));
    assertEquals(0, MockGateway.requests("listAgents").size(), "a request was sent");
    assertThrows(ConfigurationException.class, () -> keyless.withRawResponse().agents().list());
    // A public operation proceeds: the published agent card needs no key.
    Agent a = bot(client);
    client.agentCards().publish(a.getId());
    assertEquals("bot", keyless.agentCards().getPublic(a.getId()).getName());
  }

  // 3. AGENTTRUST_LOG: stderr lines, the user's System.Logger, redaction.

  private static String stderrOf(Callable<?> run) throws Exception {
    PrintStream saved = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      run.call();
    } finally {
      System.setErr(saved);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void debugLogsEachAttemptAndNoSecret() throws Exception {
    Agent a = bot(client);
    client.orgs().updateSecuritySettings(
        UpdateSecuritySettingsRequest.builder().requireProofOfPossession(true).requireSenderConstrainedTokens(true).build());
    AgentTrustClient logged =
        AgentTrustClient.builder()
            .fromEnvironment(env("AGENTTRUST_LOG", "DEBUG", "AGENTTRUST_URL", MockGateway.url(), "AGENTTRUST_API_KEY", MockGateway.KEY))
            .keyStore(client.options().getKeyStore())
            .maxRetries(0)
            .build();
    AgentCredentials creds = new AgentCredentials(logged, a.getId());
    List<String> secrets = new ArrayList<>();
    String out =
        stderrOf(
            () -> {
              secrets.add(creds.token());
              secrets.add(creds.headers("POST", MockGateway.url() + "/api/v1/agenttrust/check").get("DPoP"));
              return logged.actions().check(ActionCheckRequest.builder().agentId(a.getId()).toolName("web_search").build(), creds);
            });
    assertTrue(out.lines().anyMatch(l -> l.startsWith("agenttrustid debug POST /api/v1/agenttrust/check status=200 elapsed_ms=") && l.contains(" attempt=1 request_id=")), out);
    assertFalse(out.contains(MockGateway.KEY), out);
    for (String s : secrets) assertFalse(out.contains(s), out);
    assertFalse(out.contains("eyJ"), "a JWT or JWS was logged: " + out);
    assertFalse(out.contains("web_search"), "a request body was logged: " + out);
  }

  @Test
  void levelsFilterAndRetriesAndFailuresAreLogged() throws Exception {
    MockGateway.fault("{\"operation\":\"listAgents\",\"kind\":\"status\",\"status\":503,\"times\":2}");
    AgentTrustClient info =
        client.toBuilder().logLevel("info").maxRetries(1).retryDelay(Duration.ofMillis(1), Duration.ofMillis(2)).build();
    String out = stderrOf(() -> assertThrows(AgentTrustException.class, () -> info.agents().list()));
    assertTrue(out.contains("agenttrustid info retrying GET /api/v1/agents in "), out);
    assertTrue(out.contains("agenttrustid error GET /api/v1/agents failed: InternalServerException "), out);
    assertFalse(out.contains("agenttrustid debug"), out);
    String off = stderrOf(() -> client.agents().list());
    assertEquals("", off);
  }

  @Test
  void anUnknownLevelIsOffWithOneWarning() throws Exception {
    String out =
        stderrOf(
            () -> {
              AgentTrustClient c =
                  AgentTrustClient.builder().fromEnvironment(env("AGENTTRUST_LOG", "verbose", "AGENTTRUST_URL", MockGateway.url(), "AGENTTRUST_API_KEY", MockGateway.KEY)).build();
              assertEquals("off", c.options().getLogLevel());
              return c.agents().list();
            });
    assertEquals(1, out.lines().count(), out);
    assertTrue(out.startsWith("agenttrustid warn AGENTTRUST_LOG is \"verbose\", not one of off, error, warn, info, debug"), out);
    assertThrows(ConfigurationException.class, () -> AgentTrustClient.builder().logLevel("verbose"));
  }

  /** A System.Logger that records what it is given. */
  static final class Recorder implements System.Logger {
    final List<String> lines = new ArrayList<>();
    final Level min;

    Recorder(Level min) {
      this.min = min;
    }

    @Override
    public String getName() {
      return "id.agenttrust.sdk";
    }

    @Override
    public boolean isLoggable(Level level) {
      return level.getSeverity() >= min.getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      lines.add(level + " " + msg);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      lines.add(level + " " + format);
    }
  }

  @Test
  void aGivenLoggerGetsTheEventsItAccepts() throws Exception {
    Recorder debug = new Recorder(System.Logger.Level.DEBUG);
    Recorder warn = new Recorder(System.Logger.Level.WARNING);
    String out =
        stderrOf(
            () -> {
              client.toBuilder().logLevel(null).logger(debug).build().agents().list();
              return client.toBuilder().logLevel(null).logger(warn).build().agents().list();
            });
    assertEquals("", out);
    assertEquals(1, debug.lines.size(), debug.lines.toString());
    assertTrue(debug.lines.get(0).startsWith("DEBUG GET /api/v1/agents status=200"), debug.lines.toString());
    assertTrue(warn.lines.isEmpty(), warn.lines.toString());
  }

  @Test
  void failOpenAndTelemetryFailuresAreWarnings() throws Exception {
    Agent a = bot(client);
    Recorder rec = new Recorder(System.Logger.Level.DEBUG);
    AgentTrustClient logged = client.toBuilder().logger(rec).logLevel("warn").build();
    MockGateway.fault("{\"operation\":\"checkAction\",\"kind\":\"status\",\"status\":503,\"times\":1}");
    MockGateway.fault("{\"operation\":\"reportTelemetry\",\"kind\":\"status\",\"status\":500,\"times\":1}");
    try (AgentTrustGuard g = AgentTrustGuard.builder(logged, a.getId()).failOpen(true).build()) {
      assertTrue(g.check("web_search", null, "read").isFailedOpen());
      g.report("web_search", true, 1);
      g.flush(Duration.ofSeconds(10));
    }
    String all = String.join("\n", rec.lines);
    assertTrue(all.contains("WARNING fail-open: allowed web_search without a decision: GUARDIAN_UNAVAILABLE"), all);
    assertTrue(all.contains("WARNING telemetry batch of 1 events failed and was dropped: InternalServerException "), all);
    assertTrue(all.contains("ERROR "), all);
    assertFalse(all.contains("DEBUG") || all.contains("INFO"), all);
  }

  @Test
  void telemetryBatchesSentAreInfo() throws Exception {
    Agent a = bot(client);
    Recorder rec = new Recorder(System.Logger.Level.INFO);
    try (AgentTrustGuard g = new AgentTrustGuard(client.toBuilder().logger(rec).logLevel(null).build(), a.getId())) {
      g.report("web_search", true, 1);
      assertTrue(g.flush(Duration.ofSeconds(10)));
    }
    assertTrue(rec.lines.contains("INFO telemetry batch sent: 1 events"), rec.lines.toString());
    assertTrue(rec.lines.stream().noneMatch(l -> l.startsWith("DEBUG")), rec.lines.toString());
  }

  // 4. Raw response and request id, from the one request.

  @Test
  void rawResponsesCarryStatusHeadersAndRequestId() throws Exception {
    RawResponse<Agent> r =
        client.withRawResponse().agents().create(CreateAgentRequest.builder().name("raw").capabilities(List.of("web:search")).build());
    assertEquals("raw", r.data().getName());
    assertEquals(201, r.statusCode());
    assertTrue(r.requestId().orElseThrow().length() > 0);
    assertEquals(r.requestId(), r.headers().firstValue("x-request-id"));
    assertEquals(1, MockGateway.requests("createAgent").size(), "one request only");
    assertTrue(client.options().getKeyStore().get(r.data().getId()).isPresent(), "the generated key pair was kept");
    RawResponse<HealthResponse> h = client.withRawResponse().health();
    assertEquals(200, h.statusCode());
    RawResponse<List<Agent>> list = client.agents().withRawResponse().listAsync().get();
    assertEquals(1, list.data().size());
    assertFalse(r.toString().contains("raw"), "toString shows the answer");
  }

  @Test
  void aCachedTokenCarriesTheResponseThatFilledTheCache() throws Exception {
    Agent a = bot(client);
    var req = id.agenttrust.sdk.models.IssueTokenRequest.builder().agentId(a.getId()).scope(List.of("web:search")).build();
    RawResponse<id.agenttrust.sdk.models.Token> first = client.withRawResponse().tokens().issue(req);
    RawResponse<id.agenttrust.sdk.models.Token> second = client.withRawResponse().tokens().issue(req);
    assertEquals(first.requestId(), second.requestId());
    assertEquals(first.data().getToken(), client.tokens().issue(req).getToken());
    assertEquals(1, MockGateway.requests("issueToken").size());
  }

  // 5. Error classes per status and code.

  @Test
  void eachStatusHasItsClass() throws Exception {
    Map<Integer, Class<? extends AgentTrustException>> byStatus = new java.util.LinkedHashMap<>();
    byStatus.put(400, ValidationException.class);
    byStatus.put(401, AuthenticationException.class);
    byStatus.put(403, AuthorizationException.class);
    byStatus.put(404, NotFoundException.class);
    byStatus.put(409, ConflictException.class);
    byStatus.put(429, RateLimitException.class);
    byStatus.put(500, InternalServerException.class);
    byStatus.put(502, InternalServerException.class);
    for (Map.Entry<Integer, Class<? extends AgentTrustException>> e : byStatus.entrySet()) {
      MockGateway.fault("{\"operation\":\"listAgents\",\"kind\":\"status\",\"status\":" + e.getKey() + ",\"times\":1}");
      AgentTrustException x = assertThrows(AgentTrustException.class, () -> client.agents().list());
      assertEquals(e.getValue(), x.getClass(), "HTTP " + e.getKey());
      assertEquals(e.getKey(), x.getStatus());
      assertTrue(x.getRequestId().isPresent());
    }
    assertInstanceOf(TokenExpiredException.class, Facts.error("TOKEN_EXPIRED", "m", 401, null, null));
    assertInstanceOf(AgentRevokedException.class, Facts.error("AGENT_REVOKED", "m", 403, null, null));
  }

  @Test
  void timeoutsAndConnectionFailuresAreNetworkExceptions() throws Exception {
    MockGateway.fault("{\"operation\":\"listAgents\",\"kind\":\"latency\",\"latency_ms\":2000,\"times\":1}");
    AgentTrustClient slow = client.toBuilder().timeout(Duration.ofMillis(200)).build();
    TimeoutException t = assertThrows(TimeoutException.class, () -> slow.agents().list());
    assertEquals("TIMEOUT", t.getCode());
    assertInstanceOf(NetworkException.class, t);
    AgentTrustClient nowhere = AgentTrustClient.builder().fromEnvironment(env()).baseUrl("http://127.0.0.1:9").apiKey("k").maxRetries(0).build();
    NetworkException n = assertThrows(NetworkException.class, () -> nowhere.agents().list());
    assertEquals("NETWORK_ERROR", n.getCode());
    assertNull(n.getRequestId().orElse(null));
  }
}
