// The client-side cache the spec's `x-sdk-cache` rules describe (see generated/operations.ts
// `CacheRule`): an operation with a `store` rule reuses an unexpired answer for the same key,
// one with an `evict` rule drops the answers it makes stale (a revoked token, a revoked agent's
// tokens). Nothing here names an operation or a field: the rules do.
import type { CacheRule } from '../generated/operations.js';

export interface TokenCacheOptions {
  /** Most tokens kept; the least recently used goes first (default 256). */
  maxEntries?: number;
  /** A token is replaced this long before it expires (default 30 s, at most a tenth of its lifetime). */
  refreshBeforeExpiryMs?: number;
  /** The clock, in epoch milliseconds (default `Date.now`). */
  now?: () => number;
}

type Fields = Record<string, unknown>;

/** An answer with what came with it (the response and request id of the request that fetched it). */
export interface CachedAnswer<T> {
  data: T;
}
type StoreRule = NonNullable<CacheRule['store']>;

interface Entry {
  /** The key params' values, by SDK name. */
  request: Fields;
  /** The cached answer (SDK names). */
  answer: Fields;
  /** The answer as `fetch` gave it, with what came with it: handed out with a copy of `answer` as `data`. */
  raw: CachedAnswer<unknown>;
  /** Local time after which a new answer is fetched instead. */
  refreshAt: number;
}

/** Bounded LRU with single-flight refresh: one request per key however many callers wait. */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<CachedAnswer<Fields>>>();
  readonly #max: number;
  readonly #margin: number;
  readonly #now: () => number;

  constructor(options: TokenCacheOptions = {}) {
    this.#max = Math.max(1, options.maxEntries ?? 256);
    this.#margin = options.refreshBeforeExpiryMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The cached answer for `request` under `rule`, or the one `fetch` gets (stored if it can
   * expire); `data` is a copy each time, the rest of what `fetch` gave is handed out as it was.
   */
  get<R extends CachedAnswer<unknown>>(
    rule: StoreRule,
    request: Fields,
    fetch: () => Promise<R>,
  ): Promise<R> {
    const key = JSON.stringify(
      rule.key.map((name) => {
        const value = request[name];
        // Arrays are sets: order and repeats do not make another key.
        return Array.isArray(value) ? [...new Set(value)].sort() : (value ?? null);
      }),
    );
    const entry = this.#entries.get(key);
    if (entry && this.#now() < entry.refreshAt) {
      this.#entries.delete(key);
      this.#entries.set(key, entry); // most recently used last
      return Promise.resolve({ ...entry.raw, data: { ...entry.answer } } as R);
    }
    let pending = this.#inflight.get(key);
    if (!pending) {
      const requestedAt = this.#now();
      pending = (fetch() as unknown as Promise<CachedAnswer<Fields>>)
        .then((raw) => {
          this.#store(rule, key, request, raw, requestedAt);
          return raw;
        })
        .finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    return pending.then((raw) => ({ ...raw, data: { ...raw.data } }) as R);
  }

  #store(
    rule: StoreRule,
    key: string,
    request: Fields,
    raw: CachedAnswer<Fields>,
    requestedAt: number,
  ): void {
    const answer = raw.data;
    // The lifetime from the gateway's own two timestamps when the rule names both, so clock skew
    // between us does not matter; else from our clock.
    const expires = Date.parse(String(answer[rule.expiresAt]));
    const lifetime = rule.issuedAt
      ? expires - Date.parse(String(answer[rule.issuedAt]))
      : expires - requestedAt;
    if (!(lifetime > 0)) return;
    const refreshAt = requestedAt + lifetime - Math.min(this.#margin, lifetime / 10);
    const kept: Fields = {};
    for (const name of rule.key) kept[name] = request[name];
    this.#entries.delete(key);
    this.#entries.set(key, { request: kept, answer, raw, refreshAt });
    while (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
  }

  /** Drops every entry whose `field` (in its answer, else its key) equals `value`. */
  evict(field: string, value: unknown): void {
    if (value === undefined) return;
    for (const [key, entry] of this.#entries) {
      const own = field in entry.answer ? entry.answer[field] : entry.request[field];
      if (own === value) this.#entries.delete(key);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
