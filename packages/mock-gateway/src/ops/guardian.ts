/**
 * Guardian's decision for one tool call, shared by `checkAction` and the MCP proxy. The rules
 * run in the order README.md documents; the first that decides wins.
 */
import { authDenied } from '../errors.js';
import type { OpContext } from '../operation.js';
import { type ActionEffect, classifyEffect, grantingCapability, requiresElevation } from '../policy.js';
import {
  type ActionCheckResult,
  type Approval,
  addApproval,
  approvalsFor,
  ORG_ID,
  pushBounded,
  type Session,
} from '../state.js';
import { approvalStatus, delegationStatus, findAgent, isoSpan, nextSeq } from './common.js';

export interface CheckInput {
  agent_id: string;
  action_name: string;
  action_effect?: ActionEffect | undefined;
  /** `""` or absent: no session (the official Python and TypeScript clients send `""`). */
  session_id?: string | undefined;
}

type Ctx = OpContext<unknown, unknown, unknown>;
type Rule = ActionCheckResult['rule'];

/** The session a check is counted in; an unknown id opens an implicit `open` session. */
function resolveSession(ctx: Ctx, agentId: string, sessionId: string | undefined): Session | null {
  if (sessionId === undefined || sessionId === '') return null;
  const existing = ctx.state.sessions.get(sessionId);
  if (existing) {
    if (existing.agent_id !== agentId) {
      // Schema-valid but not this agent's to use: an authorization refusal, not a malformed request.
      throw authDenied(`session ${sessionId} belongs to another agent`, { field: 'session_id' });
    }
    return existing;
  }
  // SDK guards send their own correlation id (a random UUID) rather than a gateway session:
  // count it under an implicit session so its counters can still be read back.
  const session: Session = {
    seq: nextSeq(ctx.state),
    implicit: true,
    session_id: sessionId,
    agent_id: agentId,
    org_id: ORG_ID,
    server_id: '',
    delegation_id: '',
    provider_id: '',
    issuer: '',
    trust_level: '',
    mode: 'open',
    scope_ceiling: [],
    source: 'sdk',
    total_calls: 0,
    read_calls: 0,
    write_calls: 0,
    denied_calls: 0,
    allowed_calls: 0,
    created_at: ctx.clock.iso(),
    last_activity_at: ctx.clock.iso(),
  };
  ctx.state.sessions.set(sessionId, session);
  return session;
}

export function decide(ctx: Ctx, input: CheckInput): ActionCheckResult {
  const { state, clock } = ctx;
  const agent = findAgent(state, input.agent_id);
  const session = resolveSession(ctx, agent.id, input.session_id);
  const effect = input.action_effect ?? classifyEffect(input.action_name);
  const effectSource = input.action_effect ? 'hint' : 'classified';
  const checkId = ctx.id('chk');
  const now = clock.now();
  const tool = input.action_name;

  const answer = (
    allowed: boolean,
    rule: Rule,
    reason: string,
    extra: { approval_id?: string | null; elevation?: boolean; retryable?: boolean } = {},
  ): ActionCheckResult => ({
    allowed,
    check_id: checkId,
    // Decisions that rest on Guardian's own reading of a tool name are less certain.
    confidence: effectSource === 'classified' && EFFECT_RULES.has(rule) ? 0.9 : 1,
    guard_tier: 'fast',
    latency_ms: 0,
    reason,
    elevation_required: extra.elevation ?? false,
    approval_id: extra.approval_id ?? null,
    rule,
  });

  const result = ((): ActionCheckResult => {
    if (agent.status === 'revoked') return answer(false, 'agent_revoked', `agent ${agent.id} is revoked`);
    if (agent.status === 'suspended') {
      return answer(false, 'agent_suspended', `agent ${agent.id} is suspended`, { retryable: true });
    }
    let capabilities = agent.capabilities;
    if (session && session.delegation_id !== '') {
      const delegation = state.delegations.get(session.delegation_id);
      const status = delegation ? delegationStatus(delegation, now) : 'revoked';
      const delegator = delegation ? state.agents.get(delegation.from_agent_id) : undefined;
      if (!delegation || status !== 'active') {
        return answer(false, 'delegation_inactive', `delegation ${session.delegation_id} is ${status}`);
      }
      if (delegator?.status !== 'active') {
        return answer(
          false,
          'delegation_inactive',
          `delegation ${delegation.id} is inactive: its delegator is ${delegator?.status ?? 'gone'}`,
        );
      }
      capabilities = [...agent.capabilities, ...delegation.scope];
    }
    const capability = grantingCapability(capabilities, tool);
    if (!capability)
      return answer(false, 'no_capability', `agent ${agent.id} has no capability for '${tool}'`);
    if (session && session.scope_ceiling.length > 0 && !grantingCapability(session.scope_ceiling, tool)) {
      return answer(
        false,
        'outside_scope_ceiling',
        `'${tool}' is outside the scope ceiling of session ${session.session_id}`,
      );
    }
    if (!requiresElevation(effect)) {
      return answer(true, 'capability_granted', `tool '${tool}' matches capability '${capability}'`);
    }
    return elevate(
      ctx,
      { agent_id: agent.id, tool, effect, session_id: session?.session_id ?? '' },
      session,
      {
        checkId,
        answer,
      },
    );
  })();

  agent.last_auth_at = clock.iso();
  if (session) {
    session.total_calls += 1;
    if (effect === 'read') session.read_calls += 1;
    else session.write_calls += 1;
    if (result.allowed) session.allowed_calls += 1;
    else session.denied_calls += 1;
    session.last_activity_at = clock.iso();
  }
  pushBounded(state.checks, {
    agent_id: agent.id,
    action_name: tool,
    session_id: session?.session_id ?? null,
    result,
    at: clock.iso(),
  });
  return result;
}

