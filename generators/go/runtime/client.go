package ati

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

var userAgent = "agenttrustid-sdk-go/" + Version + " " + runtime.Version()

// Option configures a Client (passed to NewClient or FromEnv) or a single call (passed as the
// last arguments of any method, where it overrides the client's setting for that call only).
type Option func(*config)

// config is everything a request needs besides the operation itself. It is copied per call,
// never mutated after NewClient returns, which is what makes a Client safe for concurrent use.
type config struct {
	baseURL string
	// baseURLSet and apiKeySet record that an option set them, so the environment does not.
	baseURLSet bool
	apiKeySet  bool
	// serviceURLs are the base URLs of a split deployment set by an option or the environment,
	// by service name; a service without one derives its URL from baseURL (serviceURL).
	serviceURLs    map[string]string
	apiKey         secret
	httpClient     *http.Client
	timeout        time.Duration
	// maxResponse is the largest answer read, in bytes (DefaultMaxResponseBytes).
	maxResponse    int64
	maxRetries     int
	retryBase      time.Duration
	retryMax       time.Duration
	headers        http.Header
	idempotencyKey string
	responseInto   any
	// responseMeta receives the status, headers and request id of a call (WithResponseInto).
	responseMeta *Response
	// userLogger is WithLogger's; logger is where events go (nil: off), built by setLogger from
	// userLogger (logFrom) and AGENTTRUST_LOG.
	userLogger *slog.Logger
	logFrom    *slog.Logger
	logger     *slog.Logger
	// cache holds the answers the spec marks cacheable (issued tokens); nil when the client
	// opted out. cacheOff skips it for one call.
	cache    *responseCache
	cacheOff bool
	// rpcSeq numbers the JSON-RPC requests of a client (its string ids "1", "2", ...).
	rpcSeq *atomic.Int64
	// insecureTLS turns off TLS certificate verification (WithInsecureSkipVerify); tlsApplied
	// records that httpClient already has it off.
	insecureTLS bool
	tlsApplied  bool
	// keyStore keeps the agents' key pairs (WithKeyStore); credentials sign a call's requests
	// with an agent's WIMSE token and DPoP proofs (WithAgentCredentials), nil for none.
	keyStore    KeyStore
	credentials *AgentCredentials
	// err is the first invalid option value, reported by every call.
	err *AgentTrustError
}

// fail records the first invalid option value; later ones do not hide it.
func (c *config) fail(e *AgentTrustError) {
	if c.err == nil {
		c.err = e
	}
}

// WithBaseURL sets the gateway URL, e.g. "http://localhost:8080". A path prefix is kept
// ("https://example.com/gateway" sends to "https://example.com/gateway/v1/...").
func WithBaseURL(baseURL string) Option {
	return func(c *config) {
		c.baseURLSet = true
		u, err := url.Parse(baseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			e := newError(ErrorCodeValidationError, "base URL %q is not an absolute http(s) URL", baseURL)
			e.Details = map[string]any{"field": "base_url"}
			c.fail(e)
			return
		}
		c.baseURL = strings.TrimRight(baseURL, "/")
	}
}

// WithAPIKey sets the organization API key, sent as the X-API-Key header of every call. The key
// is never printed: not by an error, nor by fmt's %v or %+v of the client.
//
// A key with a control character (a trailing newline from a file or a paste) cannot be sent as a
// header: it is a VALIDATION_ERROR of every call, whose message gives its position, never the key.
// An empty key is a *ConfigurationError too (leave the option out for a client without a key).
func WithAPIKey(apiKey string) Option {
	return func(c *config) {
		c.apiKeySet = true
		if apiKey == "" {
			e := newError(ErrorCodeValidationError, "WithAPIKey: the API key is empty; leave the option out (or set %s) instead", EnvAPIKey)
			e.Details = map[string]any{"field": "api_key"}
			c.fail(e)
			return
		}
		for i := 0; i < len(apiKey); i++ {
			if b := apiKey[i]; b < 0x20 || b == 0x7f {
				e := newError(ErrorCodeValidationError, "WithAPIKey: the API key holds a control character (0x%02x) at byte %d of %d; it is not sent", b, i, len(apiKey))
				e.Details = map[string]any{"field": "api_key"}
				c.fail(e)
				return
			}
		}
		c.apiKey = secret(apiKey)
	}
}

// WithHTTPClient sets the *http.Client that sends requests (for proxies, custom TLS, or
// instrumentation). Its own Timeout, if set, also applies.
func WithHTTPClient(client *http.Client) Option {
	return func(c *config) {
		if client == nil {
			c.fail(newError(ErrorCodeValidationError, "WithHTTPClient: client is nil"))
			return
		}
		c.httpClient = withoutRedirects(client)
		c.tlsApplied = false
	}
}

