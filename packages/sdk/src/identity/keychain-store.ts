// A key store in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service),
// service `agenttrust-id` (spec facts), through the optional peer dependency @napi-rs/keyring:
// loaded on first use, so installing and importing the SDK never needs it.
import { ValidationError } from '../core/errors.js';
import { IDENTITY } from '../generated/facts.js';
import { AgentKeyPair } from './key-pair.js';
import type { KeyStore } from './key-store.js';

/** The part of @napi-rs/keyring the store uses. */
export interface KeyringModule {
  Entry: new (
    service: string,
    account: string,
  ) => {
    getPassword(): string | null | undefined;
    setPassword(password: string): void;
    deletePassword(): boolean | undefined;
  };
}

export interface KeychainKeyStoreOptions {
  /** The keychain service name (default `agenttrust-id`). */
  service?: string | undefined;
  /** The keyring module (default: `await import('@napi-rs/keyring')`). */
  keyring?: KeyringModule | undefined;
}

const PACKAGE = '@napi-rs/keyring';

export class KeychainKeyStore implements KeyStore {
  readonly service: string;
  #keyring: Promise<KeyringModule> | undefined;

  constructor(options: KeychainKeyStoreOptions = {}) {
    this.service = options.service ?? IDENTITY.keychainService;
    if (options.keyring) this.#keyring = Promise.resolve(options.keyring);
  }

  async get(agentId: string): Promise<AgentKeyPair | undefined> {
    const pem = (await this.#entry(agentId)).getPassword();
    return typeof pem === 'string' && pem !== '' ? AgentKeyPair.fromPrivateKeyPem(pem) : undefined;
  }

  async put(agentId: string, keyPair: AgentKeyPair): Promise<void> {
    (await this.#entry(agentId)).setPassword(await keyPair.exportPrivateKeyPem());
  }

  async delete(agentId: string): Promise<void> {
    const entry = await this.#entry(agentId);
    if (entry.getPassword() != null) entry.deletePassword();
  }

  async #entry(agentId: string) {
    if (typeof agentId !== 'string' || agentId === '') {
      throw new ValidationError('VALIDATION_ERROR', 'agentId must be a non-empty string', {
        details: { field: 'agentId' },
      });
    }
    this.#keyring ??= loadKeyring();
    const { Entry } = await this.#keyring.catch((error) => {
      this.#keyring = undefined;
      throw error;
    });
    return new Entry(this.service, agentId);
  }

  toJSON(): { keyStore: string; service: string } {
    return { keyStore: 'keychain', service: this.service };
  }
}

async function loadKeyring(): Promise<KeyringModule> {
  try {
    // A variable specifier: bundlers leave the optional package alone.
    const name = PACKAGE;
    return (await import(/* @vite-ignore */ name)) as KeyringModule;
  } catch (error) {
    throw new ValidationError(
      'VALIDATION_ERROR',
      `KeychainKeyStore needs the optional package ${PACKAGE}: install it (npm install ${PACKAGE}) or use FileKeyStore or MemoryKeyStore`,
      { details: { field: 'keyStore', package: PACKAGE }, cause: error },
    );
  }
}
