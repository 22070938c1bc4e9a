/**
 * One service type per resource (spec tag), one method per operation, and the Client struct that
 * holds the services. Each operation has an unexported core method doing the call (path, query,
 * body, answer shape) and small exported methods in the shape Go users call:
 *
 * - path parameters are positional strings, checked non-empty before they are escaped;
 * - a required body is a positional struct (`Create(ctx, ati.CreateAgentRequest{...})`);
 * - an optional body or optional query parameters give a short method without them and a
 *   `...With` method taking them (`Agents.List(ctx)`, `Agents.ListWith(ctx, ati.ListAgentsParams{...})`);
 * - the guide's fixed shapes (signatures.ts) add a short method over the `...With` one.
 * Every method takes `opts ...Option` last, for per-call settings.
 */
import type { ApiModel, Operation, Param, Resource } from '../../src/model/index.ts';
import { splitWords } from '../../src/model/index.ts';
import { doc, exported, lowerFirst, pascalWords, quote, unexported } from './naming.ts';
import { GO_SIGNATURES } from './signatures.ts';
import { type GoTypes, goType, goTypeName, named, shapeExpr } from './types.ts';

export function serviceType(r: Resource): string {
  return `${exported(r.name)}Service`;
}

export function paramsType(op: Operation): string {
  return `${pascalWords(splitWords(op.id))}Params`;
}

/** The Go result type of an operation: `*Agent`, `[]Agent`, or '' for none. */
export function resultType(ctx: GoTypes, op: Operation): string {
  const t = op.response.type;
  if (!t) return '';
  if (t.kind === 'array') return goType(ctx, t);
  if (t.kind === 'ref') return `*${goType(ctx, t)}`;
  return goType(ctx, t);
}

function thirdPerson(summary: string): string {
  const [verb = '', ...rest] = summary.split(' ');
  const lower = verb.toLowerCase();
  let v: string;
  if (/[^aeiou]y$/.test(lower)) v = `${lower.slice(0, -1)}ies`;
  else if (/(s|sh|ch|x|z)$/.test(lower)) v = `${lower}es`;
  else v = `${lower}s`;
  return [v, ...rest].join(' ');
}

function methodDoc(name: string, op: Operation, extra?: string): string {
  let text = `${name} ${op.summary ? thirdPerson(op.summary) : `calls ${op.id}`}.`;
  if (op.description) text += ` ${op.description.trim()}`;
  let out = doc(text);
  if (extra) out += `//\n${doc(extra)}`;
  out += `//\n// It calls ${op.method} ${op.path} (${op.id}).\n`;
  if (op.deprecated) out += `//\n// Deprecated: the spec marks ${op.id} deprecated.\n`;
  return out;
}

interface OpShape {
  op: Operation;
  core: string;
  pathArgs: { param: Param; go: string }[];
  bodyType?: string;
  queryType?: string;
  result: string;
}

function opShape(ctx: GoTypes, op: Operation): OpShape {
  const pathArgs = op.pathParams.map((p) => ({ param: p, go: unexported(p.name) }));
  const bodyType = op.body ? goTypeName(named(ctx, op.body.type)) : undefined;
  const queryType = op.queryParams.length > 0 ? paramsType(op) : undefined;
  return { op, core: op.id, pathArgs, bodyType, queryType, result: resultType(ctx, op) };
}

function returns(result: string): string {
  return result ? `(${result}, error)` : 'error';
}

function zeroReturn(result: string, err: string): string {
  return result ? `return nil, ${err}` : `return ${err}`;
}

/** The query parameter's encoding into `q`. */
function queryEncode(p: Param): string {
  const f = `params.${exported(p.name)}`;
  const key = quote(p.name.wire);
  const t = p.type;
  if (t.kind === 'array') {
    return `\t\tfor _, v := range ${f} {\n\t\t\tq.Add(${key}, fmt.Sprint(v))\n\t\t}\n`;
  }
  const zero =
    t.kind === 'primitive' && (t.type === 'integer' || t.type === 'number')
      ? '0'
      : t.kind === 'primitive' && t.type === 'boolean'
        ? 'false'
        : '""';
  const conv =
    t.kind === 'ref'
      ? `string(${f})`
      : t.kind === 'primitive' && t.type === 'string'
        ? f
        : `fmt.Sprint(${f})`;
  if (!p.required && zero === 'false')
    return `\t\tif ${f} != nil {\n\t\t\tq.Set(${key}, fmt.Sprint(*${f}))\n\t\t}\n`;
  return `\t\tif ${f} != ${zero} {\n\t\t\tq.Set(${key}, ${conv})\n\t\t}\n`;
}