const EFFECT_RULES: ReadonlySet<Rule> = new Set([
  'capability_granted',
  'elevation_granted',
  'elevation_required',
  'elevation_denied',
]);

/** What an approval allows: this agent, tool (exact name) and effect, in this session (`""`: none). */
interface Binding {
  agent_id: string;
  tool: string;
  effect: ActionEffect;
  session_id: string;
}

type Answer = (
  allowed: boolean,
  rule: Rule,
  reason: string,
  extra?: { approval_id?: string | null; elevation?: boolean; retryable?: boolean },
) => ActionCheckResult;

/** Destructive and admin calls: an approval for this exact binding decides. */
function elevate(
  ctx: Ctx,
  binding: Binding,
  session: Session | null,
  { checkId, answer }: { checkId: string; answer: Answer },
): ActionCheckResult {
  const { state, clock, config } = ctx;
  const now = clock.now();
  // Newest first, from the index by binding (not a scan of every stored approval).
  const mine = approvalsFor(state, {
    agent_id: binding.agent_id,
    action_name: binding.tool,
    action_effect: binding.effect,
    session_id: binding.session_id,
  });

  const granted = mine.find(
    (a) =>
      a.status === 'approved' &&
      a.consumed_at === null &&
      a.decided_at !== null &&
      now < Date.parse(a.decided_at) + config.elevationWindowMs,
  );
  if (granted) {
    const supervised = session?.mode === 'supervised';
    // A supervised session spends the approval on this one call.
    if (supervised) granted.consumed_at = clock.iso();
    const until = supervised
      ? 'for this call'
      : `until ${new Date(Date.parse(granted.decided_at!) + config.elevationWindowMs).toISOString()}`;
    return answer(
      true,
      'elevation_granted',
      `approval ${granted.id} grants ${binding.effect} '${binding.tool}' ${until}`,
      {
        approval_id: granted.id,
      },
    );
  }

  const latest = mine[0];
  if (
    latest &&
    latest.status === 'denied' &&
    latest.decided_at !== null &&
    now < Date.parse(latest.decided_at) + config.denialWindowMs
  ) {
    return answer(
      false,
      'elevation_denied',
      `approval ${latest.id} for ${binding.effect} '${binding.tool}' was denied`,
      {
        approval_id: latest.id,
      },
    );
  }

  const reason = `${binding.effect} actions require an approved elevation`;
  const pending = mine.find((a) => approvalStatus(a, now) === 'pending');
  if (pending)
    return answer(false, 'elevation_required', reason, {
      approval_id: pending.id,
      elevation: true,
      retryable: true,
    });

  const lifetime = isoSpan(ctx, config.approvalTtlMs);
  const approval: Approval = {
    seq: nextSeq(state),
    consumed_at: null,
    id: ctx.id('apr'),
    agent_id: binding.agent_id,
    session_id: binding.session_id,
    org_id: ORG_ID,
    check_id: checkId,
    action_name: binding.tool,
    action_effect: binding.effect,
    status: 'pending',
    created_at: lifetime.start,
    expires_at: lifetime.end,
    decided_by: null,
    decided_at: null,
  };
  addApproval(state, approval);
  return answer(false, 'elevation_required', reason, {
    approval_id: approval.id,
    elevation: true,
    retryable: true,
  });
}
