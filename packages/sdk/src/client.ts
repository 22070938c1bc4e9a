import type { Hooks } from 'ky';
import { ConfigurationError } from './core/errors.js';
import { checkRequestOptions, HttpCore } from './core/http.js';
import { type Log, type Logger, type LogLevel, makeLog } from './core/log.js';
import { TokenCache, type TokenCacheOptions } from './core/token-cache.js';
import { defaultFetch } from './core/transport.js';
import { Resources } from './generated/client.js';
import { DEFAULTS } from './generated/facts.js';
import { type KeyStore, MemoryKeyStore } from './identity/key-store.js';
import { KeyedAgents } from './identity/resources.js';

export interface ClientOptions {
  /** The gateway's URL. Default: `AGENTTRUST_URL` or `AGENTTRUST_BASE_URL`, else `http://localhost:8080`. */
  baseUrl?: string | undefined;
  /**
   * The auth service's URL in a split deployment (token issue, introspect and revoke, action
   * checks). Default: `AGENTTRUST_AUTH_URL`, else `baseUrl` with `:8081` made `:8082`, else `baseUrl`.
   */
  authUrl?: string | undefined;
  /** The audit service's URL (telemetry). Default: `AGENTTRUST_AUDIT_URL`, else `baseUrl` with `:8081` made `:8084`, else `baseUrl`. */
  auditUrl?: string | undefined;
  /**
   * The organization API key (`sk_live_...`), sent as `X-API-Key`. Default: `AGENTTRUST_API_KEY`,
   * else none: public operations (`health`, `agentCards.getPublic`) work without one, and any
   * other rejects with a `ConfigurationError` before sending. An empty string is a
   * `ConfigurationError` here.
   */
  apiKey?: string | undefined;
  /**
   * `false` accepts any TLS certificate (a local gateway with a self-signed one) and logs a
   * warning; never in production. Applies to the Node transport; with your own `fetch`,
   * configure TLS there. Default true.
   */
  verifyTls?: boolean | undefined;
  /** Milliseconds per attempt before a call fails with TIMEOUT (default 30000). */
  timeout?: number | undefined;
  /** Retries after the first attempt on network errors, 408, 429 and 5xx (default 2). */
  maxRetries?: number | undefined;
  /**
   * The most bytes of an answer's body the client reads (default 32 MiB, as the Go SDK); a
   * larger answer fails with INVALID_RESPONSE and is not retried.
   */
  maxResponseBytes?: number | undefined;
  /** A fetch implementation (default: a keep-alive `node:http` transport on Node, `globalThis.fetch` elsewhere). */
  fetch?: typeof globalThis.fetch | undefined;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string> | undefined;
  /** ky hooks for your own middleware (beforeRequest, afterResponse, beforeRetry, beforeError). */
  hooks?: Hooks | undefined;
  /**
   * Where log lines go (`debug`/`info`/`warn`/`error` methods, as console, pino or winston have).
   * Default: stderr, when `logLevel` or `AGENTTRUST_LOG` turns logging on. Lines never contain
   * header values, bodies, keys or tokens.
   */
  logger?: Logger | undefined;
  /**
   * `'off' | 'error' | 'warn' | 'info' | 'debug'`. Default: `AGENTTRUST_LOG`, else `'warn'` with
   * a `logger` and `'off'` without. `error`: a call's final failure; `warn`: fail-open decisions,
   * telemetry failures and drops, TLS verification off; `info`: retries and telemetry batches;
   * `debug`: every HTTP attempt.
   */
  logLevel?: LogLevel | undefined;
  /** The capability token cache of `tokens.issue` (default on); `false` turns it off. */
  tokenCache?: boolean | TokenCacheOptions | undefined;
  /**
   * Where `agents.create` keeps the key pairs it makes, and where proofs find them (default: a
   * `MemoryKeyStore`; `FileKeyStore` and `KeychainKeyStore` are in `@agenttrustid/sdk/identity`).
   */
  keyStore?: KeyStore | undefined;
}

function env(name: string): string | undefined {
  // `process` is absent in browsers and some edge runtimes.
  const value = typeof process === 'undefined' ? undefined : process.env?.[name];
  return value === '' ? undefined : value;
}

