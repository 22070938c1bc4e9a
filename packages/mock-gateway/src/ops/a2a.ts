import type { components } from '@agenttrustid/spec/types';
import {
  A2aTasksRpcBody,
  ListTasksParams,
  PythonTaskIdParams,
  A2aMessage as S_A2aMessage,
  SendA2aMessageBody,
  SendA2aMessageParams,
  SendTaskParams,
  TaskIdParams,
} from '@agenttrustid/spec/zod';
import * as z from 'zod/mini';
import { GatewayError, validation } from '../errors.js';
import { defineOp, json, type OpContext } from '../operation.js';
import { type A2aTask, newestFirst } from '../state.js';
import { findAgent, nextSeq, requireActive } from './common.js';

type S = components['schemas'];
type Ctx = OpContext<unknown, unknown, unknown>;

const TERMINAL: ReadonlySet<S['A2aTaskState']> = new Set(['completed', 'canceled', 'failed', 'rejected']);

/** A2A's JSON-RPC error codes. */
export const RPC = { taskNotFound: -32001, taskNotCancelable: -32002, invalidParams: -32602 } as const;

class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** The request message as an A2A message (Python sends a plain string). */
function asMessage(message: unknown, id: string): S['A2aMessage'] {
  if (typeof message === 'string')
    return { role: 'user', parts: [{ kind: 'text', text: message }], messageId: id };
  const parsed = z.safeParse(S_A2aMessage, message);
  if (parsed.success) return { ...structuredClone(parsed.data), messageId: parsed.data.messageId ?? id };
  return {
    role: 'user',
    parts: [{ kind: 'data', data: { value: structuredClone(message) as never } }],
    messageId: id,
  };
}

function createTask(
  ctx: Ctx,
  fields: {
    source: string;
    target: string;
    message: unknown;
    metadata?: Record<string, unknown>;
    contextId?: string;
  },
): A2aTask {
  const target = findAgent(ctx.state, fields.target);
  requireActive(target);
  const now = ctx.clock.iso();
  const task: A2aTask = {
    seq: nextSeq(ctx.state),
    id: ctx.id('tsk'),
    context_id: fields.contextId ?? ctx.id('ctx'),
    source_agent_id: fields.source,
    target_agent_id: target.id,
    message: structuredClone(fields.message),
    metadata: structuredClone(fields.metadata ?? {}),
    state: 'submitted',
    state_at: now,
    history: [asMessage(fields.message, ctx.id('msg'))],
    artifacts: [],
    created_at: now,
    updated_at: now,
  };
  ctx.state.tasks.set(task.id, task);
  return task;
}

function setState(ctx: Ctx, task: A2aTask, state: S['A2aTaskState']) {
  task.state = state;
  task.state_at = ctx.clock.iso();
  task.updated_at = task.state_at;
}

/**
 * Each read of a live task moves it one step: submitted -> working -> completed (with the
 * target agent's reply and one artifact). A target that is no longer active fails the task.
 */
function progress(ctx: Ctx, task: A2aTask): void {
  if (TERMINAL.has(task.state)) return;
  const target = ctx.state.agents.get(task.target_agent_id);
  if (target?.status !== 'active') {
    setState(ctx, task, 'failed');
    return;
  }
  if (task.state === 'submitted') {
    setState(ctx, task, 'working');
    return;
  }
  const request = task.history[0]?.parts.find((p) => p.kind === 'text');
  const text = `${target.name} completed: ${request && 'text' in request ? request.text : 'the task'}`;
  task.history.push({ role: 'agent', messageId: ctx.id('msg'), parts: [{ kind: 'text', text }] });
  task.artifacts.push({ artifactId: ctx.id('art'), name: 'result', parts: [{ kind: 'text', text }] });
  setState(ctx, task, 'completed');
}

function legacyView(task: A2aTask): S['A2aTask'] {
  return {
    id: task.id,
    source_agent_id: task.source_agent_id,
    target_agent_id: task.target_agent_id,
    status: task.state,
    message: structuredClone(task.message),
    artifacts: structuredClone(task.artifacts) as unknown as Record<string, unknown>[],
    metadata: structuredClone(task.metadata),
    created_at: task.created_at,
    updated_at: task.updated_at,
  };
}

function v1View(task: A2aTask): S['A2aV1Task'] {
  return {
    id: task.id,
    contextId: task.context_id,
    status: { state: task.state, timestamp: task.state_at },
    history: structuredClone(task.history),
    artifacts: structuredClone(task.artifacts),
    kind: 'task',
  };
}

function findTask(ctx: Ctx, id: string): A2aTask {
  const task = ctx.state.tasks.get(id);
  if (!task) throw new RpcError(RPC.taskNotFound, `task ${id} not found`);
  return task;
}

/** Parses `params` with the method's schema; a failure is a 400 naming `params.<field>`. */
function paramsOf<T extends z.ZodMiniType>(schema: T, params: unknown): z.output<T> {
  const parsed = z.safeParse(schema, params ?? {}, { error: z.locales.en().localeError });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = ['params', ...issue.path.map(String)];
  if (issue.code === 'unrecognized_keys') path.push(issue.keys[0]!);
  throw validation(path.join('.'), issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message);
}

const METHODS = ['tasks/send', 'tasks/get', 'tasks/cancel', 'tasks/list'];

/**
 * Checks the envelope and the params of the method it names before the generic validation (whose
 * `oneOf` over every method's params would only name `params`). Every official form passes:
 * `id` an integer or a string, `task_id` or `id`, `message` a string or an object.
 */
