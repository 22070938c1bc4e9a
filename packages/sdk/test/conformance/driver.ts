// The TypeScript driver of the conformance runner (spec/conformance/README.md, "Drivers"): reads
// one JSON request per stdin line, runs it on the SDK's source, answers one JSON line on stdout.
// Calls are mapped to SDK methods from the generators' model (operation names, parameter types,
// positional arguments), never from a per-method table; keys are recased by the model's types.
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  type ApiModel,
  camel,
  identifier,
  type Language,
  modelFromFile,
  type Name,
  type Operation,
  type TypeRef,
} from '../../../../generators/src/model/index';
import { errorFromResponse } from '../../src/core/errors.js';
import { fromWire, toWire } from '../../src/core/keys.js';
import { shapes } from '../../src/generated/wire.js';
import { digestToolInput } from '../../src/guard/digest.js';
import { truncateSummary } from '../../src/guard/truncate.js';
import { AgentCredentials, issueTokenWithProof } from '../../src/identity/index.js';
import { AgentTrustClient, AgentTrustError, AgentTrustGuard } from '../../src/index.js';

type Json = any;
type Request = Record<string, Json> & { id: number; op: string };

const model: ApiModel = await modelFromFile(
  fileURLToPath(new URL('../../../../spec/openapi.yaml', import.meta.url)),
);
const LANG: Language = 'typescript';
const sdkName = (name: Name) => identifier(name, LANG, camel);

// --- keys by the model's types -------------------------------------------------------------------

/** Recases a value between wire keys and the SDK's by its type; free-form maps pass untouched. */
function recase(value: Json, ref: TypeRef | undefined, to: 'sdk' | 'wire'): Json {
  if (value === null || value === undefined || ref === undefined) return value;
  if (ref.kind === 'array') return Array.isArray(value) ? value.map((v) => recase(v, ref.items, to)) : value;
  if (ref.kind !== 'ref' || typeof value !== 'object' || Array.isArray(value)) return value;
  const type = model.types.find((t) => t.name.wire === ref.name);
  if (type?.kind === 'union') {
    const variant = type.discriminator
      ? type.variants.find((v) => v.discriminatorValue === value[type.discriminator!])
      : type.variants.find((v) => {
          const t = model.types.find((x) => x.name.wire === v.type);
          return (
            t?.kind === 'object' &&
            t.properties.every((p) => !p.required || propKey(p.name, to, 'from') in value)
          );
        });
    return variant ? recase(value, { kind: 'ref', name: variant.type }, to) : value;
  }
  if (type?.kind !== 'object') return value;
  const out: Record<string, Json> = {};
  for (const [key, item] of Object.entries(value)) {
    const prop = type.properties.find((p) => propKey(p.name, to, 'from') === key);
    out[prop ? propKey(prop.name, to, 'to') : key] = prop ? recase(item, prop.type, to) : item;
  }
  return out;
}

function propKey(name: Name, to: 'sdk' | 'wire', side: 'from' | 'to'): string {
  const sdk = (to === 'sdk') === (side === 'to');
  return sdk ? sdkName(name) : name.wire;
}

// --- calls ------------------------------------------------------------------------------------------

// `resource.method`; a root method (`x-sdk-root`) also answers to its bare name (`health`).
const operations = new Map(model.operations.map((op) => [`${op.resource}.${op.name.wire}`, op]));
for (const op of model.operations) if (op.root) operations.set(op.name.wire, op);

/** The SDK method's arguments for wire-keyed `args`: positional ones, then an object of the rest. */
function callArguments(op: Operation, args: Record<string, Json>): unknown[] {
  const positional = op.sdk.args[LANG];
  const param = (wire: string) => op.params.find((p) => p.name.wire === wire);
  const values: unknown[] = positional.map((wire) => recase(args[wire], param(wire)?.type, 'sdk'));
  const others = op.params.filter((p) => !positional.includes(p.name.wire));
  if (others.length === 0) return values;
  const rest: Record<string, Json> = {};
  for (const p of others)
    if (p.name.wire in args) rest[sdkName(p.name)] = recase(args[p.name.wire], p.type, 'sdk');
  return [...values, rest];
}

/**
 * The type the SDK method returns: the unwrapped member (`x-sdk-unwrap`), nothing to recase for
 * a proxy JSON-RPC call (the upstream's JSON), else the response type.
 */
