package id.agenttrust.sdk.identity;

import id.agenttrust.sdk.AgentTrustClient;
import id.agenttrust.sdk.internal.Facts;
import id.agenttrust.sdk.models.WimseToken;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An agent's credentials for sender-constrained calls: a WIMSE token issued with proof of
 * possession ({@code wimse().issueTokenWithProof}), cached and renewed when less than the
 * spec's refresh margin remains, and a fresh DPoP proof per request. Renewal is single-flight:
 * however many threads need a token at once, one issues it and the others wait for it.
 * Thread-safe; give it to a guard ({@code AgentTrustGuard.Builder.credentials}) or to one check
 * ({@code actions().check(request, credentials)}). Its string form never shows the token.
 */
public final class AgentCredentials {
  private final AgentTrustClient client;
  private final String agentId;
  private final ProofOptions options;
  private final ReentrantLock renewal = new ReentrantLock();
  private volatile Held held;

  private static final class Held {
    final String token;
    final long renewAtMillis;

    Held(String token, long renewAtMillis) {
      this.token = token;
      this.renewAtMillis = renewAtMillis;
    }
  }

  /**
   * Credentials with the gateway's default audience and lifetime and the client's key store.
   *
   * @param client the client
   * @param agentId the agent, whose key pair the key store holds
   */
  public AgentCredentials(AgentTrustClient client, String agentId) {
    this(client, agentId, ProofOptions.none());
  }

  /**
   * Credentials with options.
   *
   * @param client the client
   * @param agentId the agent, whose key pair the key store holds
   * @param options the token's audience and lifetime, and the key store (the client's by default)
   */
  public AgentCredentials(AgentTrustClient client, String agentId, ProofOptions options) {
    if (client == null) throw Facts.validation("client", "agent credentials need a client");
    if (agentId == null || agentId.isEmpty()) throw Facts.validation("agent_id", "agent credentials need an agent id");
    this.client = client;
    this.agentId = agentId;
    this.options = options == null ? ProofOptions.none() : options;
  }

  /**
   * The agent.
   *
   * @return its id
   */
  public String getAgentId() {
    return agentId;
  }

  /**
   * A WIMSE token valid for at least the refresh margin, issuing one when needed.
   *
   * @return the token
   * @throws id.agenttrust.sdk.exceptions.AgentTrustException when issuing fails (a missing key:
   *     VALIDATION_ERROR naming the agent)
   */
  public String token() {
    Held h = held;
    if (h != null && System.currentTimeMillis() < h.renewAtMillis) return h.token;
    renewal.lock();
    try {
      h = held;
      if (h != null && System.currentTimeMillis() < h.renewAtMillis) return h.token;
      WimseToken t = client.wimse().issueTokenWithProof(agentId, options);
      long expires;
      try {
        expires = t.getExpiresAt().toInstant().toEpochMilli();
      } catch (ArithmeticException e) {
        expires = System.currentTimeMillis() + Facts.CREDENTIALS_FALLBACK_TTL_MS;
      }
      h = new Held(t.getToken(), expires - Facts.CREDENTIALS_REFRESH_BEFORE_MS);
      held = h;
      return h.token;
    } finally {
      renewal.unlock();
    }
  }

  /**
   * The headers of a request: {@code Authorization: Bearer <token>} and a fresh {@code DPoP}
   * proof for {@code method} and {@code url}, bound to the token ({@code ath}).
   *
   * @param method the HTTP method
   * @param url the request URL (query and fragment are not part of the proof)
   * @return the two headers, in a new mutable map
   */
  public Map<String, String> headers(String method, String url) {
    String token = token();
    AgentKeyPair key = keyPair();
    Map<String, String> out = new LinkedHashMap<>();
    out.put("Authorization", "Bearer " + token);
    out.put("DPoP", DPoP.mint(key, method, url, token));
    return out;
  }

  /** Drops the cached token: the next request issues a new one. */
  public void invalidate() {
    held = null;
  }

  /**
   * Drops the cached token if it is the one these headers carried (a request refused with them);
   * a token another thread renewed meanwhile is kept.
   *
   * @param headers headers from {@link #headers}
   */
  public void invalidate(Map<String, String> headers) {
    Held h = held;
    String auth = headers == null ? null : headers.get("Authorization");
    if (h != null && auth != null && auth.equals("Bearer " + h.token)) {
      renewal.lock();
      try {
        if (held == h) held = null;
      } finally {
        renewal.unlock();
      }
    }
  }

  private AgentKeyPair keyPair() {
    KeyStore store = options.getKeyStore().orElse(client.options().getKeyStore());
    return store.get(agentId).orElseThrow(() -> Facts.validation("agent_id", "the key store holds no key pair for agent " + agentId));
  }

  /**
   * The agent and options, never the token.
   *
   * @return the string form
   */
  @Override
  public String toString() {
    return "AgentCredentials{agentId=" + agentId + ", token=" + (held == null ? "none" : "[redacted]") + ", options=" + options + "}";
  }

  /**
   * The audience these credentials ask for.
   *
   * @return the audience, or empty for the gateway's default
   */
  public List<String> getAudience() {
    return options.getAudience().orElse(List.of());
  }
}
