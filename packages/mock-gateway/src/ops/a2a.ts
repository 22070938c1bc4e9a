import type { components } from '@agenttrustid/spec/types';
import {
  CancelA2aTaskParams,
  GetA2aTaskParams,
  SendA2aMessageBody,
  SendA2aMessageParams,
  SendA2aTaskBody,
} from '@agenttrustid/spec/zod';
import { conflict, notFound } from '../errors.js';
import { defineOp, json, type OpContext } from '../operation.js';
import type { A2aTask } from '../state.js';
import { findAgent, nextSeq, requireActive } from './common.js';

type S = components['schemas'];
type Ctx = OpContext<unknown, unknown, unknown>;

const TERMINAL: ReadonlySet<S['A2aTaskState']> = new Set(['completed', 'canceled', 'failed', 'rejected']);

function taskView(task: A2aTask): S['A2aTask'] {
  const { seq: _, ...wire } = task;
  return structuredClone(wire);
}

function createTask(
  ctx: Ctx,
  fields: {
    source: string | null;
    target: string;
    message: S['A2aMessage'];
    contextId?: string;
    version: '1.0' | '0.3';
  },
): A2aTask {
  const target = findAgent(ctx.state, fields.target);
  requireActive(target);
  if (fields.source !== null) requireActive(findAgent(ctx.state, fields.source));
  const task: A2aTask = {
    seq: nextSeq(ctx.state),
    id: ctx.id('tsk'),
    context_id: fields.contextId ?? ctx.id('ctx'),
    source_agent_id: fields.source,
    target_agent_id: target.id,
    protocol_version: fields.version,
    status: { state: 'submitted', timestamp: ctx.clock.iso() },
    history: [{ ...structuredClone(fields.message), message_id: fields.message.message_id ?? ctx.id('msg') }],
    artifacts: [],
    created_at: ctx.clock.iso(),
  };
  ctx.state.tasks.set(task.id, task);
  return task;
}

/**
 * Each read of a live task moves it one step: submitted -> working -> completed (with the
 * target agent's reply and one artifact). A target that is no longer active fails the task.
 */
function progress(ctx: Ctx, task: A2aTask): void {
  if (TERMINAL.has(task.status.state)) return;
  const target = ctx.state.agents.get(task.target_agent_id);
  const at = ctx.clock.iso();
  if (target?.status !== 'active') {
    task.status = { state: 'failed', timestamp: at };
    return;
  }
  if (task.status.state === 'submitted') {
    task.status = { state: 'working', timestamp: at };
    return;
  }
  const request = task.history[0]?.parts.find((p) => p.kind === 'text');
  const text = `${target.name} completed: ${request && 'text' in request ? request.text : 'the task'}`;
  const reply: S['A2aMessage'] = {
    role: 'agent',
    message_id: ctx.id('msg'),
    parts: [{ kind: 'text', text }],
  };
  task.history.push(reply);
  task.artifacts.push({ artifact_id: ctx.id('art'), name: 'result', parts: [{ kind: 'text', text }] });
  task.status = { state: 'completed', timestamp: at, message: reply };
}

function findTask(ctx: Ctx, id: string): A2aTask {
  const task = ctx.state.tasks.get(id);
  if (!task) throw notFound('task', id);
  return task;
}

export const a2aOps = [
  defineOp({
    operationId: 'sendA2aMessage',
    method: 'POST',
    path: '/v1/a2a/agents/{agent_id}/messages',
    params: SendA2aMessageParams,
    body: SendA2aMessageBody,
    bodyRequired: true,
    handle: (ctx) => {
      const task = createTask(ctx, {
        source: ctx.body.source_agent_id ?? null,
        target: ctx.params.agent_id,
        message: ctx.body.message,
        ...(ctx.body.context_id ? { contextId: ctx.body.context_id } : {}),
        version: '1.0',
      });
      return json(201, taskView(task));
    },
  }),
  defineOp({
    operationId: 'sendA2aTask',
    method: 'POST',
    path: '/v1/a2a/tasks/send',
    body: SendA2aTaskBody,
    bodyRequired: true,
    handle: (ctx) => {
      const task = createTask(ctx, {
        source: ctx.body.source_agent_id,
        target: ctx.body.target_agent_id,
        message: { role: 'user', parts: [{ kind: 'text', text: ctx.body.message }] },
        version: '0.3',
      });
      return json(201, taskView(task));
    },
  }),
  defineOp({
    operationId: 'getA2aTask',
    method: 'GET',
    path: '/v1/a2a/tasks/{task_id}',
    params: GetA2aTaskParams,
    handle: (ctx) => {
      const task = findTask(ctx, ctx.params.task_id);
      progress(ctx, task);
      return json(200, taskView(task));
    },
  }),
  defineOp({
    operationId: 'cancelA2aTask',
    method: 'POST',
    path: '/v1/a2a/tasks/{task_id}/cancel',
    params: CancelA2aTaskParams,
    handle: (ctx) => {
      const task = findTask(ctx, ctx.params.task_id);
      if (TERMINAL.has(task.status.state)) {
        throw conflict(`task ${task.id} is already ${task.status.state}`, { state: task.status.state });
      }
      task.status = { state: 'canceled', timestamp: ctx.clock.iso() };
      return json(200, taskView(task));
    },
  }),
];
