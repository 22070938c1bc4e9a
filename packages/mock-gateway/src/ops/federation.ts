import type { components } from '@agenttrustid/spec/types';
import {
  InitFederatedSessionBody,
  RegisterFederationProviderBody,
  VerifyFederatedTokenBody,
} from '@agenttrustid/spec/zod';
import { conflict, GatewayError } from '../errors.js';
import { defineOp, json, type OpContext } from '../operation.js';
import type { Agent, FederationProvider, GatewayState } from '../state.js';
import { nextSeq, requireActive, sessionView } from './common.js';
import { openSession } from './sessions.js';

type S = components['schemas'];
type Reason = NonNullable<S['FederatedTokenVerification']['reason']>;

interface Verified {
  claims: Record<string, unknown>;
  issuer: string;
  subject: string;
  provider: FederationProvider;
}

function base64UrlJson(segment: string): unknown {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
}

/** The JWT's claims, or null when it is not a three-part JWT with a JSON object payload. */
function decodeClaims(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const payload = base64UrlJson(parts[1]);
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
    framework: 'federation',
    capabilities: scopes,
    metadata: {
      federated_issuer: verified.issuer,
      federated_subject: verified.subject,
      provider_id: verified.provider.id,
    },
    public_key: null,
    status: 'active',
    created_at: ctx.clock.iso(),
    last_auth_at: ctx.clock.iso(),
    revoked_at: null,
    revocation_reason: null,
  };
  ctx.state.agents.set(agent.id, agent);
  ctx.state.federatedAgents.set(key, agent.id);
  return agent;
}

export const federationOps = [
  defineOp({
    operationId: 'registerFederationProvider',
    method: 'POST',
    path: '/v1/federation/providers',
    body: RegisterFederationProviderBody,
    bodyRequired: true,
    handle: ({ body, state, clock, id }) => {
      const taken = [...state.providers.values()].find((p) => p.issuer === body.issuer);
      if (taken)
        throw conflict(`issuer ${body.issuer} is already registered`, { issuer: body.issuer, id: taken.id });
      const provider: FederationProvider = {
        seq: nextSeq(state),
        id: id('fed'),
        issuer: body.issuer,
        name: body.name,
        trust_level: body.trust_level ?? 'medium',
        created_at: clock.iso(),
      };
      state.providers.set(provider.id, provider);
      const { seq: _, ...wire } = provider;
      return json(201, wire);
    },
  }),
  defineOp({
    operationId: 'verifyFederatedToken',
    method: 'POST',
    path: '/v1/federation/verify',
    body: VerifyFederatedTokenBody,
    bodyRequired: true,
    secretFields: ['token'],
    handle: ({ body, state, clock }) => {
      const result = verifyToken(state, body.token, body.issuer_hint, clock.now());
      if (!result.ok) {
        const { ok: _, ...invalid } = result;
        return json(200, { valid: false, ...invalid });
      }
      const { claims, issuer, subject, provider } = result.value;
      return json(200, {
        valid: true,
        issuer,
        subject,
        provider_id: provider.id,
        trust_level: provider.trust_level,
        ...(typeof claims.exp === 'number' ? { expires_at: new Date(claims.exp * 1000).toISOString() } : {}),
        claims: structuredClone(claims),
      });
    },
  }),
  defineOp({
    operationId: 'initFederatedSession',
    method: 'POST',
    path: '/v1/federation/sessions',
    body: InitFederatedSessionBody,
    bodyRequired: true,
    secretFields: ['token'],
    handle: (ctx) => {
      const { body, state, clock } = ctx;
      const result = verifyToken(state, body.token, body.issuer_hint, clock.now());
      if (!result.ok) {
        if (result.reason === 'expired')
          throw new GatewayError(401, 'TOKEN_EXPIRED', 'the ID token has expired');
        throw new GatewayError(401, 'AUTH_FAILED', `the ID token is invalid: ${result.reason}`, {
          reason: result.reason,
        });
      }
      const scopes = claimedScopes(result.value.claims);
      const agent = shadowAgent(ctx, result.value, scopes);
      const session = openSession(ctx, {
        agent_id: agent.id,
        server_id: null,
        mode: 'restricted',
        scope_ceiling: [...scopes],
        source: 'federation',
        federated_subject: result.value.subject,
        federated_issuer: result.value.issuer,
      });
      return json(201, sessionView(session));
    },
  }),
];
