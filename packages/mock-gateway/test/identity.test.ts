/**
 * Agent identity enforcement, proven with an independent JOSE implementation (`jose`): keys made
 * on the "client", proof-of-possession signatures, DPoP proofs (RFC 9449) minted the way the
 * SDKs mint them, and every forged, replayed, stale or mis-bound variant the gateway must refuse
 * with the `details.reason` the conformance scenarios name. Both transports, as the other tests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import {
  calculateJwkThumbprint,
  decodeJwt,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWK,
  SignJWT,
} from 'jose';
import { expect, it } from 'vitest';
import { type Answer, eachMode, type Harness } from './harness.js';

/** The running mode's harness (what `eachMode` hands a test body). */
type H = () => Harness;

const CHECK = '/api/v1/agenttrust/check';

interface AgentKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
  pem: string;
}

async function makeKeys(): Promise<AgentKeys> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const { kty, crv, x } = await exportJWK(publicKey);
  return { privateKey, publicKey, jwk: { kty, crv, x }, pem: await exportSPKI(publicKey) };
}

const b64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const ath = (token: string) => createHash('sha256').update(token, 'ascii').digest('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The PoP signature over `pop-v1:<nonce>:<agent_id>:<audience>:<ts>` (raw Ed25519, base64url). */
async function popSignature(keys: AgentKeys, message: string): Promise<string> {
  const signature = await crypto.subtle.sign('Ed25519', keys.privateKey, new TextEncoder().encode(message));
  return b64url(new Uint8Array(signature));
}

interface DpopOptions {
  htm?: string;
  htu?: string;
  iat?: number;
  jti?: string;
  /** The access token whose hash is `ath`; `null`: no `ath`. */
  token?: string | null;
  /** Overrides of the protected header (forgeries). */
  header?: Record<string, unknown>;
  /** Who signs; default the proof's own key. */
  signer?: AgentKeys;
}

/** A DPoP proof as the SDKs mint it (jose's SignJWT), or a forged variant of it. */
async function dpop(h: H, keys: AgentKeys, options: DpopOptions = {}): Promise<string> {
  const payload: Record<string, unknown> = {
    htm: options.htm ?? 'POST',
    htu: options.htu ?? `${h().baseUrl}${CHECK}`,
  };
  if (options.token) payload.ath = ath(options.token);
  return new SignJWT(payload)
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'EdDSA', jwk: keys.jwk, ...options.header } as never)
    .setIssuedAt(options.iat ?? nowSeconds())
    .setJti(options.jti ?? randomBytes(16).toString('hex'))
    .sign((options.signer ?? keys).privateKey);
}

/** A JWS signed with `keys` over whatever header and payload it is given (forgeries jose refuses). */
async function forge(keys: AgentKeys, header: unknown, payload: unknown): Promise<string> {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = await crypto.subtle.sign('Ed25519', keys.privateKey, new TextEncoder().encode(input));
  return `${input}.${b64url(new Uint8Array(signature))}`;
}

const setFlags = (h: H, pop: boolean, sender: boolean) =>
  h().put('/api/v1/orgs/security-settings', {
    require_proof_of_possession: pop,
    require_sender_constrained_tokens: sender,
  });

async function createAgent(h: H, keys: AgentKeys | null, capabilities = ['web:search']) {
  const body = { name: 'id-bot', capabilities, ...(keys ? { public_key: keys.pem } : {}) };
  const created = await h().post('/api/v1/agents', body);
  expect(created.status).toBe(201);
  return (created.body.agent ?? created.body).id as string;
}

/** `issueTokenWithProof`: challenge, sign, issue with the proof. */
async function issueWithProof(h: H, agentId: string, keys: AgentKeys, audience: string[] = []) {
  const challenge = await h().post(`/api/v1/agents/${agentId}/challenge`);
  expect(challenge.status).toBe(200);
  const ts = nowSeconds();
  const nonce = challenge.body.nonce as string;
  const signature = await popSignature(keys, `pop-v1:${nonce}:${agentId}:${audience.join(',')}:${ts}`);
  const issued = await h().post('/api/v1/wimse/token', {
    agent_id: agentId,
    ...(audience.length ? { audience } : {}),
    proof: { nonce, ts, signature },
  });
  expect(issued.status, issued.text).toBe(200);
  return issued.body.token as string;
}

const check = (h: H, agentId: string, headers: Record<string, string>) =>
  h().post(CHECK, { agent_id: agentId, action_name: 'web_search', action_source: 'api' }, { headers });