// WithMaxResponseBytes caps the size of an answer the client reads (default
// DefaultMaxResponseBytes, 32 MiB): a larger one fails the call with INVALID_RESPONSE, without
// reading the rest, whether or not the gateway announced its length. n must be positive.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) {
		if n <= 0 {
			c.fail(newError(ErrorCodeValidationError, "WithMaxResponseBytes: want a positive size, got %d", n))
			return
		}
		c.maxResponse = n
	}
}

// WithTimeout bounds each attempt of a request (default DefaultTimeout). An attempt that runs
// out fails with a TIMEOUT *NetworkError; timeouts are not retried. Zero means no timeout.
func WithTimeout(d time.Duration) Option {
	return func(c *config) {
		if d < 0 {
			c.fail(newError(ErrorCodeValidationError, "WithTimeout: negative duration %v", d))
			return
		}
		c.timeout = d
	}
}

// WithMaxRetries sets how many times a request is retried after a network error or an HTTP 408,
// 429 or 5xx answer (default DefaultMaxRetries). Zero disables retries.
func WithMaxRetries(n int) Option {
	return func(c *config) {
		if n < 0 {
			c.fail(newError(ErrorCodeValidationError, "WithMaxRetries: negative count %d", n))
			return
		}
		c.maxRetries = n
	}
}

// WithRetryDelay sets the backoff between retries: the first waits about initial, each next one
// twice as long, up to max (defaults 0.5 s and 8 s). A Retry-After answer header wins over it.
func WithRetryDelay(initial, max time.Duration) Option {
	return func(c *config) {
		if initial < 0 || max < initial {
			c.fail(newError(ErrorCodeValidationError, "WithRetryDelay: need 0 <= initial <= max, got %v and %v", initial, max))
			return
		}
		c.retryBase, c.retryMax = initial, max
	}
}

// WithHeader adds a header to every request (or to one call). X-API-Key, Idempotency-Key and
// User-Agent are set by the client and cannot be replaced this way. Agent credentials for
// ActionsService.Check (Authorization: Bearer <WIMSE token> and DPoP) can be sent with it.
func WithHeader(key, value string) Option {
	return func(c *config) {
		c.headers = c.headers.Clone()
		if c.headers == nil {
			c.headers = http.Header{}
		}
		c.headers.Add(key, value)
	}
}

// WithIdempotencyKey sets the Idempotency-Key of one POST call. By default each call gets a
// fresh random key, which its retries reuse so the gateway can tell a retry from a new call.
func WithIdempotencyKey(key string) Option {
	return func(c *config) { c.idempotencyKey = key }
}

// WithResponseBodyInto also decodes a successful call's JSON answer into dst (a pointer). It
// gives access to the answer of the methods that return only an error, such as
// ApprovalsService.Approve.
func WithResponseBodyInto(dst any) Option {
	return func(c *config) { c.responseInto = dst }
}

// Response is what WithResponseInto fills: the HTTP status, headers and request id of the answer
// a call ended with.
type Response struct {
	// StatusCode is the HTTP status of the answer (200, 201, ...).
	StatusCode int
	// Header holds the answer's headers, as net/http gives them.
	Header http.Header
	// RequestID is the gateway's id of the request (the X-Request-Id answer header), or "" when
	// the gateway sent none.
	RequestID string
}

// WithResponseInto fills *dst with the status, headers and request id of the call's answer,
// without a second request (like openai-go's option.WithResponseInto):
//
//	var resp ati.Response
//	agent, err := client.Agents.Get(ctx, id, ati.WithResponseInto(&resp))
//	log.Println(resp.StatusCode, resp.RequestID)
//
// It is filled for a successful call and for a call that ended with an HTTP error answer (whose
// error also carries Status and RequestID); it is left alone when no answer came (a network
// error, a configuration error). Give it to one call, not to a client: concurrent calls would
// write the same Response. A call with it bypasses the token cache, so the answer is a real one.
func WithResponseInto(dst *Response) Option {
	return func(c *config) {
		if dst == nil {
			c.fail(newError(ErrorCodeValidationError, "WithResponseInto: dst is nil"))
			return
		}
		c.responseMeta = dst
	}
}

// WithInsecureSkipVerify turns off TLS certificate verification, for a local gateway with a
// self-signed certificate. Never use it in production: anyone on the path can read the API key.
// NewClient logs a warning when it is on. It applies to the client's default transport, or to
// a WithHTTPClient client whose Transport is an *http.Transport (a copy is changed).
func WithInsecureSkipVerify() Option {
	return func(c *config) { c.insecureTLS = true }
}

