/** `agenttrustid/resources/<resource>.py` (sync and async classes) and `agenttrustid/_operations.py`. */

import { code, oneLine } from '../../src/emit/template.ts';
import {
  type ApiModel,
  type CacheRule,
  findOperation,
  type JsonValue,
  type Operation,
  type Param,
  type Resource,
  SpecModelError,
  type TypeRef,
  typeOf,
} from '../../src/model/index.ts';
import {
  pyClass,
  pyDoc,
  pyField,
  pyLiteral,
  pyMember,
  pyOpConst,
  pyResourceClass,
  pyStr,
} from '../naming.ts';
import { pyType } from './types.ts';

/** What an argument accepts: the model or a plain mapping with wire keys, an enum or its string. */
function argType(model: ApiModel, ref: TypeRef, used: Set<string>): string {
  switch (ref.kind) {
    case 'primitive':
      if (ref.type === 'string' && ref.format === 'date-time') {
        used.add('datetime');
        return 'datetime | str';
      }
      return pyType(model, ref);
    case 'array':
      return `Sequence[${argType(model, ref.items, used)}]`;
    case 'map':
      return `Mapping[str, ${ref.values.kind === 'any' ? 'Any' : argType(model, ref.values, used)}]`;
    case 'any':
      return 'Any';
    case 'ref': {
      const t = model.types.find((x) => x.name.wire === ref.name)!;
      used.add(pyClass(t.name));
      return t.kind === 'enum' ? `${pyClass(t.name)} | str` : `${pyClass(t.name)} | Mapping[str, Any]`;
    }
  }
}

function collectTypeNames(model: ApiModel, ref: TypeRef | undefined, used: Set<string>): void {
  if (!ref) return;
  if (ref.kind === 'array') collectTypeNames(model, ref.items, used);
  else if (ref.kind === 'map') collectTypeNames(model, ref.values, used);
  else if (ref.kind === 'ref') used.add(pyClass(model.types.find((x) => x.name.wire === ref.name)!.name));
  else if (ref.kind === 'primitive' && ref.format === 'date-time') used.add('datetime');
}

function signature(model: ApiModel, op: Operation, used: Set<string>): string[] {
  const required = op.params.filter((p) => p.required);
  const optional = op.params.filter((p) => !p.required);
  // A shorthand's plain value (`accepts: string`) is a str in Python.
  const argTypeOf = (p: Param) => `${argType(model, p.type, used)}${p.shorthand ? ' | str' : ''}`;
  return [
    'self,',
    ...required.map((p) => `${pyField(p.name)}: ${argTypeOf(p)},`),
    '*,',
    ...optional.map((p) => `${pyField(p.name)}: ${argTypeOf(p)} | None = None,`),
    op.sdk.cache?.kind === 'store' && `${pyField(op.sdk.cache.optOut)}: bool = True,`,
    'request_options: RequestOptions | None = None,',
  ].filter((line): line is string => line !== false);
}

/**
 * Where inside a value of type `ref` the spec says `x-sdk-generate`: `{wire: "uuid"}` for a field
 * of this object, `{wire: <nested>}` for one inside a member, `[<nested>]` for each item of an
 * array. Undefined when there is none (most types).
 */
