// The shared identity interop vectors (spec/conformance/identity/vectors.json), whoever made
// them: the same key read from PEM, PoP signatures reproduced byte for byte (Ed25519 is
// deterministic), every DPoP proof verified, and a proof made here checked the same way.
import { readFileSync } from 'node:fs';
import { base64url, calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { AgentKeyPair, mintDPoPProof, popMessage } from '../../src/identity/index.js';

const vectors = JSON.parse(
  readFileSync(new URL('../../../../spec/conformance/identity/vectors.json', import.meta.url), 'utf8'),
);

async function checkProof(proof: string, c: { htm: string; url: string; access_token?: string }) {
  expect(decodeProtectedHeader(proof)).toEqual({ typ: 'dpop+jwt', alg: 'EdDSA', jwk: vectors.key.jwk });
  const { payload } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt' });
  const keys = ['htm', 'htu', 'iat', 'jti', ...(c.access_token === undefined ? [] : ['ath'])];
  expect(Object.keys(payload).sort()).toEqual(keys.sort());
  expect(payload.htm).toBe(c.htm);
  expect(payload.htu).toBe(c.url.split(/[?#]/, 1)[0]);
  if (c.access_token !== undefined) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(c.access_token));
    expect(payload.ath).toBe(base64url.encode(new Uint8Array(digest)));
  }
}

describe('identity interop vectors', () => {
  it('reads the key: same public PEM, JWK and thumbprint', async () => {
    const pair = await AgentKeyPair.fromPrivateKeyPem(vectors.key.private_key_pem);
    expect(pair.publicKeyPem).toBe(vectors.key.public_key_pem);
    expect(pair.publicJwk).toEqual(vectors.key.jwk);
    expect(await calculateJwkThumbprint(pair.publicJwk)).toBe(vectors.key.thumbprint);
    expect(await pair.exportPrivateKeyPem()).toBe(vectors.key.private_key_pem);
  });

  it('reproduces every PoP message and signature byte for byte', async () => {
    const pair = await AgentKeyPair.fromPrivateKeyPem(vectors.key.private_key_pem);
    for (const v of vectors.pop) {
      const message = popMessage(v.nonce, v.agent_id, v.audience, v.ts);
      expect(message).toBe(v.message);
      expect(base64url.encode(await pair.sign(new TextEncoder().encode(message)))).toBe(v.signature);
    }
  });

  it('verifies every DPoP proof, whoever made it', async () => {
    expect(vectors.dpop.length).toBeGreaterThan(0);
    for (const v of vectors.dpop) {
      await checkProof(v.proof, v);
      const { payload } = await jwtVerify(v.proof, EmbeddedJWK);
      expect(payload).toMatchObject({ iat: v.iat, jti: v.jti, htu: v.htu });
    }
  });

  it('makes proofs with the vector key that pass the same checks', async () => {
    const pair = await AgentKeyPair.fromPrivateKeyPem(vectors.key.private_key_pem);
    for (const v of vectors.dpop)
      await checkProof(await mintDPoPProof(pair, v.htm, v.url, v.access_token), v);
  });
});
