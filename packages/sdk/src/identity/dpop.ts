// DPoP proofs (RFC 9449): a JWS signed with the agent's key over the request's method and URL,
// bound to the access token by its hash (`ath`).
import { base64url, SignJWT } from 'jose';
import { IDENTITY } from '../generated/facts.js';
import { type AgentKeyPair, privateKeyOf } from './key-pair.js';

const encoder = new TextEncoder();
// The last token's hash: credentials send one token on every check until it is renewed.
let hashed: { token: string; ath: string } | undefined;

async function tokenHash(token: string): Promise<string> {
  if (hashed?.token === token) return hashed.ath;
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(token));
  const ath = base64url.encode(new Uint8Array(digest));
  hashed = { token, ath };
  return ath;
}

/**
 * A compact DPoP proof for one request: `htm` the method, `htu` the URL (its query and fragment
 * are left out), `iat` now, a random `jti`, and `ath` when an access token is given.
 */
export async function mintDPoPProof(
  keyPair: AgentKeyPair,
  htm: string,
  htu: string,
  accessToken?: string,
): Promise<string> {
  const jti = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  const claims: Record<string, string | number> = {
    htm: htm.toUpperCase(),
    htu: htu.split(/[?#]/, 1)[0]!,
    iat: Math.floor(Date.now() / 1000),
    jti,
  };
  if (accessToken !== undefined) claims.ath = await tokenHash(accessToken);
  return new SignJWT(claims)
    .setProtectedHeader({ typ: IDENTITY.dpop.typ, alg: IDENTITY.dpop.alg, jwk: { ...keyPair.publicJwk } })
    .sign(privateKeyOf(keyPair));
}
