package id.agenttrust.sdk.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import id.agenttrust.sdk.internal.Facts;
import id.agenttrust.sdk.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * DPoP proofs (RFC 9449): a compact JWS signed with the agent's Ed25519 key (RFC 8037), header
 * {@code typ}, {@code alg} and the public {@code jwk}, payload {@code htm}, {@code htu},
 * {@code iat}, {@code jti} and, with an access token, {@code ath}. The JWS is three base64url
 * parts; the JDK signs, Jackson writes the JSON, so no JOSE library is needed for this one shape.
 */
public final class DPoP {
  private DPoP() {}

  /**
   * A fresh proof (a new {@code jti} each time: a gateway refuses one it has seen).
   *
   * @param keyPair the agent's key pair
   * @param htm the request's HTTP method
   * @param htu the request's URL; its query and fragment are dropped
   * @param accessToken the token the proof accompanies (its SHA-256 becomes {@code ath}), or null
   * @return the compact JWS
   * @throws id.agenttrust.sdk.exceptions.AgentTrustException VALIDATION_ERROR for a missing key,
   *     method or URL, or a token that is not ASCII
   */
  public static String mint(AgentKeyPair keyPair, String htm, String htu, String accessToken) {
    if (keyPair == null) throw Facts.validation("key", "a DPoP proof needs the agent's key pair");
    if (htm == null || htm.isEmpty()) throw Facts.validation("htm", "a DPoP proof needs the request's method");
    if (htu == null || htu.isEmpty()) throw Facts.validation("htu", "a DPoP proof needs the request's URL");
    ObjectNode header = Json.NODES.objectNode();
    header.put("typ", Facts.DPOP_TYP);
    header.put("alg", Facts.DPOP_ALG);
    ObjectNode jwk = header.putObject("jwk");
    for (Map.Entry<String, String> m : new java.util.TreeMap<>(keyPair.publicJwk()).entrySet()) jwk.put(m.getKey(), m.getValue());
    ObjectNode payload = Json.NODES.objectNode();
    payload.put("htm", htm);
    payload.put("htu", stripQuery(htu));
    payload.put("iat", System.currentTimeMillis() / 1000);
    payload.put("jti", UUID.randomUUID().toString());
    if (accessToken != null) {
      if (!StandardCharsets.US_ASCII.newEncoder().canEncode(accessToken)) {
        throw Facts.validation("access_token", "a DPoP access token must be ASCII");
      }
      payload.put("ath", AgentKeyPair.b64url(AgentKeyPair.sha256(accessToken.getBytes(StandardCharsets.US_ASCII))));
    }
    String input = part(Json.write(header)) + "." + part(Json.write(payload));
    return input + "." + AgentKeyPair.b64url(keyPair.sign(input.getBytes(StandardCharsets.US_ASCII)));
  }

  /**
   * A proof without {@code ath}.
   *
   * @param keyPair the agent's key pair
   * @param htm the request's HTTP method
   * @param htu the request's URL
   * @return the compact JWS
   */
  public static String mint(AgentKeyPair keyPair, String htm, String htu) {
    return mint(keyPair, htm, htu, null);
  }

  /**
   * The URL without its query and fragment (RFC 9449 section 4.2).
   *
   * @param url the URL
   * @return the {@code htu} value
   */
  static String stripQuery(String url) {
    int cut = url.length();
    int q = url.indexOf('?');
    int f = url.indexOf('#');
    if (q >= 0) cut = q;
    if (f >= 0 && f < cut) cut = f;
    return url.substring(0, cut);
  }

  private static String part(String json) {
    return AgentKeyPair.b64url(json.getBytes(StandardCharsets.UTF_8));
  }
}
