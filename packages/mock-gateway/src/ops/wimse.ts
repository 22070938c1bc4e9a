/**
 * Identity endpoints: proof-of-possession challenges (#6), WIMSE workload tokens (#49/#50) and
 * the organization's security settings (#51/#52). Tokens are real JWTs (EdDSA) signed by the
 * instance's own key. Enforcement of the settings on the action check is partial (see README):
 * a presented WIMSE bearer is verified and must name the checked agent; with
 * `require_sender_constrained_tokens` a bearer and a well-formed DPoP proof are required, but the
 * DPoP signature, `htu`, `ath` and replay are not checked yet.
 */
import {
  CreateAgentChallengeBody,
  CreateAgentChallengeParams,
  IssueWimseTokenBody,
  UpdateOrgSecuritySettingsBody,
  VerifyWimseTokenBody,
} from '@agenttrustid/spec/zod';
import { API_KEYS } from '../api-keys.js';
import { GatewayError, validation } from '../errors.js';
import { decodeJsonSegment, jwkThumbprint, verifyEd25519 } from '../keys.js';
import { defineOp, json, type OpContext } from '../operation.js';
import { findAgent, isoSpan, requireActive } from './common.js';

type Ctx = OpContext<unknown, unknown, unknown>;

export const TRUST_DOMAIN = 'ati';
/** How long a challenge nonce is accepted. */
export const NONCE_TTL_MS = 60_000;
/** How far a proof's `ts` may be from the gateway clock. */
export const PROOF_SKEW_S = 300;

const unauthorized = (message: string, details?: Record<string, unknown>) =>
  new GatewayError(401, 'AUTH_FAILED', message, details);

/** Verifies a WIMSE token this gateway issued; the reason when it is not valid now. */
export async function checkWimse(
  ctx: Ctx,
  token: string,
): Promise<{ ok: true; claims: Record<string, unknown>; agentId: string } | { ok: false; reason: string }> {
  const verified = await ctx.keys.verifyJwt(token);
  if (!verified.ok) return verified;
  const { claims } = verified;
  const record = typeof claims.jti === 'string' ? ctx.state.wimseTokens.get(claims.jti) : undefined;
  if (!record) return { ok: false, reason: 'unknown token' };
  if (typeof claims.exp !== 'number' || ctx.clock.now() >= claims.exp * 1000)
    return { ok: false, reason: 'token expired' };
  const agent = ctx.state.agents.get(record.agent_id);
  if (!agent || agent.status !== 'active')
    return { ok: false, reason: `agent ${record.agent_id} is not active` };
  return { ok: true, claims, agentId: record.agent_id };
}

