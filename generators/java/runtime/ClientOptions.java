package id.agenttrust.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import id.agenttrust.sdk.exceptions.ConfigurationException;
import id.agenttrust.sdk.identity.KeyStore;
import id.agenttrust.sdk.identity.MemoryKeyStore;
import id.agenttrust.sdk.internal.Facts;
import id.agenttrust.sdk.internal.Json;
import id.agenttrust.sdk.internal.Log;
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
 * The immutable settings of an {@link AgentTrustClient}: where the gateway is, the API key, how
 * calls behave (timeout, retries, answer size) and where the SDK logs. Built by {@link
 * AgentTrustClient#builder()} or {@link AgentTrustClient#fromEnv()}; {@link #toString()} never
 * shows the API key.
 *
 * <p>Each setting is the builder's argument, else its environment variable, else the default:
 * the base URL {@code AGENTTRUST_URL}, then {@code AGENTTRUST_BASE_URL}, then {@code
 * http://localhost:8080}; the API key {@code AGENTTRUST_API_KEY}, else none; the log level
 * {@code AGENTTRUST_LOG}, else off. A variable set to the empty string counts as unset.
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
  private final Log.Level logLevel;
  private final System.Logger logger;

  private ClientOptions(Builder<?> b) {
    Function<String, String> env = b.env;
    this.baseUrl = b.baseUrl != null ? b.baseUrl : orElse(Builder.checkUrl("base_url", Builder.first(env, Facts.ENV_BASE_URL)), Facts.DEFAULT_BASE_URL);
    this.apiKey = b.apiKey != null ? b.apiKey : Builder.checkKey(Builder.first(env, Facts.ENV_API_KEY));
    this.logger = b.logger;
    this.logLevel = b.logLevel != null ? b.logLevel : envLevel(env, b.logger);
    this.timeout = b.timeout;
    this.maxRetries = b.maxRetries;
    this.retryInitialDelay = b.retryInitialDelay;
    this.retryMaxDelay = b.retryMaxDelay;
    this.maxResponseBytes = b.maxResponseBytes;
    Map<String, String> services = new LinkedHashMap<>();
    for (Facts.Service s : Facts.SERVICES) {
      String v = b.serviceUrls.containsKey(s.name) ? b.serviceUrls.get(s.name) : Builder.checkUrl(s.name + "_url", Builder.first(env, s.env));
      if (v != null) services.put(s.name, v);
    }
    this.serviceUrls = Map.copyOf(services);
    this.headers = Map.copyOf(b.headers);
    this.tokenCache = b.tokenCache;
    this.httpClient = b.httpClient;
    this.keyStore = b.keyStore != null ? b.keyStore : new MemoryKeyStore();
  }

  private static String orElse(String v, String fallback) {
    return v != null ? v : fallback;
  }

  /** AGENTTRUST_LOG; a value it does not accept is off, with one warning line on stderr. */
  private static Log.Level envLevel(Function<String, String> env, System.Logger logger) {
    String v = env.apply(Log.ENV);
    if (v == null || v.isEmpty()) return logger != null ? Log.Level.DEBUG : Log.Level.OFF;
    Log.Level l = Log.parse(v);
    if (l == null) {
      System.err.println(
          "agenttrustid warn " + Log.ENV + " is \"" + v.replaceAll("[^\\x20-\\x7e]", "?") + "\", not one of " + Log.ACCEPTED + ": logging is off");
      return Log.Level.OFF;
    }
    return l;
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
   * The most verbose level the SDK logs at: {@code off}, {@code error}, {@code warn}, {@code
   * info} or {@code debug}.
   *
   * @return the level's name
   */
  public String getLogLevel() {
    return logLevel.wireName();
  }

  /**
   * The logger events go to (else stderr, when the level is not off).
   *
   * @return the logger, when one was given
   */
  public Optional<System.Logger> getLogger() {
    return Optional.ofNullable(logger);
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
        + ", logLevel="
        + logLevel.wireName()
        + "}";
  }

  /**
   * The settings every client builder shares.
   *
   * @param <B> the concrete builder, returned by every setter
   */
  public abstract static class Builder<B extends Builder<B>> {
    private String baseUrl;
    private String apiKey;
    private Function<String, String> env = System::getenv;
    private Log.Level logLevel;
    private System.Logger logger;
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
     * The gateway's base URL (else {@code AGENTTRUST_URL}, else {@code AGENTTRUST_BASE_URL}, else
     * {@code http://localhost:8080}).
     *
     * @param baseUrl an absolute http(s) URL, or null to read the environment
     * @return this builder
     * @throws ConfigurationException when it is not one
     */
    public B baseUrl(String baseUrl) {
      if (baseUrl == null) {
        this.baseUrl = null;
        return self();
      }
      this.baseUrl = checkUrl("base_url", baseUrl);
      if (this.baseUrl == null) throw new ConfigurationException("base_url", "base_url is not an absolute http(s) URL");
      return self();
    }

    /**
     * The organization API key ({@code sk_live_...}), sent as {@code X-API-Key} (else {@code
     * AGENTTRUST_API_KEY}, else none: public operations work without one, the others throw a
     * {@link ConfigurationException} before sending).
     *
     * @param apiKey the key, or null to read the environment
     * @return this builder
     * @throws ConfigurationException when it is empty, or holds anything but visible ASCII (a
     *     control character could forge a header; HttpClient refuses other characters with an
     *     untyped exception)
     */
    public B apiKey(String apiKey) {
      if (apiKey != null && apiKey.isEmpty()) {
        throw new ConfigurationException("api_key", "the API key is empty: pass a key, or null to read AGENTTRUST_API_KEY");
      }
      this.apiKey = checkKey(apiKey);
      return self();
    }

    /**
     * The most verbose level the SDK logs at (else {@code AGENTTRUST_LOG}, else off, or {@code
     * debug} when a {@link #logger(System.Logger) logger} is given, whose own configuration then
     * filters): {@code off}, {@code error}, {@code warn}, {@code info} or {@code debug},
     * case-insensitive. Logs never hold a key, token, proof or body.
     *
     * @param level the level, or null to read the environment
     * @return this builder
     * @throws ConfigurationException when it is none of those
     */
    public B logLevel(String level) {
      if (level == null) {
        this.logLevel = null;
        return self();
      }
      Log.Level l = Log.parse(level);
      if (l == null) throw new ConfigurationException("log_level", "the log level must be one of " + Log.ACCEPTED);
      this.logLevel = l;
      return self();
    }

    /**
     * The logger the SDK's events go to, e.g. {@code System.getLogger("id.agenttrust.sdk")};
     * without one they go to stderr when a level is set.
     *
     * @param logger the logger, or null for stderr
     * @return this builder
     */
    public B logger(System.Logger logger) {
      this.logger = logger;
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
      String u = checkUrl(service + "_url", url);
      if (u == null) throw new ConfigurationException(service + "_url", service + "_url is not an absolute http(s) URL");
      this.serviceUrls.put(service, u);
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
        throw new ConfigurationException("timeout", "the timeout must be positive");
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
        throw new ConfigurationException("max_retries", "max retries must not be negative");
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
        throw new ConfigurationException("retry_delay", "need 0 <= initial <= max");
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
        throw new ConfigurationException("max_response_bytes", "the size must be positive");
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
     * Where the builder reads the environment variables of the settings not given as arguments
     * (default {@code System::getenv}); {@code name -> null} reads none.
     *
     * @param env the environment
     * @return this builder
     */
    public B fromEnvironment(Function<String, String> env) {
      this.env = env == null ? name -> null : env;
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
        throw new ConfigurationException("config", "cannot read the config file " + path.getFileName() + ": " + e.getMessage());
      }
      if (!config.isObject()) throw new ConfigurationException("config", "the config file must hold a JSON object");
      for (String key : Facts.CONFIG_FILE_KEYS) {
        JsonNode v = config.get(key);
        if (v == null || v.isNull()) continue;
        if (!v.isTextual()) throw new ConfigurationException(key, "the config file's " + key + " must be a string");
        if (v.textValue().isEmpty()) continue;
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

    static String checkKey(String apiKey) {
      if (apiKey == null) return null;
      for (int i = 0; i < apiKey.length(); i++) {
        char c = apiKey.charAt(i);
        if (c < 0x20 || c == 0x7f) {
          throw new ConfigurationException("api_key", "the API key holds a control character at index " + i + "; it is not sent");
        }
        if (c > 0x7e) {
          throw new ConfigurationException("api_key", "the API key holds a non-ASCII character at index " + i + "; it is not sent");
        }
      }
      return apiKey;
    }

    static String first(Function<String, String> env, List<String> names) {
      for (String n : names) {
        String v = env.apply(n);
        if (v != null && !v.isEmpty()) return v;
      }
      return null;
    }

    /** The URL without trailing slashes; null for null; a ConfigurationException when not http(s). */
    static String checkUrl(String field, String url) {
      if (url == null) return null;
      URI u;
      try {
        u = URI.create(url);
      } catch (IllegalArgumentException e) {
        u = null;
      }
      if (u == null
          || u.getHost() == null
          || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
        throw new ConfigurationException(field, field + " is not an absolute http(s) URL");
      }
      String s = url;
      while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
      return s;
    }
  }
}
