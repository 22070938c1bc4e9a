import { describe, expect, it } from 'vitest';
import { authorize, denialFromError, isGuardDenial, remember } from '../../../src/adapters/shared.js';
import { AgentTrustError, AuthenticationError } from '../../../src/core/errors.js';
import {
  ApprovalDeniedError,
  ApprovalExpiredError,
  ApprovalTimeoutError,
  GuardianUnavailableError,
} from '../../../src/guard/index.js';
import { setup } from '../helpers.js';

describe('denialFromError', () => {
  it('maps each refusal to what the model needs: kind, code, retryable', () => {
    expect(denialFromError('t', new GuardianUnavailableError('down', {}))).toMatchObject({
      agenttrust: 'unavailable',
      code: 'GUARDIAN_UNAVAILABLE',
      retryable: true,
    });
    expect(denialFromError('t', new ApprovalDeniedError('apr_1', 't', 'sec@x'))).toMatchObject({
      agenttrust: 'denied',
      code: 'APPROVAL_DENIED',
      retryable: false,
      approvalId: 'apr_1',
    });
    expect(denialFromError('t', new ApprovalExpiredError('apr_2', 't'))).toMatchObject({
      code: 'APPROVAL_EXPIRED',
      retryable: true,
    });
    expect(denialFromError('t', new ApprovalTimeoutError('apr_3', 't', 10))).toMatchObject({
      agenttrust: 'approval_required',
      code: 'APPROVAL_TIMEOUT',
    });
  });

  it('leaves other errors alone (they are thrown, not shown to the model)', () => {
    expect(denialFromError('t', new AuthenticationError('AUTH_FAILED', 'bad key'))).toBeNull();
    expect(denialFromError('t', new AgentTrustError('NOT_FOUND', 'x'))).toBeNull();
    expect(denialFromError('t', new Error('tool bug'))).toBeNull();
  });

  it('every denial is recognised by isGuardDenial and has a sentence', () => {
    const denial = denialFromError('t', new GuardianUnavailableError('down', {}));
    expect(isGuardDenial(denial)).toBe(true);
    expect(isGuardDenial({ message: 'x' })).toBe(false);
    expect(denial?.message).toMatch(/could not be reached/);
  });
});

describe('remember', () => {
  it('keeps at most 1,000 pending approvals, forgetting the oldest', () => {
    const pending = new Map<string, string>();
    for (let i = 0; i < 1_005; i++) remember(pending, `call-${i}`, `apr_${i}`);
    expect(pending.size).toBe(1_000);
    expect(pending.has('call-4')).toBe(false);
    expect(pending.get('call-1004')).toBe('apr_1004');
  });
});

describe('authorize', () => {
  it('a plain check does not digest the input, so an input JSON cannot represent does not block the call', async () => {
    const { guard } = await setup();
    const input = { id: 10n, self: {} as Record<string, unknown> };
    input.self.loop = input.self; // neither a BigInt nor a cycle can be canonical JSON
    await expect(authorize(guard, 'web_search', input, {})).resolves.toBeNull();
  });

  it('a suspended agent is a denial the model may retry later; a plain no-capability denial is final', async () => {
    const { guard, agent, setAgentStatus, client, createAgent } = await setup();
    await setAgentStatus(agent.id, 'suspended');
    await expect(authorize(guard, 'web_search', {}, {})).resolves.toMatchObject({
      agenttrust: 'denied',
      code: 'ACTION_DENIED',
      retryable: true,
      message: expect.stringMatching(/Retrying later may help/),
    });
    const narrow = await createAgent({ capabilities: ['web:search'] });
    const { AgentTrustGuard } = await import('../../../src/guard/index.js');
    await expect(
      authorize(new AgentTrustGuard(client, narrow.id), 'shell_exec', {}, {}),
    ).resolves.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/Retrying will not help/),
    });
  });
});