/** A refused check: the status, code and reason, and neither the token nor the proof echoed. */
function expectRefused(answer: Answer, reason: string, field: string, secrets: string[] = []) {
  expect([answer.status, answer.body.code, answer.body.details], answer.text).toEqual([
    401,
    'AUTH_FAILED',
    { field, reason },
  ]);
  for (const secret of secrets) expect(answer.text).not.toContain(secret);
}

/** An agent with its key, both flags on, a bound token: the state every enforcement test starts from. */
async function boundAgent(h: H) {
  const keys = await makeKeys();
  const agentId = await createAgent(h, keys);
  expect((await setFlags(h, true, true)).status).toBe(200);
  const token = await issueWithProof(h, agentId, keys);
  return { keys, agentId, token };
}

eachMode('proof of possession', (h) => {
  it('issues a token bound to the agent key (cnf.jkt = RFC 7638 thumbprint of its jwk)', async () => {
    const keys = await makeKeys();
    const agentId = await createAgent(h, keys);
    const token = await issueWithProof(h, agentId, keys, ['billing', 'search']);
    const claims = decodeJwt(token);
    expect(claims.cnf).toEqual({ jkt: await calculateJwkThumbprint(keys.jwk) });
    expect(claims.aud).toEqual(['billing', 'search']);
    const verified = await h().post('/api/v1/wimse/verify', { token });
    expect(verified.body).toMatchObject({ valid: true, agent_id: agentId });
  });

  it('refuses a plain issue when the org requires a proof, and accepts one with a proof', async () => {
    const keys = await makeKeys();
    const agentId = await createAgent(h, keys);
    await setFlags(h, true, false);
    const plain = await h().post('/api/v1/wimse/token', { agent_id: agentId });
    expect([plain.status, plain.body.details?.field]).toEqual([401, 'proof']);
    expect(decodeJwt(await issueWithProof(h, agentId, keys)).cnf).toBeDefined();
  });

  it('refuses a reused or expired nonce, a signature by another key, a tampered message and a stale ts', async () => {
    const keys = await makeKeys();
    const other = await makeKeys();
    const agentId = await createAgent(h, keys);
    const attempt = async (
      make: (nonce: string) => Promise<{ ts: number; signature: string }>,
      before?: () => void,
    ) => {
      const nonce = (await h().post(`/api/v1/agents/${agentId}/challenge`)).body.nonce as string;
      before?.();
      const proof = { nonce, ...(await make(nonce)) };
      return { nonce, answer: await h().post('/api/v1/wimse/token', { agent_id: agentId, proof }) };
    };
    const good = async (nonce: string, ts = nowSeconds(), signer = keys, who = agentId) => ({
      ts,
      signature: await popSignature(signer, `pop-v1:${nonce}:${who}::${ts}`),
    });

    const first = await attempt((nonce) => good(nonce));
    expect(first.answer.status).toBe(200);
    const ts = nowSeconds();
    const reused = await h().post('/api/v1/wimse/token', {
      agent_id: agentId,
      proof: {
        nonce: first.nonce,
        ts,
        signature: await popSignature(keys, `pop-v1:${first.nonce}:${agentId}::${ts}`),
      },
    });
    expect([reused.status, reused.body.message]).toEqual([401, 'nonce already used']);

    const expired = await attempt(
      (nonce) => good(nonce),
      () => h().gateway.clock.advance(60_001),
    );
    expect([expired.answer.status, expired.answer.body.message]).toEqual([401, 'nonce expired']);

    const foreign = await attempt((nonce) => good(nonce, nowSeconds(), other));
    expect([foreign.answer.status, foreign.answer.body.details?.field]).toEqual([401, 'proof.signature']);

    const otherAgent = await attempt((nonce) => good(nonce, nowSeconds(), keys, 'agt_someone_else'));
    expect([otherAgent.answer.status, otherAgent.answer.body.details?.field]).toEqual([
      401,
      'proof.signature',
    ]);

    const stale = await attempt((nonce) => good(nonce, nowSeconds() - 400));
    expect([stale.answer.status, stale.answer.body.details?.field]).toEqual([401, 'proof.ts']);
  });

  it('judges a proof ts by real time, so advancing the mock clock does not make clients stale', async () => {
    const keys = await makeKeys();
    const agentId = await createAgent(h, keys);
    h().gateway.clock.advance(86_400_000);
    expect(decodeJwt(await issueWithProof(h, agentId, keys)).cnf).toBeDefined();
  });
});

