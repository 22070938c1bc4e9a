package id.agenttrust.sdk.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import id.agenttrust.sdk.AgentTrustClient;
import id.agenttrust.sdk.AgentTrustGuard;
import id.agenttrust.sdk.MockGateway;
import id.agenttrust.sdk.exceptions.AgentTrustException;
import id.agenttrust.sdk.exceptions.AuthenticationException;
import id.agenttrust.sdk.exceptions.AuthorizationException;
import id.agenttrust.sdk.exceptions.ElevationRequiredException;
import id.agenttrust.sdk.internal.Json;
import id.agenttrust.sdk.models.ActionCheckRequest;
import id.agenttrust.sdk.models.Agent;
import id.agenttrust.sdk.models.CreateAgentRequest;
import id.agenttrust.sdk.models.UpdateSecuritySettingsRequest;
import id.agenttrust.sdk.models.WimseToken;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agent identity: keys, key stores, proof of possession, DPoP and credentials on the mock. */
class IdentityTest {
  /** RFC 8037 appendix A: an Ed25519 key, its public x and its JWK thumbprint. */
  private static final String RFC8037_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

  private static final String RFC8037_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
  private static final String RFC8037_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";

  private AgentTrustClient client;

  @BeforeEach
  void reset() throws Exception {
    MockGateway.reset();
    client = MockGateway.client(0);
  }

  private static AgentKeyPair rfc8037() {
    byte[] der = HexFormat.of().parseHex("302e020100300506032b657004220420" + RFC8037_SEED);
    String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getEncoder().encodeToString(der) + "\n-----END PRIVATE KEY-----\n";
    return AgentKeyPair.fromPrivateKeyPem(pem);
  }

  private Agent agent(String name) {
    return client.agents().create(CreateAgentRequest.builder().name(name).capabilities(List.of("web:search", "db:*")).build());
  }

  private void enforce() {
    client.orgs().updateSecuritySettings(
        UpdateSecuritySettingsRequest.builder().requireProofOfPossession(true).requireSenderConstrainedTokens(true).build());
  }

  private static JsonNode part(String jws, int i) {
    return Json.parse(Base64.getUrlDecoder().decode(jws.split("\\.")[i]));
  }

