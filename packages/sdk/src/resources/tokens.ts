import type { HttpCore, RequestOptions } from '../core/http.js';
import { toWire } from '../core/keys.js';
import { APIResource } from '../core/resource.js';
import type {
  IntrospectionResult,
  IntrospectTokenRequest,
  IssueTokenRequest,
  Token,
} from '../generated/models.js';
import * as api from '../generated/operations.js';
import { operations } from '../generated/wire.js';

const { issueToken, introspectToken, revokeToken } = operations;

export interface TokenCacheOptions {
  /** Most tokens kept; the least recently used goes first (default 256). */
  maxEntries?: number;
  /** A token is replaced this long before it expires (default 30 s, at most a tenth of its lifetime). */
  refreshBeforeExpiryMs?: number;
  /** The clock, in epoch milliseconds (default `Date.now`). */
  now?: () => number;
}

export interface IssueTokenOptions extends RequestOptions {
  /** `false` skips the cache for this call: always a new token, not stored. */
  cache?: boolean;
}

interface Entry {
  token: Token;
  agentId: string;
  /** Local time after which a new token is issued instead. */
  refreshAt: number;
}

/** Bounded LRU of issued tokens with single-flight refresh: one request per key however many callers wait. */
class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<Token>>();
  readonly #max: number;
  readonly #margin: number;
  readonly #now: () => number;

  constructor(options: TokenCacheOptions) {
    this.#max = Math.max(1, options.maxEntries ?? 256);
    this.#margin = options.refreshBeforeExpiryMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  get(key: string, agentId: string, issue: () => Promise<Token>): Promise<Token> {
    const entry = this.#entries.get(key);
    if (entry && this.#now() < entry.refreshAt) {
      this.#entries.delete(key);
      this.#entries.set(key, entry); // most recently used last
      return Promise.resolve({ ...entry.token });
    }
    let pending = this.#inflight.get(key);
    if (!pending) {
      const issuedAt = this.#now();
      pending = issue()
        .then((token) => {
          this.#store(key, agentId, token, issuedAt);
          return token;
        })
        .finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    return pending.then((token) => ({ ...token }));
  }

  #store(key: string, agentId: string, token: Token, issuedAt: number): void {
    // Lifetime from the gateway's own two timestamps, so clock skew between us does not matter.
    const lifetime = Date.parse(token.expiresAt) - Date.parse(token.issuedAt);
    if (!(lifetime > 0)) return;
    const refreshAt = issuedAt + lifetime - Math.min(this.#margin, lifetime / 10);
    this.#entries.delete(key);
    this.#entries.set(key, { token, agentId, refreshAt });
    while (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
  }

  forget(match: (entry: Entry) => boolean): void {
    for (const [key, entry] of this.#entries) if (match(entry)) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}

function cacheKey(params: IssueTokenRequest): string {
  const sorted = (list: string[] | undefined) => [...new Set(list ?? [])].sort();
  return JSON.stringify([params.agentId, sorted(params.scopes), sorted(params.audience)]);
}

function withSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export class Tokens extends APIResource {
  readonly #cache: TokenCache | undefined;

  constructor(core: HttpCore, cache: boolean | TokenCacheOptions | undefined) {
    super(core);
    this.#cache =
      cache === false ? undefined : new TokenCache(cache === true || cache === undefined ? {} : cache);
  }

  /**
   * Issues a short-lived capability token. Cached by default: an unexpired token for the same
   * agent, scopes and audience is reused, and replaced shortly before it expires.
   */
  issue(params: IssueTokenRequest, options?: IssueTokenOptions): Promise<Token> {
    const send = (o: RequestOptions | undefined) =>
      this._call<Token>(issueToken, o, (c) => api.issueToken(toWire(params, issueToken.body), c));
    if (!this.#cache || options?.cache === false) return send(options);
    // The shared request is not tied to one caller's signal; each caller can still abort its own wait.
    const shared = options ? { ...options, signal: undefined } : undefined;
    return withSignal(
      this.#cache.get(cacheKey(params), params.agentId, () => send(shared)),
      options?.signal,
    );
  }

  /** Asks whether a token is active (optionally for a target and required scopes). */
  introspect(params: IntrospectTokenRequest, options?: RequestOptions): Promise<IntrospectionResult> {
    return this._call(introspectToken, options, (c) =>
      api.introspectToken(toWire(params, introspectToken.body), c),
    );
  }

  /** Revokes a token; it is also dropped from the cache. */
  async revoke(token: string, options?: RequestOptions): Promise<void> {
    this.#cache?.forget((entry) => entry.token.token === token);
    await this._call<void>(revokeToken, options, (c) =>
      api.revokeToken(toWire({ token }, revokeToken.body), c),
    );
  }

  /** @internal */
  _forgetAgent(agentId: string): void {
    this.#cache?.forget((entry) => entry.agentId === agentId);
  }

  /** @internal Number of cached tokens (for tests). */
  get _cacheSize(): number {
    return this.#cache?.size ?? 0;
  }
}