// serviceURL is the base URL of a service of a split deployment: the one set by an option or
// the environment, else derived from the gateway's base URL (":8081" -> ":8082" for auth), else
// the gateway's base URL.
func (c *config) serviceURL(name string) string {
	if name == "" {
		return c.baseURL
	}
	if u := c.serviceURLs[name]; u != "" {
		return u
	}
	for _, s := range serviceDefaults {
		if s.name == name && s.from != "" && strings.Contains(c.baseURL, s.from) {
			return strings.Replace(c.baseURL, s.from, s.to, 1)
		}
	}
	return c.baseURL
}

// withServiceURL is the option behind WithAuthURL and the other service options.
func withServiceURL(name, option, baseURL string) Option {
	return func(c *config) {
		u, err := url.Parse(baseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			c.fail(newError(ErrorCodeValidationError, "%s: %q is not an absolute http(s) URL", option, baseURL))
			return
		}
		m := make(map[string]string, len(c.serviceURLs)+1)
		for k, v := range c.serviceURLs {
			m[k] = v
		}
		m[name] = strings.TrimRight(baseURL, "/")
		c.serviceURLs = m
	}
}

// rpcID is the next JSON-RPC id of the client, as a string.
func (c *config) rpcID() string {
	return strconv.FormatInt(c.rpcSeq.Add(1), 10)
}

// applyTLS makes the HTTP client skip certificate verification when the option asks for it.
func (c *config) applyTLS() {
	if !c.insecureTLS || c.tlsApplied {
		return
	}
	c.tlsApplied = true
	base := c.httpClient.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	t, ok := base.(*http.Transport)
	if !ok {
		c.fail(newError(ErrorCodeValidationError, "WithInsecureSkipVerify: the HTTP client's transport is a %T, not an *http.Transport", base))
		return
	}
	t = t.Clone()
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{}
	}
	t.TLSClientConfig.InsecureSkipVerify = true
	hc := *c.httpClient
	hc.Transport = t
	c.httpClient = &hc
	if c.logs(context.Background(), slog.LevelWarn) {
		c.logger.LogAttrs(context.Background(), slog.LevelWarn, "TLS certificate verification is off (WithInsecureSkipVerify); use it only for local development")
	}
}

// NewClient creates a Client. Each setting comes from its option, else the environment, else
// the default: the base URL from WithBaseURL, else AGENTTRUST_URL, else AGENTTRUST_BASE_URL, else
// DefaultBaseURL; the API key from WithAPIKey, else AGENTTRUST_API_KEY, else none (an environment
// variable set to the empty string counts as unset). A client without a key can call the public
// operations (Health, AgentCards.GetPublic, ...); any other operation fails with a
// *ConfigurationError before anything is sent. Invalid option values are reported by Err and by
// every call, as a *ConfigurationError, so NewClient itself cannot fail.
func NewClient(opts ...Option) *Client {
	return newClient(false, opts)
}

// FromEnv creates a Client from the environment, as NewClient does, but requires an API key:
// without WithAPIKey or AGENTTRUST_API_KEY, Err and every call (public ones included) return a
// *ConfigurationError (field "api_key") naming AGENTTRUST_API_KEY. It also reads the split
// deployment's AGENTTRUST_AUTH_URL and AGENTTRUST_AUDIT_URL. Options given here win over the
// environment.
//
//	client := ati.FromEnv()
//	if err := client.Err(); err != nil {
//		log.Fatal(err) // ati: VALIDATION_ERROR: FromEnv: no API key: pass ati.WithAPIKey or set AGENTTRUST_API_KEY
//	}
func FromEnv(opts ...Option) *Client {
	return newClient(true, opts)
}

// newClient applies opts, fills what they left unset from the environment, and with requireKey
// records the missing key as the client's configuration error.
func newClient(requireKey bool, opts []Option) *Client {
	c := &Client{cfg: defaultConfig()}
	for _, opt := range opts {
		if opt != nil {
			opt(&c.cfg)
		}
	}
	if u := firstEnv(envBaseURL); u != "" && !c.cfg.baseURLSet {
		WithBaseURL(u)(&c.cfg)
	}
	if k := firstEnv(envAPIKey); k != "" && !c.cfg.apiKeySet {
		WithAPIKey(k)(&c.cfg)
	}
	for _, s := range serviceDefaults {
		if u := firstEnv(s.env); u != "" && c.cfg.serviceURLs[s.name] == "" {
			s.option(u)(&c.cfg)
		}
	}
	if requireKey && c.cfg.apiKey == "" {
		c.cfg.fail(&missingKeyError("FromEnv").AgentTrustError)
	}
	c.cfg.setLogger()
	c.cfg.applyTLS()
	c.initServices()
	return c
}

// Err returns the client's configuration error (an invalid option value, or FromEnv without an
// API key) as a *ConfigurationError, or nil. Every call of such a client returns the same error
// without sending anything.
func (c *Client) Err() error {
	if c == nil || c.cfg.err == nil {
		return nil
	}
	return configError(c.cfg.err)
}