function precheckTasksRpc(raw: unknown): void {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw validation('body', 'must be a JSON-RPC object');
  const body = raw as Record<string, unknown>;
  if (body.jsonrpc !== '2.0') throw validation('jsonrpc', 'must be "2.0"');
  if (!('id' in body)) throw validation('id', 'is required');
  if (typeof body.method !== 'string' || !METHODS.includes(body.method))
    throw validation('method', `must be one of ${METHODS.join(', ')}`);
  try {
    checkParams(body.method, body.params);
  } catch (error) {
    // Params of another method's shape are schema-valid (the spec's `oneOf` does not tie params
    // to the method): the handler answers them as a JSON-RPC server does, -32602 with HTTP 200.
    if (!METHODS.some((method) => fits(method, body.params))) throw error;
  }
}

function checkParams(method: string, params: unknown): void {
  if (method === 'tasks/send') paramsOf(SendTaskParams, params);
  else if (method === 'tasks/list') paramsOf(ListTasksParams, params);
  else taskIdOf(params);
}

function fits(method: string, params: unknown): boolean {
  try {
    checkParams(method, params);
    return true;
  } catch {
    return false;
  }
}

/** The task id of `tasks/get` / `tasks/cancel` params: `{id}` (most clients) or `{task_id}` (Python). */
function taskIdOf(params: unknown): string {
  const given = (params ?? {}) as Record<string, unknown>;
  // A string or array here once reached the `in` operator: a 500 instead of this 400.
  if (typeof given !== 'object' || Array.isArray(given)) throw validation('params', 'must be an object');
  if ('id' in given === 'task_id' in given)
    throw validation('params.id', 'give the task id as exactly one of id or task_id');
  return 'id' in given ? paramsOf(TaskIdParams, given).id : paramsOf(PythonTaskIdParams, given).task_id;
}

export const a2aOps = [
  defineOp({
    operationId: 'a2aTasksRpc',
    method: 'POST',
    path: '/a2a',
    body: A2aTasksRpcBody,
    bodyRequired: true,
    precheck: precheckTasksRpc,
    handle: (ctx) => {
      const { body } = ctx;
      const reply = (fields: Record<string, unknown>) =>
        json(200, { jsonrpc: '2.0', id: body.id, ...fields });
      try {
        switch (body.method) {
          case 'tasks/send': {
            const params = paramsOf(SendTaskParams, body.params);
            const source = ctx.state.agents.get(params.source_agent_id);
            if (!source) throw new RpcError(RPC.invalidParams, `agent ${params.source_agent_id} not found`);
            requireActive(source);
            if (!ctx.state.agents.has(params.target_agent_id))
              throw new RpcError(RPC.invalidParams, `agent ${params.target_agent_id} not found`);
            const task = createTask(ctx, {
              source: params.source_agent_id,
              target: params.target_agent_id,
              message: params.message,
              ...(params.metadata ? { metadata: params.metadata } : {}),
            });
            return reply({ result: legacyView(task) });
          }
          case 'tasks/get': {
            const task = findTask(ctx, taskIdOf(body.params));
            progress(ctx, task);
            return reply({ result: legacyView(task) });
          }
          case 'tasks/cancel': {
            const task = findTask(ctx, taskIdOf(body.params));
            if (TERMINAL.has(task.state))
              throw new RpcError(RPC.taskNotCancelable, `task ${task.id} is already ${task.state}`);
            setState(ctx, task, 'canceled');
            return reply({ result: legacyView(task) });
          }
          default: {
            const params = paramsOf(ListTasksParams, body.params);
            const tasks = newestFirst(ctx.state.tasks.values()).slice(0, params.limit ?? 50);
            return reply({ result: { tasks: tasks.map(legacyView) } });
          }
        }
      } catch (error) {
        if (error instanceof RpcError) return reply({ error: { code: error.code, message: error.message } });
        // The precheck let through only params of another method's shape.
        if (error instanceof GatewayError && error.status === 400)
          return reply({ error: { code: RPC.invalidParams, message: error.message } });
        throw error;
      }
    },
  }),
  defineOp({
    operationId: 'sendA2aMessage',
    method: 'POST',
    path: '/a2a/agents/{agent_id}',
    params: SendA2aMessageParams,
    body: SendA2aMessageBody,
    bodyRequired: true,
    handle: (ctx) => {
      const { body, params } = ctx;
      const reply = (fields: Record<string, unknown>) =>
        json(200, { jsonrpc: '2.0', id: body.id, ...fields });
      const target = findAgent(ctx.state, params.agent_id);
      requireActive(target);
      const message = body.params.message;
      if (message.taskId !== undefined) {
        // A message continuing a task of this agent joins its history.
        const task = ctx.state.tasks.get(message.taskId);
        if (!task || task.target_agent_id !== target.id)
          return reply({ error: { code: RPC.taskNotFound, message: `task ${message.taskId} not found` } });
        if (TERMINAL.has(task.state))
          return reply({
            error: { code: RPC.invalidParams, message: `task ${task.id} is already ${task.state}` },
          });
        task.history.push(asMessage(message, ctx.id('msg')));
        task.updated_at = ctx.clock.iso();
        return reply({ result: v1View(task) });
      }
      const task = createTask(ctx, {
        source: '',
        target: target.id,
        message,
        ...(message.contextId ? { contextId: message.contextId } : {}),
      });
      return reply({ result: v1View(task) });
    },
  }),
];
