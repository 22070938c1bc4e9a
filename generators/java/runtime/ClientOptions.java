package id.agenttrust.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import id.agenttrust.sdk.identity.KeyStore;
import id.agenttrust.sdk.identity.MemoryKeyStore;
import id.agenttrust.sdk.internal.Facts;
import id.agenttrust.sdk.internal.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The immutable settings of an {@link AgentTrustClient}: where the gateway is, the API key, and
 * how calls behave (timeout, retries, answer size). Built by {@link AgentTrustClient#builder()} or
 * read by {@link AgentTrustClient#fromEnv()}; {@link #toString()} never shows the API key.
 */
public final class ClientOptions {
  /** The default cap on an answer's size: 32 MiB. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L << 20;

  private final String baseUrl;
  private final String apiKey;
  private final Duration timeout;
  private final int maxRetries;
  private final Duration retryInitialDelay;
  private final Duration retryMaxDelay;
  private final long maxResponseBytes;
  private final Map<String, String> serviceUrls;
  private final Map<String, String> headers;
  private final boolean tokenCache;
  private final HttpClient httpClient;
  private final KeyStore keyStore;

  private ClientOptions(Builder<?> b) {
    this.baseUrl = b.baseUrl;
    this.apiKey = b.apiKey;
    this.timeout = b.timeout;
    this.maxRetries = b.maxRetries;
    this.retryInitialDelay = b.retryInitialDelay;
    this.retryMaxDelay = b.retryMaxDelay;
    this.maxResponseBytes = b.maxResponseBytes;
    this.serviceUrls = Map.copyOf(b.serviceUrls);
    this.headers = Map.copyOf(b.headers);
    this.tokenCache = b.tokenCache;
    this.httpClient = b.httpClient;
    this.keyStore = b.keyStore != null ? b.keyStore : new MemoryKeyStore();
  }

  /**
   * The gateway's base URL, without a trailing slash.
   *
   * @return the URL
   */
  public String getBaseUrl() {
    return baseUrl;
  }

  /**
   * The organization API key, sent as {@code X-API-Key}.
   *
   * @return the key, when one is set
   */
  public Optional<String> getApiKey() {
    return Optional.ofNullable(apiKey);
  }

  /**
   * The timeout of one attempt, answer body included.
   *
   * @return the timeout
   */
  public Duration getTimeout() {
    return timeout;
  }

  /**
   * How many times a failed call is retried.
   *
   * @return the count
   */
  public int getMaxRetries() {
    return maxRetries;
  }

  /**
   * The first retry's delay (it doubles per retry, with jitter).
   *
   * @return the delay
   */
  public Duration getRetryInitialDelay() {
    return retryInitialDelay;
  }

  /**
   * The longest delay between retries.
   *
   * @return the delay
   */
  public Duration getRetryMaxDelay() {
    return retryMaxDelay;
  }

  /**
   * The largest answer read; a larger one fails with {@code INVALID_RESPONSE}.
   *
   * @return the size in bytes
   */
  public long getMaxResponseBytes() {
    return maxResponseBytes;
  }

  /**
   * Whether the client-side token cache is on.
   *
   * @return true when on (the default)
   */
  public boolean isTokenCache() {
    return tokenCache;
  }

  /**
   * The headers sent with every call, besides the SDK's own.
   *
   * @return an unmodifiable map
   */
  public Map<String, String> getHeaders() {
    return headers;
  }

  /**
   * The HTTP client given to the builder.
   *
   * @return the client, when one was given
   */
  public Optional<HttpClient> getHttpClient() {
    return Optional.ofNullable(httpClient);
  }

  /**
   * Where the client keeps its agents' key pairs: {@code agents().create} without a public key
   * puts the pair it generates there, proofs of possession and DPoP proofs read it. By default a
   * new {@link MemoryKeyStore} per client.
   *
   * @return the key store
   */
  public KeyStore getKeyStore() {
    return keyStore;
  }

  /**
   * The base URL of a split deployment's service ({@code auth}, {@code audit}): the one set, else
   * the gateway's base URL with the spec's port substitution, else the gateway's base URL.
   *
   * @param service the service name, or null for the gateway
   * @return the URL
   */
  public String serviceUrl(String service) {
    if (service == null) return baseUrl;
    String set = serviceUrls.get(service);
    if (set != null) return set;
    for (Facts.Service s : Facts.SERVICES) {
      if (s.name.equals(service) && s.from != null && baseUrl.contains(s.from)) {
        return baseUrl.replaceFirst(Pattern.quote(s.from), Matcher.quoteReplacement(s.to));
      }
    }
    return baseUrl;
  }

  /**
   * The settings, with the API key masked.
   *
   * @return the string form
   */
  @Override
  public String toString() {
    return "ClientOptions{baseUrl="
        + baseUrl
        + ", apiKey="
        + (apiKey == null ? "none" : "***")
        + ", timeout="
        + timeout
        + ", maxRetries="
        + maxRetries
        + ", serviceUrls="
        + serviceUrls
        + "}";
  }

  /**
   * The settings every client builder shares.
   *
   * @param <B> the concrete builder, returned by every setter
   */
  public abstract static class Builder<B extends Builder<B>> {
    private String baseUrl = Facts.DEFAULT_BASE_URL;
    private String apiKey;
    private Duration timeout = Duration.ofMillis(Facts.TIMEOUT_MS);
    private int maxRetries = Facts.MAX_RETRIES;
    private Duration retryInitialDelay = Duration.ofMillis(Facts.RETRY_INITIAL_DELAY_MS);
    private Duration retryMaxDelay = Duration.ofMillis(Facts.RETRY_MAX_DELAY_MS);
    private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
    private final Map<String, String> serviceUrls = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private boolean tokenCache = true;
    private HttpClient httpClient;
    private KeyStore keyStore;

    /** Creates a builder with the spec's defaults. */
    protected Builder() {}

    /**
     * This builder, typed.
     *
     * @return this
     */
    protected abstract B self();

    /**
     * The gateway's base URL (default {@code http://localhost:8080}).
     *
     * @param baseUrl an absolute http(s) URL
     * @return this builder
     * @throws id.agenttrust.sdk.exceptions.AgentTrustException when it is not one
     */
    public B baseUrl(String baseUrl) {
      this.baseUrl = checkUrl("base_url", baseUrl);
      return self();
    }

    /**
     * The organization API key ({@code sk_live_...}), sent as {@code X-API-Key}.
     *
     * @param apiKey the key, or null for none
     * @return this builder
     * @throws id.agenttrust.sdk.exceptions.AgentTrustException when it holds anything but visible
     *     ASCII (a control character could forge a header; HttpClient refuses other characters
     *     with an untyped exception)
     */
    public B apiKey(String apiKey) {
      if (apiKey != null) {
        for (int i = 0; i < apiKey.length(); i++) {
          char c = apiKey.charAt(i);
          if (c < 0x20 || c == 0x7f) {
            throw Facts.validation("api_key", "the API key holds a control character at index " + i + "; it is not sent");
          }
          if (c > 0x7e) {
            throw Facts.validation("api_key", "the API key holds a non-ASCII character at index " + i + "; it is not sent");
          }
        }
      }
      this.apiKey = apiKey == null || apiKey.isEmpty() ? null : apiKey;
      return self();
    }

    /**
     * The base URL of a split deployment's service, e.g. {@code auth} or {@code audit}.
     *
     * @param service the service name from the spec
     * @param url an absolute http(s) URL
     * @return this builder
     */
    public B serviceUrl(String service, String url) {
      this.serviceUrls.put(service, checkUrl(service + "_url", url));
      return self();
    }

    /**
     * The timeout of one attempt, answer body included (default 30 s).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public B timeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw Facts.validation("timeout", "the timeout must be positive");
      }
      this.timeout = timeout;
      return self();
    }

    /**
     * How many times a failed call is retried (default 2).
     *
     * @param maxRetries zero or more
     * @return this builder
     */
    public B maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw Facts.validation("max_retries", "max retries must not be negative");
      }
      this.maxRetries = maxRetries;
      return self();
    }

    /**
     * The retry backoff: the first delay, doubling up to the longest.
     *
     * @param initial the first delay
     * @param max the longest delay
     * @return this builder
     */
    public B retryDelay(Duration initial, Duration max) {
      if (initial.isNegative() || max.compareTo(initial) < 0) {
        throw Facts.validation("retry_delay", "need 0 <= initial <= max");
      }
      this.retryInitialDelay = initial;
      this.retryMaxDelay = max;
      return self();
    }

    /**
     * The largest answer read (default 32 MiB).
     *
     * @param bytes a positive size
     * @return this builder
     */
    public B maxResponseBytes(long bytes) {
      if (bytes <= 0) {
        throw Facts.validation("max_response_bytes", "the size must be positive");
      }
      this.maxResponseBytes = bytes;
      return self();
    }

    /**
     * A header sent with every call.
     *
     * @param name the header name
     * @param value its value
     * @return this builder
     */
    public B header(String name, String value) {
      this.headers.put(name, value);
      return self();
    }

    /**
     * Turns the client-side token cache on (the default) or off.
     *
     * @param enabled whether to cache issued tokens
     * @return this builder
     */
    public B tokenCache(boolean enabled) {
      this.tokenCache = enabled;
      return self();
    }

    /**
     * The {@link HttpClient} to send with; it must not follow redirects. Default: one of the
     * client's own.
     *
     * @param httpClient the client
     * @return this builder
     */
    public B httpClient(HttpClient httpClient) {
      this.httpClient = httpClient;
      return self();
    }

    /**
     * Where the client keeps its agents' key pairs (default: a new {@link MemoryKeyStore}).
     *
     * @param keyStore the store
     * @return this builder
     */
    public B keyStore(KeyStore keyStore) {
      this.keyStore = keyStore;
      return self();
    }

    /**
     * Reads the base URL, API key and service URLs from the environment variables the spec
     * names (first set one wins), leaving unset ones at their current values.
     *
     * @param env the environment, e.g. {@code System::getenv}
     * @return this builder
     */
    public B fromEnvironment(Function<String, String> env) {
      String url = first(env, Facts.ENV_BASE_URL);
      if (url != null) baseUrl(url);
      String key = first(env, Facts.ENV_API_KEY);
      if (key != null) apiKey(key);
      for (Facts.Service s : Facts.SERVICES) {
        String v = first(env, s.env);
        if (v != null) serviceUrl(s.name, v);
      }
      return self();
    }

    /**
     * Reads the settings a JSON config file sets: {@code base_url}, {@code api_key} and each
     * service's {@code <service>_url} (the spec's config keys); other keys are ignored.
     *
     * @param path the file
     * @return this builder
     * @throws id.agenttrust.sdk.exceptions.AgentTrustException VALIDATION_ERROR when the file
     *     cannot be read, is not a JSON object, or sets a key to something other than a string
     */
    public B fromConfigFile(Path path) {
      JsonNode config;
      try {
        config = Json.parse(Files.readAllBytes(path));
      } catch (IOException | Json.DecodeException e) {
        throw Facts.validation("config", "cannot read the config file " + path.getFileName() + ": " + e.getMessage());
      }
      if (!config.isObject()) throw Facts.validation("config", "the config file must hold a JSON object");
      for (String key : Facts.CONFIG_FILE_KEYS) {
        JsonNode v = config.get(key);
        if (v == null || v.isNull()) continue;
        if (!v.isTextual()) throw Facts.validation(key, "the config file's " + key + " must be a string");
        if (key.equals("base_url")) baseUrl(v.textValue());
        else if (key.equals("api_key")) apiKey(v.textValue());
        else {
          for (Facts.Service s : Facts.SERVICES) {
            if (key.equals(s.name + "_url")) serviceUrl(s.name, v.textValue());
          }
        }
      }
      return self();
    }

    /**
     * The settings.
     *
     * @return the immutable options
     */
    protected ClientOptions options() {
      return new ClientOptions(this);
    }

    private static String first(Function<String, String> env, List<String> names) {
      for (String n : names) {
        String v = env.apply(n);
        if (v != null && !v.isEmpty()) return v;
      }
      return null;
    }

    private static String checkUrl(String field, String url) {
      URI u;
      try {
        u = url == null ? null : URI.create(url);
      } catch (IllegalArgumentException e) {
        u = null;
      }
      if (u == null
          || u.getHost() == null
          || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
        throw Facts.validation(field, field + " is not an absolute http(s) URL");
      }
      String s = url;
      while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
      return s;
    }
  }
}
