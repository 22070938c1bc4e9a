// Agent identity against the mock gateway: keys made on agents.create, proof of possession,
// DPoP proofs, AgentCredentials (cache, single-flight renewal, 401 retry) and the Guard with
// credentials on an organization that requires them; no private key, token or proof is ever
// printed, serialized or put in an error or a log line.
import { inspect } from 'node:util';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, EmbeddedJWK, jwtVerify } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { AgentTrustGuard } from '../../src/guard/index.js';
import {
  AgentCredentials,
  AgentKeyPair,
  issueTokenWithProof,
  MemoryKeyStore,
  mintDPoPProof,
  popMessage,
} from '../../src/identity/index.js';
import {
  AgentTrustError,
  AuthenticationError,
  AuthorizationError,
  ValidationError,
} from '../../src/index.js';
import { BASE_URL, useGateway } from '../helpers.js';

const { gateway, client } = useGateway();
const CHECK_URL = `${BASE_URL}/api/v1/agenttrust/check`;

async function enforce(c = client()) {
  await c.orgs.updateSecuritySettings({
    requireProofOfPossession: true,
    requireSenderConstrainedTokens: true,
  });
}

/** Every string a value shows: inspect, JSON, String and template forms. */
function shown(value: unknown): string {
  return [
    inspect(value, { depth: 10, showHidden: true }),
    JSON.stringify(value),
    String(value),
    `${value}`,
  ].join('\n');
}

describe('agents.create', () => {
  it('makes an Ed25519 pair, sends only the public PEM and keeps the pair in the key store', async () => {
    const c = client();
    const agent = await c.agents.create({ name: 'bot', capabilities: ['web:search'] });
    const sent = gateway.requests.find((r) => r.operationId === 'createAgent')!;
    const body = sent.body as Record<string, string>;
    expect(body.public_key).toMatch(
      /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----\n$/,
    );
    expect(JSON.stringify(sent)).not.toContain('PRIVATE KEY');
    const pair = await c.keyStore.get(agent.id);
    expect(pair?.publicKeyPem).toBe(body.public_key);
    expect(gateway.state.agents.get(agent.id)?.public_key).toBe(body.public_key);
  });

  it('sends a given public key as it is and stores nothing', async () => {
    const c = client();
    const mine = await AgentKeyPair.generate();
    const agent = await c.agents.create({ name: 'bot', publicKey: mine.publicKeyPem });
    expect((gateway.requests.at(-1)!.body as Record<string, string>).public_key).toBe(mine.publicKeyPem);
    expect(await c.keyStore.get(agent.id)).toBeUndefined();
  });

  it('uses the key store the client was given', async () => {
    const keyStore = new MemoryKeyStore();
    const agent = await client({ keyStore }).agents.create({ name: 'bot' });
    expect(await keyStore.get(agent.id)).toBeInstanceOf(AgentKeyPair);
  });
});

describe('AgentKeyPair', () => {
  it('never shows its private half', async () => {
    const pair = await AgentKeyPair.generate();
    const pem = await pair.exportPrivateKeyPem();
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const secret = pem.split('\n')[1]!;
    const text = shown(pair) + shown({ nested: { pair } }) + Object.keys(pair).join();
    expect(text).not.toContain('PRIVATE KEY-----');
    expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
    expect(JSON.parse(JSON.stringify(pair))).toEqual({
      publicKeyPem: pair.publicKeyPem,
      privateKey: '[redacted]',
    });
  });

  it('round-trips through PKCS#8 PEM to the same public key and signatures that verify', async () => {
    const pair = await AgentKeyPair.generate();
    const again = await AgentKeyPair.fromPrivateKeyPem(await pair.exportPrivateKeyPem());
    expect(again.publicKeyPem).toBe(pair.publicKeyPem);
    expect(again.publicJwk).toEqual(pair.publicJwk);
    const data = new TextEncoder().encode('hello');
    const publicKey = await crypto.subtle.importKey('jwk', pair.publicJwk, { name: 'Ed25519' }, false, [
      'verify',
    ]);
    expect(await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, await again.sign(data), data)).toBe(
      true,
    );
  });

  it('refuses what is not an Ed25519 PKCS#8 PEM without quoting it', async () => {
    const bogus = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LW1hdGVyaWFs\n-----END PRIVATE KEY-----\n';
    const error = await AgentKeyPair.fromPrivateKeyPem(bogus).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(shown(error)).not.toContain('c2VjcmV0LW1hdGVyaWFs');
    expect(error.cause).toBeUndefined();
  });
});

