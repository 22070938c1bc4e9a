// Proof of possession (issue 12): a challenge nonce signed with the agent's key buys a WIMSE
// token bound to that key (`cnf.jkt`).
import { base64url } from 'jose';
import { ValidationError } from '../core/errors.js';
import type { RequestOptions } from '../core/http.js';
import { IDENTITY } from '../generated/facts.js';
import type { ChallengeResponse, IssueWimseTokenRequest, WimseToken } from '../generated/models.js';
import type { AgentKeyPair } from './key-pair.js';
import type { KeyStore } from './key-store.js';

/** What the identity helpers use of `AgentTrustClient`. */
export interface IdentityClient {
  readonly keyStore: KeyStore;
  readonly wimse: {
    challenge(agentId: string, options?: RequestOptions): Promise<ChallengeResponse>;
    issueToken(params: IssueWimseTokenRequest, options?: RequestOptions): Promise<WimseToken>;
  };
}

export interface IssueWithProofOptions {
  /** Who the token is for (signed into the proof, joined by ","). */
  audience?: string[] | undefined;
  ttlSeconds?: number | undefined;
  serviceName?: string | undefined;
  environment?: string | undefined;
  /** Where the agent's key is (default: the client's key store). */
  keyStore?: KeyStore | undefined;
}

/** The UTF-8 text a proof signs: the spec's `pop-v1:<nonce>:<agent_id>:<audience>:<ts>`. */
export function popMessage(nonce: string, agentId: string, audience: readonly string[], ts: number): string {
  const values: Record<string, string> = {
    nonce,
    agent_id: agentId,
    audience: audience.join(','),
    ts: String(ts),
  };
  return IDENTITY.popMessage.replace(/\{(\w+)\}/g, (_, name: string) => values[name]!);
}

/** The agent's key pair from the store, or a VALIDATION_ERROR naming the agent. */
export async function requireKeyPair(store: KeyStore, agentId: string): Promise<AgentKeyPair> {
  const pair = await store.get(agentId);
  if (!pair) {
    throw new ValidationError('VALIDATION_ERROR', `the key store has no key pair for agent ${agentId}`, {
      details: { field: 'agentId', agentId, reason: 'key_not_found' },
    });
  }
  return pair;
}

/**
 * A WIMSE token bound to the agent's key: `wimse.challenge`, the nonce signed with the key from
 * the store, then `wimse.issueToken` with the proof.
 */
export async function issueTokenWithProof(
  client: IdentityClient,
  agentId: string,
  options: IssueWithProofOptions = {},
  requestOptions?: RequestOptions,
): Promise<WimseToken> {
  const pair = await requireKeyPair(options.keyStore ?? client.keyStore, agentId);
  const { nonce } = await client.wimse.challenge(agentId, requestOptions);
  const ts = Math.floor(Date.now() / 1000);
  const signed = await pair.sign(
    new TextEncoder().encode(popMessage(nonce, agentId, options.audience ?? [], ts)),
  );
  const params: IssueWimseTokenRequest = {
    agentId,
    proof: { nonce, ts, signature: base64url.encode(signed) },
  };
  if (options.audience !== undefined) params.audience = options.audience;
  if (options.ttlSeconds !== undefined) params.ttlSeconds = options.ttlSeconds;
  if (options.serviceName !== undefined) params.serviceName = options.serviceName;
  if (options.environment !== undefined) params.environment = options.environment;
  return client.wimse.issueToken(params, requestOptions);
}
