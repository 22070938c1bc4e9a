/**
 * The conformance driver's dispatch table (`internal/conformance/driver/dispatch.go`, package
 * main; the hand-written `main.go` beside it speaks the stdio protocol). For each operation,
 * "<tag>.<x-sdk-method>" as scenarios spell it, a function taking the step's args (keyed by wire
 * names, the model's flattened `params`) and calling the operation through the exported methods a
 * user calls: the short form when the optional argument is absent, the `...With` form otherwise,
 * body fields one by one where `sdk.args.go` takes them so, and a void method with
 * `WithResponseBodyInto` to see its answer. Body and query args are decoded into the generated
 * structs by their JSON tags, which are the wire names, so keys are converted by the schema and
 * free-form maps pass through untouched. `roundtrips` decodes a wire value into a named type and
 * encodes it back (the roundtrip vectors).
 */
import { code } from '../../src/emit/template.ts';
import type { Operation, Resource } from '../../src/model/index.ts';
import { exported, quote, unexported } from '../naming.ts';
import type { GoImports } from './file.ts';
import { type GoShape, goShape, paramsType } from './resources.ts';
import { type GoTypes, goTypeName, named } from './types.ts';

export const DISPATCH_DIR = 'internal/conformance/driver';

/** Qualifies the SDK's exported names for package main. */
const ati = (name: string): string => name.replace(/^(\*?)(\[\])?(\*?)([A-Z])/, '$1$2$3ati.$4');

function callEntry(ctx: GoTypes, r: Resource, op: Operation, _imports: GoImports): string {
  // goShape records the SDK's own imports (context, time); package main needs only its own.
  const s: GoShape = goShape(ctx, op, { use: (p: string) => p.slice(p.lastIndexOf('/') + 1) } as GoImports);
  const svc = op.root ? 'c' : `c.${exported(r.name)}`;
  const name = exported(op.name);
  const head = ['ctx', ...s.pathArgs.map((a) => a.go)];
  const headers = s.headerArgs.map((a) => a.go);
  const bodyT = op.body && named(ctx, op.body.type);
  if (bodyT && bodyT.kind !== 'object') throw new Error(`go emitter: ${op.id} body is not an object`);
  // Body members the SDK fills itself (fixed values, a proxy's JSON-RPC id) are not arguments.
  const own = new Set([...op.fixed.map((f) => f.wire), ...(op.rpc && !op.rpc.method ? ['id'] : [])]);
  const bodyFields = bodyT ? bodyT.properties.map((p) => p.name.wire).filter((w) => !own.has(w)) : [];
  const optionalBody = op.body !== undefined && !op.body.required;
  const optionalQuery = s.queryType !== undefined && !s.extraParams.some((p) => p.required);
  const result = s.result ? ati(s.result) : '';
  // A JSON-RPC proxy (no method) returns the typed response; scenarios see its result, or the
  // whole response when it holds no result (a JSON-RPC error).
  const proxy = op.rpc !== undefined && !op.rpc.method && result.startsWith('*');
  const ret = (expr: string) =>
    proxy ? `return rpcResult(${expr})` : result ? `return ${expr}` : `return nil, ${expr}`;

  /** A void method's call, with the answer captured through WithResponseBodyInto. */
  const voidCall = (args: string[]) => {
    const t = result.replace(/^\*/, '');
    return code`
      out := new(${t})
      if err := ${svc}.${name}(${[...args, 'ati.WithResponseBodyInto(out)'].join(', ')}); err != nil {
          return nil, err
      }
      return ${result.startsWith('*') ? 'out' : '*out'}, nil`;
  };

  let call: string;
  if (s.needsWith) {
    const withArgs = [
      ...head,
      ...headers,
      s.bodyType && 'deref(body)',
      s.queryType && 'deref(params)',
    ].filter(Boolean);
    const withCall = ret(`${svc}.${name}With(${withArgs.join(', ')})`);
    let short: string | false = false;
    if (s.flatten.length > 0) {
      // The short method when the body holds only the fields it takes one by one.
      const fields = s.flatten.map((f) => f.param.name.wire);
      const shortArgs = [
        ...head,
        ...s.positional.map((a) =>
          a.param.location === 'header' ? a.go : `body.${s.flatten.find((f) => f.param === a.param)!.field}`,
        ),
      ];
      short = code`
        if body != nil && bodyOnly(args, []string{${bodyFields.map(quote).join(', ')}}, ${fields.map(quote).join(', ')})${optionalQuery ? ' && params == nil' : ''} {
            ${s.void ? voidCall(shortArgs) : ret(`${svc}.${name}(${shortArgs.join(', ')})`)}
        }`;
    } else if (optionalBody || optionalQuery) {
      const absent = [optionalBody && 'body == nil', optionalQuery && 'params == nil']
        .filter(Boolean)
        .join(' && ');
      const shortArgs = [...head, ...headers, ...(!optionalBody && s.bodyType ? ['*body'] : [])];
      short = code`
        if ${absent} {
            ${s.void ? voidCall(shortArgs) : ret(`${svc}.${name}(${shortArgs.join(', ')})`)}
        }`;
    }
    call = [short, withCall].filter(Boolean).join('\n');
  } else {
    const args = [...head, ...headers, s.bodyType && '*body', s.queryType && '*params'].filter(
      (a): a is string => !!a,
    );
    call = s.void ? voidCall(args) : ret(`${svc}.${name}(${args.join(', ')})`);
  }

  const callNames = [`${r.name.wire}.${op.name.wire}`, ...(op.root ? [op.name.wire] : [])];
  return callNames
    .map(
      (callName) => code`
    ${quote(callName)}: func(ctx context.Context, c *ati.Client, args map[string]json.RawMessage) (any, error) {
        if err := onlyArgs(args, ${op.params.map((p) => quote(p.name.wire)).join(', ')}); err != nil {
            return nil, err
        }
        ${[
          ...[...op.pathParams, ...s.headerArgs.map((a) => a.param)].map(
            (p) => code`
            ${unexported(p.name)}, err := stringArg(args, ${quote(p.name.wire)})
            if err != nil {
                return nil, err
            }`,
          ),
          bodyT &&
            code`
            var body *ati.${goTypeName(bodyT)}
            if err := structArg(args, []string{${bodyFields.map(quote).join(', ')}}, ${String(op.body!.required)}, &body); err != nil {
                return nil, err
            }`,
          s.queryType &&
            code`
            var params *ati.${paramsType(op)}
            if err := structArg(args, []string{${s.extraParams.map((p) => quote(p.name.wire)).join(', ')}}, false, &params); err != nil {
                return nil, err
            }`,
        ]}
        ${call}
    },`,
    )
    .join('\n');
}

export function dispatchFile(ctx: GoTypes, imports: GoImports): string {
  imports.use('context');
  imports.use('encoding/json');
  imports.use('github.com/agenttrustid/sdk/go', 'ati');
  const entries = ctx.model.resources.flatMap((r) =>
    r.operations.map((id) => callEntry(ctx, r, ctx.model.operations.find((o) => o.id === id)!, imports)),
  );
  return code`
    // calls maps a step's "call" to the SDK method a user would call.
    var calls = map[string]func(ctx context.Context, c *ati.Client, args map[string]json.RawMessage) (any, error){
        ${entries}
    }

    // roundtrips decodes a wire value into the SDK type of a schema and encodes it back.
    var roundtrips = map[string]func(data []byte) ([]byte, error){
        ${ctx.model.types
          .filter((t) => t.kind !== 'enum')
          .map((t) => `${quote(t.name.wire)}: roundtrip[ati.${goTypeName(t)}],`)}
    }
  `;
}