  @Test
  void keyPairDerivesThePublicHalfAndItsThumbprint() {
    AgentKeyPair k = rfc8037();
    assertEquals(RFC8037_X, k.publicJwk().get("x"));
    assertEquals(RFC8037_THUMBPRINT, k.thumbprint());
    assertEquals(k.publicKeyPem(), AgentKeyPair.fromPrivateKeyPem(k.privateKeyPem()).publicKeyPem());
    assertTrue(k.publicKeyPem().startsWith("-----BEGIN PUBLIC KEY-----\n"));
    AgentKeyPair g = AgentKeyPair.generate();
    assertEquals(g, AgentKeyPair.fromPrivateKeyPem(g.privateKeyPem()));
    assertNotEquals(g.publicKeyPem(), k.publicKeyPem());
    AgentTrustException e = assertThrows(AgentTrustException.class, () -> AgentKeyPair.fromPrivateKeyPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
    assertEquals("VALIDATION_ERROR", e.getCode());
  }

  @Test
  void noPrivateKeyTokenOrProofInStringsJsonOrErrors() throws Exception {
    AgentKeyPair k = AgentKeyPair.generate();
    String secret = k.privateKeyPem();
    String body = secret.split("\n")[1];
    for (String shown : List.of(k.toString(), new ObjectMapper().writeValueAsString(k), new MemoryKeyStore().toString())) {
      assertFalse(shown.contains("PRIVATE KEY"), shown);
      assertFalse(shown.contains(body), shown);
    }
    assertTrue(k.toString().contains("[redacted]"));
    assertTrue(new ObjectMapper().writeValueAsString(k).contains("BEGIN PUBLIC KEY"));

    Agent a = agent("a");
    Agent b = agent("b");
    enforce();
    AgentCredentials creds = new AgentCredentials(client, a.getId());
    String token = creds.token();
    String proof = creds.headers("POST", MockGateway.url() + "/api/v1/agenttrust/check").get("DPoP");
    for (String shown : List.of(creds.toString(), client.wimse().issueTokenWithProof(a.getId()).toString())) {
      assertFalse(shown.contains(token), shown);
    }
    // Agent A's credentials on agent B's check: 403, and the error holds neither token nor proof.
    AuthorizationException denied =
        assertThrows(AuthorizationException.class, () -> client.actions().check(check(b.getId()), creds));
    for (String shown : List.of(denied.toString(), denied.getMessage(), String.valueOf(denied.getDetails()))) {
      assertFalse(shown.contains(token), shown);
      assertFalse(shown.contains(proof), shown);
    }
    AgentTrustException missing =
        assertThrows(AgentTrustException.class, () -> client.wimse().issueTokenWithProof("agt_nokey"));
    assertEquals("VALIDATION_ERROR", missing.getCode());
    assertTrue(missing.getMessage().contains("agt_nokey"));
  }

  @Test
  void fileStoreKeepsOwnerOnlyFiles(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("keys");
    FileKeyStore store = new FileKeyStore(dir);
    AgentKeyPair k = AgentKeyPair.generate();
    store.put("agt_1", k);
    Path f = dir.resolve("agt_1.pem");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertTrue(Files.readString(f).startsWith("-----BEGIN PRIVATE KEY-----"));
    assertEquals(k, store.get("agt_1").orElseThrow());
    AgentKeyPair k2 = AgentKeyPair.generate();
    store.put("agt_1", k2);
    assertEquals(k2, store.get("agt_1").orElseThrow());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
    store.delete("agt_1");
    store.delete("agt_1");
    assertTrue(store.get("agt_1").isEmpty());
    for (String bad : List.of("", ".", "..", "../x", "a/b", ".hidden", "x".repeat(129))) {
      AgentTrustException e = assertThrows(AgentTrustException.class, () -> store.put(bad, k));
      assertEquals("VALIDATION_ERROR", e.getCode());
    }
    Files.writeString(dir.resolve("agt_2.pem"), "not a key");
    AgentTrustException e = assertThrows(AgentTrustException.class, () -> store.get("agt_2"));
    assertFalse(e.getMessage().contains("not a key"));
  }

  @Test
  void createGeneratesAKeyOnlyWithoutOne() throws Exception {
    Agent a = agent("keyed");
    AgentKeyPair k = client.options().getKeyStore().get(a.getId()).orElseThrow();
    assertEquals(a.getPublicKey(), k.publicKeyPem());
    AgentKeyPair own = AgentKeyPair.generate();
    Agent b = client.agents().create(CreateAgentRequest.builder().name("byok").publicKey(own.publicKeyPem()).build());
    assertEquals(own.publicKeyPem(), b.getPublicKey());
    assertTrue(client.options().getKeyStore().get(b.getId()).isEmpty());
    assertTrue(client.toBuilder().build().options().getKeyStore().get(a.getId()).isPresent());
  }

  @Test
  void dpopProofIsASignedJwsBoundToTheToken() throws Exception {
    AgentKeyPair k = rfc8037();
    String proof = DPoP.mint(k, "POST", "https://gw.example/api/v1/agenttrust/check?x=1#f", "tok.en.x");
    JsonNode h = part(proof, 0);
    JsonNode p = part(proof, 1);
    assertEquals("dpop+jwt", h.path("typ").asText());
    assertEquals("EdDSA", h.path("alg").asText());
    assertEquals(RFC8037_X, h.path("jwk").path("x").asText());
    assertEquals("OKP", h.path("jwk").path("kty").asText());
    assertEquals("https://gw.example/api/v1/agenttrust/check", p.path("htu").asText());
    assertEquals("POST", p.path("htm").asText());
    byte[] ath = MessageDigest.getInstance("SHA-256").digest("tok.en.x".getBytes(StandardCharsets.US_ASCII));
    assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(ath), p.path("ath").asText());
    assertTrue(Math.abs(p.path("iat").asLong() - System.currentTimeMillis() / 1000) <= 2);
    String[] parts = proof.split("\\.");
    Signature v = Signature.getInstance("Ed25519");
    v.initVerify(k.publicKey());
    v.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertTrue(v.verify(Base64.getUrlDecoder().decode(parts[2])));
    assertNotEquals(p.path("jti").asText(), part(DPoP.mint(k, "POST", "https://gw.example/x"), 1).path("jti").asText());
    assertFalse(part(DPoP.mint(k, "GET", "https://gw.example/x"), 1).has("ath"));
  }

