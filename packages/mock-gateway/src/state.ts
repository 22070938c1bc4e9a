/**
 * In-memory state of one gateway instance. Records hold their wire fields plus what the policy
 * needs and the wire does not show (a sequence number for stable newest-first ordering, decision
 * times, internal status); `ops/common.ts` turns them into wire views. Fields that depend on time
 * (approval, delegation status) are computed when read, so advancing the clock needs no sweep.
 */
import type { components } from '@agenttrustid/spec/types';

type S = components['schemas'];

/** The one organization of the mock: every record belongs to it. */
export const ORG_ID = 'org_mock';

export type AgentStatus = S['AgentStatus'];
export type ActionEffect = S['ActionEffect'];
export type ActionCheckResult = S['ActionCheckResult'];
export type TelemetryEvent = S['TelemetryEvent'];

export interface Agent {
  seq: number;
  id: string;
  name: string;
  org_id: string;
  framework: string;
  public_key: string;
  status: AgentStatus;
  capabilities: string[];
  metadata: Record<string, unknown>;
  created_at: string;
  revoked_at?: string;
  revocation_reason?: string;
  /** When the agent last passed a check (not on the wire). */
  last_auth_at: string | null;
}

export interface Token {
  seq: number;
  token: string;
  token_id: string;
  agent_id: string;
  scopes: string[];
  audience: string[];
  session_id: string | null;
  issued_at: string;
  expires_at: string;
  revoked: boolean;
}

export interface Session {
  seq: number;
  session_id: string;
  agent_id: string;
  org_id: string;
  source: S['SessionSource'];
  server_id: string;
  delegation_id: string;
  provider_id: string;
  issuer: string;
  trust_level: string;
  mode: S['SessionMode'];
  /** Empty: bounded only by the agent's capabilities. */
  scope_ceiling: string[];
  total_calls: number;
  read_calls: number;
  write_calls: number;
  denied_calls: number;
  /** Allowed checks (not on the wire; total - denied). */
  allowed_calls: number;
  created_at: string;
  last_activity_at: string;
  /** Opened by a check whose session id the gateway did not know (an SDK guard's correlation id). */
  implicit: boolean;
}

export interface Approval {
  seq: number;
  id: string;
  /** The session of the check that asked, `""` without one; part of the approval's binding. */
  session_id: string;
  agent_id: string;
  org_id: string;
  action_name: string;
  action_effect: ActionEffect;
  status: 'pending' | 'approved' | 'denied';
  created_at: string;
  expires_at: string;
  decided_by: string | null;
  decided_at: string | null;
  check_id: string;
  /** A supervised session's approval allows one call; set once that call is allowed. */
  consumed_at: string | null;
}

export interface McpServer {
  seq: number;
  id: string;
  name: string;
  url: string;
  capabilities: string[];
  org_id: string;
  created_at: string;
}

export interface AgentCardRecord {
  agent_id: string;
  generation: number;
  published: boolean;
  published_at: string | null;
  card: S['AgentCard'];
}

export interface A2aTask {
  seq: number;
  id: string;
  context_id: string;
  source_agent_id: string;
  target_agent_id: string;
  /** The request as sent: a string (Python) or an A2A message object. */
  message: unknown;
  metadata: Record<string, unknown>;
  state: S['A2aTaskState'];
  state_at: string;
  history: S['A2aMessage'][];
  artifacts: S['A2aArtifact'][];
  created_at: string;
  updated_at: string;
}

export interface Delegation {
  seq: number;
  id: string;
  from_agent_id: string;
  to_agent_id: string;
  org_id: string;
  scope: string[];
  restrictions: Record<string, unknown>;
  delegation_chain: string[];
  created_at: string;
  expires_at: string;
  revoked_at?: string;
}

export interface FederationProvider {
  seq: number;
  id: string;
  org_id: string;
  issuer: string;
  name: string;
  trust_level: string;
  status: string;
  created_at: string;
  updated_at: string;
}

/** A token the gateway issued itself (`issueFederatedToken`), opaque `fed_...`. */
export interface FederatedToken {
  token: string;
  agent_id: string;
  audience: string | null;
  scopes: string[];
  expires_at: string;
  revoked: boolean;
}

export interface SiemDestination {
  seq: number;
  id: string;
  org_id: string;
  name: string;
  destination_type: string;
  endpoint_url: string;
  /** Stored, returned masked, never logged. */
  auth_token: string | null;
  is_active: boolean;
  batch_size: number;
  flush_interval_seconds: number;
  filter_event_types: string[];
  created_at: string;
  updated_at: string;
}

export interface DeliveryRecord {
  seq: number;
  id: string;
  destination_id: string;
  batch_size: number;
  status: 'success' | 'failed';
  status_code: number;
  error_message: string;
  delivered_at: string;
  test: boolean;
}

/** A proof-of-possession nonce (`createAgentChallenge`): single use, short-lived. */
export interface Challenge {
  nonce: string;
  agent_id: string;
  expires_at: string;
  used: boolean;
}

/** A WIMSE token the gateway issued (by `jti`), so verify can tell revoked agents' tokens. */
export interface WimseRecord {
  jti: string;
  agent_id: string;
  expires_at: string;
}

