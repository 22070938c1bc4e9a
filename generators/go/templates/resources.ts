/**
 * One service type per resource (spec tag), one method per operation, and the Client struct that
 * holds the services. Each operation has an unexported core method doing the call (path, query,
 * body, answer shape, the token cache) and small exported methods in the shape Go users call,
 * all read from the model:
 *
 * - `Operation.sdk.args.go` are the positional arguments: the path parameters (strings, checked
 *   non-empty before they are escaped) and any body fields taken one by one;
 * - a required body is otherwise a positional struct (`Create(ctx, ati.CreateAgentRequest{...})`);
 * - an optional body, optional query parameters, or body fields taken one by one give a short
 *   method and a `...With` method taking the whole body or query struct
 *   (`Agents.List(ctx)`, `Agents.ListWith(ctx, ati.ListAgentsParams{...})`);
 * - `Operation.sdk.void` containing `go`: the short method returns only an error (the answer is
 *   still validated, and reachable with WithResponseBodyInto or the `...With` method);
 * - `Operation.sdk.cache`: a `store` rule serves the answer from the client's cache, an `evict`
 *   rule drops cached answers after the call succeeds.
 * Every method takes `opts ...Option` last, for per-call settings.
 */
import { code } from '../../src/emit/template.ts';
import {
  type ApiModel,
  type Operation,
  type Param,
  type Resource,
  SpecModelError,
  splitWords,
  type TypeRef,
} from '../../src/model/index.ts';
import { doc, exported, lowerFirst, pascalWords, quote, unexported } from '../naming.ts';
import { GoImports } from './file.ts';
import { type GoTypes, goField, goType, goTypeName, named, shapeExpr } from './types.ts';

export const serviceType = (r: Resource): string => `${exported(r.name)}Service`;

export const paramsType = (op: Operation): string => `${pascalWords(splitWords(op.id))}Params`;

const opPointer = (op: Operation): string =>
  `#/paths/${op.path.replace(/~/g, '~0').replace(/\//g, '~1')}/${op.method.toLowerCase()}`;