eachMode('DPoP-bound action checks', (h) => {
  it('allows a check with a bound token and a fresh proof; the journal redacts both', async () => {
    const { keys, agentId, token } = await boundAgent(h);
    const proof = await dpop(h, keys, { token });
    const answer = await check(h, agentId, { authorization: `Bearer ${token}`, dpop: proof });
    expect([answer.status, answer.body.allowed]).toEqual([200, true]);
    const logged = h().gateway.requests.at(-1)!;
    expect(logged.headers.authorization).toBe('Bearer [REDACTED]');
    expect(logged.headers.dpop).toBe('[REDACTED]');
    expect(JSON.stringify(h().gateway.requests)).not.toContain(token);
  });

  it('ignores the query of htu and of the request (RFC 9449: compared without query)', async () => {
    const { keys, agentId, token } = await boundAgent(h);
    const proof = await dpop(h, keys, { token, htu: `${h().baseUrl}${CHECK}?trace=1#frag` });
    const answer = await check(h, agentId, { authorization: `Bearer ${token}`, dpop: proof });
    expect(answer.status, answer.text).toBe(200);
  });

  it('refuses a missing bearer or proof (dpop_missing)', async () => {
    const { keys, agentId, token } = await boundAgent(h);
    const none = await check(h, agentId, {});
    expectRefused(none, 'dpop_missing', 'Authorization');
    expect(none.body.message).toContain('a WIMSE bearer token and a DPoP proof are required');
    expectRefused(await check(h, agentId, { authorization: `Bearer ${token}` }), 'dpop_missing', 'DPoP', [
      token,
    ]);
    const proof = await dpop(h, keys, { token });
    expectRefused(await check(h, agentId, { dpop: proof }), 'dpop_missing', 'Authorization', [proof]);
  });

  it('refuses a replayed proof (dpop_replay) until reset forgets the jti', async () => {
    const { keys, agentId, token } = await boundAgent(h);
    const proof = await dpop(h, keys, { token });
    const headers = { authorization: `Bearer ${token}`, dpop: proof };
    expect((await check(h, agentId, headers)).status).toBe(200);
    expectRefused(await check(h, agentId, headers), 'dpop_replay', 'DPoP', [token, proof]);
    expect(h().gateway.state.dpopJtis.size).toBe(1);
    const reset = await h().post('/__mock/reset', undefined, { unchecked: true });
    expect(reset.status).toBe(204);
    expect(h().gateway.state.dpopJtis.size).toBe(0);
  });

  it('refuses malformed proofs (dpop_malformed)', async () => {
    const { keys, agentId, token } = await boundAgent(h);
    const payload = {
      htm: 'POST',
      htu: `${h().baseUrl}${CHECK}`,
      iat: nowSeconds(),
      jti: randomBytes(16).toString('hex'),
      ath: ath(token),
    };
    const header = { typ: 'dpop+jwt', alg: 'EdDSA', jwk: keys.jwk };
    const privateJwk = await exportJWK(keys.privateKey);
    const forgeries: [string, string][] = [
      ['not a JWS', 'not-a-jws'],
      ['two segments', 'eyJhbGciOiJFZERTQSJ9.e30'],
      ['garbage segments', '!!.??.**'],
      ['typ JWT', await forge(keys, { ...header, typ: 'JWT' }, payload)],
      ['alg none', await forge(keys, { ...header, alg: 'none' }, payload)],
      ['alg ES256', await forge(keys, { ...header, alg: 'ES256' }, payload)],
      ['no jwk', await forge(keys, { typ: 'dpop+jwt', alg: 'EdDSA' }, payload)],
      ['EC jwk', await forge(keys, { ...header, jwk: { kty: 'EC', crv: 'P-256', x: keys.jwk.x } }, payload)],
      ['short x', await forge(keys, { ...header, jwk: { ...keys.jwk, x: 'AAAA' } }, payload)],
      ['private jwk', await forge(keys, { ...header, jwk: privateJwk }, payload)],
      ['no jti', await forge(keys, header, { ...payload, jti: undefined })],
      ['empty jti', await forge(keys, header, { ...payload, jti: '' })],
      ['string iat', await forge(keys, header, { ...payload, iat: String(payload.iat) })],
      ['no htu', await forge(keys, header, { ...payload, htu: undefined })],
      ['array payload', await forge(keys, header, [payload])],
    ];
    for (const [what, proof] of forgeries) {
      const answer = await check(h, agentId, { authorization: `Bearer ${token}`, dpop: proof });
      expect([answer.status, answer.body.details?.reason], what).toEqual([401, 'dpop_malformed']);
      expect(answer.text, what).not.toContain(token);
    }
  });

  it('refuses a proof whose signature is not by its jwk (dpop_signature)', async () => {
    const { keys, agentId, token } = await boundAgent(h);
    const impostor = await makeKeys();
    // The agent's public jwk in the header, signed by another key.
    const proof = await dpop(h, keys, { token, signer: impostor });
    expectRefused(
      await check(h, agentId, { authorization: `Bearer ${token}`, dpop: proof }),
      'dpop_signature',
      'DPoP',
    );
    // A genuine proof with its payload swapped afterwards.
    const genuine = (await dpop(h, keys, { token })).split('.');
    const swapped = b64url(JSON.stringify({ ...decodeJwt(genuine.join('.')), htm: 'POST', jti: 'other' }));
    const tampered = [genuine[0], swapped, genuine[2]].join('.');
    expectRefused(
      await check(h, agentId, { authorization: `Bearer ${token}`, dpop: tampered }),
      'dpop_signature',
      'DPoP',
    );
  });

  it('refuses a wrong htm or htu (dpop_htm, dpop_htu)', async () => {
    const { keys, agentId, token } = await boundAgent(h);
    const auth = `Bearer ${token}`;
    const send = async (options: DpopOptions) =>
      check(h, agentId, { authorization: auth, dpop: await dpop(h, keys, { token, ...options }) });
    expectRefused(await send({ htm: 'GET' }), 'dpop_htm', 'DPoP');
    expectRefused(await send({ htm: 'post' }), 'dpop_htm', 'DPoP');
    expectRefused(await send({ htu: `${h().baseUrl}/api/v1/wimse/verify` }), 'dpop_htu', 'DPoP');
    expectRefused(await send({ htu: `https://gateway.example${CHECK}` }), 'dpop_htu', 'DPoP');
    expectRefused(await send({ htu: CHECK }), 'dpop_htu', 'DPoP');
  });

  it('refuses a stale or future iat (dpop_iat), by real time', async () => {
    const { keys, agentId, token } = await boundAgent(h);
    const auth = `Bearer ${token}`;
    // 90 s, not 61: a future iat nears the window while the proof is signed and sent on a loaded machine.
    for (const iat of [nowSeconds() - 90, nowSeconds() + 90]) {
      const proof = await dpop(h, keys, { token, iat });
      expectRefused(await check(h, agentId, { authorization: auth, dpop: proof }), 'dpop_iat', 'DPoP');
    }
    const edge = await dpop(h, keys, { token, iat: nowSeconds() - 50 });
    expect((await check(h, agentId, { authorization: auth, dpop: edge })).status).toBe(200);
  });

  it('refuses a missing or wrong ath (dpop_ath)', async () => {
    const { keys, agentId, token } = await boundAgent(h);
    const auth = `Bearer ${token}`;
    const missing = await dpop(h, keys, { token: null });
    expectRefused(await check(h, agentId, { authorization: auth, dpop: missing }), 'dpop_ath', 'DPoP');
    const other = await issueWithProof(h, agentId, keys);
    const wrong = await dpop(h, keys, { token: other });
    expectRefused(await check(h, agentId, { authorization: auth, dpop: wrong }), 'dpop_ath', 'DPoP');
  });

  it('refuses a valid proof of another key than the token is bound to (dpop_key_mismatch)', async () => {
    const { agentId, token } = await boundAgent(h);
    const thief = await makeKeys();
    const proof = await dpop(h, thief, { token });
    expectRefused(
      await check(h, agentId, { authorization: `Bearer ${token}`, dpop: proof }),
      'dpop_key_mismatch',
      'DPoP',
    );
  });

  it('refuses a bad, expired or non-bearer token (token_invalid) without echoing it', async () => {
    const { keys, agentId, token } = await boundAgent(h);
    const withProof = async (authorization: string, bearer: string) =>
      check(h, agentId, { authorization, dpop: await dpop(h, keys, { token: bearer }) });
    expectRefused(await withProof('Bearer not.a.token', 'not.a.token'), 'token_invalid', 'Authorization', [
      'not.a.token',
    ]);
    expectRefused(await withProof(`Basic ${token}`, token), 'token_invalid', 'Authorization', [token]);
    const [head, body] = token.split('.');
    const resigned = `${head}.${body}.${b64url(randomBytes(64))}`;
    expectRefused(await withProof(`Bearer ${resigned}`, resigned), 'token_invalid', 'Authorization', [
      resigned,
    ]);
    h().gateway.clock.advance(3_600_001);
    const expired = await withProof(`Bearer ${token}`, token);
    expectRefused(expired, 'token_invalid', 'Authorization', [token]);
    expect(expired.body.message).toBe('invalid WIMSE token: token expired');
  });

  it('accepts the DPoP authorization scheme as well as Bearer', async () => {
    const { keys, agentId, token } = await boundAgent(h);
    const answer = await check(h, agentId, {
      authorization: `DPoP ${token}`,
      dpop: await dpop(h, keys, { token }),
    });
    expect(answer.status, answer.text).toBe(200);
  });

  it('refuses a token without cnf when sender constraint is required (token_unbound)', async () => {
    const keys = await makeKeys();
    const agentId = await createAgent(h, keys);
    const unbound = (await h().post('/api/v1/wimse/token', { agent_id: agentId })).body.token as string;
    await setFlags(h, false, true);
    const proof = await dpop(h, keys, { token: unbound });
    expectRefused(
      await check(h, agentId, { authorization: `Bearer ${unbound}`, dpop: proof }),
      'token_unbound',
      'Authorization',
      [unbound],
    );
  });

  it("answers 403 AUTH_DENIED for another agent's token with a valid proof", async () => {
    const { keys, token } = await boundAgent(h);
    const other = await createAgent(h, await makeKeys());
    const answer = await check(h, other, {
      authorization: `Bearer ${token}`,
      dpop: await dpop(h, keys, { token }),
    });
    expect([answer.status, answer.body.code, answer.body.details]).toEqual([
      403,
      'AUTH_DENIED',
      { field: 'agent_id' },
    ]);
    expect(answer.text).not.toContain(token);
  });

  it('with the flags off: no credentials pass, but whatever is sent is verified', async () => {
    const keys = await makeKeys();
    const agentId = await createAgent(h, keys);
    expect((await check(h, agentId, {})).status).toBe(200);
    const bound = await issueWithProof(h, agentId, keys);
    // A bound token must come with its proof, required or not.
    expectRefused(await check(h, agentId, { authorization: `Bearer ${bound}` }), 'dpop_missing', 'DPoP');
    const unbound = (await h().post('/api/v1/wimse/token', { agent_id: agentId })).body.token as string;
    expect((await check(h, agentId, { authorization: `Bearer ${unbound}` })).status).toBe(200);
    const wrongUrl = await dpop(h, keys, { htu: `${h().baseUrl}/elsewhere` });
    expectRefused(await check(h, agentId, { dpop: wrongUrl }), 'dpop_htu', 'DPoP');
    expect((await check(h, agentId, { dpop: await dpop(h, keys) })).status).toBe(200);
    const good = await dpop(h, keys, { token: bound });
    expect((await check(h, agentId, { authorization: `Bearer ${bound}`, dpop: good })).status).toBe(200);
  });

  it('binds htu to the Host the client addressed (over HTTP: localhost and 127.0.0.1 differ)', async () => {
    if (h().mode !== 'http') return;
    const { keys, agentId, token } = await boundAgent(h);
    const { port } = new URL(h().baseUrl);
    const viaLocalhost = (proof: string) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const body = JSON.stringify({ agent_id: agentId, action_name: 'web_search', action_source: 'api' });
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: CHECK,
            headers: {
              host: `localhost:${port}`,
              'content-type': 'application/json',
              'x-api-key': 'sk_test_agenttrust',
              authorization: `Bearer ${token}`,
              dpop: proof,
            },
          },
          (res) => {
            let text = '';
            res.on('data', (chunk) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const local = await viaLocalhost(await dpop(h, keys, { token, htu: `http://localhost:${port}${CHECK}` }));
    expect(local.status).toBe(200);
    const numeric = await viaLocalhost(await dpop(h, keys, { token }));
    expect([numeric.status, numeric.body.details?.reason]).toEqual([401, 'dpop_htu']);
  });

  it('renews after the mock clock passes the token lifetime: the old token 401, a new one passes', async () => {
    const { keys, agentId, token } = await boundAgent(h);
    h().gateway.clock.advance(86_400_001);
    const old = await check(h, agentId, {
      authorization: `Bearer ${token}`,
      dpop: await dpop(h, keys, { token }),
    });
    expectRefused(old, 'token_invalid', 'Authorization');
    const fresh = await issueWithProof(h, agentId, keys);
    const again = await check(h, agentId, {
      authorization: `Bearer ${fresh}`,
      dpop: await dpop(h, keys, { token: fresh }),
    });
    expect(again.status, again.text).toBe(200);
  });
});