function returnType(op: Operation): TypeRef | undefined {
  const type = op.response.type;
  if (!type || (op.rpc && op.rpc.method === undefined)) return undefined;
  if (!op.unwrap || type.kind !== 'ref') return type;
  const t = model.types.find((x) => x.name.wire === type.name);
  return t?.kind === 'object' ? t.properties.find((p) => p.name.wire === op.unwrap)?.type : type;
}

/** The SDK's result in wire shape (`null` for nothing), by the operation's response type. */
function resultToWire(value: unknown, ref: TypeRef | undefined): Json {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(recase(value, ref, 'wire')));
}

// --- clients, guard ---------------------------------------------------------------------------------

const clients = new Map<string, AgentTrustClient>();
// Each client's AgentCredentials by agent and audience, kept until `reset` (as the client).
const credentialsCache = new Map<string, AgentCredentials>();
let guard: AgentTrustGuard | undefined;
let wrappedCalls = 0;

function client(settings: Record<string, Json>): AgentTrustClient {
  const key = JSON.stringify(settings);
  let c = clients.get(key);
  if (!c) {
    c = new AgentTrustClient({
      baseUrl: settings.base_url,
      apiKey: settings.api_key ?? undefined,
      ...(settings.max_retries !== undefined ? { maxRetries: settings.max_retries } : {}),
      ...(settings.timeout_ms !== undefined ? { timeout: settings.timeout_ms } : {}),
    });
    clients.set(key, c);
  }
  return c;
}

function credentialsFor(
  settings: Record<string, Json>,
  agentId: string,
  audience?: string[],
): AgentCredentials {
  const key = JSON.stringify([settings, agentId, audience ?? null]);
  let credentials = credentialsCache.get(key);
  if (!credentials) {
    credentials = new AgentCredentials(client(settings), agentId, audience ? { audience } : {});
    credentialsCache.set(key, credentials);
  }
  return credentials;
}

/** A tool error the wrapped function throws on request: the guard must rethrow it unchanged. */
class ToolFailure extends Error {}

const decision = (d: Json) => {
  const { cause: _cause, failedOpen, ...rest } = d as Record<string, Json>;
  return { ...resultToWire(rest, { kind: 'ref', name: 'ActionCheckResult' }), failed_open: failedOpen };
};

async function guardAction(req: Request): Promise<Json> {
  if (req.action === 'create') {
    await guard?.close(5_000);
    const o = req.options ?? {};
    const b = o.breaker;
    guard = new AgentTrustGuard(client(req.client), req.agent_id, {
      ...(o.session_id !== undefined ? { sessionId: o.session_id } : {}),
      ...(o.block_on_deny !== undefined ? { blockOnDeny: o.block_on_deny } : {}),
      ...(o.fail_open !== undefined ? { failOpen: o.fail_open } : {}),
      ...(o.log_inputs !== undefined ? { logInputs: o.log_inputs } : {}),
      ...(o.credentials ? { credentials: credentialsFor(req.client, req.agent_id) } : {}),
      ...(b
        ? {
            breaker: {
              failureThreshold: b.failure_threshold,
              windowMs: b.window_ms,
              cooldownMs: b.cooldown_ms,
            },
          }
        : {}),
    });
    wrappedCalls = 0;
    return null;
  }
  const g = guard;
  if (!g) throw new Error('no guard: a guard create request must come first');
  const input = 'input' in req ? { input: req.input } : undefined;
  switch (req.action) {
    case 'check':
      return decision(await g.check(req.tool, req.input_summary, req.action_effect, input));
    case 'report':
      g.report(req.tool, req.success, req.duration_ms, req.error_type);
      return null;
    case 'flush':
      await g.flush(30_000);
      return null;
    case 'close':
      await g.close(30_000);
      return null;
    case 'wrap': {
      const run = g.wrap(
        req.tool,
        (value: Json) => {
          wrappedCalls++;
          if (req.raise) throw new ToolFailure('the tool failed');
          return value;
        },
        req.action_effect ? { effect: req.action_effect } : {},
      );
      try {
        return { returned: (await run(req.input)) ?? null };
      } catch (error) {
        if (error instanceof ToolFailure) return { raised: error.constructor.name };
        throw error;
      }
    }
    case 'wrapped_calls':
      return wrappedCalls;
    case 'wait_for_approval':
      return decision(
        await g.checkOrWaitForApproval(req.tool, req.input_summary, req.action_effect, {
          ...input,
          timeoutMs: req.timeout_ms,
          pollIntervalMs: req.poll_interval_ms,
          maxPollIntervalMs: req.poll_interval_ms,
        }),
      );
    case 'breaker':
      return g.breakerState;
    default:
      throw new Error(`unknown guard action ${req.action}`);
  }
}

