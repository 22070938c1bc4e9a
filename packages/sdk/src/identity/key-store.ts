// The key store interface and the in-memory store every client starts with. No crypto here: the
// client imports this module, and the key pair code (jose) loads only when a key is made or read.
import type { AgentKeyPair } from './key-pair.js';

/** Where an agent's key pair lives, by agent id. Every method may be async (a file, the OS keychain). */
export interface KeyStore {
  /** The agent's key pair, or undefined when the store has none. */
  get(agentId: string): Promise<AgentKeyPair | undefined>;
  put(agentId: string, keyPair: AgentKeyPair): Promise<void>;
  /** Forgets the agent's key pair; no error when there is none. */
  delete(agentId: string): Promise<void>;
}

/** Key pairs held in this process only (the client's default): gone when it exits. */
export class MemoryKeyStore implements KeyStore {
  readonly #pairs = new Map<string, AgentKeyPair>();

  async get(agentId: string): Promise<AgentKeyPair | undefined> {
    return this.#pairs.get(agentId);
  }

  async put(agentId: string, keyPair: AgentKeyPair): Promise<void> {
    this.#pairs.set(agentId, keyPair);
  }

  async delete(agentId: string): Promise<void> {
    this.#pairs.delete(agentId);
  }

  toJSON(): { keyStore: string; agents: number } {
    return { keyStore: 'memory', agents: this.#pairs.size };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `MemoryKeyStore { agents: ${this.#pairs.size} }`;
  }
}