describe('proof of possession', () => {
  it('builds the spec message', () => {
    expect(popMessage('n1', 'agt_1', ['a', 'b'], 1700000000)).toBe('pop-v1:n1:agt_1:a,b:1700000000');
    expect(popMessage('$&', 'x', [], 1)).toBe('pop-v1:$&:x::1');
  });

  it('issues a token bound to the agent key that verifies, also with the PoP flag on', async () => {
    const c = client();
    await enforce(c);
    const agent = await c.agents.create({ name: 'bot', capabilities: ['web:search'] });
    const issued = await issueTokenWithProof(c, agent.id, { audience: ['api'], ttlSeconds: 600 });
    const verified = await c.wimse.verifyToken({ token: issued.token });
    expect(verified).toMatchObject({ valid: true, agentId: agent.id });
    const pair = (await c.keyStore.get(agent.id))!;
    expect((decodeJwt(issued.token).cnf as { jkt: string }).jkt).toBe(
      await calculateJwkThumbprint(pair.publicJwk),
    );
    const sent = gateway.requests.find((r) => r.operationId === 'issueWimseToken')!.body as Record<
      string,
      any
    >;
    expect(sent.audience).toEqual(['api']);
    expect(sent.proof.signature).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(inspect(issued)).not.toContain(issued.token);
  });

  it('without the agent key is a VALIDATION_ERROR naming the agent, and sends nothing', async () => {
    const c = client();
    const agent = await c.agents.create({
      name: 'bot',
      publicKey: (await AgentKeyPair.generate()).publicKeyPem,
    });
    const before = gateway.requests.length;
    const error = await issueTokenWithProof(c, agent.id).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(agent.id);
    expect(error.details).toMatchObject({ reason: 'key_not_found', agentId: agent.id });
    expect(gateway.requests.length).toBe(before);
  });
});

describe('mintDPoPProof', () => {
  it('is an RFC 9449 proof signed by the key in its header', async () => {
    const pair = await AgentKeyPair.generate();
    const token = 'header.payload.signature';
    const proof = await mintDPoPProof(pair, 'post', `${CHECK_URL}?x=1#frag`, token);
    expect(decodeProtectedHeader(proof)).toEqual({ typ: 'dpop+jwt', alg: 'EdDSA', jwk: pair.publicJwk });
    const { payload } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt' });
    const ath = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))).toString(
      'base64url',
    );
    expect(payload).toMatchObject({ htm: 'POST', htu: CHECK_URL, ath });
    expect(payload.jti).toMatch(/^[0-9a-f]{32}$/);
    expect(Math.abs((payload.iat as number) - Date.now() / 1000)).toBeLessThan(5);
    const other = decodeJwt(await mintDPoPProof(pair, 'POST', CHECK_URL));
    expect(other.jti).not.toBe(payload.jti);
    expect(other.ath).toBeUndefined();
  });
});

describe('AgentCredentials', () => {
  async function setup(options = {}) {
    const c = client();
    const agent = await c.agents.create({ name: 'bot', capabilities: ['web:search', 'files:*'] });
    return { c, agent, credentials: new AgentCredentials(c, agent.id, options) };
  }
  const issues = () => gateway.requests.filter((r) => r.operationId === 'issueWimseToken').length;

  it('gives a bearer and a fresh DPoP proof bound to it per request', async () => {
    const { credentials } = await setup();
    const a = await credentials.headers('POST', CHECK_URL);
    const b = await credentials.headers('POST', CHECK_URL);
    expect(a.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(b.authorization).toBe(a.authorization);
    expect(b.dpop).not.toBe(a.dpop);
    expect(issues()).toBe(1);
  });

  it('renews once for N concurrent checks (single flight)', async () => {
    const { c, agent, credentials } = await setup();
    const spy = vi.spyOn(c.wimse, 'issueToken');
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        c.actions.check({ agentId: agent.id, toolName: 'web_search' }, { credentials }),
      ),
    );
    expect(results.every((r) => r.allowed)).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(issues()).toBe(1);
  });

  it('renews when less than the refresh margin is left, and after invalidate', async () => {
    let now = Date.now();
    const { credentials } = await setup({ clock: () => now, ttlSeconds: 120 });
    const first = await credentials.token();
    now += 30_000;
    expect(await credentials.token()).toBe(first);
    now += 31_000; // 59 s left: under the 60 s margin
    const second = await credentials.token();
    expect(second).not.toBe(first);
    expect(issues()).toBe(2);
    credentials.invalidate();
    await credentials.token();
    expect(issues()).toBe(3);
  });

  it('takes an unreadable expires_at as now + the fallback lifetime', async () => {
    let now = 1_000_000;
    const keyStore = new MemoryKeyStore();
    await keyStore.put('agt_x', await AgentKeyPair.generate());
    const issueToken = vi.fn(async () => ({
      token: `t${issueToken.mock.calls.length}`,
      workloadId: 'w',
      trustDomain: 'd',
      expiresAt: 'soon',
    }));
    const fake = { keyStore, wimse: { challenge: async () => ({ nonce: 'n', expiresAt: '' }), issueToken } };
    const credentials = new AgentCredentials(fake, 'agt_x', { clock: () => now });
    expect(await credentials.token()).toBe('t1');
    now += 300_000 - 60_000 - 1;
    expect(await credentials.token()).toBe('t1');
    now += 2;
    expect(await credentials.token()).toBe('t2');
  });

  it('a 401 drops the token and the check is sent once more with a new one', async () => {
    const { c, agent, credentials } = await setup();
    await credentials.token();
    // The gateway forgets the token (as if revoked): the next check with it is refused.
    gateway.state.wimseTokens.clear();
    const invalidate = vi.spyOn(credentials, 'invalidate');
    const result = await c.actions.check({ agentId: agent.id, toolName: 'web_search' }, { credentials });
    expect(result.allowed).toBe(true);
    expect(invalidate).toHaveBeenCalledTimes(1);
    expect(issues()).toBe(2);
  });

  it('each retried attempt carries its own proof', async () => {
    const proofs: (string | null)[] = [];
    const recording: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.url === CHECK_URL) proofs.push(request.headers.get('dpop'));
      return fetch(request);
    };
    const c = client({ fetch: recording });
    const agent = await c.agents.create({ name: 'bot', capabilities: ['web:search'] });
    const credentials = new AgentCredentials(c, agent.id);
    gateway.faults.add({ operation: 'checkAction', kind: 'status', status: 503, retryAfter: 0, times: 1 });
    await c.actions.check({ agentId: agent.id, toolName: 'web_search' }, { credentials });
    expect(proofs).toHaveLength(2);
    expect(new Set(proofs).size).toBe(2);
  });

  it('never shows its token', async () => {
    const { credentials } = await setup();
    const token = await credentials.token();
    expect(shown(credentials)).not.toContain(token);
    expect(shown(credentials)).toContain('[redacted]');
  });
});

