import type { RequestOptions } from '../core/http.js';
import { APIResource, segment } from '../core/resource.js';
import type { AgentCard } from '../generated/models.js';
import * as api from '../generated/operations.js';
import { operations } from '../generated/wire.js';

const { generateAgentCard, publishAgentCard, getPublicAgentCard } = operations;

export class AgentCards extends APIResource {
  /** Builds (or rebuilds) the agent's A2A card from its record. */
  generate(agentId: string, options?: RequestOptions): Promise<AgentCard> {
    return this._call(generateAgentCard, options, (c) =>
      api.generateAgentCard(segment('agentId', agentId), c),
    );
  }

  /** Makes the card publicly discoverable. */
  publish(agentId: string, options?: RequestOptions): Promise<AgentCard> {
    return this._call(publishAgentCard, options, (c) => api.publishAgentCard(segment('agentId', agentId), c));
  }

  /** Fetches a published card the way anyone would: without the API key. */
  getPublic(agentId: string, options?: RequestOptions): Promise<AgentCard> {
    return this._call(
      getPublicAgentCard,
      options,
      (c) => api.getPublicAgentCard(segment('agentId', agentId), c),
      false,
    );
  }
}
