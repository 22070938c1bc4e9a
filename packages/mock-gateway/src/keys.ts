/**
 * The mock's own signing key and the JWT and proof helpers of the identity endpoints. Web Crypto
 * only (Ed25519), so the in-process mode still runs wherever MSW runs. The key is generated per
 * gateway instance on first use; tokens of one instance do not verify on another.
 */

const encoder = new TextEncoder();

export function base64UrlEncode(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function base64UrlDecode(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) throw new Error('not base64url');
  const base64 = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function decodeJsonSegment(segment: string): unknown {
  return JSON.parse(new TextDecoder().decode(base64UrlDecode(segment)));
}

const ED25519 = { name: 'Ed25519' } as const;

export interface GatewayKeys {
  /** Signs a JWT (EdDSA) with the instance key; `kid` names the key. */
  signJwt(payload: Record<string, unknown>, typ?: string): Promise<string>;
  /** The claims of a JWT this instance signed, or a reason it is not one. */
  verifyJwt(
    token: string,
  ): Promise<{ ok: true; claims: Record<string, unknown> } | { ok: false; reason: string }>;
  kid: string;
}

export function createKeys(): GatewayKeys {
  let pair: Promise<CryptoKeyPair> | null = null;
  const keyPair = () => {
    pair ??= crypto.subtle.generateKey(ED25519, false, ['sign', 'verify']) as Promise<CryptoKeyPair>;
    return pair;
  };
  const kid = `mock-${Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
  return {
    kid,
    async signJwt(payload, typ = 'JWT') {
      const header = base64UrlEncode(JSON.stringify({ alg: 'EdDSA', typ, kid }));
      const body = base64UrlEncode(JSON.stringify(payload));
      const { privateKey } = await keyPair();
      const signature = new Uint8Array(
        await crypto.subtle.sign(ED25519, privateKey, encoder.encode(`${header}.${body}`)),
      );
      return `${header}.${body}.${base64UrlEncode(signature)}`;
    },
    async verifyJwt(token) {
      const parts = token.split('.');
      if (parts.length !== 3) return { ok: false, reason: 'malformed token' };
      let header: unknown;
      let claims: unknown;
      let signature: Uint8Array<ArrayBuffer>;
      try {
        header = decodeJsonSegment(parts[0]!);
        claims = decodeJsonSegment(parts[1]!);
        signature = base64UrlDecode(parts[2]!);
      } catch {
        return { ok: false, reason: 'malformed token' };
      }
      if (!header || typeof header !== 'object' || (header as { alg?: unknown }).alg !== 'EdDSA')
        return { ok: false, reason: 'unsupported algorithm' };
      if ((header as { kid?: unknown }).kid !== kid) return { ok: false, reason: 'unknown signing key' };
      if (!claims || typeof claims !== 'object' || Array.isArray(claims))
        return { ok: false, reason: 'malformed token' };
      const { publicKey } = await keyPair();
      const valid = await crypto.subtle.verify(
        ED25519,
        publicKey,
        signature,
        encoder.encode(`${parts[0]}.${parts[1]}`),
      );
      if (!valid) return { ok: false, reason: 'invalid signature' };
      return { ok: true, claims: claims as Record<string, unknown> };
    },
  };
}

/** The raw 32-byte Ed25519 public key inside a PKIX PEM, or null when it is not one. */
export function ed25519RawFromPem(pem: string): Uint8Array<ArrayBuffer> | null {
  const match = /-----BEGIN PUBLIC KEY-----([\s\S]+?)-----END PUBLIC KEY-----/.exec(pem);
  if (!match) return null;
  let der: Uint8Array<ArrayBuffer>;
  try {
    der = Uint8Array.from(atob(match[1]!.replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
  // SPKI of Ed25519: 30 2a 30 05 06 03 2b 65 70 03 21 00 <32 bytes>
  const prefix = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
  if (der.length !== 44 || prefix.some((b, i) => der[i] !== b)) return null;
  return der.slice(12);
}

/** Whether `signature` (base64url) is the Ed25519 signature of `message` by the PEM key. */
export async function verifyEd25519(pem: string, message: string, signature: string): Promise<boolean> {
  const raw = ed25519RawFromPem(pem);
  if (!raw) return false;
  try {
    return await verifyEd25519Raw(raw, message, base64UrlDecode(signature));
  } catch {
    return false;
  }
}

/** RFC 7638 thumbprint of an Ed25519 key given as a PKIX PEM (for `cnf.jkt`). */
export async function jwkThumbprint(pem: string): Promise<string | null> {
  const raw = ed25519RawFromPem(pem);
  return raw ? okpThumbprint(raw) : null;
}

/** RFC 7638 thumbprint of a raw Ed25519 public key: its required members in lexical order. */
export async function okpThumbprint(raw: Uint8Array): Promise<string> {
  const canonical = `{"crv":"Ed25519","kty":"OKP","x":"${base64UrlEncode(raw)}"}`;
  return sha256Base64Url(canonical);
}

/** base64url (no padding) of the SHA-256 of the text's UTF-8 (a DPoP proof's `ath`). */
export async function sha256Base64Url(text: string): Promise<string> {
  return base64UrlEncode(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text))));
}

/** Whether `signature` is the Ed25519 signature of `message` by the raw 32-byte public key. */
export async function verifyEd25519Raw(
  raw: Uint8Array<ArrayBuffer>,
  message: string,
  signature: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  try {
    const key = await crypto.subtle.importKey('raw', raw, ED25519, false, ['verify']);
    return await crypto.subtle.verify(ED25519, key, signature, encoder.encode(message));
  } catch {
    return false;
  }
}
