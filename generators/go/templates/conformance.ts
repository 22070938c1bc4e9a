/**
 * The conformance dispatch table (a _test.go file): for each operation, "<tag>.<x-sdk-method>"
 * as scenarios spell it, a function taking the step's args (keyed by wire names, the model's
 * flattened `params`) and calling the operation through the exported methods a user calls (the
 * short form when the optional argument is absent, the `...With` form otherwise; an error-only
 * method with `WithResponseBodyInto`, to see its answer). Body and query args are decoded
 * into the generated structs by their JSON tags, which are the wire names, so keys are converted
 * by the schema and free-form maps pass through untouched.
 */
import type { ApiModel, Operation } from '../../src/model/index.ts';
import { exported, quote, unexported } from './naming.ts';
import { paramsType, resultType } from './resources.ts';
import { GO_SIGNATURES } from './signatures.ts';
import { type GoTypes, goTypeName, named } from './types.ts';

export function emitConformanceOps(ctx: GoTypes, model: ApiModel): string {
  let out = '// conformanceOps maps a scenario\'s "call" to the SDK method a user would call.\n';
  out +=
    'var conformanceOps = map[string]func(ctx context.Context, c *Client, args map[string]json.RawMessage) (any, error){\n';
  for (const r of model.resources) {
    for (const id of r.operations) {
      const op = model.operations.find((o) => o.id === id)!;
      const key = `${r.name.wire}.${op.name.wire}`;
      const known = op.params.map((p) => quote(p.name.wire));
      out += `\t${quote(key)}: func(ctx context.Context, c *Client, args map[string]json.RawMessage) (any, error) {\n`;
      out += `\t\tif err := onlyArgs(args, ${known.join(', ')}); err != nil {\n\t\t\treturn nil, err\n\t\t}\n`;
      const call: string[] = ['ctx'];
      for (const p of op.pathParams) {
        const v = unexported(p.name);
        out += `\t\t${v}, err := stringArg(args, ${quote(p.name.wire)})\n\t\tif err != nil {\n\t\t\treturn nil, err\n\t\t}\n`;
        call.push(v);
      }
      if (op.body) {
        const bodyT = named(ctx, op.body.type);
        if (bodyT.kind !== 'object') throw new Error(`go emitter: ${op.id} body is not an object`);
        const fields = bodyT.properties.map((p) => quote(p.name.wire));
        out += `\t\tvar body *${goTypeName(bodyT)}\n`;
        out += `\t\tif err := structArg(args, []string{${fields.join(', ')}}, ${op.body.required}, &body); err != nil {\n\t\t\treturn nil, err\n\t\t}\n`;
        call.push('body');
      }
      if (op.queryParams.length > 0) {
        const fields = op.queryParams.map((p) => quote(p.name.wire));
        out += `\t\tvar params *${paramsType(op)}\n`;
        out += `\t\tif err := structArg(args, []string{${fields.join(', ')}}, false, &params); err != nil {\n\t\t\treturn nil, err\n\t\t}\n`;
        call.push('params');
      }
      out += publicCall(ctx, op, `c.${exported(r.name)}`, call.slice(0, 1 + op.pathParams.length));
      out += '\t},\n';
    }
  }
  out += '}\n';
  return out;
}

/** The call of the exported method that fits the decoded args (`body`, `params` may be nil). */
function publicCall(ctx: GoTypes, op: Operation, svc: string, head: string[]): string {
  const name = exported(op.name);
  const sig = GO_SIGNATURES[op.id] ?? {};
  const result = resultType(ctx, op);
  const ret = (expr: string) => (result ? `\t\treturn ${expr}\n` : `\t\treturn nil, ${expr}\n`);
  const hasBody = op.body !== undefined;
  const hasQuery = op.queryParams.length > 0;
  const optionalBody = hasBody && !op.body!.required;
  const optionalQuery = hasQuery && !op.queryParams.some((p) => p.required);
  const withForm = (hasBody && (optionalBody || sig.flatten !== undefined)) || optionalQuery;
  if (withForm) {
    const args = [...head];
    if (hasBody) args.push('deref(body)');
    if (hasQuery) args.push('deref(params)');
    let out = '';
    if (optionalBody || optionalQuery) {
      const absent = [optionalBody ? 'body == nil' : '', optionalQuery ? 'params == nil' : '']
        .filter(Boolean)
        .join(' && ');
      if (!sig.flatten) out += `\t\tif ${absent} {\n\t${ret(`${svc}.${name}(${head.join(', ')})`)}\t\t}\n`;
    }
    return out + ret(`${svc}.${name}With(${args.join(', ')})`);
  }
  const args = [...head];
  if (hasBody) args.push('*body');
  if (hasQuery) args.push('*params');
  if (sig.errorOnly && result) {
    const t = result.startsWith('*') ? result.slice(1) : result;
    args.push('WithResponseBodyInto(out)');
    return `\t\tout := new(${t})\n\t\tif err := ${svc}.${name}(${args.join(', ')}); err != nil {\n\t\t\treturn nil, err\n\t\t}\n\t\treturn ${result.startsWith('*') ? 'out' : '*out'}, nil\n`;
  }
  return ret(`${svc}.${name}(${args.join(', ')})`);
}
