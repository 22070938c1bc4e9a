import type { RequestOptions } from '../core/http.js';
import { toWire } from '../core/keys.js';
import { APIResource, segment } from '../core/resource.js';
import type { Session, SessionMode } from '../generated/models.js';
import * as api from '../generated/operations.js';
import { operations } from '../generated/wire.js';

const { initSession, initApiSession, getSession } = operations;

export interface InitSessionParams {
  mode?: SessionMode;
  /** In `restricted` mode, the only scopes calls may use. */
  scopeCeiling?: string[];
}

export class Sessions extends APIResource {
  /** Opens a session of the agent with a server; checks made with its id are counted in it. */
  initSession(
    agentId: string,
    serverId: string,
    params: InitSessionParams = {},
    options?: RequestOptions,
  ): Promise<Session> {
    const body = toWire({ ...params, agentId, serverId }, initSession.body);
    return this._call(initSession, options, (c) => api.initSession(body, c));
  }

  /** Opens a session from an issued capability token (the session belongs to the token's agent). */
  initApiSession(token: string, options?: RequestOptions): Promise<Session> {
    return this._call(initApiSession, options, (c) =>
      api.initApiSession(toWire({ token }, initApiSession.body), c),
    );
  }

  getSession(sessionId: string, options?: RequestOptions): Promise<Session> {
    return this._call(getSession, options, (c) => api.getSession(segment('sessionId', sessionId), c));
  }
}
