// A key store in a directory (servers, CI): one PKCS#8 PEM file per agent, readable by its owner
// only. Node (and runtimes with node:fs) only; node:fs is taken from the runtime on first use
// (no import statement), so the identity entry still bundles for a browser.
import { ValidationError } from '../core/errors.js';
import { AgentKeyPair } from './key-pair.js';
import type { KeyStore } from './key-store.js';

// Agent ids become file names: nothing that could leave the directory or hide a file.
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

type Fs = typeof import('node:fs/promises');

export class FileKeyStore implements KeyStore {
  readonly dir: string;

  constructor(dir: string) {
    if (typeof dir !== 'string' || dir === '') {
      throw new ValidationError('VALIDATION_ERROR', 'FileKeyStore needs a directory', {
        details: { field: 'dir' },
      });
    }
    this.dir = dir.replace(/[\\/]+$/, '') || dir;
  }

  async get(agentId: string): Promise<AgentKeyPair | undefined> {
    const fs = await loadFs();
    let pem: string;
    try {
      pem = await fs.readFile(this.#file(agentId), 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw error;
    }
    return AgentKeyPair.fromPrivateKeyPem(pem);
  }

  async put(agentId: string, keyPair: AgentKeyPair): Promise<void> {
    const file = this.#file(agentId);
    const fs = await loadFs();
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await fs.chmod(this.dir, 0o700);
    // Written whole to a private temporary file, then renamed over: a reader never sees half a key.
    const temporary = `${file}.${crypto.randomUUID()}.tmp`;
    try {
      await fs.writeFile(temporary, await keyPair.exportPrivateKeyPem(), { mode: 0o600, flag: 'wx' });
      await fs.rename(temporary, file);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw error;
    }
  }

  async delete(agentId: string): Promise<void> {
    const fs = await loadFs();
    await fs.rm(this.#file(agentId), { force: true });
  }

  #file(agentId: string): string {
    if (typeof agentId !== 'string' || !SAFE_ID.test(agentId)) {
      throw new ValidationError(
        'VALIDATION_ERROR',
        'agentId must be a safe file name (letters, digits, ".", "_" and "-", at most 128) for FileKeyStore',
        { details: { field: 'agentId' } },
      );
    }
    return `${this.dir}/${agentId}.pem`;
  }

  toJSON(): { keyStore: string; dir: string } {
    return { keyStore: 'file', dir: this.dir };
  }
}

async function loadFs(): Promise<Fs> {
  const fs = (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule?.('node:fs/promises') as Fs | undefined;
  if (!fs) {
    throw new ValidationError('VALIDATION_ERROR', 'FileKeyStore needs node:fs (Node 20.16 or later)', {
      details: { field: 'keyStore' },
    });
  }
  return fs;
}