export function generatedFields(
  model: ApiModel,
  ref: TypeRef,
  seen = new Set<string>(),
): JsonValue | undefined {
  if (ref.kind === 'array') {
    const inner = generatedFields(model, ref.items, seen);
    return inner === undefined ? undefined : [inner];
  }
  if (ref.kind !== 'ref' || seen.has(ref.name)) return undefined;
  const t = typeOf(model, ref);
  if (t?.kind !== 'object') return undefined;
  const inner = new Set(seen).add(ref.name);
  const out: Record<string, JsonValue> = {};
  for (const p of t.properties) {
    const nested = p.generate ?? generatedFields(model, p.type, inner);
    if (nested !== undefined) out[p.name.wire] = nested;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function argValue(model: ApiModel, p: Param): string {
  const value = p.shorthand
    ? `shorthand(${pyField(p.name)}, ${pyLiteral(p.shorthand.builds)})`
    : pyField(p.name);
  if (p.generate) return `${value} if ${pyField(p.name)} is not None else new_uuid()`;
  const fields = generatedFields(model, p.type);
  return fields === undefined ? value : `fill_generated(${value}, ${pyLiteral(fields)})`;
}

function dictOf(model: ApiModel, params: Param[], fixed: Operation['fixed'] = []): string {
  // A generated field is always sent: the caller's value, or a fresh one.
  const required = params.filter((p) => p.required || p.generate);
  const optional = params.filter((p) => !p.required && !p.generate);
  const items = [
    ...fixed.map((f) => `${pyStr(f.wire)}: ${pyLiteral(f.value)}`),
    ...required.map((p) => `${pyStr(p.name.wire)}: ${argValue(model, p)}`),
  ];
  if (optional.length > 0) {
    items.push(
      `**drop_none({${optional.map((p) => `${pyStr(p.name.wire)}: ${argValue(model, p)}`).join(', ')}})`,
    );
  }
  return `{${items.join(', ')}}`;
}

function methodDoc(model: ApiModel, op: Operation): string {
  const lines = [oneLine(op.summary) ? `${oneLine(op.summary)}.` : op.id, ''];
  if (op.description) lines.push(op.description.trim(), '');
  if (op.deprecated)
    lines.push('Deprecated: kept for back-compatibility; see the description for its replacement.', '');
  const args = op.params.map((p) => {
    const desc = oneLine(p.description) || `The ${p.name.wire}.`;
    const extra = [
      p.default !== undefined ? `Default: ${JSON.stringify(p.default)} (applied by the gateway).` : '',
      p.secret ? 'Secret.' : '',
    ]
      .filter(Boolean)
      .join(' ');
    return `    ${pyField(p.name)}: ${desc}${extra ? ` ${extra}` : ''}`;
  });
  args.push('    request_options: Per-call timeout, max_retries, headers or idempotency_key.');
  lines.push('Args:', ...args, '');
  lines.push(
    'Raises:',
    `    AgentTrustError: a subclass per failure (HTTP ${op.errorStatuses.join(', ')}, network, timeout, an answer that does not match the spec).`,
  );
  void model;
  return pyDoc(lines.join('\n'));
}

/** The JSON pointer of an operation in the spec, for errors about its `x-sdk-*` extensions. */
const opPointer = (op: Operation) =>
  `#/paths/${op.path.replace(/~/g, '~0').replace(/\//g, '~1')}/${op.method.toLowerCase()}`;

/** The Python attribute of the response field `wire` of `op`, or undefined when it has none. */
function responseField(model: ApiModel, op: Operation, wire: string): string | undefined {
  const t = op.response.type && typeOf(model, op.response.type);
  const prop = t?.kind === 'object' ? t.properties.find((p) => p.name.wire === wire) : undefined;
  return prop && pyField(prop.name);
}

const paramNamed = (op: Operation, wire: string) => op.params.find((p) => p.name.wire === wire)!;

/** The `x-sdk-cache` store call: the answer is cached per its key arguments until it expires. */
function cachedCall(model: ApiModel, op: Operation, rule: Extract<CacheRule, { kind: 'store' }>) {
  const at = `${opPointer(op)}/x-sdk-cache/store`;
  const expires = responseField(model, op, rule.expiresAt);
  if (!expires) throw new SpecModelError(`the answer has no field '${rule.expiresAt}'`, `${at}/expires_at`);
  // Optional `issued_at`: the lifetime is then measured by the gateway's own two timestamps.
  const issuedWire = 'issuedAt' in rule && typeof rule.issuedAt === 'string' ? rule.issuedAt : undefined;
  const issued = issuedWire && responseField(model, op, issuedWire);
  if (issuedWire && !issued)
    throw new SpecModelError(`the answer has no field '${issuedWire}'`, `${at}/issued_at`);
  const key = rule.key.map((w) => `${pyStr(w)}: ${pyField(paramNamed(op, w).name)}`).join(', ');
  return {
    optOut: pyField(rule.optOut),
    args: `_ops.${pyOpConst(op.id)}, {${key}}`,
    options: `expires=${pyStr(expires)}${issued ? `, issued=${pyStr(issued)}` : ''}`,
  };
}

/** The `x-sdk-cache` evictions after `op` succeeds: one per cached operation the field names. */
function evictions(model: ApiModel, op: Operation, rule: Extract<CacheRule, { kind: 'evict' }>): string[] {
  const value = pyField(paramNamed(op, rule.param).name);
  const out: string[] = [];
  for (const stored of model.operations) {
    const store = stored.sdk.cache;
    if (store?.kind !== 'store') continue;
    const target = `_ops.${pyOpConst(stored.id)}`;
    if (store.key.includes(rule.field))
      out.push(`self._client._token_cache.evict(${target}, ${value}, arg=${pyStr(rule.field)})`);
    else {
      const attr = responseField(model, stored, rule.field);
      if (attr) out.push(`self._client._token_cache.evict(${target}, ${value}, attr=${pyStr(attr)})`);
    }
  }
  if (out.length === 0)
    throw new SpecModelError(
      `no cached operation has '${rule.field}' as a key argument or an answer field`,
      `${opPointer(op)}/x-sdk-cache/evict/field`,
    );
  return out;
}

/**
 * What the method returns: the `x-sdk-unwrap` member of the answer's type (a bare body is
 * accepted too), `Any` for a JSON-RPC proxy (the upstream's `result`, or the whole body), else
 * the answer's type. Undefined for a bodiless answer.
 */
export function returnedType(model: ApiModel, op: Operation): TypeRef | undefined {
  if (op.rpc && !op.rpc.method) return { kind: 'any' };
  const type = op.response.type;
  if (!type || !op.unwrap) return type;
  const envelope = typeOf(model, type);
  const member =
    envelope?.kind === 'object' ? envelope.properties.find((p) => p.name.wire === op.unwrap) : undefined;
  if (!member)
    throw new SpecModelError(
      `the answer has no member '${op.unwrap}' to unwrap`,
      `${opPointer(op)}/x-sdk-unwrap`,
    );
  return member.type;
}

/**
 * Agent identity (identity.py): the operation that registers an agent makes an Ed25519 key pair
 * when the caller gives no public key, sends its public half and keeps the pair in the client's
 * key store under the new agent's id.
 */
const KEYGEN = { op: 'createAgent', param: 'public_key', id: 'id' };

/** Runtime bases of generated resources (identity.py), sync and async, by resource wire name. */
const RESOURCE_BASES: Record<string, [string, string]> = { wimse: ['WimseProof', 'AsyncWimseProof'] };

function keygen(model: ApiModel, op: Operation): { before: string[]; after: string[] } {
  if (op.id !== KEYGEN.op) return { before: [], after: [] };
  const at = `${opPointer(op)}/requestBody`;
  const param = op.params.find((p) => p.name.wire === KEYGEN.param && !p.required);
  if (!param) throw new SpecModelError(`no optional body field '${KEYGEN.param}'`, at);
  const returned = returnedType(model, op);
  const t = returned && typeOf(model, returned);
  const prop = t?.kind === 'object' ? t.properties.find((p) => p.name.wire === KEYGEN.id) : undefined;
  const id = prop && pyField(prop.name);
  if (!id) throw new SpecModelError(`the answer has no field '${KEYGEN.id}'`, at);
  const arg = pyField(param.name);
  return {
    before: [
      'agent_key = None',
      `if ${arg} is None:`,
      '    agent_key = AgentKeyPair.generate()',
      `    ${arg} = agent_key.public_key_pem`,
    ],
    after: ['if agent_key is not None:', `    self._client.key_store.put(result.${id}, agent_key)`],
  };
}

/**
 * One method: on a resource (`self._client`), or on the client itself for an `x-sdk-root`
 * operation (`onClient`).
 */
export function method(
  model: ApiModel,
  op: Operation,
  isAsync: boolean,
  used: Set<string>,
  onClient = false,
): string {
  const type = returnedType(model, op);
  collectTypeNames(model, type, used);
  const isVoid = op.sdk.void.includes('python') || !type;
  // `builtins.list`: a resource may have a method named `list`, which shadows the builtin in the class body.
  const returns = type && !isVoid ? pyType(model, type).replace(/\blist\[/g, 'builtins.list[') : 'None';
  const args: string[] = [`_ops.${pyOpConst(op.id)}`];
  if (op.pathParams.length > 0) args.push(`path_params=${dictOf(model, op.pathParams)}`);
  if (op.queryParams.length > 0) args.push(`query=${dictOf(model, op.queryParams)}`);
  if (op.headerParams.length > 0) args.push(`headers=${dictOf(model, op.headerParams)}`);
  if (op.body)
    args.push(
      `body=${dictOf(
        model,
        op.params.filter((p) => p.location === 'body'),
        op.fixed,
      )}`,
    );
  args.push('options=request_options');
  const call = `${onClient ? 'self' : 'self._client'}._request(${args.join(', ')})`;
  const [def, aw] = isAsync ? ['async def', 'await '] : ['def', ''];
  const rule = op.sdk.cache;
  const sig = signature(model, op, used);
  const fn = (body: string) => code`
    ${def} ${pyMember(op.name)}(
        ${sig}
    ) -> ${returns}:
        ${body}
  `;
  if (rule?.kind === 'store') {
    const cached = cachedCall(model, op, rule);
    const key = rule.key.map((w) => pyField(paramNamed(op, w).name)).join(', ');
    return fn(code`
      """${methodDoc(model, op)}

      Answers are cached per (${key}) and replaced shortly before they expire;
      \`${cached.optOut}=False\` always asks the gateway (and does not store the answer).
      """

      ${def} send() -> ${returns}:
          return ${aw}${call}

      if not ${cached.optOut}:
          return ${aw}send()
      return ${aw}self._client._token_cache.${isAsync ? 'aget' : 'get'}(${cached.args}, send, ${cached.options})
    `);
  }
  const keys = keygen(model, op);
  const after = [...(rule?.kind === 'evict' ? evictions(model, op, rule) : []), ...keys.after];
  if (isVoid || after.length > 0) {
    return fn(code`
      """${methodDoc(model, op)}
      """
      ${[...keys.before, isVoid ? `${aw}${call}` : `result = ${aw}${call}`]}
      ${after}
      ${!isVoid && 'return result'}
    `);
  }
  return fn(code`
    """${methodDoc(model, op)}
    """
    return ${aw}${call}
  `);
}

export function resourceModule(model: ApiModel, resource: Resource, header: string): string {
  const ops = resource.operations.map((id) => findOperation(model, id)).filter((op) => !op.root);
  const used = new Set<string>();
  const sync = ops.map((op) => method(model, op, false, used));
  const asyncMethods = ops.map((op) => method(model, op, true, used));
  const shorthands = ops.some((op) => op.params.some((p) => p.shorthand));
  const fills = ops.some((op) =>
    op.params.some((p) => !p.generate && generatedFields(model, p.type) !== undefined),
  );
  const uuids = ops.some((op) => op.params.some((p) => p.generate));
  const needsDropNone = ops.some((op) => op.params.some((p) => !p.required));
  const identity = [
    ...(RESOURCE_BASES[resource.name.wire] ?? []),
    ...(ops.some((op) => op.id === KEYGEN.op) ? ['AgentKeyPair'] : []),
  ].sort();
  const [syncBase, asyncBase] = RESOURCE_BASES[resource.name.wire]?.map((b) => `${b}, `) ?? ['', ''];
  const datetime = used.delete('datetime');
  const typeNames = [...used].sort();
  const body = [...sync, ...asyncMethods].join('\n');
  const typing = ['Any', 'Mapping', 'Sequence'].filter((n) => new RegExp(`\\b${n}\\b`).test(body));
  const doc = oneLine(resource.description);
  const sentinel = `client.${pyMember(resource.name)}`;
  return code`
    ${header}
    """${pyDoc(`\`${sentinel}\`: ${doc}`)}"""

    from __future__ import annotations

    import builtins
    ${datetime && 'from datetime import datetime'}
    ${typing.length > 0 && `from typing import ${typing.join(', ')}`}

    from .. import _operations as _ops
    from .._base_client import RequestOptions
    ${(shorthands || fills || uuids) && `from .._models import ${[fills && 'fill_generated', uuids && 'new_uuid', shorthands && 'shorthand'].filter(Boolean).join(', ')}`}
    from .._resource import AsyncAPIResource, SyncAPIResource${needsDropNone ? ', drop_none' : ''}
    from .._response import async_to_raw_response_wrapper, to_raw_response_wrapper
    ${typeNames.length > 0 && `from ..types import ${typeNames.join(', ')}`}
    ${identity.length > 0 && `from ..identity import ${identity.join(', ')}`}

    __all__ = [${[false, true]
      .flatMap((a) => [pyResourceClass(resource.name, a), rawClass(resource, a)])
      .map(pyStr)
      .join(', ')}]


    class ${pyResourceClass(resource.name, false)}(${syncBase}SyncAPIResource):
        """${pyDoc(doc)}"""

        ${sync.join('\n\n')}


    class ${pyResourceClass(resource.name, true)}(${asyncBase}AsyncAPIResource):
        """${pyDoc(doc)} (async)"""

        ${asyncMethods.join('\n\n')}


    ${rawResource(resource, ops, false)}


    ${rawResource(resource, ops, true)}
  `;
}

/** The class of `client.with_raw_response.<resource>` (`AgentsWithRawResponse`, `AsyncAgentsWithRawResponse`). */
export const rawClass = (resource: Resource, isAsync: boolean) =>
  `${pyResourceClass(resource.name, isAsync)}WithRawResponse`;

/** `client.with_raw_response.<resource>`: each generated method wrapped to return a `RawResponse`. */
function rawResource(resource: Resource, ops: Operation[], isAsync: boolean): string {
  const wrap = isAsync ? 'async_to_raw_response_wrapper' : 'to_raw_response_wrapper';
  const where = `${isAsync ? 'async_client' : 'client'}.with_raw_response.${pyMember(resource.name)}`;
  return code`
    class ${rawClass(resource, isAsync)}:
        """\`${where}\`: the same methods, each returning a \`RawResponse\` of
        the answer (\`.parse()\`, \`.status_code\`, \`.headers\`, \`.request_id\`)."""

        def __init__(self, resource: ${pyResourceClass(resource.name, isAsync)}) -> None:
            ${ops.map((op) => `self.${pyMember(op.name)} = ${wrap}(resource.${pyMember(op.name)})`)}
  `;
}

/** Resources with a method (an `x-sdk-root` operation lives on the client instead). */
export const pyResources = (model: ApiModel) =>
  model.resources.filter((r) => r.operations.some((id) => !findOperation(model, id).root));

/** The `OperationSpec` keyword arguments for what goes beyond method, path and auth. */
function specExtras(op: Operation): string {
  const extras: string[] = [];
  if (op.service) extras.push(`service=${pyStr(op.service)}`);
  if (op.keyOptional) extras.push('key_optional=True');
  if (op.unwrap) extras.push(`unwrap=${pyStr(op.unwrap)}`);
  if (op.rpc)
    extras.push(
      `rpc=RpcSpec(${op.rpc.method ? pyStr(op.rpc.method) : 'None'}, ${typeof op.rpc.id === 'number' ? op.rpc.id : pyStr(op.rpc.id)}, ${pyStr(op.rpc.onError)})`,
    );
  return extras.map((e) => `, ${e}`).join('');
}

export function operationsModule(model: ApiModel, header: string): string {
  const responseType = (op: Operation) => {
    const type = returnedType(model, op);
    return type ? pyType(model, type, 't.') : 'None';
  };
  return code`
    ${header}
    """Every spec operation: its method, path, whether it sends the API key, and the validator of
    its answer (validators are built on first use). \`CALLS\` maps the spec's \`<tag>.<x-sdk-method>\` names (those the conformance
    scenarios use) to the resource attribute, the method and the wire -> Python argument names."""

    from __future__ import annotations

    from . import types as t
    from typing import Any

    from ._base_client import OperationSpec, RpcSpec

    ${model.operations.map(
      (op) =>
        `${pyOpConst(op.id)}: OperationSpec[${responseType(op)}] = OperationSpec(${pyStr(op.id)}, ${pyStr(op.method)}, ${pyStr(op.path)}, ${op.auth ? 'True' : 'False'}, ${responseType(op)}${specExtras(op)})`,
    )}

    CALLS: dict[str, tuple[str, str, dict[str, str]]] = {
        ${model.operations.map(
          (op) =>
            `${pyStr(`${op.resource}.${op.name.wire}`)}: (${op.root ? '""' : pyStr(pyMember(model.resources.find((r) => r.name.wire === op.resource)!.name))}, ${pyStr(pyMember(op.name))}, {${op.params.map((p) => `${pyStr(p.name.wire)}: ${pyStr(pyField(p.name))}`).join(', ')}}),`,
        )}
    }
  `;
}
