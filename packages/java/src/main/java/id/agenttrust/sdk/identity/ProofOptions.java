// Copied from generators/java/runtime/identity/ProofOptions.java by agenttrust-gen (Java). DO NOT EDIT.
package id.agenttrust.sdk.identity;

import java.util.List;
import java.util.Optional;

/**
 * The options of {@code wimse().issueTokenWithProof(...)} and of {@link AgentCredentials}: the
 * token's audience, lifetime, service name and environment, and the key store holding the
 * agent's key (the client's own by default). Immutable.
 */
public final class ProofOptions {
  private static final ProofOptions NONE = builder().build();

  private final List<String> audience;
  private final Long ttlSeconds;
  private final String serviceName;
  private final String environment;
  private final KeyStore keyStore;

  private ProofOptions(Builder b) {
    this.audience = b.audience == null ? null : List.copyOf(b.audience);
    this.ttlSeconds = b.ttlSeconds;
    this.serviceName = b.serviceName;
    this.environment = b.environment;
    this.keyStore = b.keyStore;
  }

  /**
   * No options: the gateway's defaults and the client's key store.
   *
   * @return the options
   */
  public static ProofOptions none() {
    return NONE;
  }

  /**
   * A builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The audience.
   *
   * @return the audience, or empty for the gateway's default
   */
  public Optional<List<String>> getAudience() {
    return Optional.ofNullable(audience);
  }

  /**
   * The token's lifetime in seconds.
   *
   * @return the lifetime, or empty for the gateway's default
   */
  public Optional<Long> getTtlSeconds() {
    return Optional.ofNullable(ttlSeconds);
  }

  /**
   * The service name.
   *
   * @return the name, or empty
   */
  public Optional<String> getServiceName() {
    return Optional.ofNullable(serviceName);
  }

  /**
   * The environment.
   *
   * @return the environment, or empty
   */
  public Optional<String> getEnvironment() {
    return Optional.ofNullable(environment);
  }

  /**
   * The key store holding the agent's key.
   *
   * @return the store, or empty for the client's
   */
  public Optional<KeyStore> getKeyStore() {
    return Optional.ofNullable(keyStore);
  }

  /**
   * The options.
   *
   * @return the string form
   */
  @Override
  public String toString() {
    return "ProofOptions{audience=" + audience + ", ttlSeconds=" + ttlSeconds + ", serviceName=" + serviceName + ", environment=" + environment + ", keyStore=" + keyStore + "}";
  }

  /** Builds {@link ProofOptions}. */
  public static final class Builder {
    private List<String> audience;
    private Long ttlSeconds;
    private String serviceName;
    private String environment;
    private KeyStore keyStore;

    private Builder() {}

    /**
     * The audience (joined by "," in the signed message).
     *
     * @param audience the audience
     * @return this builder
     */
    public Builder audience(List<String> audience) {
      this.audience = audience;
      return this;
    }

    /**
     * The token's lifetime.
     *
     * @param ttlSeconds seconds
     * @return this builder
     */
    public Builder ttlSeconds(long ttlSeconds) {
      this.ttlSeconds = ttlSeconds;
      return this;
    }

    /**
     * The service name.
     *
     * @param serviceName the name
     * @return this builder
     */
    public Builder serviceName(String serviceName) {
      this.serviceName = serviceName;
      return this;
    }

    /**
     * The environment.
     *
     * @param environment the environment
     * @return this builder
     */
    public Builder environment(String environment) {
      this.environment = environment;
      return this;
    }

    /**
     * The key store holding the agent's key, instead of the client's.
     *
     * @param keyStore the store
     * @return this builder
     */
    public Builder keyStore(KeyStore keyStore) {
      this.keyStore = keyStore;
      return this;
    }

    /**
     * The options.
     *
     * @return the options
     */
    public ProofOptions build() {
      return new ProofOptions(this);
    }
  }
}
