package id.agenttrust.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import id.agenttrust.sdk.exceptions.AgentTrustException;
import id.agenttrust.sdk.exceptions.ValidationException;
import id.agenttrust.sdk.internal.Json;
import id.agenttrust.sdk.models.ActionCheckResult;
import id.agenttrust.sdk.models.ActionEffect;
import id.agenttrust.sdk.models.Agent;
import id.agenttrust.sdk.models.CreateAgentRequest;
import id.agenttrust.sdk.models.DecisionRule;
import id.agenttrust.sdk.models.IssueTokenRequest;
import id.agenttrust.sdk.models.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The models: builders, Optional getters, open enums, masking, strict decoding. */
class ModelsTest {
  private static final String AGENT =
      "{\"id\":\"agt_1\",\"name\":\"bot\",\"org_id\":\"org_1\",\"framework\":\"\",\"public_key\":\"\","
          + "\"status\":\"active\",\"capabilities\":[\"web:search\"],\"metadata\":{},"
          + "\"created_at\":\"2026-11-22T10:00:00Z\"}";

  @Test
  void buildersAreImmutableAndCheckRequiredFields() {
    List<String> caps = new ArrayList<>(List.of("web:search"));
    CreateAgentRequest req = CreateAgentRequest.builder().name("bot").capabilities(caps).build();
    caps.add("files:read");
    assertEquals(List.of("web:search"), req.getCapabilities().orElseThrow());
    assertThrows(UnsupportedOperationException.class, () -> req.getCapabilities().orElseThrow().add("x"));
    assertEquals(req, req.toBuilder().build());
    assertEquals(req.hashCode(), req.toBuilder().build().hashCode());

    ValidationException e = assertThrows(ValidationException.class, () -> IssueTokenRequest.builder().ttl(300).build());
    assertEquals("VALIDATION_ERROR", e.getCode());
    assertEquals(0, e.getStatus());
    assertEquals("agent_id", e.getDetails().get("field"));
  }

  @Test
  void optionalFieldsAreOptionalGetters() {
    Agent a = Agent.fromJson(Json.parse(AGENT), "$");
    assertEquals("agt_1", a.getId());
    assertEquals(Optional.empty(), a.getRevokedAt());
    ActionCheckResult r = ActionCheckResult.fromJson(Json.parse("{\"allowed\":false,\"approval_id\":null}"), "$");
    assertFalse(r.isAllowed());
    assertFalse(r.isElevationRequired());
    assertEquals(Optional.empty(), r.getApprovalId());
    // A null the gateway sent is kept apart from an absent key on the way back.
    assertTrue(r.toJson().has("approval_id"));
    assertFalse(ActionCheckResult.fromJson(Json.parse("{\"allowed\":true}"), "$").toJson().has("approval_id"));
  }

  @Test
  void enumsAreOpen() {
    assertEquals(ActionEffect.READ, ActionEffect.of("read"));
    assertTrue(ActionEffect.READ.isKnown());
    ActionEffect future = ActionEffect.of("teleport");
    assertFalse(future.isKnown());
    assertEquals("teleport", future.value());
    ActionCheckResult r = ActionCheckResult.fromJson(Json.parse("{\"allowed\":false,\"rule\":\"brand_new_rule\"}"), "$");
    assertEquals("brand_new_rule", r.getRule().map(DecisionRule::value).orElseThrow());
    assertEquals("brand_new_rule", r.toJson().path("rule").asText());
    // Only strings: a number where an enum belongs is a spec violation.
    assertThrows(Json.DecodeException.class, () -> ActionCheckResult.fromJson(Json.parse("{\"allowed\":false,\"rule\":7}"), "$"));
  }

  @Test
  void secretsAreMasked() {
    String json =
        "{\"token\":\"eyJ.secret.sig\",\"agent_id\":\"agt_1\",\"scopes\":[\"files:read\"],"
            + "\"issued_at\":\"2026-11-22T10:00:00Z\",\"expires_at\":\"2026-11-22T10:05:00Z\"}";
    Token t = Token.fromJson(Json.parse(json), "$");
    assertEquals("eyJ.secret.sig", t.getToken());
    assertFalse(t.toString().contains("eyJ.secret.sig"), t.toString());
    assertTrue(t.toString().contains("token=***"));
    AgentTrustClient c = AgentTrustClient.builder().apiKey("sk_live_do_not_print").build();
    assertFalse(c.toString().contains("sk_live_do_not_print"));
  }

  @Test
  void decodingIsStrict() {
    JsonNode missing = Json.parse(AGENT.replace("\"name\":\"bot\",", ""));
    Json.DecodeException e = assertThrows(Json.DecodeException.class, () -> Agent.fromJson(missing, "$"));
    assertTrue(e.getMessage().contains("$.name"), e.getMessage());
    assertThrows(Json.DecodeException.class, () -> Agent.fromJson(Json.parse(AGENT.replace("\"bot\"", "5")), "$"));
    assertThrows(Json.DecodeException.class, () -> Agent.fromJson(Json.parse(AGENT.replace("\"bot\"", "null")), "$"));
    assertThrows(
        Json.DecodeException.class,
        () -> ActionCheckResult.fromJson(Json.parse("{\"allowed\":true,\"confidence\":1.5}"), "$"));
  }

  @Test
  void configFileSetsTheSpecKeys(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("agenttrust.json");
    java.nio.file.Files.writeString(
        file, "{\"base_url\": \"http://gw:8081/\", \"api_key\": \"sk_live_x\", \"audit_url\": \"http://audit:9\", \"other\": 1}");
    ClientOptions o = AgentTrustClient.fromConfig(file).options();
    assertEquals("http://gw:8081", o.getBaseUrl());
    assertEquals("sk_live_x", o.getApiKey().orElseThrow());
    assertEquals("http://gw:8082", o.serviceUrl("auth"));
    assertEquals("http://audit:9", o.serviceUrl("audit"));
    java.nio.file.Files.writeString(file, "{\"api_key\": 5}");
    assertThrows(ValidationException.class, () -> AgentTrustClient.fromConfig(file));
  }

  @Test
  void exceptionMessagesAreEscapedAndCapped() {
    AgentTrustException e = new AgentTrustException("X", "line\nforged\u001b[31m" + "a".repeat(5000), 400, null, null, null);
    assertFalse(e.getMessage().contains("\n"));
    assertFalse(e.getMessage().contains("\u001b"));
    assertTrue(e.getMessage().length() <= AgentTrustException.MAX_MESSAGE);
  }
}
