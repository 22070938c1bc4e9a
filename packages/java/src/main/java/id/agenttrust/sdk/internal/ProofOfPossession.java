// Copied from generators/java/runtime/internal/ProofOfPossession.java by agenttrust-gen (Java). DO NOT EDIT.
package id.agenttrust.sdk.internal;

import id.agenttrust.sdk.identity.AgentKeyPair;
import id.agenttrust.sdk.identity.KeyStore;
import id.agenttrust.sdk.identity.ProofOptions;
import id.agenttrust.sdk.models.ChallengeResponse;
import id.agenttrust.sdk.models.IssueWimseTokenRequest;
import id.agenttrust.sdk.models.PopProof;
import id.agenttrust.sdk.models.WimseToken;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Proof of possession for a WIMSE token (the generated {@code WimseAPI.issueTokenWithProof}):
 * a challenge, the agent's signature over the spec's message, the token request carrying it.
 * Not part of the public API.
 */
public final class ProofOfPossession {
  private static final Pattern FIELD = Pattern.compile("\\{(nonce|agent_id|audience|ts)\\}");

  private ProofOfPossession() {}

  /**
   * Issues a token with a proof.
   *
   * @param t the client's transport (its key store)
   * @param agentId the agent
   * @param options the token's options, or null
   * @param challenge the challenge call
   * @param issue the token call
   * @return the token
   */
  public static WimseToken issue(
      Transport t,
      String agentId,
      ProofOptions options,
      Function<String, ChallengeResponse> challenge,
      Function<IssueWimseTokenRequest, WimseToken> issue) {
    ProofOptions o = options == null ? ProofOptions.none() : options;
    KeyStore store = o.getKeyStore().orElse(t.options().getKeyStore());
    if (agentId == null || agentId.isEmpty()) throw Facts.validation("agent_id", "issueTokenWithProof needs an agent id");
    AgentKeyPair key =
        store.get(agentId).orElseThrow(() -> Facts.validation("agent_id", "the key store holds no key pair for agent " + agentId));
    String nonce = challenge.apply(agentId).getNonce();
    long ts = System.currentTimeMillis() / 1000;
    List<String> audience = o.getAudience().orElse(List.of());
    String message = message(nonce, agentId, String.join(",", audience), ts);
    String signature = Base64.getUrlEncoder().withoutPadding().encodeToString(key.sign(message.getBytes(StandardCharsets.UTF_8)));
    IssueWimseTokenRequest.Builder req =
        IssueWimseTokenRequest.builder()
            .agentId(agentId)
            .proof(PopProof.builder().nonce(nonce).ts(ts).signature(signature).build());
    o.getAudience().ifPresent(req::audience);
    o.getTtlSeconds().ifPresent(req::ttlSeconds);
    o.getServiceName().ifPresent(req::serviceName);
    o.getEnvironment().ifPresent(req::environment);
    return issue.apply(req.build());
  }

  /**
   * The signed message: the spec's template filled in one pass (a nonce holding "{ts}" stays as
   * it is).
   *
   * @param nonce the challenge's nonce
   * @param agentId the agent
   * @param audience the audience joined by ","
   * @param ts unix seconds
   * @return the message
   */
  static String message(String nonce, String agentId, String audience, long ts) {
    Map<String, String> v = Map.of("nonce", nonce, "agent_id", agentId, "audience", audience, "ts", Long.toString(ts));
    Matcher m = FIELD.matcher(Facts.POP_MESSAGE_TEMPLATE);
    return m.replaceAll(r -> Matcher.quoteReplacement(v.get(r.group(1))));
  }
}
