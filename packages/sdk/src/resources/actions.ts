import type { RequestOptions } from '../core/http.js';
import { toWire } from '../core/keys.js';
import { APIResource } from '../core/resource.js';
import type { ActionCheckRequest, ActionCheckResult } from '../generated/models.js';
import * as api from '../generated/operations.js';
import { operations } from '../generated/wire.js';

const { checkAction } = operations;

export class Actions extends APIResource {
  /** Asks Guardian whether the agent may make this tool call. A denial is `allowed: false`, not an error. */
  check(params: ActionCheckRequest, options?: RequestOptions): Promise<ActionCheckResult> {
    return this._call(checkAction, options, (c) => api.checkAction(toWire(params, checkAction.body), c));
  }
}