function emitCore(ctx: GoTypes, r: Resource, s: OpShape): string {
  const { op } = s;
  const recv = `s *${serviceType(r)}`;
  const args = ['ctx context.Context', ...s.pathArgs.map((a) => `${a.go} string`)];
  if (s.bodyType) args.push(`body *${s.bodyType}`);
  if (s.queryType) args.push(`params *${s.queryType}`);
  args.push('opts []Option');
  let out = `func (${recv}) ${s.core}(${args.join(', ')}) ${returns(s.result)} {\n`;
  for (const a of s.pathArgs) {
    out += `\tif err := pathParam(${quote(op.id)}, ${quote(a.param.name.wire)}, ${a.go}); err != nil {\n\t\t${zeroReturn(s.result, 'err')}\n\t}\n`;
  }
  // The path: literal segments and escaped parameters.
  const parts: string[] = [];
  let rest = op.path;
  for (;;) {
    const m = /\{([^}]+)\}/.exec(rest);
    if (!m) break;
    if (m.index > 0) parts.push(quote(rest.slice(0, m.index)));
    const a = s.pathArgs.find((x) => x.param.name.wire === m[1]);
    if (!a) throw new Error(`go emitter: ${op.id} path parameter ${m[1]} not declared`);
    parts.push(`url.PathEscape(${a.go})`);
    rest = rest.slice(m.index + m[0].length);
  }
  if (rest) parts.push(quote(rest));
  const respType = op.response.type;
  const shape = respType ? shapeExpr(ctx, respType) : 'nil';
  out += `\top := &operation{id: ${quote(op.id)}, method: ${quote(op.method)}, path: ${parts.join(' + ')}${op.auth ? '' : ', noAuth: true'}`;
  if (respType) out += `, shape: ${shape === 'nil' ? '&shape{}' : shape}`;
  out += '}\n';
  if (s.bodyType) out += `\tif body != nil {\n\t\top.body = body\n\t}\n`;
  if (s.queryType) {
    out += `\tif params != nil {\n\t\tq := url.Values{}\n`;
    for (const p of op.queryParams) out += queryEncode(p);
    out += `\t\top.query = q\n\t}\n`;
  }
  if (!s.result) {
    out += `\treturn s.c.call(ctx, op, nil, opts)\n}\n\n`;
    return out;
  }
  if (s.result.startsWith('*')) {
    out += `\tout := new(${s.result.slice(1)})\n\tif err := s.c.call(ctx, op, out, opts); err != nil {\n\t\treturn nil, err\n\t}\n\treturn out, nil\n}\n\n`;
  } else {
    out += `\tvar out ${s.result}\n\tif err := s.c.call(ctx, op, &out, opts); err != nil {\n\t\treturn nil, err\n\t}\n\treturn out, nil\n}\n\n`;
  }
  return out;
}

