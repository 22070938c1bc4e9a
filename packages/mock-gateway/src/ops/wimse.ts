/**
 * Identity endpoints: proof-of-possession challenges (#6), WIMSE workload tokens (#49/#50) and
 * the organization's security settings (#51/#52). Tokens are real JWTs (EdDSA) signed by the
 * instance's own key. The action check enforces the settings (`enforceSenderConstraint`): a
 * presented WIMSE bearer is verified and must name the checked agent, a presented DPoP proof
 * (RFC 9449) is verified in full, and `require_sender_constrained_tokens` makes both mandatory.
 *
 * Times a client stamps itself (a proof's `ts`, a DPoP `iat`) are judged against the host's real
 * clock, not the mock clock: `advance_clock` simulates time passing at the gateway (tokens,
 * nonces and approvals expire), and clients cannot see it, so their stamps keep real time.
 */
import { IDENTITY } from '@agenttrustid/spec/facts';
import {
  CreateAgentChallengeBody,
  CreateAgentChallengeParams,
  IssueWimseTokenBody,
  UpdateOrgSecuritySettingsBody,
  VerifyWimseTokenBody,
} from '@agenttrustid/spec/zod';
import { API_KEYS } from '../api-keys.js';
import { GatewayError, validation } from '../errors.js';
import {
  base64UrlDecode,
  decodeJsonSegment,
  jwkThumbprint,
  okpThumbprint,
  sha256Base64Url,
  verifyEd25519,
  verifyEd25519Raw,
} from '../keys.js';
import { defineOp, json, type OpContext } from '../operation.js';
import { findAgent, isoSpan, requireActive } from './common.js';

type Ctx = OpContext<unknown, unknown, unknown>;

export const TRUST_DOMAIN = 'ati';
/** How long a challenge nonce is accepted. */
export const NONCE_TTL_MS = 60_000;
/** How far a proof's `ts` may be from the gateway clock. */
export const PROOF_SKEW_S = 300;

/** The bytes a proof of possession signs: the spec's template with its four fields filled. */
function popMessage(nonce: string, agentId: string, audience: string[], ts: number): string {
  const fields: Record<string, string> = {
    nonce,
    agent_id: agentId,
    audience: audience.join(','),
    ts: String(ts),
  };
  return IDENTITY.popMessage.replace(/\{(\w+)\}/g, (_, name: string) => fields[name]!);
}
/** Longest `jti` remembered; a longer one is a malformed proof. */
const MAX_JTI_LENGTH = 256;

/** `details.reason` of a refused sender-constrained check (always with `details.field`). */
export type SenderConstraintReason =
  | 'dpop_missing'
  | 'dpop_malformed'
  | 'dpop_signature'
  | 'dpop_htm'
  | 'dpop_htu'
  | 'dpop_iat'
  | 'dpop_replay'
  | 'dpop_ath'
  | 'dpop_key_mismatch'
  | 'token_invalid'
  | 'token_unbound';

const unauthorized = (message: string, details?: Record<string, unknown>) =>
  new GatewayError(401, 'AUTH_FAILED', message, details);

/** A 401 of the check; the message names what is wrong, never the token or the proof. */
const refused = (field: 'Authorization' | 'DPoP', reason: SenderConstraintReason, message: string) =>
  unauthorized(message, { field, reason });

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
  if (agent?.status !== 'active') return { ok: false, reason: `agent ${record.agent_id} is not active` };
  return { ok: true, claims, agentId: record.agent_id };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** `origin + path` of a URL (RFC 9449: `htu` is compared without query and fragment). */
function withoutQuery(text: string): string | null {
  try {
    const url = new URL(text);
    return `${url.origin}${url.pathname}`;
  } catch {
    return null;
  }
}

/**
 * Verifies a DPoP proof for this request (RFC 9449 section 4.3) and spends its `jti`; `token`
 * is the access token it travels with (its hash must be the proof's `ath`), null for none.
 * Returns the thumbprint of the proof's key, for the token's `cnf.jkt`.
 */
