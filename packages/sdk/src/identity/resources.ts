// The client's `agents` with the identity step of `create`. The key pair code is imported when
// first needed: a client that never creates an agent without a public key never loads it.
import { APIPromise, type RawAnswer } from '../core/api-promise.js';
import type { HttpCore, RequestOptions } from '../core/http.js';
import type { TokenCache } from '../core/token-cache.js';
import type { Agent, CreateAgentRequest } from '../generated/models.js';
import { Agents } from '../generated/resources/agents.js';
import type { KeyStore } from './key-store.js';

export class KeyedAgents extends Agents {
  readonly #keyStore: KeyStore;

  constructor(core: HttpCore, cache: TokenCache | undefined, keyStore: KeyStore) {
    super(core, cache);
    this.#keyStore = keyStore;
  }

  /**
   * #2. Without `publicKey`, an Ed25519 key pair is made here: only its public half is sent, and
   * the pair goes to the client's key store under the new agent's id.
   */
  override create(params: CreateAgentRequest, options?: RequestOptions): APIPromise<Agent> {
    if (typeof params !== 'object' || params === null || params.publicKey != null)
      return super.create(params, options);
    return new APIPromise(this.#createWithKey(params, options));
  }

  async #createWithKey(params: CreateAgentRequest, options?: RequestOptions): Promise<RawAnswer<Agent>> {
    const { AgentKeyPair } = await import('./key-pair.js');
    const pair = await AgentKeyPair.generate();
    const answer = await super.create({ ...params, publicKey: pair.publicKeyPem }, options).withResponse();
    await this.#keyStore.put(answer.data.id, pair);
    return answer;
  }
}