// --- identity ------------------------------------------------------------------------------------

async function identity(req: Request): Promise<Json> {
  const c = client(req.client);
  switch (req.action) {
    case 'issue_with_proof': {
      const token = await issueTokenWithProof(c, req.agent_id, {
        ...(req.audience !== undefined ? { audience: req.audience } : {}),
        ...(req.ttl_seconds !== undefined ? { ttlSeconds: req.ttl_seconds } : {}),
      });
      return resultToWire(token, { kind: 'ref', name: 'WimseToken' });
    }
    case 'headers': {
      const headers = await credentialsFor(req.client, req.agent_id, req.audience).headers(req.htm, req.htu);
      return { authorization: headers.authorization, dpop: headers.dpop };
    }
    case 'public_key':
      return { public_key: (await c.keyStore.get(req.agent_id))?.publicKeyPem ?? null };
    default:
      throw new Error(`unknown identity action ${req.action}`);
  }
}

// --- vectors --------------------------------------------------------------------------------------

async function vector(req: Request): Promise<Json> {
  switch (req.kind) {
    case 'digest':
      return digestToolInput(req.input);
    case 'truncate':
      return truncateSummary(req.text, req.limit);
    case 'status': {
      let body: unknown;
      try {
        body = req.body === null ? undefined : JSON.parse(req.body);
      } catch {
        body = undefined; // as the HTTP core does with an unreadable body
      }
      const e = errorFromResponse(req.status, body, undefined);
      return { code: e.code, status: e.status ?? null };
    }
    case 'roundtrip': {
      // The SDK's own codec: wire -> its camelCase objects -> wire.
      const shape = (shapes as Record<string, (typeof shapes)[keyof typeof shapes]>)[req.type];
      if (!shape) throw new Error(`the SDK has no type ${req.type}`);
      return JSON.parse(JSON.stringify(toWire(fromWire(req.value, shape), shape)));
    }
    default:
      throw new Error(`unknown vector kind ${req.kind}`);
  }
}

// --- the loop -------------------------------------------------------------------------------------

async function handle(req: Request): Promise<Json> {
  switch (req.op) {
    case 'call': {
      const op = operations.get(req.call);
      if (!op) throw new Error(`the spec has no ${req.call}`);
      const c = client(req.client) as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>;
      const target = op.root ? c : c[op.resource];
      const method = target?.[op.name.overrides[LANG] ?? op.name.wire];
      if (typeof method !== 'function') throw new Error(`the SDK has no ${req.call}`);
      const out = await (method as (...a: unknown[]) => unknown).apply(
        target,
        callArguments(op, req.args ?? {}),
      );
      return resultToWire(out, returnType(op));
    }
    case 'guard':
      return guardAction(req);
    case 'vector':
      return vector(req);
    case 'identity':
      return identity(req);
    case 'reset':
      await guard?.close(5_000);
      guard = undefined;
      clients.clear();
      credentialsCache.clear();
      return null;
    default:
      throw new Error(`unknown op ${req.op}`);
  }
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function answer(id: number, work: Promise<Json>): Promise<string> {
  return work.then(
    (result) => JSON.stringify({ id, ok: true, result: result ?? null }),
    (e) => {
      if (!AgentTrustError.isInstance(e))
        return JSON.stringify({
          id,
          ok: false,
          crash: `${(e as Error)?.name}: ${(e as Error)?.message ?? e}`,
        });
      const details = Object.fromEntries(Object.entries(e.details ?? {}).map(([k, v]) => [snake(k), v]));
      const error = {
        code: e.code,
        message: e.message,
        status: e.status ?? null,
        details,
        request_id: e.requestId ?? null,
        text: String(e),
      };
      return JSON.stringify({ id, ok: false, error });
    },
  );
}

// One request at a time, in order: each waits for the previous answer.
let queue: Promise<void> = Promise.resolve();
createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line.trim() === '') return;
    queue = queue.then(async () => {
      let req: Request;
      try {
        req = JSON.parse(line);
      } catch (e) {
        process.stdout.write(
          `${JSON.stringify({ id: null, ok: false, crash: `bad request: ${(e as Error).message}` })}\n`,
        );
        return;
      }
      process.stdout.write(`${await answer(req.id, handle(req))}\n`);
    });
  })
  .on('close', () => {
    void queue.then(() => guard?.close(5_000)).then(() => process.exit(0));
  });
