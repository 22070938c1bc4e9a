// Copied from generators/java/runtime/identity/MemoryKeyStore.java by agenttrust-gen (Java). DO NOT EDIT.
package id.agenttrust.sdk.identity;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Key pairs in this process's memory, gone when it ends: a client's default key store.
 * Thread-safe.
 */
public final class MemoryKeyStore implements KeyStore {
  private final ConcurrentHashMap<String, AgentKeyPair> keys = new ConcurrentHashMap<>();

  /** An empty store. */
  public MemoryKeyStore() {}

  @Override
  public Optional<AgentKeyPair> get(String agentId) {
    return agentId == null ? Optional.empty() : Optional.ofNullable(keys.get(agentId));
  }

  @Override
  public void put(String agentId, AgentKeyPair keyPair) {
    if (agentId == null || agentId.isEmpty()) throw id.agenttrust.sdk.internal.Facts.validation("agent_id", "a key store needs an agent id");
    if (keyPair == null) throw id.agenttrust.sdk.internal.Facts.validation("key", "a key store keeps a key pair, not null");
    keys.put(agentId, keyPair);
  }

  @Override
  public void delete(String agentId) {
    if (agentId != null) keys.remove(agentId);
  }

  /**
   * The number of agents, never a key.
   *
   * @return the string form
   */
  @Override
  public String toString() {
    return "MemoryKeyStore{agents=" + keys.size() + "}";
  }
}
