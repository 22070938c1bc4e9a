import type { RequestOptions } from '../core/http.js';
import { toWire } from '../core/keys.js';
import { APIResource, segment } from '../core/resource.js';
import type { CreateDelegationRequest, Delegation, DelegationStatus, Session } from '../generated/models.js';
import * as api from '../generated/operations.js';
import { operations } from '../generated/wire.js';

const { createDelegation, listDelegations, revokeDelegation, initDelegationSession } = operations;

export interface DelegationListParams {
  /** Delegations from or to this agent. */
  agentId?: string;
  status?: DelegationStatus;
}

export interface InitDelegationSessionParams {
  /** Narrows the session below the delegated scope. */
  scopeCeiling?: string[];
}

export class Delegations extends APIResource {
  /** Delegates a scope the delegator holds, for `ttlSeconds`, to another agent. */
  create(params: CreateDelegationRequest, options?: RequestOptions): Promise<Delegation> {
    return this._call(createDelegation, options, (c) =>
      api.createDelegation(toWire(params, createDelegation.body), c),
    );
  }

  list(params: DelegationListParams = {}, options?: RequestOptions): Promise<Delegation[]> {
    return this._call(listDelegations, options, (c) =>
      api.listDelegations(toWire(params, listDelegations.query), c),
    );
  }

  revoke(delegationId: string, options?: RequestOptions): Promise<Delegation> {
    return this._call(revokeDelegation, options, (c) =>
      api.revokeDelegation(segment('delegationId', delegationId), c),
    );
  }

  /** Opens a session for the delegatee, bounded by the delegated scope. */
  initSession(
    delegationId: string,
    params: InitDelegationSessionParams = {},
    options?: RequestOptions,
  ): Promise<Session> {
    const body = toWire(params, initDelegationSession.body);
    return this._call(initDelegationSession, options, (c) =>
      api.initDelegationSession(segment('delegationId', delegationId), body, c),
    );
  }
}
