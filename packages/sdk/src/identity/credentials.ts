// An agent's credentials for action checks: a WIMSE token bound to its key, issued with a proof
// of possession, cached and renewed before it expires (one renewal at a time however many checks
// wait), and a fresh DPoP proof per request.
import type { RequestCredentials } from '../core/http.js';
import { IDENTITY } from '../generated/facts.js';
import { mintDPoPProof } from './dpop.js';
import type { AgentKeyPair } from './key-pair.js';
import type { KeyStore } from './key-store.js';
import { type IdentityClient, issueTokenWithProof, requireKeyPair } from './pop.js';

export interface AgentCredentialsOptions {
  /** The token's audience. */
  audience?: string[] | undefined;
  /** The token's lifetime in seconds (default: the gateway's). */
  ttlSeconds?: number | undefined;
  /** Where the agent's key is (default: the client's key store). */
  keyStore?: KeyStore | undefined;
  /** Milliseconds clock for the renewal decision; injectable for tests. Default `Date.now`. */
  clock?: (() => number) | undefined;
}

interface Held {
  token: string;
  expiresAt: number;
}

export class AgentCredentials implements RequestCredentials {
  readonly agentId: string;
  readonly #client: IdentityClient;
  readonly #options: AgentCredentialsOptions;
  readonly #clock: () => number;
  #held: Held | undefined;
  #renewal: Promise<Held> | undefined;
  #keyPair: Promise<AgentKeyPair> | undefined;

  constructor(client: IdentityClient, agentId: string, options: AgentCredentialsOptions = {}) {
    this.#client = client;
    this.agentId = agentId;
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
  }

  /** The WIMSE token, renewed when less than a minute (spec facts) of it is left. */
  async token(): Promise<string> {
    const held = this.#held;
    if (held && held.expiresAt - this.#clock() > IDENTITY.refreshBeforeMs) return held.token;
    this.#renewal ??= this.#renew().finally(() => {
      this.#renewal = undefined;
    });
    return (await this.#renewal).token;
  }

  /** `Authorization: Bearer <token>` and `DPoP: <proof>` for one request. */
  async headers(method: string, url: string): Promise<{ authorization: string; dpop: string }> {
    const token = await this.token();
    const proof = await mintDPoPProof(await this.#pair(), method, url, token);
    return { authorization: `Bearer ${token}`, dpop: proof };
  }

  /** Forgets the token: the next request gets a new one. */
  invalidate(): void {
    this.#held = undefined;
  }

  toJSON(): { agentId: string; token: string | null } {
    return { agentId: this.agentId, token: this.#held ? '[redacted]' : null };
  }

  toString(): string {
    return `AgentCredentials(${this.agentId})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `AgentCredentials { agentId: ${JSON.stringify(this.agentId)}, token: ${this.#held ? '[redacted]' : 'none'} }`;
  }

  #pair(): Promise<AgentKeyPair> {
    // Read once: a file or keychain store is not read again on every check. A failed read is retried.
    this.#keyPair ??= requireKeyPair(this.#store(), this.agentId).catch((error) => {
      this.#keyPair = undefined;
      throw error;
    });
    return this.#keyPair;
  }

  #store(): KeyStore {
    return this.#options.keyStore ?? this.#client.keyStore;
  }

  async #renew(): Promise<Held> {
    const { audience, ttlSeconds } = this.#options;
    const issued = await issueTokenWithProof(this.#client, this.agentId, {
      audience,
      ttlSeconds,
      keyStore: this.#store(),
    });
    const at = Date.parse(issued.expiresAt);
    // An expiry the SDK cannot read counts as a short one (spec facts), so it is renewed soon.
    const held = {
      token: issued.token,
      expiresAt: Number.isFinite(at) ? at : this.#clock() + IDENTITY.fallbackTtlMs,
    };
    this.#held = held;
    return held;
  }
}
