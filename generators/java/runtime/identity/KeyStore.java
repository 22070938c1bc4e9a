package id.agenttrust.sdk.identity;

import java.util.Optional;

/**
 * Where a client keeps its agents' key pairs, by agent id: {@link MemoryKeyStore} (a client's
 * default), {@link FileKeyStore} (one 0600 PKCS#8 PEM file per agent, for servers and CI), or
 * your own (a vault, a keychain). Implementations must be thread-safe.
 */
public interface KeyStore {
  /**
   * The key pair of an agent.
   *
   * @param agentId the agent's id
   * @return the key pair, or empty when the store holds none
   */
  Optional<AgentKeyPair> get(String agentId);

  /**
   * Keeps an agent's key pair, replacing any earlier one.
   *
   * @param agentId the agent's id
   * @param keyPair the key pair
   */
  void put(String agentId, AgentKeyPair keyPair);

  /**
   * Forgets an agent's key pair; nothing happens when the store holds none.
   *
   * @param agentId the agent's id
   */
  void delete(String agentId);
}