/** The Go result type of an answer: `*Agent`, `[]Agent`, or '' for none. */
export function resultType(ctx: GoTypes, t: TypeRef | undefined, imports: GoImports): string {
  if (!t) return '';
  return t.kind === 'ref' ? `*${goType(ctx, t, imports)}` : goType(ctx, t, imports);
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
  return [
    doc(text),
    extra && `//\n${doc(extra)}`,
    '//',
    `// It calls ${op.method} ${op.path}${op.rpc?.method ? `, JSON-RPC method ${op.rpc.method}` : ''} (${op.id}).`,
    op.deprecated && `//\n// Deprecated: the spec marks ${op.id} deprecated.`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** How Go calls one operation, from the model. */
export interface GoShape {
  op: Operation;
  core: string;
  /** The service type holding the core method (unexported for a resource of root methods only). */
  svc: string;
  pathArgs: { param: Param; go: string }[];
  /** Header parameters taken positionally (`sdk.args.go`), in that order; strings. */
  headerArgs: { param: Param; go: string }[];
  /** Body fields taken positionally by the short method (`sdk.args.go` beyond the path). */
  flatten: { param: Param; go: string; type: string; field: string }[];
  /** The short method's arguments after the path parameters, in `sdk.args.go` order. */
  positional: { param: Param; go: string; type: string }[];
  bodyType?: string;
  /** The `...Params` struct: query parameters and the header parameters not taken positionally. */
  queryType?: string;
  extraParams: Param[];
  result: string;
  /** The type the answer is checked against: the response, or its `unwrap` member. */
  answer?: TypeRef;
  /** The short method returns only an error. */
  void: boolean;
  /** A `...With` method exists, taking the whole body and/or query struct. */
  needsWith: boolean;
}

/** The service type of a resource whose operations are all methods of the client itself. */
export const hiddenService = (r: Resource): string => `${unexported(r.name)}Service`;

/** Whether a resource gets an exported service type (and a Client field): it has a non-root operation. */
export function hasService(model: ApiModel, r: Resource): boolean {
  return r.operations.some((id) => !model.operations.find((o) => o.id === id)!.root);
}

/** The answer the method returns: the 2xx body, or its `x-sdk-unwrap` member. */
export function answerType(ctx: GoTypes, op: Operation): TypeRef | undefined {
  const t = op.response.type;
  if (!t || !op.unwrap) return t;
  const obj = t.kind === 'ref' ? named(ctx, t.name) : undefined;
  const member = obj?.kind === 'object' ? obj.properties.find((p) => p.name.wire === op.unwrap) : undefined;
  if (!member)
    throw new SpecModelError(
      `x-sdk-unwrap '${op.unwrap}' is not a member of the answer`,
      `${opPointer(op)}/x-sdk-unwrap`,
    );
  return member.type;
}

export function goShape(ctx: GoTypes, op: Operation, imports: GoImports): GoShape {
  const at = `${opPointer(op)}/x-sdk-args`;
  const positionalWires = op.sdk.args.go;
  const pathArgs = op.pathParams.map((p) => ({ param: p, go: unexported(p.name) }));
  const positional = positionalWires
    .filter((wire) => !op.pathParams.some((p) => p.name.wire === wire))
    .map((wire) => {
      const param = op.params.find((p) => p.name.wire === wire)!;
      if (param.location !== 'body' && param.location !== 'header')
        throw new SpecModelError(
          `Go takes only path and header parameters and body fields positionally, not ${wire}`,
          at,
        );
      if (param.location === 'header' && !(param.type.kind === 'primitive' && param.type.type === 'string'))
        throw new SpecModelError(`Go takes only string header parameters, not ${wire}`, at);
      return { param, go: unexported(param.name), type: goType(ctx, param.type, imports) };
    });
  if (positionalWires.slice(0, pathArgs.length).join() !== pathArgs.map((a) => a.param.name.wire).join())
    throw new SpecModelError('Go takes the path parameters first, in path order', at);
  const headerArgs = positional.filter((a) => a.param.location === 'header');
  // The struct field of a body argument is the body type's (an rpc method's x-sdk-name renames
  // the argument, `task_id`, not the params type's member, `ID`).
  const bodyObj = op.body ? named(ctx, op.body.type) : undefined;
  const fieldOf = (p: Param) => {
    const prop =
      bodyObj?.kind === 'object' ? bodyObj.properties.find((x) => x.name.wire === p.name.wire) : undefined;
    return exported(prop?.name ?? p.name);
  };
  const flatten = positional
    .filter((a) => a.param.location === 'body')
    .map((a) => ({ ...a, field: fieldOf(a.param) }));
  const extraHeaders = op.headerParams.filter((h) => !headerArgs.some((a) => a.param === h));
  for (const h of extraHeaders) {
    if (h.required)
      throw new SpecModelError(
        `Go takes a required header parameter positionally: list ${h.name.wire} in x-sdk-args`,
        at,
      );
    if (!(h.type.kind === 'primitive' && h.type.type === 'string'))
      throw new SpecModelError(`Go takes only string header parameters, not ${h.name.wire}`, at);
  }
  const extraParams = [...op.queryParams, ...extraHeaders];
  const bodyType = op.body ? goTypeName(named(ctx, op.body.type)) : undefined;
  const queryType = extraParams.length > 0 ? paramsType(op) : undefined;
  const answer = answerType(ctx, op);
  const result = resultType(ctx, answer, imports);
  const needsWith =
    (bodyType !== undefined && (!op.body!.required || flatten.length > 0)) ||
    (queryType !== undefined && !extraParams.some((p) => p.required));
  const r = ctx.model.resources.find((x) => x.operations.includes(op.id))!;
  return {
    op,
    core: op.id,
    svc: hasService(ctx.model, r) ? serviceType(r) : hiddenService(r),
    pathArgs,
    headerArgs,
    flatten,
    positional,
    bodyType,
    queryType,
    extraParams,
    result,
    answer,
    void: op.sdk.void.includes('go') && result !== '',
    needsWith,
  };
}

const returns = (result: string): string => (result ? `(${result}, error)` : 'error');

/** The query parameter's encoding into `q`. */
function queryEncode(p: Param, imports: GoImports): string {
  const f = `params.${exported(p.name)}`;
  const key = quote(p.name.wire);
  const t = p.type;
  const fmt = () => imports.use('fmt');
  if (t.kind === 'array')
    return code`
      for _, v := range ${f} {
          q.Add(${key}, ${fmt()}.Sprint(v))
      }`;
  const numeric = t.kind === 'primitive' && (t.type === 'integer' || t.type === 'number');
  const boolean = t.kind === 'primitive' && t.type === 'boolean';
  if (boolean && !p.required)
    return code`
      if ${f} != nil {
          q.Set(${key}, ${fmt()}.Sprint(*${f}))
      }`;
  const zero = numeric ? '0' : boolean ? 'false' : '""';
  const conv =
    t.kind === 'ref'
      ? `string(${f})`
      : t.kind === 'primitive' && t.type === 'string'
        ? f
        : `${fmt()}.Sprint(${f})`;
  return code`
    if ${f} != ${zero} {
        q.Set(${key}, ${conv})
    }`;
}

/** The Go expression of an argument inside the core method (for cache keys and evictions). */
function argExpr(op: Operation, wire: string, s?: GoShape): { expr: string; guard?: string } {
  const p = op.params.find((x) => x.name.wire === wire)!;
  if (p.location === 'path' || s?.headerArgs.some((a) => a.param === p)) return { expr: unexported(p.name) };
  const container = p.location === 'body' ? 'body' : 'params';
  const field = s?.flatten.find((f) => f.param === p)?.field ?? exported(p.name);
  return { expr: `${container}.${field}`, guard: `${container} != nil` };
}

/** A Go literal of a fixed (const) value. */
const literal = (v: string | number | boolean): string => (typeof v === 'string' ? quote(v) : String(v));

function cacheStore(ctx: GoTypes, s: GoShape, fetch: string, imports: GoImports): string | false {
  const { op } = s;
  const rule = op.sdk.cache;
  if (rule?.kind !== 'store') return false;
  const at = `${opPointer(op)}/x-sdk-cache`;
  const respRef = op.response.type;
  const resp = respRef?.kind === 'ref' ? named(ctx, respRef.name) : undefined;
  if (resp?.kind !== 'object') throw new SpecModelError('a cached answer must be an object', at);
  const prop = (wire: string) => resp.properties.find((p) => p.name.wire === wire);
  const expires = prop(rule.expiresAt);
  if (expires?.type.kind !== 'primitive' || expires.type.format !== 'date-time' || !expires.required)
    throw new SpecModelError(`expires_at '${rule.expiresAt}' must be a required date-time of the answer`, at);
  const issued = rule.issuedAt === undefined ? undefined : prop(rule.issuedAt);
  if (issued && (issued.type.kind !== 'primitive' || issued.type.format !== 'date-time' || !issued.required))
    throw new SpecModelError(`issued_at '${rule.issuedAt}' must be a required date-time of the answer`, at);
  const keys = rule.key.map((wire) => argExpr(op, wire, s));
  const guards = [...new Set(keys.map((k) => k.guard).filter((g): g is string => g !== undefined))];
  // Every field an evict rule anywhere matches, when the cached answer has it as a string.
  const evictFields = [
    ...new Set(
      ctx.model.operations.flatMap((o) => (o.sdk.cache?.kind === 'evict' ? [o.sdk.cache.field] : [])),
    ),
  ].filter((f) => {
    const p = prop(f);
    return p?.required && !p.nullable && p.type.kind === 'primitive' && p.type.type === 'string';
  });
  const t = s.result.slice(1);
  return code`
    if rc, identity := s.c.cacheFor(opts); rc != nil${guards.map((g) => ` && ${g}`).join('')} {
        key := cacheKey(identity, ${keys.map((k) => k.expr).join(', ')})
        return cachedCall(ctx, op, rc, key, ${fetch}, func(v *${t}) (${imports.use('time')}.Time, time.Time, map[string]string) {
            return ${issued ? `v.${exported(issued.name)}` : 'time.Time{}'}, v.${exported(expires.name)}, map[string]string{${evictFields.map((f) => `${quote(f)}: v.${exported(prop(f)!.name)}`).join(', ')}}
        })
    }`;
}

/**
 * The statements that fill every `x-sdk-generate: uuid` field the caller left empty inside the
 * value `expr` of the object type `wire` (a fresh UUID v4 each). Values reached through a pointer
 * or a slice are copied first, so the caller's own structs are never changed.
 */
function generatedFills(
  ctx: GoTypes,
  wire: string,
  expr: string,
  pointer: string,
  depth = 0,
  seen: ReadonlySet<string> = new Set(),
): string[] {
  const t = named(ctx, wire);
  if (t.kind !== 'object' || seen.has(wire)) return [];
  const inner = new Set(seen).add(wire);
  const out: string[] = [];
  for (const p of t.properties) {
    // Only the field's Go type is needed here: a scratch import set keeps this walk from adding
    // imports (time) the method never uses.
    const f = goField(ctx, t, p, new GoImports());
    const at = `${expr}.${f.name}`;
    if (p.generate) {
      if (f.type !== 'string')
        throw new SpecModelError(
          'x-sdk-generate needs a plain (optional, not nullable) string in Go',
          pointer,
        );
      out.push(code`
        if ${at} == "" {
            ${at} = newUUID()
        }`);
      continue;
    }
    const ref = p.type.kind === 'array' ? p.type.items : p.type;
    if (ref.kind !== 'ref') continue;
    const v = `v${depth}`;
    const nested = generatedFills(
      ctx,
      ref.name,
      p.type.kind === 'array' ? `${v}[i${depth}]` : v,
      pointer,
      depth + 1,
      inner,
    );
    if (nested.length === 0) continue;
    if (p.type.kind === 'array') {
      out.push(code`
        if len(${at}) > 0 {
            ${v} := append(${f.type}(nil), ${at}...)
            for i${depth} := range ${v} {
                ${nested}
            }
            ${at} = ${v}
        }`);
    } else if (f.type.startsWith('*')) {
      out.push(code`
        if ${at} != nil {
            ${v} := *${at}
            ${nested}
            ${at} = &${v}
        }`);
    } else {
      out.push(...generatedFills(ctx, ref.name, at, pointer, depth, inner));
    }
  }
  return out;
}

function coreMethod(ctx: GoTypes, s: GoShape, imports: GoImports): string {
  const { op } = s;
  const url = () => imports.use('net/url');
  const args = [
    `ctx ${imports.use('context')}.Context`,
    ...s.pathArgs.map((a) => `${a.go} string`),
    ...s.headerArgs.map((a) => `${a.go} string`),
    s.bodyType && `body *${s.bodyType}`,
    s.queryType && `params *${s.queryType}`,
    'opts []Option',
  ].filter(Boolean);
  // The path: literal segments and escaped parameters.
  const parts: string[] = [];
  let rest = op.path;
  for (let m = /\{([^}]+)\}/.exec(rest); m; m = /\{([^}]+)\}/.exec(rest)) {
    if (m.index > 0) parts.push(quote(rest.slice(0, m.index)));
    const a = s.pathArgs.find((x) => x.param.name.wire === m![1]);
    if (!a) throw new SpecModelError(`path parameter ${m[1]} is not declared`, opPointer(op));
    parts.push(`${url()}.PathEscape(${a.go})`);
    rest = rest.slice(m.index + m[0].length);
  }
  if (rest) parts.push(quote(rest));
  const shape = s.answer ? shapeExpr(ctx, s.answer) : 'nil';
  const rpc = op.rpc?.method
    ? `rpc: &rpcCall{${[
        `method: ${quote(op.rpc.method)}`,
        op.rpc.id === 'counter' ? 'counter: true' : `id: ${op.rpc.id}`,
        op.rpc.onError === 'raise' && 'raise: true',
      ]
        .filter(Boolean)
        .join(', ')}}`
    : false;
  const opFields = [
    `id: ${quote(op.id)}`,
    `method: ${quote(op.method)}`,
    `path: ${parts.join(' + ')}`,
    !op.auth && 'noAuth: true',
    op.auth && op.keyOptional && 'keyOptional: true',
    op.service && `service: ${quote(op.service)}`,
    op.unwrap && `unwrap: ${quote(op.unwrap)}`,
    rpc,
    s.answer && `shape: ${shape === 'nil' ? '&shape{}' : shape}`,
  ].filter(Boolean);
  const zero = s.result ? 'nil, ' : '';
  const evict = op.sdk.cache?.kind === 'evict' ? op.sdk.cache : undefined;
  const evictArg = evict && argExpr(op, evict.param, s);

  // Fixed body fields, and the JSON-RPC id of a proxy envelope the caller fills otherwise.
  const bodyT = op.body ? named(ctx, op.body.type) : undefined;
  const bodyField = (wire: string) =>
    bodyT?.kind === 'object' ? bodyT.properties.find((p) => p.name.wire === wire) : undefined;
  const fills = op.fixed.map((f) => {
    const prop = bodyField(f.wire);
    if (!prop) throw new SpecModelError(`fixed field ${f.wire} is not in the body`, opPointer(op));
    return `body.${exported(prop.name)} = ${literal(f.value)}`;
  });
  if (op.rpc && !op.rpc.method) {
    const id = bodyField('id');
    if (!id) throw new SpecModelError('a JSON-RPC proxy body needs an id member', opPointer(op));
    fills.push(`body.${exported(id.name)} = ${op.rpc.id === 'counter' ? 's.c.cfg.rpcID()' : op.rpc.id}`);
  }
  // x-sdk-generate: a field the caller left empty gets a fresh UUID (A2A messageId).
  if (op.body && s.bodyType) fills.push(...generatedFills(ctx, op.body.type, 'body', opPointer(op)));

  // Issue 12: an operation whose body takes the agent's `public_key` (agents.create) generates an
  // Ed25519 key pair when the caller gives none, sends only its public half, and keeps the pair in
  // the client's key store under the id of the answer (identity_credentials.go).
  const publicKey = s.bodyType && s.result?.startsWith('*') ? bodyField('public_key') : undefined;
  const answerT = publicKey && s.answer?.kind === 'ref' ? named(ctx, s.answer.name) : undefined;
  const answerID =
    answerT?.kind === 'object' ? answerT.properties.find((p) => p.name.wire === 'id') : undefined;
  if (publicKey && !answerID)
    throw new SpecModelError('an operation that takes public_key must answer with an id', opPointer(op));
  const keyGen =
    publicKey &&
    code`
      var agentKey *AgentKeyPair
      if body != nil {
          var err error
          if agentKey, err = s.c.agentKeyFor(&body.${exported(publicKey.name)}); err != nil {
              return nil, err
          }
      }`;
  const keyKeep =
    publicKey &&
    code`
      if err := s.c.keepAgentKey(ctx, out.${exported(answerID!.name)}, agentKey, opts); err != nil {
          return out, err
      }`;

  let call: string;
  if (!s.result) {
    call = evict
      ? code`
        err := s.c.call(ctx, op, nil, opts)
        if err == nil${evictArg!.guard ? ` && ${evictArg!.guard}` : ''} {
            s.c.cfg.cache.evict(${quote(evict.field)}, ${evictArg!.expr})
        }
        return err`
      : 'return s.c.call(ctx, op, nil, opts)';
  } else {
    const pointer = s.result.startsWith('*');
    const evictCall = evict && `s.c.cfg.cache.evict(${quote(evict.field)}, ${evictArg!.expr})`;
    const fetchBody = code`
      ${pointer ? `out := new(${s.result.slice(1)})` : `var out ${s.result}`}
      if err := s.c.call(ctx, op, ${pointer ? 'out' : '&out'}, opts); err != nil {
          return nil, err
      }
      ${[evictCall && (evictArg!.guard ? `if ${evictArg!.guard} {\n${evictCall}\n}` : evictCall), keyKeep, 'return out, nil']}`;
    const store = op.sdk.cache?.kind === 'store' && pointer;
    call = store
      ? code`
        fetch := func(ctx ${imports.use('context')}.Context) (${s.result}, error) {
            ${fetchBody}
        }
        ${[cacheStore(ctx, s, 'fetch', imports), 'return fetch(ctx)']}`
      : fetchBody;
  }
  const extraHeaders = s.extraParams.filter((p) => p.location === 'header');
  const hasHeaders = s.headerArgs.length > 0 || extraHeaders.length > 0;
  const statements = [
    ...[...s.pathArgs, ...s.headerArgs.filter((a) => a.param.required)].map(
      (a) => code`
      if err := pathParam(${quote(op.id)}, ${quote(a.param.name.wire)}, ${a.go}); err != nil {
          return ${zero}err
      }`,
    ),
    keyGen,
    `op := &operation{${opFields.join(', ')}}`,
    s.bodyType && fills.length > 0
      ? code`
      if body == nil {
          body = new(${s.bodyType})
      }
      ${fills}
      op.body = body`
      : s.bodyType &&
        code`
      if body != nil {
          op.body = body
      }`,
    hasHeaders && `op.header = ${imports.use('net/http')}.Header{}`,
    ...s.headerArgs.map((a) =>
      a.param.required
        ? `op.header.Set(${quote(a.param.name.wire)}, ${a.go})`
        : code`
        if ${a.go} != "" {
            op.header.Set(${quote(a.param.name.wire)}, ${a.go})
        }`,
    ),
    s.queryType &&
      code`
      if params != nil {
          ${[
            op.queryParams.length > 0 &&
              code`
              q := ${url()}.Values{}
              ${op.queryParams.map((p) => queryEncode(p, imports))}
              op.query = q`,
            ...extraHeaders.map(
              (h) => code`
              if params.${exported(h.name)} != "" {
                  op.header.Set(${quote(h.name.wire)}, params.${exported(h.name)})
              }`,
            ),
          ]}
      }`,
    call,
  ];
  return code`
    func (s *${s.svc}) ${s.core}(${args.join(', ')}) ${returns(s.result)} {
        ${statements}
    }`;
}