/** One decided check, kept as the audit log (every call, as a supervised session promises). */
export interface CheckRecord {
  agent_id: string;
  action_name: string;
  session_id: string | null;
  result: ActionCheckResult;
  at: string;
}

export interface GatewayState {
  agents: Map<string, Agent>;
  tokens: Map<string, Token>;
  sessions: Map<string, Session>;
  approvals: Map<string, Approval>;
  /**
   * `approvals` by binding (`bindingKey`), oldest first: a destructive check looks up its own
   * binding instead of scanning every approval. Rebuilt from `approvals` when their counts differ
   * (approvals put straight into the map by a test).
   */
  approvalsByBinding: Map<string, Approval[]>;
  /** How many approvals `approvalsByBinding` holds. */
  approvalsIndexed: number;
  mcpServers: Map<string, McpServer>;
  cards: Map<string, AgentCardRecord>;
  tasks: Map<string, A2aTask>;
  delegations: Map<string, Delegation>;
  providers: Map<string, FederationProvider>;
  /** Shadow agents of federated principals, by `issuer + " " + sub`. */
  federatedAgents: Map<string, string>;
  federatedTokens: Map<string, FederatedToken>;
  destinations: Map<string, SiemDestination>;
  deliveries: DeliveryRecord[];
  telemetry: (TelemetryEvent & { agent_id: string; session_id: string })[];
  checks: CheckRecord[];
  challenges: Map<string, Challenge>;
  wimseTokens: Map<string, WimseRecord>;
  /**
   * DPoP proofs seen, by key thumbprint and `jti`, until (epoch ms) their `iat` leaves the
   * accepted window: a proof seen again is a replay; one past its window is refused as stale.
   */
  dpopJtis: Map<string, number>;
  securitySettings: S['SecuritySettings'];
  /** Monotonic counter behind `seq`. */
  counter: number;
}

/** Telemetry and the check log are capped so a long-running CLI cannot grow without bound. */
export const MAX_LOG_ENTRIES = 10_000;

export function createState(): GatewayState {
  return {
    agents: new Map(),
    tokens: new Map(),
    sessions: new Map(),
    approvals: new Map(),
    approvalsByBinding: new Map(),
    approvalsIndexed: 0,
    mcpServers: new Map(),
    cards: new Map(),
    tasks: new Map(),
    delegations: new Map(),
    providers: new Map(),
    federatedAgents: new Map(),
    federatedTokens: new Map(),
    destinations: new Map(),
    deliveries: [],
    telemetry: [],
    checks: [],
    challenges: new Map(),
    wimseTokens: new Map(),
    dpopJtis: new Map(),
    securitySettings: { require_proof_of_possession: false, require_sender_constrained_tokens: false },
    counter: 0,
  };
}

/** Empties every collection in place, so references held by tests stay valid. */
export function clearState(state: GatewayState): void {
  const fresh = createState();
  for (const key of Object.keys(fresh) as (keyof GatewayState)[]) {
    const value = state[key];
    if (value instanceof Map) value.clear();
    else if (Array.isArray(value)) value.length = 0;
  }
  state.securitySettings = fresh.securitySettings;
  state.counter = 0;
  state.approvalsIndexed = 0;
}

export function pushBounded<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_LOG_ENTRIES) list.splice(0, list.length - MAX_LOG_ENTRIES);
}

/** Newest first: by sequence, which follows creation order even on a frozen clock. */
export function newestFirst<T extends { seq: number }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => b.seq - a.seq);
}

/** What an approval is bound to: agent, action name (exact), effect and session (`""`: none). */
export function bindingKey(a: Pick<Approval, 'agent_id' | 'action_name' | 'action_effect' | 'session_id'>) {
  return JSON.stringify([a.agent_id, a.action_name, a.action_effect, a.session_id]);
}

/** Rebuilds the index from `approvals` when they were changed around `addApproval`. */
function syncApprovalIndex(state: GatewayState): void {
  if (state.approvalsIndexed === state.approvals.size) return;
  state.approvalsByBinding.clear();
  const all = [...state.approvals.values()].sort((a, b) => a.seq - b.seq);
  for (const approval of all) {
    const key = bindingKey(approval);
    const list = state.approvalsByBinding.get(key);
    if (list) list.push(approval);
    else state.approvalsByBinding.set(key, [approval]);
  }
  state.approvalsIndexed = state.approvals.size;
}

export function addApproval(state: GatewayState, approval: Approval): void {
  syncApprovalIndex(state);
  state.approvals.set(approval.id, approval);
  const key = bindingKey(approval);
  const list = state.approvalsByBinding.get(key);
  if (list) list.push(approval);
  else state.approvalsByBinding.set(key, [approval]);
  state.approvalsIndexed = state.approvals.size;
}

/** The approvals of one binding, newest first. */
export function approvalsFor(
  state: GatewayState,
  binding: Pick<Approval, 'agent_id' | 'action_name' | 'action_effect' | 'session_id'>,
): Approval[] {
  syncApprovalIndex(state);
  const list = state.approvalsByBinding.get(bindingKey(binding)) ?? [];
  return [...list].reverse();
}