  @Test
  void renewalIsSingleFlightUnderConcurrency() throws Exception {
    Agent a = agent("busy");
    enforce();
    MockGateway.admin("DELETE", "/__mock/requests", null);
    AgentCredentials creds = new AgentCredentials(client, a.getId());
    int n = 16;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Boolean>> checks = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        checks.add(pool.submit(() -> {
          start.await();
          return client.actions().check(check(a.getId()), creds).isAllowed();
        }));
      }
      start.countDown();
      for (Future<Boolean> f : checks) assertTrue(f.get());
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, MockGateway.requests("issueWimseToken").size());
    assertEquals(n, MockGateway.requests("checkAction").size());
    creds.invalidate();
    assertTrue(client.actions().check(check(a.getId()), creds).isAllowed());
    assertEquals(2, MockGateway.requests("issueWimseToken").size());
  }

  @Test
  void guardWithCredentialsDecidesAsWithoutFlags() throws Exception {
    Agent a = agent("guarded");
    enforce();
    try (AgentTrustGuard plain = new AgentTrustGuard(client, a.getId())) {
      AuthenticationException e = assertThrows(AuthenticationException.class, () -> plain.check("web_search", "", "read"));
      assertEquals("AUTH_FAILED", e.getCode());
      assertTrue(e.getMessage().contains("DPoP"), e.getMessage());
    }
    AgentCredentials creds = new AgentCredentials(client, a.getId(), ProofOptions.builder().ttlSeconds(600).build());
    try (AgentTrustGuard g = AgentTrustGuard.builder(client, a.getId()).credentials(creds).build()) {
      assertTrue(g.check("web_search", "AI news", "read").isAllowed());
      AgentTrustException denied = assertThrows(AgentTrustException.class, () -> g.check("send_email", "", "mutating"));
      assertEquals("ACTION_DENIED", denied.getCode());
      assertThrows(ElevationRequiredException.class, () -> g.check("db_delete", "drop", "destructive"));
      // The gateway's clock passes the token's lifetime: the check's 401 renews it once.
      MockGateway.admin("POST", "/__mock/clock", "{\"advance_ms\": 700000}");
      assertTrue(g.check("web_search", "", "read").isAllowed());
    }
    assertEquals(2, MockGateway.requests("issueWimseToken").size());
    AgentTrustException other =
        assertThrows(AgentTrustException.class, () -> AgentTrustGuard.builder(client, "agt_other").credentials(creds).build());
    assertEquals("VALIDATION_ERROR", other.getCode());
  }

  @Test
  void proofOfPossessionSignsTheSpecMessage() throws Exception {
    Agent a = agent("pop");
    WimseToken t =
        client.wimse().issueTokenWithProof(a.getId(), ProofOptions.builder().audience(List.of("billing", "search")).build());
    assertTrue(client.wimse().verifyToken(id.agenttrust.sdk.models.VerifyWimseTokenRequest.builder().token(t.getToken()).build()).isValid());
    JsonNode req = MockGateway.requests("issueWimseToken").get(0).path("body");
    JsonNode proof = req.path("proof");
    String message = "pop-v1:" + proof.path("nonce").asText() + ":" + a.getId() + ":billing,search:" + proof.path("ts").asLong();
    Signature v = Signature.getInstance("Ed25519");
    v.initVerify(client.options().getKeyStore().get(a.getId()).orElseThrow().publicKey());
    v.update(message.getBytes(StandardCharsets.UTF_8));
    assertTrue(v.verify(Base64.getUrlDecoder().decode(proof.path("signature").asText())));
  }

  private static ActionCheckRequest check(String agentId) {
    return ActionCheckRequest.builder().agentId(agentId).toolName("web_search").actionEffect("read").build();
  }
}