/** The action check's agent credentials: see the module comment for what is enforced. */
export async function enforceSenderConstraint(ctx: Ctx, agentId: string): Promise<void> {
  const authorization = ctx.headers.get('authorization');
  const dpop = ctx.headers.get('dpop');
  const required = ctx.state.securitySettings.require_sender_constrained_tokens;
  if (!authorization) {
    if (required)
      throw unauthorized('a WIMSE bearer token and a DPoP proof are required', { field: 'Authorization' });
    return;
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw unauthorized('Authorization must be "Bearer <WIMSE token>"', { field: 'Authorization' });
  const checked = await checkWimse(ctx, match[1]!);
  if (!checked.ok) throw unauthorized(`invalid WIMSE token: ${checked.reason}`, { field: 'Authorization' });
  if (checked.agentId !== agentId) {
    throw new GatewayError(403, 'AUTH_DENIED', `the WIMSE token belongs to another agent than ${agentId}`, {
      field: 'agent_id',
    });
  }
  if (!required && !dpop) return;
  if (!dpop) throw unauthorized('a DPoP proof is required', { field: 'DPoP' });
  const header = (() => {
    try {
      return decodeJsonSegment(dpop.split('.')[0] ?? '') as Record<string, unknown>;
    } catch {
      return null;
    }
  })();
  if (
    dpop.split('.').length !== 3 ||
    !header ||
    header.typ !== 'dpop+jwt' ||
    typeof header.jwk !== 'object'
  ) {
    throw unauthorized('malformed DPoP proof', { field: 'DPoP' });
  }
}

export const wimseOps = [
  defineOp({
    operationId: 'createAgentChallenge',
    method: 'POST',
    path: '/api/v1/agents/{agent_id}/challenge',
    params: CreateAgentChallengeParams,
    body: CreateAgentChallengeBody,
    handle: (ctx) => {
      const agent = findAgent(ctx.state, ctx.params.agent_id);
      const span = isoSpan(ctx, NONCE_TTL_MS);
      const nonce = ctx.secret('n');
      ctx.state.challenges.set(nonce, { nonce, agent_id: agent.id, expires_at: span.end, used: false });
      return json(200, { nonce, expires_at: span.end });
    },
  }),
  defineOp({
    operationId: 'issueWimseToken',
    method: 'POST',
    path: '/api/v1/wimse/token',
    body: IssueWimseTokenBody,
    bodyRequired: true,
    handle: async (ctx) => {
      const { body, state, clock } = ctx;
      const agent = findAgent(state, body.agent_id);
      requireActive(agent);
      const audience = body.audience ?? [];
      let thumbprint: string | null = null;
      if (body.proof) {
        const { nonce, ts, signature } = body.proof;
        const challenge = state.challenges.get(nonce);
        // Nonces are single use: any attempt spends it, so a failed proof cannot be retried.
        if (!challenge || challenge.agent_id !== agent.id)
          throw unauthorized('unknown nonce', { field: 'proof.nonce' });
        if (challenge.used) throw unauthorized('nonce already used', { field: 'proof.nonce' });
        challenge.used = true;
        if (clock.now() >= Date.parse(challenge.expires_at))
          throw unauthorized('nonce expired', { field: 'proof.nonce' });
        if (Math.abs(clock.now() / 1000 - ts) > PROOF_SKEW_S)
          throw unauthorized('proof ts is too far from now', { field: 'proof.ts' });
        if (!agent.public_key) throw validation('proof', `agent ${agent.id} has no registered public key`);
        const message = `pop-v1:${nonce}:${agent.id}:${audience.join(',')}:${ts}`;
        if (!(await verifyEd25519(agent.public_key, message, signature)))
          throw unauthorized('proof signature does not verify with the agent key', {
            field: 'proof.signature',
          });
        thumbprint = await jwkThumbprint(agent.public_key);
      } else if (state.securitySettings.require_proof_of_possession) {
        throw unauthorized('this organization requires a proof of possession', { field: 'proof' });
      }
      const ttl = body.ttl_seconds ?? 3600;
      const span = isoSpan(ctx, ttl * 1000);
      const jti = ctx.id('wt');
      const workloadId = `spiffe://${TRUST_DOMAIN}/${agent.id}`;
      const iat = Math.floor(Date.parse(span.start) / 1000);
      const token = await ctx.keys.signJwt({
        iss: `spiffe://${TRUST_DOMAIN}`,
        sub: workloadId,
        agent_id: agent.id,
        ...(audience.length > 0 ? { aud: audience } : {}),
        iat,
        exp: iat + ttl,
        jti,
        ...(body.service_name ? { service_name: body.service_name } : {}),
        ...(body.environment ? { environment: body.environment } : {}),
        ...(thumbprint ? { cnf: { jkt: thumbprint } } : {}),
      });
      state.wimseTokens.set(jti, { jti, agent_id: agent.id, expires_at: span.end });
      return json(200, { token, workload_id: workloadId, trust_domain: TRUST_DOMAIN, expires_at: span.end });
    },
  }),
  defineOp({
    operationId: 'verifyWimseToken',
    method: 'POST',
    path: '/api/v1/wimse/verify',
    body: VerifyWimseTokenBody,
    bodyRequired: true,
    secretFields: ['token'],
    handle: async (ctx) => {
      const checked = await checkWimse(ctx, ctx.body.token);
      if (!checked.ok) return json(200, { valid: false, reason: checked.reason });
      const filter = ctx.body.trust_domain_filter;
      if (filter !== undefined && filter !== TRUST_DOMAIN)
        return json(200, { valid: false, reason: `trust domain ${TRUST_DOMAIN} is not ${filter}` });
      const agent = findAgent(ctx.state, checked.agentId);
      return json(200, {
        valid: true,
        agent_id: agent.id,
        workload_id: String(checked.claims.sub),
        trust_domain: TRUST_DOMAIN,
        capabilities: [...agent.capabilities],
      });
    },
  }),
  defineOp({
    operationId: 'getOrgSecuritySettings',
    method: 'GET',
    path: '/api/v1/orgs/security-settings',
    handle: ({ state, headers }) => {
      // The settings are an org admin's (the spec's 403): the read-only key is not one.
      if (headers.get('x-api-key')?.trim() === API_KEYS.readonly)
        throw new GatewayError(403, 'AUTH_DENIED', 'the organization security settings need an admin key');
      return json(200, { ...state.securitySettings });
    },
  }),
  defineOp({
    operationId: 'updateOrgSecuritySettings',
    method: 'PUT',
    path: '/api/v1/orgs/security-settings',
    body: UpdateOrgSecuritySettingsBody,
    bodyRequired: true,
    handle: ({ body, state }) => {
      if (body.require_proof_of_possession !== undefined)
        state.securitySettings.require_proof_of_possession = body.require_proof_of_possession;
      if (body.require_sender_constrained_tokens !== undefined)
        state.securitySettings.require_sender_constrained_tokens = body.require_sender_constrained_tokens;
      return json(200, { ...state.securitySettings });
    },
  }),
];