// FromConfig creates a Client from a JSON file with the keys of the official clients' config
// file: base_url, auth_url, audit_url and api_key (others are ignored). Options given here win
// over the file; what neither sets comes from the environment, as in NewClient. It fails only when the file cannot be read or is not a JSON object; an invalid
// URL is reported by the first call, as a VALIDATION_ERROR.
func FromConfig(path string, opts ...Option) (*Client, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		e := newError(ErrorCodeValidationError, "FromConfig: %v", err)
		e.cause = err
		return nil, e
	}
	var file map[string]any
	if err := json.Unmarshal(data, &file); err != nil {
		e := newError(ErrorCodeValidationError, "FromConfig: %s is not a JSON object: %v", path, err)
		e.cause = err
		return nil, e
	}
	var fromFile []Option
	for _, key := range configFileKeys {
		v, ok := file[key].(string)
		if !ok || strings.TrimSpace(v) == "" {
			continue
		}
		fromFile = append(fromFile, configOption(key, strings.TrimSpace(v)))
	}
	return NewClient(append(fromFile, opts...)...), nil
}

// firstEnv is the first of the environment variables names that is set and not blank.
func firstEnv(names []string) string {
	for _, name := range names {
		if v := strings.TrimSpace(os.Getenv(name)); v != "" {
			return v
		}
	}
	return ""
}

// refuseRedirect is the CheckRedirect of every HTTP client the SDK sends with: a redirect is
// never followed (it would carry the API key to wherever Location points, and the target's answer
// would become the result). The call sees the 3xx answer itself and fails with a *RedirectError.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// withoutRedirects is a copy of client that does not follow redirects; the caller's client is
// left as it is.
func withoutRedirects(client *http.Client) *http.Client {
	hc := *client
	hc.CheckRedirect = refuseRedirect
	return &hc
}

// sharedTransport keeps more idle connections per host than http.DefaultTransport's 2, so
// concurrent guard checks reuse connections instead of opening new ones.
var sharedTransport = func() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}()

func defaultConfig() config {
	return config{
		baseURL:    DefaultBaseURL,
		httpClient: &http.Client{Transport: sharedTransport, CheckRedirect: refuseRedirect},
		timeout:    DefaultTimeout,
		maxResponse: DefaultMaxResponseBytes,
		maxRetries: DefaultMaxRetries,
		retryBase:  initialRetryDelay,
		retryMax:   maxRetryDelay,
		cache:      newResponseCache(),
		rpcSeq:     new(atomic.Int64),
		keyStore:   NewMemoryKeyStore(),
	}
}

// BaseURL returns the gateway URL the client sends to.
func (c *Client) BaseURL() string { return c.cfg.baseURL }

// With returns a copy of the client with opts applied; the original is unchanged.
func (c *Client) With(opts ...Option) *Client {
	n := &Client{cfg: c.cfg}
	// Its own cache: the options may change the API key, and so whose tokens it may hold.
	if n.cfg.cache != nil {
		n.cfg.cache = newResponseCache()
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&n.cfg)
		}
	}
	n.cfg.setLogger()
	n.cfg.applyTLS()
	n.initServices()
	return n
}

// String describes the client without its API key.
func (c *Client) String() string {
	if c == nil {
		return "ati.Client(nil)"
	}
	return fmt.Sprintf("ati.Client{BaseURL: %q, APIKey: %s}", c.cfg.baseURL, c.cfg.apiKey)
}

// GoString is String: %#v must not print the API key either.
func (c *Client) GoString() string { return c.String() }

// Format makes every fmt verb (%v, %+v, %#v, %s) print String, so the API key never leaks
// through a log line that prints the client.
func (c *Client) Format(f fmt.State, verb rune) { formatMasked(f, verb, c.String()) }

// formatMasked writes s, a description with every secret already masked, for any fmt verb: %q
// quotes it, every other verb (%v, %+v, %#v, %s, %d, %x, ...) writes it as it is, so no verb
// reaches the fields behind it.
func formatMasked(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = f.Write([]byte(s))
}

// secret holds a credential; every way fmt or encoding/json could print it prints a mask.
type secret string

// String masks the secret: "[redacted]", or "unset" when empty.
func (s secret) String() string {
	if s == "" {
		return "unset"
	}
	return "[redacted]"
}

// GoString masks the secret for %#v.
func (s secret) GoString() string { return s.String() }

// Format masks the secret for every fmt verb.
func (s secret) Format(f fmt.State, verb rune) { formatMasked(f, verb, s.String()) }

// MarshalText masks the secret for encoding/json and encoding/xml.
func (s secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