function publicMethods(s: GoShape, imports: GoImports): string[] {
  const { op } = s;
  const name = exported(op.name);
  // A root method lives on the client and calls the core through its (hidden) service.
  const recv = op.root ? 'c *Client' : `s *${s.svc}`;
  const self = op.root ? `(&${s.svc}{c: c})` : 's';
  const ctxArg = `ctx ${imports.use('context')}.Context`;
  const pathDecl = s.pathArgs.map((a) => `${a.go} string`);
  const pathUse = s.pathArgs.map((a) => a.go);
  const headerDecl = s.headerArgs.map((a) => `${a.go} string`);
  const headerUse = s.headerArgs.map((a) => a.go);
  const out: string[] = [];

  // The full method: every argument, the typed answer.
  const fullName = s.needsWith ? `${name}With` : name;
  const fullIsShort = !s.needsWith && !s.void;
  if (fullIsShort || s.needsWith) {
    const fullArgs = [
      ctxArg,
      ...pathDecl,
      ...headerDecl,
      s.bodyType && `body ${s.bodyType}`,
      s.queryType && `params ${s.queryType}`,
    ];
    const coreArgs = [
      'ctx',
      ...pathUse,
      ...headerUse,
      s.bodyType && '&body',
      s.queryType && '&params',
      'opts',
    ];
    out.push(code`
      ${methodDoc(
        fullName,
        op,
        s.needsWith
          ? `${fullName} is ${name} with every ${s.bodyType ? 'body field' : 'parameter'}.`
          : undefined,
      )}
      func (${recv}) ${fullName}(${[...fullArgs, 'opts ...Option'].filter(Boolean).join(', ')}) ${returns(s.result)} {
          return ${self}.${s.core}(${coreArgs.filter(Boolean).join(', ')})
      }`);
  }
  if (fullIsShort) return out;

  // The short method: without the optional argument, with body fields one by one, or void.
  // Its arguments after the path follow sdk.args.go (headers and body fields, in that order).
  const shortArgs = [ctxArg, ...pathDecl];
  const shortCore = ['ctx', ...pathUse, ...headerUse];
  let pre: string | false = false;
  if (s.bodyType && s.flatten.length > 0) {
    shortArgs.push(...s.positional.map((a) => `${a.go} ${a.type}`));
    pre = `body := ${s.bodyType}{${s.flatten.map((f) => `${f.field}: ${f.go}`).join(', ')}}`;
    shortCore.push('&body');
  } else {
    shortArgs.push(...headerDecl);
    if (s.bodyType) {
      if (op.body!.required) {
        shortArgs.push(`body ${s.bodyType}`);
        shortCore.push('&body');
      } else shortCore.push('nil');
    }
  }
  if (s.queryType) shortCore.push('nil');
  shortCore.push('opts');
  const extra = [
    s.needsWith &&
      `To send ${s.bodyType && s.flatten.length === 0 ? 'a body' : s.bodyType ? 'every body field' : 'the optional parameters'}, use ${fullName}.`,
    s.void && 'The answer is checked but not returned; pass WithResponseBodyInto to get it.',
  ].filter(Boolean);
  const callCore = `${self}.${s.core}(${shortCore.join(', ')})`;
  out.push(code`
    ${methodDoc(name, op, extra.length > 0 ? extra.join(' ') : undefined)}
    func (${recv}) ${name}(${[...shortArgs, 'opts ...Option'].join(', ')}) ${returns(s.void ? '' : s.result)} {
        ${[pre, s.void ? `_, err := ${callCore}\nreturn err` : `return ${callCore}`]}
    }`);
  // x-sdk-shorthands: a ...Text method taking the argument as a string, built by the template.
  const short = s.flatten.find((f) => f.param.shorthand?.accepts === 'string');
  if (short && s.bodyType) {
    const textName = `${name}Text`;
    const zero = s.void || !s.result ? '' : 'nil, ';
    const args = s.positional.map((a) => (a.param === short.param ? `${a.go} string` : `${a.go} ${a.type}`));
    const use = s.positional.map((a) => (a.param === short.param ? 'built' : a.go));
    out.push(code`
      // ${textName} is ${name} with ${short.go} given as a string, built into ${short.type} as
      // ${JSON.stringify(short.param.shorthand!.builds)} with "{value}" replaced by it.
      func (${recv}) ${textName}(${[ctxArg, ...pathDecl, ...args, 'opts ...Option'].join(', ')}) ${returns(s.void ? '' : s.result)} {
          var built ${short.type}
          if err := shorthand(${quote(JSON.stringify(short.param.shorthand!.builds))}, ${short.go}, &built); err != nil {
              return ${zero}err
          }
          return ${self}.${name}(${['ctx', ...pathUse, ...use, 'opts...'].join(', ')})
      }`);
  }
  return out;
}

