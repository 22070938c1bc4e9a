// The one place that builds and sends a request: base URL (per service in a split deployment),
// the org key in X-API-Key, user-agent, timeout (per attempt, the body's read included),
// retries with backoff and jitter (ky), an idempotency key on every POST so POSTs are safe to
// retry, redirects never followed, and the mapping of every failure to a typed AgentTrustError.
import type { Hooks, KyInstance, Options } from 'ky';
import { RETRY } from '../generated/facts.js';
import {
  AgentTrustError,
  ConfigurationError,
  errorFromResponse,
  NetworkError,
  RedirectError,
  safeMessage,
  TimeoutError,
  ValidationError,
} from './errors.js';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  FAST_PATH,
  type MarkedResponse,
  RAW_REQUEST_ID,
  RAW_TEXT,
  ResponseTooLargeError,
} from './fast-path.js';
import { type Log, SILENT } from './log.js';
import { VERSION } from './version.js';

/** Per-call options, accepted as the last argument of every resource method. */
export interface RequestOptions {
  /** Aborts the call (including any wait between retries); the promise rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Milliseconds per attempt, the answer's body included, before the call fails with a TIMEOUT NetworkError. */
  timeout?: number | undefined;
  /** Retries after the first attempt (default: the client's `maxRetries`, 2). */
  maxRetries?: number | undefined;
  /** Extra headers for this call. */
  headers?: Record<string, string> | undefined;
  /** The `Idempotency-Key` of a POST (default: a fresh UUID per call, reused by its retries). */
  idempotencyKey?: string | undefined;
  /**
   * The agent's credentials (`AgentCredentials` from `@agenttrustid/sdk/identity`) for a call
   * the gateway checks them on (`actions.check`): a WIMSE bearer and a fresh DPoP proof on each
   * attempt; a 401 drops the cached token and the call is sent once more with a new one.
   */
  credentials?: RequestCredentials | undefined;
}

/** What the core needs of agent credentials; `AgentCredentials` implements it. */
export interface RequestCredentials {
  /** `Authorization` and `DPoP` headers for one request (a new proof each time). */
  headers(method: string, url: string): Promise<Record<string, string>>;
  /** Forgets the cached token, so the next `headers` gets a new one. */
  invalidate(): void;
}

/** One request as a resource method hands it to the core (see resource.ts). */
export interface SendConfig {
  method: string;
  /** Headers of the operation itself (content-type); the caller's come in `options`. */
  headers?: Record<string, string> | undefined;
  /** The JSON body, already serialized. */
  body?: string | undefined;
  options?: RequestOptions | undefined;
  /** False for operations the spec marks public: no API key is sent. */
  auth?: boolean;
  /** The key is sent when there is one, and the call goes without one too (the public agent card). */
  keyOptional?: boolean;
  /** The split-deployment service (`auth`, `audit`) whose base URL the call goes to. */
  service?: string | undefined;
}

export interface WireResponse {
  status: number;
  requestId: string | undefined;
  data: unknown;
  /** The Response fetch gave (its body read already), for `.withResponse()`. */
  response: Response;
}

export interface HttpCoreOptions {
  baseUrl: string;
  /** Base URLs of the split deployment's services, by name; a call without one goes to `baseUrl`. */
  services?: Readonly<Record<string, string>> | undefined;
  apiKey: string | undefined;
  timeout: number;
  maxRetries: number;
  /** The most bytes of an answer's body read (default 32 MiB); a larger answer is INVALID_RESPONSE. */
  maxResponseBytes?: number | undefined;
  fetch?: typeof globalThis.fetch | undefined;
  defaultHeaders?: Record<string, string> | undefined;
  hooks?: Hooks | undefined;
  /** Where the core logs each attempt (debug) and retry (info); default: nowhere. */
  log?: Log | undefined;
}

/** The attempts of one call, as the logging fetch counts them (passed to fetch through ky). */
interface Trace {
  attempt: number;
  /** When the last attempt ended (ms), and how: `HTTP 503` or the network error's name. */
  ended: number;
  outcome: string;
}

/** The message of the ConfigurationError an operation that needs the API key gets without one. */
export const NO_API_KEY = 'no API key: pass apiKey or set AGENTTRUST_API_KEY';

