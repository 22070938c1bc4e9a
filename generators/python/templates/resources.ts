/** `agenttrustid/resources/<resource>.py` (sync and async classes) and `agenttrustid/_operations.py`. */

import { code, oneLine } from '../../src/emit/template.ts';
import {
  type ApiModel,
  findOperation,
  type Operation,
  type Param,
  type Resource,
  type TypeRef,
} from '../../src/model/index.ts';
import { pyClass, pyDoc, pyField, pyMember, pyOpConst, pyResourceClass, pyStr } from '../naming.ts';
import { pyType } from './types.ts';

/**
 * Per-operation conveniences the spec cannot express, keyed by `operationId.argument`: the
 * runtime helper that converts the argument, and the extra Python type it then accepts.
 */
const ARGUMENT_SHORTHANDS: Record<string, { helper: string; accepts: string }> = {
  // The guide's `client.a2a.send_message(agent_id, "text")`.
  'sendA2aMessage.message': { helper: 'text_message', accepts: 'str' },
};

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
  const typeOf = (p: Param) => {
    const shorthand = ARGUMENT_SHORTHANDS[`${op.id}.${p.name.wire}`];
    const base = argType(model, p.type, used);
    return shorthand ? `${base} | ${shorthand.accepts}` : base;
  };
  return [
    'self,',
    ...required.map((p) => `${pyField(p.name)}: ${typeOf(p)},`),
    '*,',
    ...optional.map((p) => `${pyField(p.name)}: ${typeOf(p)} | None = None,`),
    'request_options: RequestOptions | None = None,',
  ];
}

function argValue(op: Operation, p: Param): string {
  const shorthand = ARGUMENT_SHORTHANDS[`${op.id}.${p.name.wire}`];
  return shorthand ? `${shorthand.helper}(${pyField(p.name)})` : pyField(p.name);
}

