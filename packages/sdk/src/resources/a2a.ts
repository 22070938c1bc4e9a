import { ValidationError } from '../core/errors.js';
import type { RequestOptions } from '../core/http.js';
import { toWire } from '../core/keys.js';
import { APIResource, segment } from '../core/resource.js';
import type { A2aMessage, A2aPart, A2aTask, SendTaskRequest } from '../generated/models.js';
import * as api from '../generated/operations.js';
import { operations } from '../generated/wire.js';

const { sendA2aMessage, sendA2aTask, getA2aTask, cancelA2aTask } = operations;

/** A message to send: `text` for the common case, or `parts` (text and data parts, data sent untouched). */
export interface SendMessageParams {
  text?: string;
  parts?: A2aPart[];
  role?: A2aMessage['role'];
  messageId?: string;
  /** The sending agent, if any. */
  sourceAgentId?: string;
  /** Continue an existing context. */
  contextId?: string;
}

export class A2a extends APIResource {
  /** A2A v1.0 `message/send` to the target agent; returns the task it created. */
  sendMessage(agentId: string, params: SendMessageParams, options?: RequestOptions): Promise<A2aTask> {
    const { text, parts, role = 'user', messageId, sourceAgentId, contextId } = params;
    const allParts: A2aPart[] = [
      ...(text === undefined ? [] : [{ kind: 'text' as const, text }]),
      ...(parts ?? []),
    ];
    if (allParts.length === 0) {
      throw new ValidationError('VALIDATION_ERROR', 'sendMessage needs `text` or at least one of `parts`', {
        details: { field: 'message.parts' },
      });
    }
    const message: A2aMessage = { role, parts: allParts, ...(messageId === undefined ? {} : { messageId }) };
    const body = toWire({ message, sourceAgentId, contextId }, sendA2aMessage.body);
    return this._call(sendA2aMessage, options, (c) =>
      api.sendA2aMessage(segment('agentId', agentId), body, c),
    );
  }

  /** A2A v0.3 `tasks/send` (back-compat): a text request from one agent to another. */
  sendTask(params: SendTaskRequest, options?: RequestOptions): Promise<A2aTask> {
    return this._call(sendA2aTask, options, (c) => api.sendA2aTask(toWire(params, sendA2aTask.body), c));
  }

  getTask(taskId: string, options?: RequestOptions): Promise<A2aTask> {
    return this._call(getA2aTask, options, (c) => api.getA2aTask(segment('taskId', taskId), c));
  }

  cancelTask(taskId: string, options?: RequestOptions): Promise<A2aTask> {
    return this._call(cancelA2aTask, options, (c) => api.cancelA2aTask(segment('taskId', taskId), c));
  }
}
