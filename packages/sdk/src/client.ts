import type { Hooks } from 'ky';
import { ValidationError } from './core/errors.js';
import { checkRequestOptions, HttpCore } from './core/http.js';
import type { Logger, LogLevel } from './core/log.js';
import { TokenCache, type TokenCacheOptions } from './core/token-cache.js';
import { defaultFetch } from './core/transport.js';
import { Resources } from './generated/client.js';
import { DEFAULTS } from './generated/facts.js';

export interface ClientOptions {
  /** The gateway's URL. Default: `AGENTTRUST_URL` or `AGENTTRUST_BASE_URL`, else `http://localhost:8080`. */
  baseUrl?: string | undefined;
  /** The organization API key (`sk_live_...`). Default: `AGENTTRUST_API_KEY`. */
  apiKey?: string | undefined;
  /** Milliseconds per attempt before a call fails with TIMEOUT (default 30000). */
  timeout?: number | undefined;
  /** Retries after the first attempt on network errors, 408, 429 and 5xx (default 2). */
  maxRetries?: number | undefined;
  /** A fetch implementation (default: a keep-alive `node:http` transport on Node, `globalThis.fetch` elsewhere). */
  fetch?: typeof globalThis.fetch | undefined;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string> | undefined;
  /** ky hooks for your own middleware (beforeRequest, afterResponse, beforeRetry, beforeError). */
  hooks?: Hooks | undefined;
  /** Where log lines go (default: console). Lines never contain headers, bodies, keys or tokens. */
  logger?: Logger | undefined;
  /** Default 'warn'; 'info' adds a line per retry, 'debug' one per request. */
  logLevel?: LogLevel | undefined;
  /** The capability token cache of `tokens.issue` (default on); `false` turns it off. */
  tokenCache?: boolean | TokenCacheOptions | undefined;
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
  }

  /** A client configured from `AGENTTRUST_URL` (or `AGENTTRUST_BASE_URL`) and `AGENTTRUST_API_KEY`. */
  static fromEnv(overrides: Omit<ClientOptions, 'baseUrl' | 'apiKey'> = {}): AgentTrustClient {
    return new AgentTrustClient({
      ...overrides,
      baseUrl: firstEnv(DEFAULTS.env.baseUrl),
      apiKey: firstEnv(DEFAULTS.env.apiKey),
    });
  }

  /** A new client with these options changed (it has its own token cache). */
  withOptions(options: ClientOptions): AgentTrustClient {
    return new AgentTrustClient({ ...this.#options, baseUrl: this.baseUrl, ...options });
  }

  get baseUrl(): string {
    return this.#core.baseUrl;
  }

  // Neither form shows the API key or a cached token.
  toJSON(): { baseUrl: string; timeout: number; maxRetries: number } {
    return { baseUrl: this.baseUrl, timeout: this.#core.timeout, maxRetries: this.#core.maxRetries };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `AgentTrustClient { baseUrl: ${JSON.stringify(this.baseUrl)} }`;
  }
}

function coreFor(options: ClientOptions): HttpCore {
  const baseUrl = options.baseUrl ?? firstEnv(DEFAULTS.env.baseUrl) ?? DEFAULTS.baseUrl;
  const timeout = options.timeout ?? DEFAULTS.timeoutMs;
  const maxRetries = options.maxRetries ?? DEFAULTS.maxRetries;
  checkUrl(baseUrl);
  checkRequestOptions({ timeout, maxRetries });
  return new HttpCore({
    baseUrl,
    apiKey: options.apiKey ?? firstEnv(DEFAULTS.env.apiKey),
    timeout,
    maxRetries,
    fetch: options.fetch ?? defaultFetch(),
    defaultHeaders: options.defaultHeaders,
    hooks: options.hooks,
    logger: options.logger,
    logLevel: options.logLevel,
  });
}

function checkUrl(baseUrl: string): void {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ValidationError('VALIDATION_ERROR', 'baseUrl must be an absolute http(s) URL', {
      details: { field: 'baseUrl' },
    });
  }
}