function dictOf(op: Operation, params: Param[]): string {
  const required = params.filter((p) => p.required);
  const optional = params.filter((p) => !p.required);
  const items = required.map((p) => `${pyStr(p.name.wire)}: ${argValue(op, p)}`);
  if (optional.length > 0) {
    items.push(
      `**drop_none({${optional.map((p) => `${pyStr(p.name.wire)}: ${argValue(op, p)}`).join(', ')}})`,
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

/**
 * Operations whose answers the client caches (the spec: "SDKs cache issued tokens per (agent,
 * scopes, audience) by default"); the runtime's `TokenCache` holds them, `revoke` evicts.
 */
const TOKEN_CACHE = { issue: 'issueToken', revoke: 'revokeToken' };

function method(model: ApiModel, op: Operation, isAsync: boolean, used: Set<string>): string {
  collectTypeNames(model, op.response.type, used);
  // \`builtins.list\`: a resource may have a method named \`list\`, which shadows the builtin in the class body.
  const returns = op.response.type
    ? pyType(model, op.response.type).replace(/\blist\[/g, 'builtins.list[')
    : 'None';
  const args: string[] = [`_ops.${pyOpConst(op.id)}`];
  if (op.pathParams.length > 0) args.push(`path_params=${dictOf(op, op.pathParams)}`);
  if (op.queryParams.length > 0) args.push(`query=${dictOf(op, op.queryParams)}`);
  if (op.body) {
    const fields = op.params.filter((p) => p.location === 'body');
    args.push(`body=${dictOf(op, fields)}`);
  }
  args.push('options=request_options');
  const call = `self._client._request(${args.join(', ')})`;
  const aw = isAsync ? 'await ' : '';
  if (op.id === TOKEN_CACHE.issue) {
    const sig = signature(model, op, used);
    sig.splice(sig.length - 1, 0, 'cache: bool = True,');
    return code`
      ${isAsync ? 'async ' : ''}def ${pyMember(op.name)}(
          ${sig}
      ) -> ${returns}:
          """${methodDoc(model, op)}

          Tokens are cached per (agent_id, scopes, audience) and replaced shortly before they
          expire; \`cache=False\` always issues a new one (and does not store it).
          """

          ${isAsync ? 'async ' : ''}def send() -> ${returns}:
              return ${aw}${call}

          if not cache:
              return ${aw}send()
          key = token_cache_key(agent_id, scopes, audience)
          return ${aw}self._client._token_cache.${isAsync ? 'aget' : 'get'}(key, send)
    `;
  }
  if (op.id === TOKEN_CACHE.revoke) {
    return code`
      ${isAsync ? 'async ' : ''}def ${pyMember(op.name)}(
          ${signature(model, op, used)}
      ) -> ${returns}:
          """${methodDoc(model, op)}
          """
          ${aw}${call}
          self._client._token_cache.forget(token)
    `;
  }
  return code`
    ${isAsync ? 'async ' : ''}def ${pyMember(op.name)}(
        ${signature(model, op, used)}
    ) -> ${returns}:
        """${methodDoc(model, op)}
        """
        return ${aw}${call}
  `;
}

export function resourceModule(model: ApiModel, resource: Resource, header: string): string {
  const ops = resource.operations.map((id) => findOperation(model, id));
  const used = new Set<string>();
  const sync = ops.map((op) => method(model, op, false, used));
  const asyncMethods = ops.map((op) => method(model, op, true, used));
  const helpers = new Set<string>();
  for (const op of ops) {
    for (const p of op.params) {
      const s = ARGUMENT_SHORTHANDS[`${op.id}.${p.name.wire}`];
      if (s) helpers.add(s.helper);
    }
  }
  const needsDropNone = ops.some((op) => op.params.some((p) => !p.required));
  const cache = ops.some((op) => op.id === TOKEN_CACHE.issue);
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
    ${helpers.size > 0 && `from .._models import ${[...helpers].sort().join(', ')}`}
    from .._resource import AsyncAPIResource, SyncAPIResource${needsDropNone ? ', drop_none' : ''}
    ${cache && 'from .._token_cache import token_cache_key'}
    ${typeNames.length > 0 && `from ..types import ${typeNames.join(', ')}`}

    __all__ = [${pyStr(pyResourceClass(resource.name, false))}, ${pyStr(pyResourceClass(resource.name, true))}]


    class ${pyResourceClass(resource.name, false)}(SyncAPIResource):
        """${pyDoc(doc)}"""

        ${sync.join('\n\n')}


    class ${pyResourceClass(resource.name, true)}(AsyncAPIResource):
        """${pyDoc(doc)} (async)"""

        ${asyncMethods.join('\n\n')}
  `;
}

export function operationsModule(model: ApiModel, header: string): string {
  const responseType = (op: Operation) => (op.response.type ? pyType(model, op.response.type, 't.') : 'None');
  return code`
    ${header}
    """Every spec operation: its method, path, whether it sends the API key, and the validator of
    its answer (validators are built on first use). \`CALLS\` maps the spec's \`<tag>.<x-sdk-method>\` names (those the conformance
    scenarios use) to the resource attribute, the method and the wire -> Python argument names."""

    from __future__ import annotations

    from . import types as t
    from ._base_client import OperationSpec

    ${model.operations.map(
      (op) =>
        `${pyOpConst(op.id)}: OperationSpec[${responseType(op)}] = OperationSpec(${pyStr(op.id)}, ${pyStr(op.method)}, ${pyStr(op.path)}, ${op.auth ? 'True' : 'False'}, ${responseType(op)})`,
    )}

    CALLS: dict[str, tuple[str, str, dict[str, str]]] = {
        ${model.operations.map(
          (op) =>
            `${pyStr(`${op.resource}.${op.name.wire}`)}: (${pyStr(pyMember(model.resources.find((r) => r.name.wire === op.resource)!.name))}, ${pyStr(pyMember(op.name))}, {${op.params.map((p) => `${pyStr(p.name.wire)}: ${pyStr(pyField(p.name))}`).join(', ')}}),`,
        )}
    }
  `;
}