function emitMethods(ctx: GoTypes, r: Resource, s: OpShape): string {
  const { op } = s;
  const name = exported(op.name);
  const recv = `s *${serviceType(r)}`;
  const sig = GO_SIGNATURES[op.id] ?? {};
  const pathDecl = s.pathArgs.map((a) => `${a.go} string`);
  const pathUse = s.pathArgs.map((a) => a.go);
  const bodyRequired = op.body?.required ?? false;
  const queryRequired = op.queryParams.some((p) => p.required);
  const needsWith =
    (s.bodyType !== undefined && (!bodyRequired || sig.flatten)) ||
    (s.queryType !== undefined && !queryRequired);
  let out = '';

  // The full method: every argument, the typed answer.
  const fullName = needsWith ? `${name}With` : name;
  const fullArgs = ['ctx context.Context', ...pathDecl];
  const coreArgs = ['ctx', ...pathUse];
  if (s.bodyType) {
    fullArgs.push(`body ${s.bodyType}`);
    coreArgs.push('&body');
  }
  if (s.queryType) {
    fullArgs.push(`params ${s.queryType}`);
    coreArgs.push('&params');
  }
  fullArgs.push('opts ...Option');
  coreArgs.push('opts');
  const fullIsShort = !needsWith && !sig.errorOnly;
  if (fullIsShort || needsWith) {
    out += methodDoc(
      fullName,
      op,
      needsWith
        ? `${fullName} is ${name} with every ${s.bodyType ? 'body field' : 'query parameter'}.`
        : undefined,
    );
    out += `func (${recv}) ${fullName}(${fullArgs.join(', ')}) ${returns(s.result)} {\n\treturn s.${s.core}(${coreArgs.join(', ')})\n}\n\n`;
  }
  if (fullIsShort) return out;

  // The short method: without the optional argument, or in the guide's shape.
  const shortArgs = ['ctx context.Context', ...pathDecl];
  const shortCore = ['ctx', ...pathUse];
  let pre = '';
  if (s.bodyType) {
    if (sig.flatten) {
      const bodyT = named(ctx, op.body!.type);
      if (bodyT.kind !== 'object') throw new Error(`go emitter: ${op.id} body is not an object`);
      const inits: string[] = [];
      for (const wire of sig.flatten) {
        const p = bodyT.properties.find((x) => x.name.wire === wire);
        if (!p) throw new Error(`go emitter: ${op.id} flattens unknown field ${wire}`);
        const argName = unexported(p.name);
        shortArgs.push(`${argName} ${goType(ctx, p.type)}`);
        inits.push(`${exported(p.name)}: ${argName}`);
      }
      pre = `\tbody := ${s.bodyType}{${inits.join(', ')}}\n`;
      shortCore.push('&body');
    } else if (bodyRequired) {
      shortArgs.push(`body ${s.bodyType}`);
      shortCore.push('&body');
    } else shortCore.push('nil');
  }
  if (s.queryType) shortCore.push('nil');
  shortArgs.push('opts ...Option');
  shortCore.push('opts');
  const errorOnly = sig.errorOnly && s.result !== '';
  let extra: string | undefined;
  if (needsWith)
    extra = `To send ${s.bodyType && !sig.flatten ? 'a body' : s.bodyType ? 'every body field' : 'query parameters'}, use ${fullName}.`;
  if (errorOnly)
    extra = `${extra ? `${extra} ` : ''}The answer is checked but not returned; pass WithResponseBodyInto to get it.`;
  out += methodDoc(name, op, extra);
  if (errorOnly) {
    out += `func (${recv}) ${name}(${shortArgs.join(', ')}) error {\n${pre}\t_, err := s.${s.core}(${shortCore.join(', ')})\n\treturn err\n}\n\n`;
  } else {
    out += `func (${recv}) ${name}(${shortArgs.join(', ')}) ${returns(s.result)} {\n${pre}\treturn s.${s.core}(${shortCore.join(', ')})\n}\n\n`;
  }
  return out;
}

function emitParamsType(ctx: GoTypes, op: Operation): string {
  const name = paramsType(op);
  let out = `// ${name} are the query parameters of ${op.id} (see the ...With method).\ntype ${name} struct {\n`;
  for (const p of op.queryParams) {
    let t = goType(ctx, p.type);
    if (!p.required && t === 'bool') t = '*bool';
    let text = `${exported(p.name)}: ${p.description ?? p.name.wire}`;
    if (!/[.!?]$/.test(text)) text += '.';
    if (!p.required) text += ' Optional.';
    if (p.default !== undefined) text += ` The gateway's default is ${JSON.stringify(p.default)}.`;
    out += doc(text, '\t');
    out += `\t${exported(p.name)} ${t} \`json:"${p.name.wire}${p.required ? '' : ',omitzero'}"\`\n`;
  }
  return `${out}}\n\n`;
}

export function emitResource(ctx: GoTypes, model: ApiModel, r: Resource): string {
  const svc = serviceType(r);
  let out = doc(
    `${svc} groups the ${r.name.wire} operations${r.description ? `: ${lowerFirst(r.description)}` : '.'} Use it as Client.${exported(r.name)}.`,
  );
  out += `type ${svc} struct {\n\tc *Client\n}\n\n`;
  for (const id of r.operations) {
    const op = model.operations.find((o) => o.id === id);
    if (!op) throw new Error(`go emitter: resource ${r.name.wire} lists unknown operation ${id}`);
    const s = opShape(ctx, op);
    if (s.queryType) out += emitParamsType(ctx, op);
    out += emitMethods(ctx, r, s);
    out += emitCore(ctx, r, s);
  }
  return out;
}

export function emitClient(model: ApiModel): string {
  let out = doc(
    `Client is the ${model.title} client. Create one with NewClient or FromEnv and share it: it is safe for concurrent use and reuses connections. Its fields group the operations by resource, as the spec's tags do.`,
  );
  out += 'type Client struct {\n';
  for (const r of model.resources) {
    out += doc(`${exported(r.name)}: ${r.description ?? r.name.wire}`, '\t');
    out += `\t${exported(r.name)} *${serviceType(r)}\n`;
  }
  out += '\n\tcfg config\n}\n\n';
  out += 'func (c *Client) initServices() {\n';
  for (const r of model.resources) out += `\tc.${exported(r.name)} = &${serviceType(r)}{c: c}\n`;
  out += '}\n\n';
  return out;
}
