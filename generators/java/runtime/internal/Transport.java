package id.agenttrust.sdk.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.agenttrust.sdk.ClientOptions;
import id.agenttrust.sdk.RawResponse;
import id.agenttrust.sdk.exceptions.ConfigurationException;
import id.agenttrust.sdk.exceptions.AgentTrustException;
import id.agenttrust.sdk.exceptions.NetworkException;
import id.agenttrust.sdk.exceptions.TimeoutException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP core every generated method calls: builds the request (API key, User-Agent,
 * Idempotency-Key, JSON body), sends it with retries, backoff and Retry-After, reads the answer
 * up to the size cap, turns error answers into typed exceptions and decodes the rest strictly.
 * Thread-safe; one per client.
 */
public final class Transport {
  private static final String USER_AGENT =
      "agenttrustid-sdk-java/" + Facts.SDK_VERSION + " java/" + System.getProperty("java.version");

  private static final Executor ASYNC =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "agenttrust-async");
            t.setDaemon(true);
            return t;
          });

  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "agenttrust-timeouts");
            t.setDaemon(true);
            return t;
          });

  private final ClientOptions options;
  private final HttpClient http;
  private final AtomicLong rpcSeq = new AtomicLong();
  private final ResponseCache cache = new ResponseCache();
  private final Log log;

  /**
   * Creates the transport of a client.
   *
   * @param options the client's settings
   */
  public Transport(ClientOptions options) {
    this.options = options;
    this.log = new Log(Log.parse(options.getLogLevel()), options.getLogger().orElse(null));
    this.http =
        options
            .getHttpClient()
            .orElseGet(
                () ->
                    HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(options.getTimeout())
                        .version(HttpClient.Version.HTTP_1_1)
                        .build());
  }

  /**
   * The client's settings.
   *
   * @return the options
   */
  public ClientOptions options() {
    return options;
  }

  /**
   * The client's log ({@code AGENTTRUST_LOG}, the builder's logger).
   *
   * @return the log
   */
  public Log log() {
    return log;
  }

  /**
   * The HTTP client, shared by clients derived from this one (their connections too).
   *
   * @return the client
   */
  public HttpClient httpClient() {
    return http;
  }

  /**
   * The client's token cache.
   *
   * @return the cache
   */
  public ResponseCache cache() {
    return cache;
  }

  /**
   * The cache key of a call: the client's identity (base URL and a hash of the key) and the
   * arguments; lists are compared as sets.
   *
   * @param args the key arguments
   * @return the key
   */
  public String cacheKey(Object... args) {
    StringBuilder b = new StringBuilder(options.getBaseUrl()).append('\u0000');
    b.append(Digest.sha256Hex(options.getApiKey().orElse("").getBytes(StandardCharsets.UTF_8)));
    for (Object a : args) {
      Object v = a;
      if (a instanceof List) v = new java.util.TreeSet<>(((List<?>) a).stream().map(String::valueOf).collect(java.util.stream.Collectors.toList()));
      b.append('\u0000').append(Json.write(Json.tree(v)));
    }
    return b.toString();
  }

  /**
   * Sends op and decodes its answer.
   *
   * @param <T> the answer type
   * @param op the operation
   * @param decoder decodes the answer, or null for none (204)
   * @return the answer, or null without a decoder
   */
  public <T> T call(Operation op, Decoder<T> decoder) {
    return callRaw(op, decoder).data();
  }

  /**
   * Sends op and decodes its answer, keeping the HTTP status and headers.
   *
   * @param <T> the answer type
   * @param op the operation
   * @param decoder decodes the answer, or null for none (204)
   * @return the answer (null data without a decoder) with its response
   */
  public <T> RawResponse<T> callRaw(Operation op, Decoder<T> decoder) {
    try {
      Answer a = send(op);
      JsonNode node = answerOf(op, a);
      if (decoder == null) return new RawResponse<>(null, a.status, a.headers);
      if (node == null) {
        throw Facts.error("INVALID_RESPONSE", op.id + ": the gateway's answer has no body", a.status, null, a.requestId);
      }
      try {
        return new RawResponse<>(decoder.decode(node, "$"), a.status, a.headers);
      } catch (Json.DecodeException e) {
        throw Facts.error(
            "INVALID_RESPONSE",
            op.id + ": the gateway's answer does not match the spec: " + scrub(e.getMessage()),
            a.status,
            null,
            a.requestId);
      }
    } catch (AgentTrustException e) {
      if (log.on(Log.Level.ERROR)) {
        log.error(
            op.method + " " + op.target("") + " failed: " + e.getClass().getSimpleName() + " " + e.getCode()
                + (e.getStatus() != 0 ? " status=" + e.getStatus() : "")
                + e.getRequestId().map(r -> " request_id=" + r).orElse(""));
      }
      throw e;
    }
  }

  /**
   * Runs a call on the SDK's daemon executor.
   *
   * @param <T> the answer type
   * @param call the synchronous call
   * @return the answer's future; it fails with the call's {@link AgentTrustException}
   */
  public <T> CompletableFuture<T> async(java.util.function.Supplier<T> call) {
    return CompletableFuture.supplyAsync(call, ASYNC);
  }

  /**
   * The next JSON-RPC id of this client, as a string.
   *
   * @return the id
   */
  public String rpcId() {
    return Long.toString(rpcSeq.incrementAndGet());
  }

  private static final class Answer {
    final int status;
    final byte[] body;
    final String requestId;
    final HttpHeaders headers;

    Answer(int status, byte[] body, String requestId, HttpHeaders headers) {
      this.status = status;
      this.body = body;
      this.requestId = requestId;
      this.headers = headers;
    }
  }

  private Answer send(Operation op) {
    if (!op.noAuth && !op.keyOptional && options.getApiKey().isEmpty()) throw ConfigurationException.noApiKey();
    JsonNode payload = op.body;
    if (op.rpcMethod != null) {
      ObjectNode env = Json.NODES.objectNode();
      env.put("jsonrpc", "2.0");
      if (op.rpcCounter) env.put("id", rpcId());
      else env.put("id", op.rpcId);
      env.put("method", op.rpcMethod);
      env.set("params", payload == null ? Json.NODES.objectNode() : payload);
      payload = env;
    }
    byte[] body = payload == null ? null : Json.write(payload).getBytes(StandardCharsets.UTF_8);
    URI uri;
    try {
      uri = URI.create(op.target(options.serviceUrl(op.service)));
    } catch (IllegalArgumentException e) {
      throw Facts.validation("url", op.id + ": cannot build the URL");
    }
    String idempotencyKey = "POST".equals(op.method) ? UUID.randomUUID().toString() : null;
    boolean renewed = false;
    for (int attempt = 0; ; attempt++) {
      // A fresh DPoP proof per attempt: the gateway refuses a jti it has seen.
      Map<String, String> auth =
          op.credentials == null ? Map.of() : op.credentials.headers(op.method, options.serviceUrl(op.service) + op.path);
      long started = System.nanoTime();
      Attempt r = attempt(op, uri, body, idempotencyKey, auth);
      if (log.on(Log.Level.DEBUG)) {
        log.debug(
            op.method + " " + op.target("")
                + (r.answer != null ? " status=" + r.answer.status : " status=none error=" + r.failure.getCode())
                + " elapsed_ms=" + (System.nanoTime() - started) / 1_000_000
                + " attempt=" + (attempt + 1)
                + " request_id=" + (r.answer != null && r.answer.requestId != null ? r.answer.requestId : "none"));
      }
      if (r.failure == null && r.answer.status >= 200 && r.answer.status < 300) return r.answer;
      if (r.failure == null && r.answer.status == 401 && op.credentials != null && !renewed) {
        // A token revoked or expired before the credentials expected: once more with a new one.
        renewed = true;
        op.credentials.invalidate(auth);
        attempt--;
        continue;
      }
      AgentTrustException failure = r.failure != null ? r.failure : errorOf(r.answer, auth);
      if (!r.retryable || attempt >= options.getMaxRetries()) throw failure;
      long wait = r.retryAfterMs >= 0 ? r.retryAfterMs : backoff(attempt);
      if (log.on(Log.Level.INFO)) {
        log.info(
            "retrying " + op.method + " " + op.target("") + " in " + wait + " ms (retry " + (attempt + 1) + " of " + options.getMaxRetries() + "): "
                + (r.answer != null ? "HTTP " + r.answer.status : failure.getCode())
                + (r.retryAfterMs >= 0 ? " Retry-After" : ""));
      }
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NetworkException("NETWORK_ERROR", op.method + " " + op.path + ": interrupted", e);
      }
    }
  }

  private static final class Attempt {
    Answer answer;
    AgentTrustException failure;
    boolean retryable;
    long retryAfterMs = -1;
  }

  private Attempt attempt(Operation op, URI uri, byte[] body, String idempotencyKey, Map<String, String> auth) {
    Duration timeout = options.getTimeout();
    HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout);
    for (Map.Entry<String, String> h : options.getHeaders().entrySet()) rb.setHeader(h.getKey(), h.getValue());
    rb.setHeader("Accept", "application/json");
    rb.setHeader("User-Agent", USER_AGENT);
    if (body != null) rb.setHeader("Content-Type", "application/json");
    if (idempotencyKey != null) rb.setHeader("Idempotency-Key", idempotencyKey);
    for (Map.Entry<String, String> h : op.headers.entrySet()) rb.setHeader(h.getKey(), h.getValue());
    if (!op.noAuth && options.getApiKey().isPresent()) rb.setHeader("X-API-Key", options.getApiKey().get());
    for (Map.Entry<String, String> h : auth.entrySet()) rb.setHeader(h.getKey(), h.getValue());
    rb.method(
        op.method,
        body != null ? HttpRequest.BodyPublishers.ofByteArray(body) : HttpRequest.BodyPublishers.noBody());
    Attempt out = new Attempt();
    long limit = options.getMaxResponseBytes();
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpResponse<byte[]> res;
    try {
      // The request's timeout covers the answer's headers; the subscriber's deadline its body.
      res = http.send(rb.build(), info -> new Capped(limit, deadline));
    } catch (HttpTimeoutException e) {
      out.failure = timedOut(op, e);
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.failure = new NetworkException("NETWORK_ERROR", op.method + " " + op.path + ": interrupted", e);
      return out;
    } catch (IOException e) {
      // HttpClient.send wraps the subscriber's failure: find the cap in the causes.
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof TooLarge) {
          out.failure = Facts.error("INVALID_RESPONSE", op.id + ": the answer is larger than " + limit + " bytes", 0, null, null);
          return out;
        }
      }
      out.failure =
          new NetworkException("NETWORK_ERROR", op.method + " " + op.path + " failed: " + scrub(describe(e)), e);
      out.retryable = true;
      return out;
    }
    int status = res.statusCode();
    String requestId = res.headers().firstValue("X-Request-Id").orElse(null);
    if (status >= 300 && status < 400) {
      String host = res.headers().firstValue("Location").map(l -> {
        try {
          return URI.create(l).getHost();
        } catch (IllegalArgumentException e) {
          return null;
        }
      }).orElse(null);
      out.failure =
          Facts.error(
              "INVALID_RESPONSE",
              op.id + ": the gateway answered with a redirect (HTTP " + status + (host == null ? ", no Location" : ", Location host " + host) + "), which is not followed",
              status,
              null,
              requestId);
      return out;
    }
    out.answer = new Answer(status, res.body(), requestId, res.headers());
    if (Facts.retryableStatus(status)) {
      out.retryable = true;
      long ra = retryAfter(res.headers().firstValue("Retry-After").orElse(null));
      if (ra >= 0) out.retryAfterMs = Math.min(ra, Facts.MAX_RETRY_AFTER_MS);
    }
    return out;
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    String name = t.getClass().getSimpleName();
    return m == null || m.isEmpty() ? name : name + ": " + m;
  }

  private TimeoutException timedOut(Operation op, Throwable cause) {
    return new TimeoutException(op.method + " " + op.path + " timed out after " + options.getTimeout().toMillis() + " ms", cause);
  }

  private long backoff(int attempt) {
    double d = options.getRetryInitialDelay().toMillis() * Math.pow(2, attempt);
    d = Math.min(d, options.getRetryMaxDelay().toMillis());
    return (long) (d * (1 - ThreadLocalRandom.current().nextDouble() * 0.25));
  }

  /**
   * A Retry-After value in milliseconds: delta seconds (fractions allowed) or an HTTP date; -1
   * for none or garbage (the normal backoff then applies).
   *
   * @param v the header value
   * @return the delay, or -1
   */
  static long retryAfter(String v) {
    if (v == null || v.isBlank()) return -1;
    String s = v.trim();
    try {
      double secs = Double.parseDouble(s);
      if (secs < 0 || Double.isNaN(secs) || Double.isInfinite(secs)) return -1;
      return (long) (Math.min(secs, Facts.MAX_RETRY_AFTER_MS / 1000.0) * 1000);
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME);
        return Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis());
      } catch (java.time.format.DateTimeParseException e2) {
        return -1;
      }
    }
  }

  /**
   * The error for a non-2xx answer: the message from the body's {@code message} (else {@code
   * error}), the code from its {@code code} when this SDK knows it, else from the status.
   *
   * @param status the HTTP status
   * @param body the body, or null
   * @param headerRequestId the X-Request-Id header, or null
   * @return the typed exception
   */
  private AgentTrustException errorOf(int status, byte[] body, String headerRequestId, Map<String, String> auth) {
    String code = null;
    String message = null;
    Map<String, Object> details = null;
    String requestId = headerRequestId;
    if (body != null && body.length > 0) {
      JsonNode env;
      try {
        env = Json.parse(body);
      } catch (Json.DecodeException e) {
        env = null;
      }
      if (env != null && env.isObject()) {
        JsonNode c = env.get("code");
        if (c != null && c.isTextual() && Facts.isKnownCode(c.textValue())) code = c.textValue();
        JsonNode m = env.get("message");
        JsonNode alt = env.get("error");
        if (m != null && m.isTextual() && !m.textValue().isEmpty()) message = m.textValue();
        else if (alt != null && alt.isTextual()) message = alt.textValue();
        JsonNode d = env.get("details");
        if (d != null && d.isObject()) details = Json.freeMap(d, "$.details");
        JsonNode r = env.get("request_id");
        if (requestId == null && r != null && r.isTextual()) requestId = r.textValue();
      }
    }
    if (code == null) code = Facts.codeForStatus(status);
    if (message == null || message.isEmpty()) message = "gateway answered HTTP " + status;
    return Facts.error(code, scrub(scrubAuth(message, auth)), status, details, requestId);
  }

  private AgentTrustException errorOf(Answer a, Map<String, String> auth) {
    return errorOf(a.status, a.body, a.requestId, auth);
  }

  /** A gateway that echoes the request must not put the agent's token or proof in an error. */
  private static String scrubAuth(String text, Map<String, String> auth) {
    String out = text;
    for (String v : auth.values()) {
      String secret = v.startsWith("Bearer ") ? v.substring(7) : v;
      if (secret.length() >= 8) out = out.replace(secret, "[redacted]");
    }
    return out;
  }

  private JsonNode answerOf(Operation op, Answer a) {
    if (a.body == null || a.body.length == 0 || isBlank(a.body)) return null;
    JsonNode data;
    try {
      data = Json.parse(a.body);
    } catch (Json.DecodeException e) {
      throw Facts.error("INVALID_RESPONSE", op.id + ": the gateway's answer is not JSON", a.status, null, a.requestId);
    }
    if (op.rpc) {
      if (!data.isObject()) {
        throw Facts.error("INVALID_RESPONSE", op.id + ": the gateway's answer is not a JSON-RPC response", a.status, null, a.requestId);
      }
      JsonNode err = data.get("error");
      JsonNode result = data.get("result");
      if (err != null && !err.isNull() && op.rpcRaise) {
        JsonNode rc = err.get("code");
        long rpcCode = rc != null && rc.canConvertToLong() ? rc.longValue() : 0;
        String code = rpcErrorCode(rpcCode);
        JsonNode dataNode = err.get("data");
        if (dataNode != null && dataNode.isObject()) {
          JsonNode c = dataNode.get("code");
          if (c != null && c.isTextual() && Facts.isKnownCode(c.textValue())) code = c.textValue();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("rpc_code", rpcCode);
        if (dataNode != null && !dataNode.isNull()) details.put("data", Json.any(dataNode));
        JsonNode msg = err.get("message");
        throw Facts.error(code, scrub(msg != null && msg.isTextual() ? msg.textValue() : "JSON-RPC error " + rpcCode), a.status, details, a.requestId);
      }
      if (result != null && !result.isNull()) {
        if (err == null || err.isNull()) data = result;
      } else if (op.rpcRaise) {
        throw Facts.error("INVALID_RESPONSE", op.id + ": the JSON-RPC response has neither result nor error", a.status, null, a.requestId);
      }
    }
    if (op.unwrap != null && data.isObject() && data.has(op.unwrap)) data = data.get(op.unwrap);
    return data;
  }

  private static boolean isBlank(byte[] b) {
    for (byte x : b) if (x != ' ' && x != '\n' && x != '\r' && x != '\t') return false;
    return true;
  }

  private static String rpcErrorCode(long code) {
    if (code == -32700 || code == -32600 || code == -32602) return "VALIDATION_ERROR";
    if (code == -32001 || code == -32601) return "NOT_FOUND";
    if (code == -32002) return "CONFLICT";
    return "INTERNAL_ERROR";
  }

  /**
   * Masks the API key in text (a gateway that echoes a header back must not leak it).
   *
   * @param text the text
   * @return the text without the key
   */
  public String scrub(String text) {
    String key = options.getApiKey().orElse(null);
    if (text == null || key == null || key.length() < 4 || !text.contains(key)) return text;
    return text.replace(key, "[redacted]");
  }

  /** The answer was larger than the cap. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("answer too large");
    }
  }

  /**
   * Collects the body up to a limit, failing (and cancelling the stream) past it or past the
   * attempt's deadline.
   */
  private static final class Capped implements HttpResponse.BodySubscriber<byte[]> {
    private final long limit;
    private final long deadline;
    private final HttpResponse.BodySubscriber<byte[]> inner = HttpResponse.BodySubscribers.ofByteArray();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;
    private long seen;

    Capped(long limit, long deadline) {
      this.limit = limit;
      this.deadline = deadline;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      inner.onSubscribe(s);
      ScheduledFuture<?> watchdog =
          WATCHDOG.schedule(() -> fail(new HttpTimeoutException("the answer's body timed out")), deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      inner.getBody().whenComplete((v, e) -> {
        watchdog.cancel(false);
        if (e != null) result.completeExceptionally(e);
        else result.complete(v);
      });
    }

    private void fail(IOException e) {
      if (result.completeExceptionally(e)) subscription.cancel();
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) return;
      for (ByteBuffer b : items) seen += b.remaining();
      if (seen > limit) {
        fail(new TooLarge());
        return;
      }
      inner.onNext(items);
    }

    @Override
    public void onError(Throwable t) {
      inner.onError(t);
    }

    @Override
    public void onComplete() {
      inner.onComplete();
    }
  }
}