function paramsDecl(ctx: GoTypes, s: GoShape, imports: GoImports): string {
  const name = paramsType(s.op);
  const what =
    s.op.queryParams.length === 0
      ? 'header'
      : s.extraParams.length > s.op.queryParams.length
        ? 'query and header'
        : 'query';
  return code`
    // ${name} are the ${what} parameters of ${s.op.id} (see the ...With method).
    type ${name} struct {
        ${s.extraParams.map((p) => {
          let t = goType(ctx, p.type, imports);
          if (!p.required && t === 'bool') t = '*bool';
          let text = `${exported(p.name)}: ${p.description ?? p.name.wire}`;
          if (!/[.!?]$/.test(text)) text += '.';
          if (p.location === 'header') text += ` Sent as the ${p.name.wire} header.`;
          if (!p.required) text += ' Optional.';
          if (p.default !== undefined) text += ` The gateway's default is ${JSON.stringify(p.default)}.`;
          return [
            doc(text, '\t'),
            `${exported(p.name)} ${t} \`json:"${p.name.wire}${p.required ? '' : ',omitzero'}"\``,
          ];
        })}
    }`;
}

/** The cache opt-out option, for the operations with a `store` rule (one option per name). */
function cacheOptions(model: ApiModel, r: Resource): string[] {
  const rules = r.operations
    .map((id) => model.operations.find((o) => o.id === id)!)
    .filter((op) => op.sdk.cache?.kind === 'store');
  return rules.map((op) => {
    const rule = op.sdk.cache as Extract<NonNullable<Operation['sdk']['cache']>, { kind: 'store' }>;
    const option = `With${exported(rule.optOut)}`;
    return code`
      // ${option} turns the client-side cache of ${serviceType(r)}.${exported(op.name)} on (the default) or off,
      // for a client (NewClient, FromEnv, Client.With) or for one call. Cached answers are reused
      // until shortly before they expire and dropped when a call revokes them.
      func ${option}(enabled bool) Option {
          return func(c *config) { c.cacheOff = !enabled }
      }`;
  });
}

export function resourceFile(ctx: GoTypes, r: Resource, imports: GoImports): string {
  const exportedSvc = hasService(ctx.model, r);
  const svc = exportedSvc ? serviceType(r) : hiddenService(r);
  const ops = r.operations.map((id) => ctx.model.operations.find((o) => o.id === id)!);
  return code`
    ${
      exportedSvc
        ? doc(
            `${svc} groups the ${r.name.wire} operations${r.description ? `: ${lowerFirst(r.description)}` : '.'} Use it as Client.${exported(r.name)}.`,
          )
        : `// ${svc} holds the calls of the ${r.name.wire} methods, which live on the Client.`
    }
    type ${svc} struct {
        c *Client
    }
    ${cacheOptions(ctx.model, r).map((o) => `\n${o}`)}
    ${ops.map((op) => {
      const s = goShape(ctx, op, imports);
      return [
        s.queryType && `\n${paramsDecl(ctx, s, imports)}`,
        ...publicMethods(s, imports).map((m) => `\n${m}`),
        `\n${coreMethod(ctx, s, imports)}`,
      ];
    })}
  `;
}

export function clientFile(model: ApiModel): string {
  return code`
    ${doc(
      `Client is the ${model.title} client. Create one with NewClient or FromEnv and share it: it is safe for concurrent use and reuses connections. Its fields group the operations by resource, as the spec's tags do.`,
    )}
    type Client struct {
        ${model.resources
          .filter((r) => hasService(model, r))
          .map((r) => [
            doc(`${exported(r.name)}: ${r.description ?? r.name.wire}`, '\t'),
            `${exported(r.name)} *${serviceType(r)}`,
          ])}

        cfg config
    }

    func (c *Client) initServices() {
        ${model.resources.filter((r) => hasService(model, r)).map((r) => `c.${exported(r.name)} = &${serviceType(r)}{c: c}`)}
    }
  `;
}
