import type { RequestOptions } from '../core/http.js';
import { toWire } from '../core/keys.js';
import { APIResource, segment } from '../core/resource.js';
import type { Agent, AgentStatus, CreateAgentRequest } from '../generated/models.js';
import * as api from '../generated/operations.js';
import { operations } from '../generated/wire.js';

const { createAgent, listAgents, getAgent, revokeAgent, suspendAgent, activateAgent } = operations;

export interface AgentListParams {
  /** Only agents in this status. */
  status?: AgentStatus;
}

export class Agents extends APIResource {
  /** @internal Called with the id of an agent that was revoked or suspended. */
  _onStatusChange: (agentId: string) => void = () => {};

  /** Registers an agent. `metadata` keys are stored exactly as given. */
  create(params: CreateAgentRequest, options?: RequestOptions): Promise<Agent> {
    return this._call(createAgent, options, (c) => api.createAgent(toWire(params, createAgent.body), c));
  }

  /** Lists the organization's agents, newest first. */
  list(params: AgentListParams = {}, options?: RequestOptions): Promise<Agent[]> {
    return this._call(listAgents, options, (c) => api.listAgents(toWire(params, listAgents.query), c));
  }

  get(agentId: string, options?: RequestOptions): Promise<Agent> {
    return this._call(getAgent, options, (c) => api.getAgent(segment('agentId', agentId), c));
  }

  /** Revokes the agent immediately and permanently; its tokens stop working. */
  async revoke(agentId: string, reason?: string, options?: RequestOptions): Promise<Agent> {
    const body = toWire(reason === undefined ? {} : { reason }, revokeAgent.body);
    const agent = await this._call<Agent>(revokeAgent, options, (c) =>
      api.revokeAgent(segment('agentId', agentId), body, c),
    );
    this._onStatusChange(agentId);
    return agent;
  }

  /** Suspends the agent: its checks are denied until it is activated again. */
  async suspend(agentId: string, options?: RequestOptions): Promise<Agent> {
    const agent = await this._call<Agent>(suspendAgent, options, (c) =>
      api.suspendAgent(segment('agentId', agentId), c),
    );
    this._onStatusChange(agentId);
    return agent;
  }

  /** Reactivates a suspended agent (a revoked one stays revoked). */
  activate(agentId: string, options?: RequestOptions): Promise<Agent> {
    return this._call(activateAgent, options, (c) => api.activateAgent(segment('agentId', agentId), c));
  }
}
