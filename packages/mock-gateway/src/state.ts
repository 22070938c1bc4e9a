/**
 * In-memory state of one gateway instance. Records are stored in their wire shape (plus a
 * sequence number for stable newest-first ordering); fields that depend on time (approval,
 * delegation status) are computed when read, so advancing the clock needs no sweep.
 */
import type { components } from '@agenttrustid/spec/types';

type S = components['schemas'];

export type Agent = S['Agent'] & { seq: number };
export type Token = S['Token'] & { seq: number; revoked: boolean };
export type Session = S['Session'] & { seq: number; implicit: boolean };
export type Approval = S['Approval'] & {
  seq: number;
  /** A supervised session's approval allows one call; set once that call is allowed. */
  consumed_at: string | null;
};
export type McpServer = S['McpServer'] & { seq: number };
export type AgentCard = S['AgentCard'] & { generation: number };
export type A2aTask = S['A2aTask'] & { seq: number };
export type Delegation = S['Delegation'] & { seq: number };
export type FederationProvider = S['FederationProvider'] & { seq: number };
export type SiemDestination = S['SiemDestination'] & { seq: number; auth_token: string | null };
export type DeliveryRecord = S['DeliveryRecord'] & { seq: number };
export type TelemetryEvent = S['TelemetryEvent'];
export type ActionCheckResult = S['ActionCheckResult'];

/** One decided check, kept as the audit log (every call, as a supervised session promises). */
export interface CheckRecord {
  agent_id: string;
  tool_name: string;
  session_id: string | null;
  result: ActionCheckResult;
  at: string;
}

export interface GatewayState {
  agents: Map<string, Agent>;
  tokens: Map<string, Token>;
  sessions: Map<string, Session>;
  approvals: Map<string, Approval>;
  mcpServers: Map<string, McpServer>;
  cards: Map<string, AgentCard>;
  tasks: Map<string, A2aTask>;
  delegations: Map<string, Delegation>;
  providers: Map<string, FederationProvider>;
  /** Shadow agents of federated principals, by `issuer + " " + sub`. */
  federatedAgents: Map<string, string>;
  destinations: Map<string, SiemDestination>;
  deliveries: DeliveryRecord[];
  telemetry: TelemetryEvent[];
  checks: CheckRecord[];
  /** Monotonic counter behind `seq` and ids. */
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
    mcpServers: new Map(),
    cards: new Map(),
    tasks: new Map(),
    delegations: new Map(),
    providers: new Map(),
    federatedAgents: new Map(),
    destinations: new Map(),
    deliveries: [],
    telemetry: [],
    checks: [],
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
  state.counter = 0;
}

export function pushBounded<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_LOG_ENTRIES) list.splice(0, list.length - MAX_LOG_ENTRIES);
}

/** Newest first: by sequence, which follows creation order even on a frozen clock. */
export function newestFirst<T extends { seq: number }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => b.seq - a.seq);
}
