import {
  DeleteFederationProviderParams,
  InitFederatedSessionBody,
  IntrospectFederatedTokenBody,
  IssueFederatedTokenBody,
  RegisterFederationProviderBody,
  RevokeFederatedTokenBody,
  VerifyFederatedTokenBody,
} from '@agenttrustid/spec/zod';
import { authDenied, conflict, GatewayError, notFound } from '../errors.js';
import { decodeJsonSegment } from '../keys.js';
import { defineOp, json, noContent, type OpContext } from '../operation.js';
import { uncovered } from '../policy.js';
import { type Agent, type FederationProvider, type GatewayState, newestFirst, ORG_ID } from '../state.js';
import { findAgent, isoSpan, nextSeq, requireActive, sessionView } from './common.js';
import { openSession } from './sessions.js';

type Reason =
  | 'malformed'
  | 'issuer_mismatch'
  | 'unknown_issuer'
  | 'expired'
  | 'not_yet_valid'
  | 'revoked'
  | 'unknown';

interface Verified {
  claims: Record<string, unknown>;
  issuer: string;
  subject: string;
  provider: FederationProvider;
}

/** The JWT's claims, or null when it is not a three-part JWT with a JSON object payload. */
function decodeClaims(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const payload = decodeJsonSegment(parts[1]);
    return payload && typeof payload === 'object' && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Checks an external ID token. The mock does NOT verify signatures (it holds no provider keys):
 * it decodes the payload and checks `iss` against registered providers and `exp`/`nbf` against
 * the gateway clock, in the order of `Reason`'s checks below.
 */
export function verifyToken(
  state: GatewayState,
  token: string,
  issuerHint: string | undefined,
  now: number,
): { ok: true; value: Verified } | { ok: false; reason: Reason; issuer?: string; subject?: string } {
  const claims = decodeClaims(token);
  const iss = claims?.iss;
  const sub = claims?.sub;
  if (
    !claims ||
    typeof iss !== 'string' ||
    typeof sub !== 'string' ||
    (claims.exp !== undefined && typeof claims.exp !== 'number') ||
    (claims.nbf !== undefined && typeof claims.nbf !== 'number')
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const who = { issuer: iss, subject: sub };
  if (issuerHint !== undefined && issuerHint !== iss) return { ok: false, reason: 'issuer_mismatch', ...who };
  const provider = [...state.providers.values()].find((p) => p.issuer === iss);
  if (!provider) return { ok: false, reason: 'unknown_issuer', ...who };
  if (typeof claims.exp === 'number' && now >= claims.exp * 1000)
    return { ok: false, reason: 'expired', ...who };
  if (typeof claims.nbf === 'number' && now < claims.nbf * 1000)
    return { ok: false, reason: 'not_yet_valid', ...who };
  return { ok: true, value: { claims, issuer: iss, subject: sub, provider } };
}

/** Scopes a federated principal may use: the `scope` claim (space-separated) or `scp`. */
function claimedScopes(claims: Record<string, unknown>): string[] {
  const raw = claims.scope ?? claims.scp;
  const list = typeof raw === 'string' ? raw.split(/\s+/) : Array.isArray(raw) ? raw : [];
  return list.filter((s): s is string => typeof s === 'string' && s !== '');
}

/**
 * The shadow agent standing for a federated principal: one per (issuer, subject), created on
 * its first session, its capabilities refreshed from each new token's scopes.
 */
function shadowAgent(ctx: OpContext<unknown, unknown, unknown>, verified: Verified, scopes: string[]): Agent {
  const key = `${verified.issuer} ${verified.subject}`;
  const existing = ctx.state.agents.get(ctx.state.federatedAgents.get(key) ?? '');
  if (existing) {
    requireActive(existing);
    existing.capabilities = scopes;
    existing.last_auth_at = ctx.clock.iso();
    return existing;
  }
  const agent: Agent = {
    seq: nextSeq(ctx.state),
    id: ctx.id('agt_fed'),
    name: `${verified.subject}@${verified.issuer}`,
    org_id: ORG_ID,
    framework: 'federation',
    capabilities: scopes,
    metadata: {
      federated_issuer: verified.issuer,
      federated_subject: verified.subject,
      provider_id: verified.provider.id,
    },
    public_key: '',
    status: 'active',
    created_at: ctx.clock.iso(),
    last_auth_at: ctx.clock.iso(),
  };
  ctx.state.agents.set(agent.id, agent);
  ctx.state.federatedAgents.set(key, agent.id);
  return agent;
}

const REASON_TEXT: Record<Reason, string> = {
  malformed: 'malformed token',
  issuer_mismatch: 'issuer does not match the hint',
  unknown_issuer: 'unknown issuer',
  expired: 'token expired',
  not_yet_valid: 'token not yet valid',
  revoked: 'token revoked',
  unknown: 'unknown token',
};

interface Checked {
  valid: boolean;
  agent_id?: string;
  issuer?: string;
  expires_at?: string;
  error?: string;
}

/**
 * One check behind #37 and #38: a `fed_` token the gateway issued (#39), or an external ID token
 * (decoded, not signature-checked; see `verifyToken`).
 */
function check(
  state: GatewayState,
  token: string,
  hint: string | undefined,
  now: number,
  origin: string,
): Checked {
  if (token.startsWith('fed_')) {
    const issued = state.federatedTokens.get(token);
    if (!issued) return { valid: false, error: REASON_TEXT.unknown };
    const about = { agent_id: issued.agent_id, issuer: origin, expires_at: issued.expires_at };
    if (issued.revoked) return { valid: false, ...about, error: REASON_TEXT.revoked };
    if (now >= Date.parse(issued.expires_at)) return { valid: false, ...about, error: REASON_TEXT.expired };
    return { valid: true, ...about };
  }
  const result = verifyToken(state, token, hint, now);
  if (!result.ok)
    return {
      valid: false,
      ...(result.issuer ? { issuer: result.issuer } : {}),
      error: REASON_TEXT[result.reason],
    };
  const { claims, issuer, subject } = result.value;
  const agentId = state.federatedAgents.get(`${issuer} ${subject}`);
  return {
    valid: true,
    ...(agentId ? { agent_id: agentId } : {}),
    issuer,
    ...(typeof claims.exp === 'number' ? { expires_at: new Date(claims.exp * 1000).toISOString() } : {}),
  };
}

function providerView(provider: FederationProvider) {
  const { seq: _, ...wire } = provider;
  return structuredClone(wire);
}

export const federationOps = [
  defineOp({
    operationId: 'registerFederationProvider',
    method: 'POST',
    path: '/api/v1/federation/providers',
    body: RegisterFederationProviderBody,
    bodyRequired: true,
    handle: ({ body, state, clock, id }) => {
      const taken = [...state.providers.values()].find((p) => p.issuer === body.issuer);
      if (taken)
        throw conflict(`issuer ${body.issuer} is already registered`, { issuer: body.issuer, id: taken.id });
      const provider: FederationProvider = {
        seq: nextSeq(state),
        id: id('fedp'),
        org_id: ORG_ID,
        issuer: body.issuer,
        name: body.name,
        trust_level: body.trust_level ?? 'standard',
        status: 'active',
        created_at: clock.iso(),
        updated_at: clock.iso(),
      };
      state.providers.set(provider.id, provider);
      return json(201, { provider: providerView(provider) });
    },
  }),
  defineOp({
    operationId: 'listFederationProviders',
    method: 'GET',
    path: '/api/v1/federation/providers',
    handle: ({ state }) => json(200, { providers: newestFirst(state.providers.values()).map(providerView) }),
  }),
  defineOp({
    operationId: 'deleteFederationProvider',
    method: 'DELETE',
    path: '/api/v1/federation/providers/{provider_id}',
    params: DeleteFederationProviderParams,
    handle: ({ params, state }) => {
      if (!state.providers.delete(params.provider_id))
        throw notFound('federation provider', params.provider_id);
      return noContent();
    },
  }),
  defineOp({
    operationId: 'verifyFederatedToken',
    method: 'POST',
    path: '/api/v1/federation/tokens/verify',
    body: VerifyFederatedTokenBody,
    bodyRequired: true,
    secretFields: ['token'],
    handle: ({ body, state, clock, origin }) =>
      json(200, check(state, body.token, body.issuer_hint, clock.now(), origin)),
  }),
  defineOp({
    operationId: 'introspectFederatedToken',
    method: 'POST',
    path: '/api/v1/federation/tokens/introspect',
    body: IntrospectFederatedTokenBody,
    bodyRequired: true,
    secretFields: ['token'],
    handle: ({ body, state, clock, origin }) => {
      const result = check(state, body.token, body.issuer_hint, clock.now(), origin);
      return json(200, { active: result.valid, ...result });
    },
  }),
  defineOp({
    operationId: 'issueFederatedToken',
    method: 'POST',
    path: '/api/v1/federation/tokens/issue',
    body: IssueFederatedTokenBody,
    bodyRequired: true,
    handle: (ctx) => {
      const { body, state } = ctx;
      const agent = findAgent(state, body.agent_id);
      requireActive(agent);
      const scopes = body.scopes ?? [];
      const missing = uncovered(agent.capabilities, scopes);
      if (missing.length > 0)
        throw authDenied(`agent ${agent.id} does not hold scope ${missing[0]}`, {
          agent_id: agent.id,
          scope: missing[0],
        });
      const ttl = body.ttl ?? 3600;
      const lifetime = isoSpan(ctx, ttl * 1000);
      const token = ctx.secret('fed');
      state.federatedTokens.set(token, {
        token,
        agent_id: agent.id,
        audience: body.audience ?? null,
        scopes: [...scopes],
        expires_at: lifetime.end,
        revoked: false,
      });
      return json(200, { id_token: token, expires_in: ttl, expires_at: lifetime.end });
    },
  }),
  defineOp({
    operationId: 'revokeFederatedToken',
    method: 'POST',
    path: '/api/v1/federation/tokens/revoke',
    body: RevokeFederatedTokenBody,
    bodyRequired: true,
    secretFields: ['token'],
    handle: ({ body, state }) => {
      // Unknown tokens are not an error: the answer must not tell which tokens exist.
      const issued = state.federatedTokens.get(body.token);
      if (issued) issued.revoked = true;
      return noContent();
    },
  }),
  defineOp({
    operationId: 'initFederatedSession',
    method: 'POST',
    path: '/api/v1/federation/sessions/init',
    body: InitFederatedSessionBody,
    bodyRequired: true,
    secretFields: ['token'],
    handle: (ctx) => {
      const { body, state, clock } = ctx;
      if (body.token.startsWith('fed_')) {
        const result = check(state, body.token, body.issuer_hint, clock.now(), ctx.origin);
        const issued = state.federatedTokens.get(body.token);
        if (!result.valid || !issued) {
          if (result.error === REASON_TEXT.expired)
            throw new GatewayError(401, 'TOKEN_EXPIRED', 'the token has expired');
          throw new GatewayError(401, 'AUTH_FAILED', `the token is invalid: ${result.error}`, {
            reason: result.error,
          });
        }
        requireActive(findAgent(state, issued.agent_id));
        const session = openSession(ctx, {
          agent_id: issued.agent_id,
          mode: 'restricted',
          scope_ceiling: [...issued.scopes],
          source: 'federation',
          issuer: ctx.origin,
        });
        return json(201, sessionView(session));
      }
      const result = verifyToken(state, body.token, body.issuer_hint, clock.now());
      if (!result.ok) {
        if (result.reason === 'expired')
          throw new GatewayError(401, 'TOKEN_EXPIRED', 'the ID token has expired');
        throw new GatewayError(401, 'AUTH_FAILED', `the ID token is invalid: ${REASON_TEXT[result.reason]}`, {
          reason: result.reason,
        });
      }
      const scopes = claimedScopes(result.value.claims);
      const agent = shadowAgent(ctx, result.value, scopes);
      const session = openSession(ctx, {
        agent_id: agent.id,
        mode: 'restricted',
        scope_ceiling: [...scopes],
        source: 'federation',
        provider_id: result.value.provider.id,
        issuer: result.value.issuer,
        trust_level: result.value.provider.trust_level,
      });
      return json(201, sessionView(session));
    },
  }),
];