const USER_AGENT = `agenttrustid-sdk-typescript/${VERSION}`;
const RETRY_METHODS = ['get', 'head', 'delete', 'put', 'post', 'patch', 'options'];
// The spec's retried statuses (408, 429, every 5xx); Retry-After is honoured on each of them.
const RETRY_STATUSES: number[] = [
  ...RETRY.statuses,
  ...RETRY.statusRanges.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i)),
];
let kyModule: Promise<typeof import('ky')> | undefined;

function retryConfig(limit: number): object {
  return {
    limit,
    methods: RETRY_METHODS,
    statusCodes: RETRY_STATUSES,
    afterStatusCodes: RETRY_STATUSES,
    maxRetryAfter: RETRY.maxRetryAfterMs,
    backoffLimit: RETRY.maxDelayMs,
    // 0.5 s, 1 s, 2 s, ... capped at 8 s, each shortened by up to 25% so clients spread out.
    delay: (attempt: number) => RETRY.initialDelayMs * 2 ** (attempt - 1),
    jitter: (delay: number) => delay * (1 - Math.random() * 0.25),
    retryOnTimeout: false,
    shouldRetry,
  };
}

// The headers ky reads a server's wait from, in its order.
const RETRY_AFTER_HEADERS = [
  'retry-after',
  'ratelimit-reset',
  'x-ratelimit-retry-after',
  'x-ratelimit-reset',
  'x-rate-limit-reset',
];

/**
 * ky's retry decision, with two changes. An answer over the size cap is not retried (the same
 * gateway would send it again). A Retry-After that is neither delay-seconds nor an HTTP date
 * (`Retry-After: garbage`) gets the normal backoff: ky would read it as NaN and wait its whole
 * 60 s cap. `undefined` leaves the decision to ky.
 */
function shouldRetry({ error }: { error: Error }): boolean | undefined {
  if (error instanceof ResponseTooLargeError) return false;
  const response = (error as { response?: unknown }).response;
  if (!(response instanceof Response) || !RETRY_STATUSES.includes(response.status)) return undefined;
  for (const name of RETRY_AFTER_HEADERS) {
    const value = response.headers.get(name);
    if (!value) continue;
    return retryAfterMs(value) === undefined ? true : undefined;
  }
  return undefined;
}