describe('Guard with credentials on an organization that requires them', () => {
  it('allows, denies and asks for elevation as without the flags', async () => {
    const c = client();
    await enforce(c);
    const agent = await c.agents.create({ name: 'bot', capabilities: ['web:search', 'files:*'] });
    const credentials = new AgentCredentials(c, agent.id);
    const guard = new AgentTrustGuard(c, agent.id, { credentials, blockOnDeny: false });
    try {
      expect(await guard.check('web_search')).toMatchObject({ allowed: true, rule: 'capability_granted' });
      expect(await guard.check('db_query')).toMatchObject({ allowed: false, rule: 'no_capability' });
      expect(await guard.check('files_delete')).toMatchObject({ allowed: false, elevationRequired: true });
    } finally {
      await guard.close(1_000);
    }
    const checks = gateway.requests.filter((r) => r.operationId === 'checkAction');
    expect(checks).toHaveLength(3);
    expect(checks.every((r) => r.headers.dpop !== undefined && r.headers.authorization !== undefined)).toBe(
      true,
    );
  });

  it('without credentials a check is an AuthenticationError that says why', async () => {
    const c = client();
    await enforce(c);
    const agent = await c.agents.create({ name: 'bot', capabilities: ['web:search'] });
    const guard = new AgentTrustGuard(c, agent.id);
    try {
      const error = await guard.check('web_search').catch((e) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error).toMatchObject({ code: 'AUTH_FAILED', status: 401 });
      expect(error.message).toMatch(/WIMSE.*DPoP/);
    } finally {
      await guard.close(1_000);
    }
  });

  it("another agent's credentials are refused (403)", async () => {
    const c = client();
    await enforce(c);
    const a = await c.agents.create({ name: 'a', capabilities: ['web:search'] });
    const b = await c.agents.create({ name: 'b', capabilities: ['web:search'] });
    const error = await c.actions
      .check({ agentId: b.id, toolName: 'web_search' }, { credentials: new AgentCredentials(c, a.id) })
      .catch((e) => e);
    expect(error).toBeInstanceOf(AuthorizationError);
  });

  it('puts no key, token or proof in errors or log lines', async () => {
    const lines: string[] = [];
    const log = (...args: unknown[]) => lines.push(args.map(String).join(' '));
    const c = client({ logLevel: 'debug', logger: { debug: log, info: log, warn: log, error: log } });
    await enforce(c);
    const agent = await c.agents.create({ name: 'bot', capabilities: ['web:search'] });
    const credentials = new AgentCredentials(c, agent.id);
    const headers = await credentials.headers('POST', CHECK_URL);
    gateway.state.wimseTokens.clear();
    gateway.faults.add({ operation: 'issueWimseToken', kind: 'status', status: 401, times: 5 });
    const error: AgentTrustError = await c.actions
      .check({ agentId: agent.id, toolName: 'web_search' }, { credentials })
      .catch((e) => e);
    expect(error).toBeInstanceOf(AgentTrustError);
    const pem = await (await c.keyStore.get(agent.id))!.exportPrivateKeyPem();
    const text = [...lines, shown(error), JSON.stringify(error.details), shown(c)].join('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of [headers.authorization.slice(7), headers.dpop, pem.split('\n')[1]!, 'PRIVATE KEY'])
      expect(text).not.toContain(secret);
  });
});
