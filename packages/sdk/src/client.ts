import type { Hooks } from 'ky';
import { ValidationError } from './core/errors.js';
import { checkRequestOptions, HttpCore } from './core/http.js';
import type { Logger, LogLevel } from './core/log.js';
import { defaultFetch } from './core/transport.js';
import { A2a } from './resources/a2a.js';
import { Actions } from './resources/actions.js';
import { AgentCards } from './resources/agent-cards.js';
import { Agents } from './resources/agents.js';
import { Approvals } from './resources/approvals.js';
import { Delegations } from './resources/delegations.js';
import { Federation } from './resources/federation.js';
import { Mcp } from './resources/mcp.js';
import { Sessions } from './resources/sessions.js';
import { Streaming } from './resources/streaming.js';
import { Telemetry } from './resources/telemetry.js';
import { type TokenCacheOptions, Tokens } from './resources/tokens.js';

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

const DEFAULT_BASE_URL = 'http://localhost:8080';
const DEFAULT_TIMEOUT = 30_000;
const DEFAULT_MAX_RETRIES = 2;

function env(name: string): string | undefined {
  // `process` is absent in browsers and some edge runtimes.
  const value = typeof process === 'undefined' ? undefined : process.env?.[name];
  return value === '' ? undefined : value;
}

/** The AgentTrust ID client: one property per resource of the gateway. */
export class AgentTrustClient {
  readonly agents: Agents;
  readonly tokens: Tokens;
  readonly actions: Actions;
  readonly telemetry: Telemetry;
  readonly sessions: Sessions;
  readonly approvals: Approvals;
  readonly mcp: Mcp;
  readonly agentCards: AgentCards;
  readonly a2a: A2a;
  readonly delegations: Delegations;
  readonly federation: Federation;
  readonly streaming: Streaming;
  readonly #options: ClientOptions;
  readonly #core: HttpCore;

  constructor(options: ClientOptions = {}) {
    const baseUrl =
      options.baseUrl ?? env('AGENTTRUST_URL') ?? env('AGENTTRUST_BASE_URL') ?? DEFAULT_BASE_URL;
    const timeout = options.timeout ?? DEFAULT_TIMEOUT;
    const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    checkUrl(baseUrl);
    checkRequestOptions({ timeout, maxRetries });
    this.#options = options;
    const core = new HttpCore({
      baseUrl,
      apiKey: options.apiKey ?? env('AGENTTRUST_API_KEY'),
      timeout,
      maxRetries,
      fetch: options.fetch ?? defaultFetch(),
      defaultHeaders: options.defaultHeaders,
      hooks: options.hooks,
      logger: options.logger,
      logLevel: options.logLevel,
    });
    this.#core = core;
    this.agents = new Agents(core);
    this.tokens = new Tokens(core, options.tokenCache);
    this.actions = new Actions(core);
    this.telemetry = new Telemetry(core);
    this.sessions = new Sessions(core);
    this.approvals = new Approvals(core);
    this.mcp = new Mcp(core);
    this.agentCards = new AgentCards(core);
    this.a2a = new A2a(core);
    this.delegations = new Delegations(core);
    this.federation = new Federation(core);
    this.streaming = new Streaming(core);
    // Revoking or suspending an agent must not leave its cached tokens in use.
    this.agents._onStatusChange = (agentId) => this.tokens._forgetAgent(agentId);
  }

  /** A client configured from `AGENTTRUST_URL` (or `AGENTTRUST_BASE_URL`) and `AGENTTRUST_API_KEY`. */
  static fromEnv(overrides: Omit<ClientOptions, 'baseUrl' | 'apiKey'> = {}): AgentTrustClient {
    return new AgentTrustClient({
      ...overrides,
      baseUrl: env('AGENTTRUST_URL') ?? env('AGENTTRUST_BASE_URL'),
      apiKey: env('AGENTTRUST_API_KEY'),
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