export async function verifyDpopProof(ctx: Ctx, proof: string, token: string | null): Promise<string> {
  const malformed = (why: string) => refused('DPoP', 'dpop_malformed', `malformed DPoP proof: ${why}`);
  const parts = proof.trim().split('.');
  if (parts.length !== 3) throw malformed('not a compact JWS');
  let header: unknown;
  let claims: unknown;
  let signature: Uint8Array<ArrayBuffer>;
  try {
    header = decodeJsonSegment(parts[0]!);
    claims = decodeJsonSegment(parts[1]!);
    signature = base64UrlDecode(parts[2]!);
  } catch {
    throw malformed('not a compact JWS');
  }
  if (!isObject(header) || !isObject(claims)) throw malformed('header and payload must be JSON objects');
  if (header.typ !== IDENTITY.dpop.typ) throw malformed(`typ must be ${IDENTITY.dpop.typ}`);
  if (header.alg !== IDENTITY.dpop.alg) throw malformed(`alg must be ${IDENTITY.dpop.alg}`);
  const jwk = header.jwk;
  if (!isObject(jwk) || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string')
    throw malformed('jwk must be an Ed25519 public key (kty OKP, crv Ed25519, x)');
  if ('d' in jwk) throw malformed('jwk must not hold a private key');
  let raw: Uint8Array<ArrayBuffer>;
  try {
    raw = base64UrlDecode(jwk.x);
  } catch {
    throw malformed('jwk.x is not base64url');
  }
  if (raw.length !== 32) throw malformed('jwk.x is not a 32-byte Ed25519 key');
  const { htm, htu, iat, jti, ath } = claims;
  if (typeof htm !== 'string' || typeof htu !== 'string') throw malformed('htm and htu must be strings');
  if (typeof iat !== 'number' || !Number.isFinite(iat))
    throw malformed('iat must be a number (unix seconds)');
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH)
    throw malformed(`jti must be a string of 1 to ${MAX_JTI_LENGTH} characters`);
  if (ath !== undefined && typeof ath !== 'string') throw malformed('ath must be a string');

  if (!(await verifyEd25519Raw(raw, `${parts[0]}.${parts[1]}`, signature)))
    throw refused('DPoP', 'dpop_signature', 'the DPoP proof signature does not verify with its jwk');
  if (htm !== ctx.method)
    throw refused(
      'DPoP',
      'dpop_htm',
      `the DPoP proof's htm does not name this request's method ${ctx.method}`,
    );
  if (withoutQuery(htu) !== ctx.target)
    throw refused('DPoP', 'dpop_htu', `the DPoP proof's htu does not name this request's URL ${ctx.target}`);
  const now = Date.now();
  const maxAge = IDENTITY.dpop.maxAgeMs;
  if (Math.abs(now - iat * 1000) > maxAge)
    throw refused('DPoP', 'dpop_iat', `the DPoP proof's iat is more than ${maxAge / 1000} s from now`);
  if (token !== null && ath !== (await sha256Base64Url(token)))
    throw refused('DPoP', 'dpop_ath', "the DPoP proof's ath is not the SHA-256 of the WIMSE token");
  const thumbprint = await okpThumbprint(raw);
  const seen = ctx.state.dpopJtis;
  const key = `${thumbprint} ${jti}`;
  if (seen.has(key)) throw refused('DPoP', 'dpop_replay', "the DPoP proof's jti was already used");
  // Oldest first: drop the proofs whose iat left the window (they would be refused as stale).
  for (const [old, until] of seen) {
    if (until > now) break;
    seen.delete(old);
  }
  seen.set(key, iat * 1000 + maxAge);
  return thumbprint;
}

/**
 * The action check's agent credentials. `require_sender_constrained_tokens` on: a WIMSE bearer
 * bound to a key (`cnf.jkt`) and a DPoP proof of that key are required. Off: whatever is sent is
 * still verified (a bound token needs its proof). A token of another agent is 403.
 */
export async function enforceSenderConstraint(ctx: Ctx, agentId: string): Promise<void> {
  const authorization = ctx.headers.get('authorization');
  const dpop = ctx.headers.get('dpop');
  const required = ctx.state.securitySettings.require_sender_constrained_tokens;
  if (!authorization) {
    if (required)
      throw refused(
        'Authorization',
        'dpop_missing',
        'this organization requires sender-constrained tokens: a WIMSE bearer token and a DPoP proof are required',
      );
    if (dpop) await verifyDpopProof(ctx, dpop, null);
    return;
  }
  const match = /^(?:Bearer|DPoP)\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw refused('Authorization', 'token_invalid', 'Authorization must be "Bearer <WIMSE token>"');
  const token = match[1]!;
  const checked = await checkWimse(ctx, token);
  if (!checked.ok) throw refused('Authorization', 'token_invalid', `invalid WIMSE token: ${checked.reason}`);
  const cnf = checked.claims.cnf;
  const bound = isObject(cnf) && typeof cnf.jkt === 'string' ? cnf.jkt : null;
  if (!dpop) {
    if (required || bound)
      throw refused('DPoP', 'dpop_missing', 'a DPoP proof is required with this WIMSE token');
  } else {
    const thumbprint = await verifyDpopProof(ctx, dpop, token);
    if (bound === null && required)
      throw refused(
        'Authorization',
        'token_unbound',
        'the WIMSE token is not bound to a key (no cnf.jkt): issue it with a proof of possession',
      );
    if (bound !== null && thumbprint !== bound)
      throw refused(
        'DPoP',
        'dpop_key_mismatch',
        "the DPoP proof's key is not the key the WIMSE token is bound to (cnf.jkt)",
      );
  }
  if (checked.agentId !== agentId) {
    throw new GatewayError(403, 'AUTH_DENIED', `the WIMSE token belongs to another agent than ${agentId}`, {
      field: 'agent_id',
    });
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
        // The client stamps `ts` with its own clock, which `advance_clock` does not move.
        if (Math.abs(Date.now() / 1000 - ts) > PROOF_SKEW_S)
          throw unauthorized('proof ts is too far from now', { field: 'proof.ts' });
        if (!agent.public_key) throw validation('proof', `agent ${agent.id} has no registered public key`);
        const message = popMessage(nonce, agent.id, audience, ts);
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
