// An agent's Ed25519 key pair, made and used through WebCrypto (Node 20+, Deno, Bun, browsers,
// workers): the platform's implementation, no crypto of our own. PEM is only the standard
// armour around the DER WebCrypto reads and writes (SPKI, PKCS#8). The private half stays in a
// CryptoKey this module alone can reach; no printed, inspected or serialized form shows it.
// jose is not needed here, so the client's `agents.create` loads no JOSE code.
import { ValidationError } from '../core/errors.js';

/** The public half as a JWK (RFC 8037): what a DPoP proof's header carries. */
export interface Ed25519PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
}

const ED25519 = { name: 'Ed25519' } as const;
const REGISTRY = Symbol.for('agenttrustid.sdk.agentPrivateKeys');

/**
 * The private CryptoKey of each pair, off the object (nothing enumerates or prints it). One map
 * per process, not per module copy: the Node entry bundles its own copy of this module, and a pair
 * `agents.create` made there must sign in `@agenttrustid/sdk/identity` too.
 */
function privateKeys(): WeakMap<object, CryptoKey> {
  const scope = globalThis as { [REGISTRY]?: WeakMap<object, CryptoKey> };
  scope[REGISTRY] ??= new WeakMap();
  return scope[REGISTRY];
}

export class AgentKeyPair {
  /** SPKI PEM (`-----BEGIN PUBLIC KEY-----`): what `agents.create` sends as `public_key`. */
  readonly publicKeyPem: string;
  /** The public half as a JWK. */
  readonly publicJwk: Ed25519PublicJwk;

  private constructor(publicKeyPem: string, publicJwk: Ed25519PublicJwk, privateKey: CryptoKey) {
    this.publicKeyPem = publicKeyPem;
    this.publicJwk = publicJwk;
    privateKeys().set(this, privateKey);
    Object.freeze(this);
  }

  /** A new random key pair. */
  static async generate(): Promise<AgentKeyPair> {
    const { publicKey, privateKey } = (await crypto.subtle.generateKey(ED25519, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    return AgentKeyPair.#of(publicKey, privateKey);
  }

  /** The pair of a PKCS#8 PEM Ed25519 private key (`-----BEGIN PRIVATE KEY-----`), as a key store keeps it. */
  static async fromPrivateKeyPem(pem: string): Promise<AgentKeyPair> {
    let privateKey: CryptoKey;
    let publicKey: CryptoKey;
    try {
      privateKey = await crypto.subtle.importKey('pkcs8', fromPem(pem, 'PRIVATE KEY'), ED25519, true, [
        'sign',
      ]);
      // WebCrypto derives no public key from a private one; its JWK form carries `x`, the public half.
      const { kty, crv, x } = await crypto.subtle.exportKey('jwk', privateKey);
      publicKey = await crypto.subtle.importKey('jwk', { kty, crv, x }, ED25519, true, ['verify']);
    } catch {
      // Neither the platform's message nor the cause: either could quote the key.
      throw new ValidationError('VALIDATION_ERROR', 'not an Ed25519 private key in PKCS#8 PEM', {
        details: { field: 'privateKeyPem' },
      });
    }
    return AgentKeyPair.#of(publicKey, privateKey);
  }

  static async #of(publicKey: CryptoKey, privateKey: CryptoKey): Promise<AgentKeyPair> {
    const spki = await crypto.subtle.exportKey('spki', publicKey);
    const { x } = await crypto.subtle.exportKey('jwk', publicKey);
    return new AgentKeyPair(toPem(spki, 'PUBLIC KEY'), { kty: 'OKP', crv: 'Ed25519', x: x! }, privateKey);
  }

  /** The private half as PKCS#8 PEM, for a key store to keep. Never log or send it. */
  async exportPrivateKeyPem(): Promise<string> {
    return toPem(await crypto.subtle.exportKey('pkcs8', privateKeyOf(this)), 'PRIVATE KEY');
  }

  /** An Ed25519 signature over `data` with the private half. */
  async sign(data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(
      await crypto.subtle.sign(ED25519, privateKeyOf(this), data as Uint8Array<ArrayBuffer>),
    );
  }

  toJSON(): { publicKeyPem: string; privateKey: '[redacted]' } {
    return { publicKeyPem: this.publicKeyPem, privateKey: '[redacted]' };
  }

  toString(): string {
    return `AgentKeyPair(Ed25519 x=${this.publicJwk.x}, private key [redacted])`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `AgentKeyPair { publicJwk: { kty: 'OKP', crv: 'Ed25519', x: '${this.publicJwk.x}' }, privateKey: [redacted] }`;
  }
}

/** @internal The private CryptoKey, for jose to sign a DPoP proof with. */
export function privateKeyOf(pair: AgentKeyPair): CryptoKey {
  const key = privateKeys().get(pair);
  if (!key) throw new TypeError('not a key pair made by AgentKeyPair.generate or fromPrivateKeyPem');
  return key;
}

function toPem(der: ArrayBuffer, label: string): string {
  let binary = '';
  for (const byte of new Uint8Array(der)) binary += String.fromCharCode(byte);
  const lines = btoa(binary)
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN ${label}-----\n${lines}\n-----END ${label}-----\n`;
}

function fromPem(pem: string, label: string): Uint8Array<ArrayBuffer> {
  const match = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  if (!match) throw new TypeError(`not a ${label} PEM`);
  return Uint8Array.from(atob(match[1]!.replace(/\s+/g, '')), (c) => c.charCodeAt(0));
}
