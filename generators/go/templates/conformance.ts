/**
 * The conformance dispatch table (a _test.go file): for each operation, "<tag>.<x-sdk-method>"
 * as scenarios spell it, a function taking the step's args (keyed by wire names, the model's
 * flattened `params`) and calling the operation's core method. Body and query args are decoded
 * into the generated structs by their JSON tags, which are the wire names, so keys are converted
 * by the schema and free-form maps pass through untouched.
 */
import type { ApiModel } from '../../src/model/index.ts';
import { exported, quote, unexported } from './naming.ts';
import { paramsType } from './resources.ts';
import { type GoTypes, goTypeName, named } from './types.ts';

export function emitConformanceOps(ctx: GoTypes, model: ApiModel): string {
  let out = '// conformanceOps maps a scenario\'s "call" to the operation\'s core method.\n';
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
      call.push('nil');
      const target = `c.${exported(r.name)}.${op.id}(${call.join(', ')})`;
      out += op.response.type ? `\t\treturn ${target}\n` : `\t\treturn nil, ${target}\n`;
      out += '\t},\n';
    }
  }
  out += '}\n';
  return out;
}