/** The first of the spec's environment variables that is set. */
function firstEnv(names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env(name);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The AgentTrust ID client: one property per resource of the gateway. */
export class AgentTrustClient extends Resources {
  declare readonly agents: KeyedAgents;
  /** The agents' key pairs (the `keyStore` option). */
  readonly keyStore: KeyStore;
  readonly #options: ClientOptions;
  readonly #core: HttpCore;

  constructor(options: ClientOptions = {}) {
    const core = coreFor(options);
    const cache = options.tokenCache;
    // One cache for every resource, so revoking a token or an agent drops what it made stale.
    super(
      core,
      cache === false ? undefined : new TokenCache(cache === true || cache === undefined ? {} : cache),
    );
    this.#options = options;
    this.#core = core;
    this.keyStore = options.keyStore ?? new MemoryKeyStore();
    // The generated resources with the identity steps added (the same core and token cache).
    (this as { agents: KeyedAgents }).agents = new KeyedAgents(core, this._cache, this.keyStore);
  }

  /**
   * A client configured from `AGENTTRUST_URL` (or `AGENTTRUST_BASE_URL`), `AGENTTRUST_API_KEY`,
   * `AGENTTRUST_AUTH_URL` and `AGENTTRUST_AUDIT_URL` (an empty variable counts as unset).
   * Without `AGENTTRUST_API_KEY` it throws a `ConfigurationError` (VALIDATION_ERROR,
   * `details.field: 'api_key'`) naming the variable.
   */
  static fromEnv(
    overrides: Omit<ClientOptions, 'baseUrl' | 'apiKey' | 'authUrl' | 'auditUrl'> = {},
  ): AgentTrustClient {
    const apiKey = firstEnv(DEFAULTS.env.apiKey);
    if (apiKey === undefined) {
      throw new ConfigurationError(
        `no API key: set ${DEFAULTS.env.apiKey.join(' or ')} (fromEnv reads the key from the environment)`,
        'api_key',
      );
    }
    const urls: Record<string, string | undefined> = {};
    for (const service of DEFAULTS.services) urls[`${service.name}Url`] = firstEnv(service.env);
    return new AgentTrustClient({
      ...overrides,
      ...urls,
      baseUrl: firstEnv(DEFAULTS.env.baseUrl),
      apiKey,
    });
  }

  /**
   * A client from a JSON config file with the keys `base_url`, `auth_url`, `audit_url` and
   * `api_key` (each optional; what the file lacks comes from the environment and the defaults);
   * `overrides` win over the file. Node (and other runtimes with `node:fs`) only.
   */
  static fromConfig(path: string, overrides: ClientOptions = {}): AgentTrustClient {
    return new AgentTrustClient({ ...readConfig(path), ...overrides });
  }

  /**
   * A new client with these options changed (it has its own token cache). A new `baseUrl`
   * derives the service URLs again, unless they were given.
   */
  withOptions(options: ClientOptions): AgentTrustClient {
    const rebased = options.baseUrl !== undefined && options.baseUrl !== this.baseUrl;
    return new AgentTrustClient({
      ...this.#options,
      baseUrl: this.baseUrl,
      ...(rebased ? {} : { authUrl: this.#core.services.auth, auditUrl: this.#core.services.audit }),
      ...options,
    });
  }

  get baseUrl(): string {
    return this.#core.baseUrl;
  }

  /** @internal The client's log: the Guard writes its fail-open and telemetry lines there. */
  get _log(): Log {
    return this.#core.log;
  }

  // Neither form shows the API key or a cached token.
  toJSON(): { baseUrl: string; services: Record<string, string>; timeout: number; maxRetries: number } {
    return {
      baseUrl: this.baseUrl,
      services: { ...this.#core.services },
      timeout: this.#core.timeout,
      maxRetries: this.#core.maxRetries,
    };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `AgentTrustClient { baseUrl: ${JSON.stringify(this.baseUrl)} }`;
  }
}

function coreFor(options: ClientOptions): HttpCore {
  const log = makeLog(options.logger, options.logLevel);
  if (options.apiKey === '') {
    throw new ConfigurationError(
      'apiKey is an empty string: pass the organization key, or leave it out (AGENTTRUST_API_KEY)',
      'api_key',
    );
  }
  const baseUrl = options.baseUrl ?? firstEnv(DEFAULTS.env.baseUrl) ?? DEFAULTS.baseUrl;
  const timeout = options.timeout ?? DEFAULTS.timeoutMs;
  const maxRetries = options.maxRetries ?? DEFAULTS.maxRetries;
  checkUrl(baseUrl, 'baseUrl');
  checkRequestOptions({ timeout, maxRetries });
  const { maxResponseBytes } = options;
  if (maxResponseBytes !== undefined && !(Number.isSafeInteger(maxResponseBytes) && maxResponseBytes > 0)) {
    throw new ConfigurationError('maxResponseBytes must be a positive integer', 'maxResponseBytes');
  }
  const services = serviceUrls(options, baseUrl);
  const verifyTls = options.verifyTls ?? true;
  if (!verifyTls) {
    log.warn('TLS certificate verification is off (verifyTls: false): use this only with a local gateway');
  }
  return new HttpCore({
    baseUrl,
    services,
    apiKey: options.apiKey ?? firstEnv(DEFAULTS.env.apiKey),
    timeout,
    maxRetries,
    maxResponseBytes,
    fetch: options.fetch ?? defaultFetch({ verifyTls }),
    defaultHeaders: options.defaultHeaders,
    hooks: options.hooks,
    log,
  });
}

/**
 * Each split-deployment service's base URL (spec facts): the option (`authUrl`), its environment
 * variable, the gateway's URL with `:8081` made the service's port, or the gateway's URL.
 */
function serviceUrls(options: ClientOptions, baseUrl: string): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const service of DEFAULTS.services) {
    const field = `${service.name}Url`;
    const given = (options as Record<string, unknown>)[field];
    const derive = 'derive' in service ? service.derive : undefined;
    const url =
      (typeof given === 'string' ? given : undefined) ??
      firstEnv(service.env) ??
      (derive && baseUrl.includes(derive.from) ? baseUrl.replace(derive.from, derive.to) : baseUrl);
    checkUrl(url, field);
    urls[service.name] = url;
  }
  return urls;
}

/** The client options a JSON config file gives (spec facts `configFileKeys`, snake_case). */
function readConfig(path: string): ClientOptions {
  const fs = (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule?.('node:fs') as
    | { readFileSync(path: string, encoding: 'utf8'): string }
    | undefined;
  if (!fs) {
    throw new ConfigurationError('fromConfig needs node:fs (Node 20.16 or later)', 'path');
  }
  let config: unknown;
  try {
    config = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(`cannot read the config file ${path}: ${(error as Error).message}`, 'path', {
      cause: error,
    });
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConfigurationError(`the config file ${path} is not a JSON object`, 'path');
  }
  const options: Record<string, string> = {};
  for (const key of DEFAULTS.configFileKeys) {
    const value = (config as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') {
      throw new ConfigurationError(`${key} in ${path} must be a string`, key);
    }
    options[key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = value;
  }
  return options;
}

function checkUrl(value: string, field: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigurationError(`${field} must be an absolute http(s) URL`, field);
  }
}
