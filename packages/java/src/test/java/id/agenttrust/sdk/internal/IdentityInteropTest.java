package id.agenttrust.sdk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import id.agenttrust.sdk.identity.AgentKeyPair;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Interop with the other SDKs: the RFC 8037 A.1 key and the proof-of-possession signatures and
 * DPoP proof the Python SDK computed for issue 12's shared vectors (wt/idpy
 * spec/conformance/identity/vectors.json). Ed25519 is deterministic, so the PoP signatures must
 * match byte for byte; the DPoP proof must verify.
 */
class IdentityInteropTest {
  private static final String PRIVATE_PEM =
      "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----\n";
  private static final String PUBLIC_PEM =
      "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n";
  private static final String PYTHON_DPOP =
      "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVkRFNBIiwiandrIjp7Imt0eSI6Ik9LUCIsImNydiI6IkVkMjU1MTkiLCJ4IjoiMTFxWUFZS3hDcmZWU183VHlXUUhPZzdoY3ZQYXBpTWxyd0lhYVBjSFVSbyJ9fQ"
          + ".eyJodG0iOiJQT1NUIiwiaHR1IjoiaHR0cHM6Ly9nYXRld2F5LmV4YW1wbGUvYXBpL3YxL2FnZW50dHJ1c3QvY2hlY2siLCJpYXQiOjE3NjcyMjU2MDAsImp0aSI6IjlmODZkMDgxODg0YzdkNjU5YTJmZWFhMGM1NWFkMDE1IiwiYXRoIjoiV3hIX1NQY2U5STZtQTVIZkU1QzliVUJyZ3A0QVpfcHVSamdRbkFDc2J0ayJ9"
          + ".wAEv6_YMVMfmvtE3BlznBx2uvEAp2LlGOkHHdj6MlGaEwkUaRrTHsvDY8wNS4Ek-D-1yhmR7BBAHudhZshyhDA";

  private static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  @Test
  void pemsAndThumbprintMatchByteForByte() {
    AgentKeyPair k = AgentKeyPair.fromPrivateKeyPem(PRIVATE_PEM);
    assertEquals(PUBLIC_PEM, k.publicKeyPem());
    assertEquals(PRIVATE_PEM, k.privateKeyPem());
    assertEquals("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k", k.thumbprint());
  }

  @Test
  void popSignaturesMatchByteForByte() {
    AgentKeyPair k = AgentKeyPair.fromPrivateKeyPem(PRIVATE_PEM);
    String m1 = ProofOfPossession.message("n_4f1c2a9e", "agt_interop", "", 1767225600);
    assertEquals("pop-v1:n_4f1c2a9e:agt_interop::1767225600", m1);
    assertEquals(
        "bf3ciVsbQYozbgTZPznM7ipgqH4Z0v93C1ToCcCoXzobt6F0NMWU_9Y4CUEhkhy_1-cXU7FpdtW07MIukOw4CA",
        b64(k.sign(m1.getBytes(StandardCharsets.UTF_8))));
    String m2 = ProofOfPossession.message("n_0b7d", "agt_interop", "https://api.example,mcp", 1767225661);
    assertEquals("pop-v1:n_0b7d:agt_interop:https://api.example,mcp:1767225661", m2);
    assertEquals(
        "_Or83hAye1uvLDTl5mwD9COzrym12cHoYFXWiujboOcDyroaIarQxpwCMyMKOjhVbcSzZryRKseELMoE-_xmAw",
        b64(k.sign(m2.getBytes(StandardCharsets.UTF_8))));
    assertEquals("pop-v1:{ts}:a:b:1", ProofOfPossession.message("{ts}", "a", "b", 1));
  }

  @Test
  void aPythonDpopProofVerifies() throws Exception {
    String[] parts = PYTHON_DPOP.split("\\.");
    JsonNode header = Json.parse(Base64.getUrlDecoder().decode(parts[0]));
    JsonNode payload = Json.parse(Base64.getUrlDecoder().decode(parts[1]));
    AgentKeyPair k = AgentKeyPair.fromPrivateKeyPem(PRIVATE_PEM);
    assertEquals(Facts.DPOP_TYP, header.path("typ").asText());
    assertEquals(k.publicJwk().get("x"), header.path("jwk").path("x").asText());
    assertEquals("https://gateway.example/api/v1/agenttrust/check", payload.path("htu").asText());
    byte[] ath =
        java.security.MessageDigest.getInstance("SHA-256")
            .digest("eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJzcGlmZmU6Ly9hdGkvYWd0X2ludGVyb3AifQ.c2ln".getBytes(StandardCharsets.US_ASCII));
    assertEquals(b64(ath), payload.path("ath").asText());
    Signature v = Signature.getInstance("Ed25519");
    v.initVerify(k.publicKey());
    v.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertTrue(v.verify(Base64.getUrlDecoder().decode(parts[2])));
  }
}
