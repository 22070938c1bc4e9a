// Every operation through the public surface: its happy path, and each error status the spec
// documents for it, mapped to the right error class, code, status and request id.
import { API_KEYS } from '@agenttrustid/mock-gateway';
import { describe, expect, it } from 'vitest';
import {
  AgentTrustError,
  AuthenticationError,
  AuthorizationError,
  NotFoundError,
  ValidationError,
} from '../src/index.js';
import { useGateway } from './helpers.js';
import { operationCases } from './operations.js';
import { specOperations } from './spec.js';

const { gateway, client } = useGateway();
const implemented = (id: string) => gateway.operations.some((op) => op.operationId === id);

const CLASS_BY_STATUS: Record<number, typeof AgentTrustError> = {
  400: ValidationError,
  401: AuthenticationError,
  403: AuthorizationError,
  404: NotFoundError,
};
const CODE_BY_STATUS: Record<number, string> = {
  400: 'VALIDATION_ERROR',
  401: 'AUTH_FAILED',
  403: 'AUTH_DENIED',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
  503: 'GUARDIAN_UNAVAILABLE',
};

it('has a case for every operation of the spec', () => {
  expect(Object.keys(operationCases).sort()).toEqual(specOperations.map((op) => op.operationId).sort());
});

for (const op of specOperations) {
  const kase = operationCases[op.operationId]!;
  describe.skipIf(!implemented(op.operationId))(`${op.operationId} (${op.method} ${op.path})`, () => {
    it('happy path', async () => {
      const c = client();
      const ctx = kase.setup ? await kase.setup(c) : {};
      gateway.requests.length = 0;
      const result = await kase.call(c, ctx);
      kase.check(result, ctx);
      expect(gateway.requests.map((r) => r.operationId)).toEqual([op.operationId]);
    });

    for (const status of op.errors) {
      it(`documented ${status} -> ${CLASS_BY_STATUS[status]?.name ?? 'AgentTrustError'} ${CODE_BY_STATUS[status]}`, async () => {
        const c = client();
        const ctx = kase.setup ? await kase.setup(c) : {};
        gateway.faults.add({ operation: op.operationId, kind: 'status', status });
        const error = await kase.call(c, ctx, { maxRetries: 0 }).then(
          () => expect.unreachable('the call should fail'),
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(CLASS_BY_STATUS[status] ?? AgentTrustError);
        expect(error).toMatchObject({ status, code: CODE_BY_STATUS[status] });
        expect((error as AgentTrustError).requestId).toMatch(/^req_/);
      });
    }
  });
}

describe('errors the mock produces for real', () => {
  it('401 AUTH_FAILED for a wrong key, and the public card needs none', async () => {
    const bad = client({ apiKey: 'sk_test_wrong' });
    await expect(bad.agents.list()).rejects.toMatchObject({
      name: 'AuthenticationError',
      code: 'AUTH_FAILED',
      status: 401,
    });
  });

  it('403 AUTH_DENIED for a read-only key on a write', async () => {
    const readonly = client({ apiKey: API_KEYS.readonly });
    await expect(readonly.agents.list()).resolves.toEqual([]);
    const error = await readonly.agents.create({ name: 'x' }).catch((e) => e);
    expect(error).toBeInstanceOf(AuthorizationError);
    expect(error).toMatchObject({ code: 'AUTH_DENIED', status: 403 });
  });

  it('404 NOT_FOUND with the envelope details', async () => {
    const error = await client()
      .agents.get('agt_missing')
      .catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
      details: { resource: 'agent', id: 'agt_missing' },
    });
  });

  it('400 VALIDATION_ERROR names the failing field', async () => {
    const error = await client()
      .agents.create({ name: '' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details).toMatchObject({ field: 'name' });
  });

  it('409 CONFLICT when deciding an approval twice', async () => {
    const c = client();
    const { approvalId } = await operationCases.getApproval!.setup!(c);
    await c.approvals.deny(approvalId, 'security@company.com');
    const error = await c.approvals.approve(approvalId, 'admin@company.com').catch((e) => e);
    expect(error).toMatchObject({ code: 'CONFLICT', status: 409, details: { status: 'denied' } });
  });

  it('AGENT_REVOKED is an AgentRevokedError', async () => {
    const c = client();
    const { agent } = await operationCases.getAgent!.setup!(c);
    await c.agents.revoke(agent.id, 'compromised');
    const error = await c.tokens
      .issue({ agentId: agent.id, scopes: ['files:read'] }, { useCache: false })
      .catch((e) => e);
    expect(error.name).toBe('AgentRevokedError');
    expect(error).toMatchObject({ code: 'AGENT_REVOKED' });
  });

  it('TOKEN_EXPIRED is a TokenExpiredError', async () => {
    const c = client();
    const { agent } = await operationCases.getAgent!.setup!(c);
    const token = await c.tokens.issue(
      { agentId: agent.id, scopes: ['files:read'], ttlSeconds: 1 },
      { useCache: false },
    );
    gateway.clock.advance(2_000);
    const error = await c.sessions.initApiSession(token.token).catch((e) => e);
    expect(error.name).toBe('TokenExpiredError');
    expect(error).toMatchObject({ code: 'TOKEN_EXPIRED', status: 401 });
  });

  it('rejects an empty id before sending anything', async () => {
    const error = await Promise.resolve()
      .then(() => client().agents.get(''))
      .catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details).toEqual({ field: 'agentId' });
    expect(gateway.requests).toEqual([]);
  });

  it('encodes ids into one path segment', async () => {
    await client()
      .agents.get('../tokens?x=1')
      .catch(() => {});
    expect(gateway.requests[0]!.path).toBe('/api/v1/agents/..%2Ftokens%3Fx%3D1');
  });
});
