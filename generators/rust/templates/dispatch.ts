/**
 * The conformance driver's dispatch table (`examples/conformance_driver/dispatch.rs`): a call
 * named `<resource>.<method>` with wire-named args becomes the SDK method call, built from the
 * model (positional arguments per `x-sdk-args`, the rest decoded into the body or params struct
 * through its serde wire names), so the hand-written driver keeps no per-method table.
 */
import { code } from '../../src/emit/template.ts';
import type { ApiModel, Param } from '../../src/model/index.ts';
import { member, quote, typeName } from '../naming.ts';
import { argName, type OpShape } from './resources.ts';
import { type RustTypes, rustType } from './types.ts';

export const DISPATCH_DIR = 'examples/conformance_driver';

function local(ctx: RustTypes, p: Param): { decl: string; use: string } {
  const name = argName(p);
  const base = rustType(ctx, p.type);
  const w = quote(p.name.wire);
  if (p.shorthand)
    return { decl: `let ${name}: crate::Value = arg(args, ${w})?;`, use: `shorthand::<${base}>(${name})?` };
  const isString = p.type.kind === 'primitive' && p.type.type === 'string';
  const copy = p.type.kind === 'primitive' && !isString;
  if (p.required) {
    if (isString) return { decl: `let ${name}: String = arg_or_default(args, ${w})?;`, use: `&${name}` };
    return { decl: `let ${name}: ${base} = arg(args, ${w})?;`, use: copy ? name : `&${name}` };
  }
  const decl = `let ${name}: Option<${base}> = opt_arg(args, ${w})?;`;
  if (isString || p.type.kind === 'array') return { decl, use: `${name}.as_deref()` };
  return { decl, use: copy ? name : `${name}.as_ref()` };
}

function arm(ctx: RustTypes, s: OpShape): string {
  const locals = s.positional.map((p) => local(ctx, p));
  const taken = s.positional.map((p) => quote(p.name.wire)).join(', ');
  const args = locals.map((l) => l.use);
  const rest = s.restMode !== 'none' && `let rest: ${s.restType} = rest(args, &[${taken}])?;`;
  if (s.restMode !== 'none') args.push('&rest');
  const target = s.op.root ? 'client' : `client.${member(s.resource.name)}()`;
  const wrap = s.op.rpc && s.op.rpc.onError === 'return' ? 'rpc_answer' : 'answer';
  return code`
    ${quote(`${s.resource.name.wire}.${s.op.name.wire}`)} => {
        ${locals.map((l) => l.decl)}
        ${rest}
        ${wrap}(${target}.${s.callName}(${args.join(', ')}))
    }
  `;
}

export function dispatchFile(ctx: RustTypes, model: ApiModel, shapes: OpShape[]): string {
  const roundtrip = model.types.filter((t) => t.kind !== 'enum');
  return code`
    use crate::{answer, arg, arg_or_default, opt_arg, rest, roundtrip, rpc_answer, shorthand, Failure, Value};
    use agenttrustid::*;

    /// Calls the SDK method \`name\` with wire-named \`args\`; the result as wire JSON.
    pub fn call(client: &AgentTrustClient, name: &str, args: &serde_json::Map<String, Value>) -> Result<Value, Failure> {
        match name {
            ${shapes.map((s) => arm(ctx, s))}
            _ => Err(Failure::Crash(format!("the SDK has no {name}"))),
        }
    }

    /// Decodes \`value\` into the SDK's type named \`name\` and encodes it back.
    pub fn roundtrip_type(name: &str, value: Value) -> Result<Value, Failure> {
        match name {
            ${roundtrip.map((t) => `${quote(t.name.wire)} => roundtrip::<${typeName(t.name)}>(value),`)}
            _ => Err(Failure::Crash(format!("the SDK has no type {name}"))),
        }
    }
  `;
}
