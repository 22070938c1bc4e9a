// Key stores: the file store's permissions, atomic writes and file-name rules; the keychain
// store's service and calls, through a stand-in for @napi-rs/keyring (no OS keychain in CI).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AgentKeyPair,
  FileKeyStore,
  KeychainKeyStore,
  type KeyringModule,
} from '../../src/identity/index.js';
import { ValidationError } from '../../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agenttrust-keys-'));
  dirs.push(dir);
  return dir;
}

describe('FileKeyStore', () => {
  it('keeps one PKCS#8 PEM per agent, file 0600 in a 0700 directory, and reads it back', async () => {
    const dir = join(tempDir(), 'keys');
    const store = new FileKeyStore(dir);
    const pair = await AgentKeyPair.generate();
    await store.put('agt_1', pair);
    const file = join(dir, 'agt_1.pem');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toBe(await pair.exportPrivateKeyPem());
    expect(readdirSync(dir)).toEqual(['agt_1.pem']);
    expect((await store.get('agt_1'))?.publicKeyPem).toBe(pair.publicKeyPem);
    expect(await store.get('agt_2')).toBeUndefined();
    await store.delete('agt_1');
    await store.delete('agt_1');
    expect(await store.get('agt_1')).toBeUndefined();
    expect(JSON.stringify(store)).toBe(JSON.stringify({ keyStore: 'file', dir }));
  });

  it('replaces a key whole', async () => {
    const store = new FileKeyStore(tempDir());
    await store.put('agt_1', await AgentKeyPair.generate());
    const second = await AgentKeyPair.generate();
    await store.put('agt_1', second);
    expect((await store.get('agt_1'))?.publicKeyPem).toBe(second.publicKeyPem);
    expect(readdirSync(store.dir)).toEqual(['agt_1.pem']);
  });

  it.each(['', '.', '..', '../x', 'a/b', 'a\\b', '.hidden', 'x'.repeat(129), 'a b', 'é'])(
    'refuses the agent id %j as a file name',
    async (id) => {
      const store = new FileKeyStore(tempDir());
      await expect(store.get(id)).rejects.toBeInstanceOf(ValidationError);
      await expect(store.put(id, await AgentKeyPair.generate())).rejects.toBeInstanceOf(ValidationError);
      expect(readdirSync(store.dir)).toEqual([]);
    },
  );
});

describe('KeychainKeyStore', () => {
  function fakeKeyring() {
    const saved = new Map<string, string>();
    const keyring: KeyringModule = {
      Entry: class {
        readonly #key: string;
        constructor(service: string, account: string) {
          this.#key = `${service}/${account}`;
        }
        getPassword() {
          return saved.get(this.#key) ?? null;
        }
        setPassword(password: string) {
          saved.set(this.#key, password);
        }
        deletePassword() {
          return saved.delete(this.#key);
        }
      },
    };
    return { saved, keyring };
  }

  it('keeps the PKCS#8 PEM under the service agenttrust-id', async () => {
    const { saved, keyring } = fakeKeyring();
    const store = new KeychainKeyStore({ keyring });
    const pair = await AgentKeyPair.generate();
    await store.put('agt_1', pair);
    expect([...saved.keys()]).toEqual(['agenttrust-id/agt_1']);
    expect(saved.get('agenttrust-id/agt_1')).toBe(await pair.exportPrivateKeyPem());
    expect((await store.get('agt_1'))?.publicKeyPem).toBe(pair.publicKeyPem);
    await store.delete('agt_1');
    await store.delete('agt_1');
    expect(await store.get('agt_1')).toBeUndefined();
  });

  it('loads @napi-rs/keyring only when first used', async () => {
    const store = new KeychainKeyStore({ service: 'agenttrust-id-test' });
    expect(store.service).toBe('agenttrust-id-test');
    expect(JSON.stringify(store)).toBe('{"keyStore":"keychain","service":"agenttrust-id-test"}');
  });
});