const HTTP_DATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** The wait a Retry-After value asks for (RFC 9110: delay-seconds or an IMF-fixdate), else undefined. */
export function retryAfterMs(value: string, now = Date.now()): number | undefined {
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  if (HTTP_DATE.test(text)) {
    const at = Date.parse(text);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  return undefined;
}

function newIdempotencyKey(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

export class HttpCore {
  readonly baseUrl: string;
  readonly services: Readonly<Record<string, string>>;
  readonly timeout: number;
  readonly maxRetries: number;
  readonly maxResponseBytes: number;
  // Private fields: invisible to util.inspect, JSON.stringify and property enumeration.
  readonly #apiKey: string | undefined;
  readonly #hooks: Hooks;
  readonly #fetch: typeof globalThis.fetch | undefined;
  #ky: KyInstance | undefined;
  readonly #fastPath: boolean;
  readonly #defaultHeaders: Record<string, string>;
  /** @internal The client's log (the Guard logs through it too). */
  readonly log: Log;

  constructor(options: HttpCoreOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const services: Record<string, string> = {};
    for (const [name, url] of Object.entries(options.services ?? {}))
      services[name] = url.replace(/\/+$/, '');
    this.services = services;
    this.timeout = options.timeout;
    this.maxRetries = options.maxRetries;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#apiKey = options.apiKey;
    this.#defaultHeaders = { accept: 'application/json', 'user-agent': USER_AGENT };
    addHeaders(this.#defaultHeaders, options.defaultHeaders);
    this.log = options.log ?? SILENT;
    // The Node transport reads the whole body inside its fetch; any other fetch is wrapped to do
    // the same, so ky's per-attempt timeout also bounds the body's read.
    const transport = options.fetch as { [FAST_PATH]?: boolean } | undefined;
    this.#fetch = transport?.[FAST_PATH] ? options.fetch : readingFetch(options.fetch, this.maxResponseBytes);
    this.#hooks = options.hooks ?? {};
    // Users' hooks see the request and response as fetch made them: no fast path with hooks.
    const hooks = Object.values(this.#hooks).some((list) => Array.isArray(list) && list.length > 0);
    this.#fastPath = !hooks && (options.fetch as { [FAST_PATH]?: boolean } | undefined)?.[FAST_PATH] === true;
    // Only a client that logs attempts or retries pays for the wrapper.
    if (this.log.level >= 3) this.#fetch = loggingFetch(this.#fetch, this.log);
  }

  // ky is loaded with the first request: at import it builds a Request to probe for stream
  // support, which makes Node load its fetch implementation (tens of milliseconds).
  async #client(): Promise<KyInstance> {
    if (this.#ky) return this.#ky;
    kyModule ??= import('ky');
    const { default: ky } = await kyModule;
    const userHooks = this.#hooks;
    this.#ky ??= ky.create({
      throwHttpErrors: true,
      timeout: this.timeout,
      retry: retryConfig(this.maxRetries),
      // A redirect comes back as the 3xx answer (a RedirectError): following it would send the
      // org key to the Location and make its answer the result.
      redirect: 'manual',
      ...(this.#fetch ? { fetch: this.#fetch } : {}),
      hooks: {
        beforeRequest: userHooks.beforeRequest ?? [],
        afterResponse: userHooks.afterResponse ?? [],
        beforeError: userHooks.beforeError ?? [],
        beforeRetry: userHooks.beforeRetry ?? [],
      },
    });
    return this.#ky;
  }

  #rpcId = 0;
  /** The next JSON-RPC id of this client's counter (`x-sdk-rpc` id `counter`): "1", "2", ... */
  nextRpcId(): string {
    this.#rpcId += 1;
    return String(this.#rpcId);
  }

  /** Sends one operation's request; resolves with the parsed JSON of a 2xx, rejects with an AgentTrustError. */
  async send(url: string, config: SendConfig): Promise<WireResponse> {
    const credentials = config.options?.credentials;
    if (!credentials) return this.#send(url, config, undefined);
    try {
      return await this.#send(url, config, credentials);
    } catch (error) {
      // A token revoked or expired before its time: once more with a new one.
      if (!(AgentTrustError.isInstance(error) && error.status === 401)) throw error;
      credentials.invalidate();
      return this.#send(url, config, credentials);
    }
  }

  async #send(
    url: string,
    config: SendConfig,
    credentials: RequestCredentials | undefined,
  ): Promise<WireResponse> {
    const options = config.options ?? {};
    checkRequestOptions(options);
    const method = config.method;
    const path = url.split('?')[0]!;
    // Before anything is sent: an operation that needs the key cannot succeed without one.
    if (config.auth !== false && !config.keyOptional && !this.#apiKey)
      throw new ConfigurationError(NO_API_KEY, 'api_key');
    const headers = { ...this.#defaultHeaders };
    addHeaders(headers, config.headers);
    addHeaders(headers, options.headers);
    // The gateway reads the organization key from X-API-Key only (never Authorization).
    if (config.auth !== false && this.#apiKey) headers['x-api-key'] = this.#apiKey;
    if (method === 'POST') headers['idempotency-key'] = options.idempotencyKey ?? newIdempotencyKey();
    const timeout = options.timeout ?? this.timeout;

    const client = this.#ky ?? (await this.#client());
    const base = (config.service && this.services[config.service]) || this.baseUrl;
    // A DPoP proof binds the URL addressed (no query) and is single-use: each attempt gets its own.
    const credentialHeaders = credentials
      ? async (request?: Request) => {
          const fresh = await credentials.headers(method, base + path);
          addHeaders(headers, fresh);
          if (request) for (const name in fresh) request.headers.set(name, fresh[name]!);
        }
      : undefined;
    await credentialHeaders?.();
    let response: Response;
    try {
      response = await client(base + url, {
        method,
        // ky hands options it does not know (rawHeaders, rawBody) to fetch as they are (fast-path.ts).
        ...(this.#fastPath
          ? { rawHeaders: headers, body: null, rawBody: config.body ?? null }
          : { headers, body: config.body ?? null }),
        // The Node transport stops reading there; other fetches are read with the same cap below.
        maxResponseBytes: this.maxResponseBytes,
        ...(this.log.level >= 3
          ? { agenttrustTrace: { attempt: 0, ended: 0, outcome: '' } satisfies Trace }
          : {}),
        signal: options.signal,
        // Only overrides: ky merges each per-call option into the defaults.
        ...(options.timeout === undefined ? {} : { timeout }),
        ...(options.maxRetries === undefined ? {} : { retry: { limit: options.maxRetries } }),
        ...(credentialHeaders
          ? { hooks: { beforeRetry: [({ request }: { request: Request }) => credentialHeaders(request)] } }
          : {}),
      } as unknown as Options);
    } catch (error) {
      throw await this.#failure(error, method, path, timeout, options.signal);
    }

    const requestId = this.#requestId(response);
    if (response.status === 204) return { status: 204, requestId, data: undefined, response };
    let text: string;
    try {
      // The transport (or readingFetch) read it already, unless a user's hook replaced the response.
      const raw = (response as MarkedResponse)[RAW_TEXT];
      text = typeof raw === 'string' ? raw : await readCapped(response, this.maxResponseBytes);
    } catch (error) {
      throw await this.#failure(error, method, path, timeout, options.signal);
    }
    try {
      return { status: response.status, requestId, data: JSON.parse(text), response };
    } catch {
      throw new AgentTrustError('INVALID_RESPONSE', `${method} ${path}: the gateway's answer is not JSON`, {
        status: response.status,
        requestId,
      });
    }
  }

  #requestId(response: Response): string | undefined {
    if (this.#fastPath) return (response as MarkedResponse)[RAW_REQUEST_ID];
    return response.headers.get('x-request-id') ?? undefined;
  }

  async #failure(
    error: unknown,
    method: string,
    path: string,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const { HTTPError, TimeoutError: KyTimeoutError } = await kyModule!;
    if (error instanceof HTTPError) {
      const { response } = error;
      if (isRedirect(response)) return redirectError(response, error.request.url, method, path);
      let body: unknown;
      try {
        const raw = (response as MarkedResponse)[RAW_TEXT];
        body = JSON.parse(typeof raw === 'string' ? raw : await readCapped(response, this.maxResponseBytes));
      } catch {
        body = undefined;
      }
      return errorFromResponse(response.status, body, this.#requestId(response));
    }
    if (error instanceof ResponseTooLargeError) {
      // The gateway did answer, with something this SDK will not read: an invalid answer, not a
      // network failure (and not retried).
      return new AgentTrustError(
        'INVALID_RESPONSE',
        `${method} ${path}: the gateway's answer exceeds maxResponseBytes (${error.limit} bytes)`,
        { ...(error.status ? { status: error.status } : {}), details: { maxResponseBytes: error.limit } },
      );
    }
    // The caller's own abort is not a gateway failure: reject with the reason they gave, as fetch does.
    if (signal?.aborted) return signal.reason;
    if (error instanceof KyTimeoutError) {
      return new TimeoutError('TIMEOUT', `${method} ${path} timed out after ${timeout} ms`);
    }
    if (error instanceof AgentTrustError) return error;
    const reason = error instanceof Error ? describeNetworkError(error) : String(error);
    return new NetworkError('NETWORK_ERROR', `${method} ${path} failed: ${reason}`, { cause: error });
  }
}

/** A 3xx answer, or what a browser's fetch gives for one with `redirect: 'manual'` (status 0). */
function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
}

function redirectError(response: Response, requestUrl: string, method: string, path: string): RedirectError {
  void response.body?.cancel().catch(() => undefined);
  let host: string | undefined;
  const location = response.headers.get('location');
  if (location) {
    try {
      host = new URL(location, requestUrl).host || undefined;
    } catch {
      host = undefined;
    }
  }
  const where = host ? `Location host ${JSON.stringify(host)}` : 'no Location';
  return new RedirectError(
    safeMessage(
      `${method} ${path}: the gateway answered with a redirect (HTTP ${response.status}, ${where}), which is not followed`,
    ),
    host,
    {
      ...(response.status ? { status: response.status } : {}),
      requestId: response.headers.get('x-request-id') ?? undefined,
    },
  );
}

/**
 * Wraps the fetch ky calls once per attempt: `debug` logs each attempt (method, path and query,
 * status or failure, elapsed ms, attempt number, request id), `info` each retry (the reason and
 * the wait). Never a header or a body. Keeps the fast-path mark of the fetch it wraps.
 */
function loggingFetch(inner: typeof globalThis.fetch | undefined, log: Log): typeof globalThis.fetch {
  const wrapped = (async (input: RequestInfo | URL, init?: RequestInit & { agenttrustTrace?: Trace }) => {
    const trace = init?.agenttrustTrace;
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = input instanceof Request ? input.method : (init?.method ?? 'GET');
    const target = `${method} ${url.pathname}${url.search}`;
    const attempt = trace ? ++trace.attempt : 1;
    const started = Date.now();
    if (trace && attempt > 1)
      log.info(
        `retry ${attempt - 1} of ${target} after ${trace.outcome}, waited ${started - trace.ended} ms`,
      );
    const done = (outcome: string, line: string) => {
      if (trace) Object.assign(trace, { ended: Date.now(), outcome });
      log.debug(`${target} -> ${line} in ${Date.now() - started} ms (attempt ${attempt})`);
    };
    try {
      const response = await (inner ?? globalThis.fetch)(input, init);
      const requestId =
        (response as MarkedResponse)[RAW_REQUEST_ID] ?? response.headers.get('x-request-id') ?? undefined;
      done(
        `HTTP ${response.status}`,
        `${response.status}${requestId ? ` request id ${JSON.stringify(safeMessage(requestId))}` : ''}`,
      );
      return response;
    } catch (error) {
      const name = error instanceof Error ? describeNetworkError(error) : 'an error';
      done(`a network error (${name})`, `failed: ${name}`);
      throw error;
    }
  }) as typeof globalThis.fetch & { [FAST_PATH]?: boolean };
  if ((inner as { [FAST_PATH]?: boolean } | undefined)?.[FAST_PATH]) wrapped[FAST_PATH] = true;
  return wrapped;
}

/**
 * Wraps a fetch (the platform's by default, looked up per call) so that it resolves only once
 * the body is read, capped at `limit` bytes: ky's timeout and the caller's signal then bound the
 * whole attempt, and a body that drips forever is a TIMEOUT, not a hang. The text rides on the
 * Response under RAW_TEXT; the Response keeps its body for users' hooks. A redirect is returned
 * unread.
 */
function readingFetch(inner: typeof globalThis.fetch | undefined, limit: number): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await (inner ?? globalThis.fetch)(input, init);
    if (isRedirect(response)) return response;
    const signal = input instanceof Request ? input.signal : init?.signal;
    const text = await readCapped(response, limit, signal ?? undefined);
    const nullBody = response.status === 101 || response.status === 204 || response.status === 205;
    const read: MarkedResponse = new Response(nullBody ? null : text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    read[RAW_TEXT] = text;
    return read;
  };
}

/**
 * The body as text, reading no more than `limit` bytes: a declared Content-Length over it is
 * refused before reading, a stream is cancelled as soon as it passes it, or when `signal` aborts
 * (not every fetch ends a body's stream on abort).
 */
async function readCapped(response: Response, limit: number, signal?: AbortSignal): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    void response.body?.cancel().catch(() => undefined);
    throw new ResponseTooLargeError(limit, response.status);
  }
  if (!response.body) return response.text();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const onAbort = () => void reader.cancel(signal?.reason).catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        void reader.cancel().catch(() => undefined);
        throw new ResponseTooLargeError(limit, response.status);
      }
      chunks.push(value);
    }
    // A cancelled read ends like a finished one: a cut-off body must not pass for the answer.
    signal?.throwIfAborted();
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

/** The same rules as the client's options, for the per-call overrides. */
export function checkRequestOptions(options: RequestOptions): void {
  const { timeout, maxRetries } = options;
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0 && Number.isFinite(timeout))) {
    throw new ConfigurationError('timeout must be a positive number of milliseconds', 'timeout');
  }
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= 0)) {
    throw new ConfigurationError('maxRetries must be a non-negative integer', 'maxRetries');
  }
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// What both fetch and node:http accept in a value: tab, visible ASCII and Latin-1.
const BAD_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Copies headers into `into` under lowercase names, so a later source wins whatever the case
 * (fetch's Headers would join two spellings into one value); an undefined value is skipped.
 */
function addHeaders(into: Record<string, string>, from: Record<string, string> | undefined): void {
  if (!from) return;
  for (const name in from) {
    const value = from[name];
    if (value === undefined) continue;
    if (!HEADER_NAME.test(name) || typeof value !== 'string' || BAD_HEADER_VALUE.test(value)) {
      throw new ValidationError(
        'VALIDATION_ERROR',
        `header ${JSON.stringify(name)} is not a valid HTTP header name with a string value (no line breaks)`,
        { details: { field: 'headers', header: name } },
      );
    }
    into[name.toLowerCase()] = value;
  }
}

function describeNetworkError(error: Error): string {
  // undici's "fetch failed" hides the useful part (ECONNREFUSED, ECONNRESET) in `cause`.
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return `${error.message} (${cause.code})`;
  return error.message;
}
