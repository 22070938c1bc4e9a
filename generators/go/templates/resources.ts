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
} from '../../src/model/index.ts';
import { doc, exported, lowerFirst, pascalWords, quote, unexported } from '../naming.ts';
import type { GoImports } from './file.ts';
import { type GoTypes, goType, goTypeName, named, shapeExpr } from './types.ts';

export const serviceType = (r: Resource): string => `${exported(r.name)}Service`;

export const paramsType = (op: Operation): string => `${pascalWords(splitWords(op.id))}Params`;

const opPointer = (op: Operation): string =>
  `#/paths/${op.path.replace(/~/g, '~0').replace(/\//g, '~1')}/${op.method.toLowerCase()}`;

/** The Go result type of an operation: `*Agent`, `[]Agent`, or '' for none. */
export function resultType(ctx: GoTypes, op: Operation, imports: GoImports): string {
  const t = op.response.type;
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
    `// It calls ${op.method} ${op.path} (${op.id}).`,
    op.deprecated && `//\n// Deprecated: the spec marks ${op.id} deprecated.`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** How Go calls one operation, from the model. */
export interface GoShape {
  op: Operation;
  core: string;
  pathArgs: { param: Param; go: string }[];
  /** Body fields taken positionally by the short method (`sdk.args.go` beyond the path). */
  flatten: { param: Param; go: string; type: string; field: string }[];
  bodyType?: string;
  queryType?: string;
  result: string;
  /** The short method returns only an error. */
  void: boolean;
  /** A `...With` method exists, taking the whole body and/or query struct. */
  needsWith: boolean;
}

export function goShape(ctx: GoTypes, op: Operation, imports: GoImports): GoShape {
  const at = `${opPointer(op)}/x-sdk-args`;
  const positional = op.sdk.args.go;
  const pathArgs = op.pathParams.map((p) => ({ param: p, go: unexported(p.name) }));
  const flatten = positional
    .filter((wire) => !op.pathParams.some((p) => p.name.wire === wire))
    .map((wire) => {
      const param = op.params.find((p) => p.name.wire === wire)!;
      if (param.location !== 'body')
        throw new SpecModelError(
          `Go takes only path parameters and body fields positionally, not ${wire}`,
          at,
        );
      return {
        param,
        go: unexported(param.name),
        type: goType(ctx, param.type, imports),
        field: exported(param.name),
      };
    });
  if (positional.slice(0, pathArgs.length).join() !== pathArgs.map((a) => a.param.name.wire).join())
    throw new SpecModelError('Go takes the path parameters first, in path order', at);
  const bodyType = op.body ? goTypeName(named(ctx, op.body.type)) : undefined;
  const queryType = op.queryParams.length > 0 ? paramsType(op) : undefined;
  const result = resultType(ctx, op, imports);
  const needsWith =
    (bodyType !== undefined && (!op.body!.required || flatten.length > 0)) ||
    (queryType !== undefined && !op.queryParams.some((p) => p.required));
  return {
    op,
    core: op.id,
    pathArgs,
    flatten,
    bodyType,
    queryType,
    result,
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
function argExpr(op: Operation, wire: string): { expr: string; guard?: string } {
  const p = op.params.find((x) => x.name.wire === wire)!;
  if (p.location === 'path') return { expr: unexported(p.name) };
  const container = p.location === 'body' ? 'body' : 'params';
  return { expr: `${container}.${exported(p.name)}`, guard: `${container} != nil` };
}

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
  const keys = rule.key.map((wire) => argExpr(op, wire));
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

function coreMethod(ctx: GoTypes, r: Resource, s: GoShape, imports: GoImports): string {
  const { op } = s;
  const url = () => imports.use('net/url');
  const args = [
    `ctx ${imports.use('context')}.Context`,
    ...s.pathArgs.map((a) => `${a.go} string`),
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
  const respType = op.response.type;
  const shape = respType ? shapeExpr(ctx, respType) : 'nil';
  const opFields = [
    `id: ${quote(op.id)}`,
    `method: ${quote(op.method)}`,
    `path: ${parts.join(' + ')}`,
    !op.auth && 'noAuth: true',
    respType && `shape: ${shape === 'nil' ? '&shape{}' : shape}`,
  ].filter(Boolean);
  const zero = s.result ? 'nil, ' : '';
  const evict = op.sdk.cache?.kind === 'evict' ? op.sdk.cache : undefined;
  const evictArg = evict && argExpr(op, evict.param);

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
      ${[evictCall && (evictArg!.guard ? `if ${evictArg!.guard} {\n${evictCall}\n}` : evictCall), 'return out, nil']}`;
    const store = op.sdk.cache?.kind === 'store' && pointer;
    call = store
      ? code`
        fetch := func(ctx ${imports.use('context')}.Context) (${s.result}, error) {
            ${fetchBody}
        }
        ${[cacheStore(ctx, s, 'fetch', imports), 'return fetch(ctx)']}`
      : fetchBody;
  }
  const statements = [
    ...s.pathArgs.map(
      (a) => code`
      if err := pathParam(${quote(op.id)}, ${quote(a.param.name.wire)}, ${a.go}); err != nil {
          return ${zero}err
      }`,
    ),
    `op := &operation{${opFields.join(', ')}}`,
    s.bodyType &&
      code`
      if body != nil {
          op.body = body
      }`,
    s.queryType &&
      code`
      if params != nil {
          q := ${url()}.Values{}
          ${op.queryParams.map((p) => queryEncode(p, imports))}
          op.query = q
      }`,
    call,
  ];
  return code`
    func (s *${serviceType(r)}) ${s.core}(${args.join(', ')}) ${returns(s.result)} {
        ${statements}
    }`;
}

function publicMethods(r: Resource, s: GoShape, imports: GoImports): string[] {
  const { op } = s;
  const name = exported(op.name);
  const recv = `s *${serviceType(r)}`;
  const ctxArg = `ctx ${imports.use('context')}.Context`;
  const pathDecl = s.pathArgs.map((a) => `${a.go} string`);
  const pathUse = s.pathArgs.map((a) => a.go);
  const out: string[] = [];

  // The full method: every argument, the typed answer.
  const fullName = s.needsWith ? `${name}With` : name;
  const fullIsShort = !s.needsWith && !s.void;
  if (fullIsShort || s.needsWith) {
    const fullArgs = [
      ctxArg,
      ...pathDecl,
      s.bodyType && `body ${s.bodyType}`,
      s.queryType && `params ${s.queryType}`,
    ];
    const coreArgs = ['ctx', ...pathUse, s.bodyType && '&body', s.queryType && '&params', 'opts'];
    out.push(code`
      ${methodDoc(
        fullName,
        op,
        s.needsWith
          ? `${fullName} is ${name} with every ${s.bodyType ? 'body field' : 'query parameter'}.`
          : undefined,
      )}
      func (${recv}) ${fullName}(${[...fullArgs, 'opts ...Option'].filter(Boolean).join(', ')}) ${returns(s.result)} {
          return s.${s.core}(${coreArgs.filter(Boolean).join(', ')})
      }`);
  }
  if (fullIsShort) return out;

  // The short method: without the optional argument, with body fields one by one, or void.
  const shortArgs = [ctxArg, ...pathDecl];
  const shortCore = ['ctx', ...pathUse];
  let pre: string | false = false;
  if (s.bodyType) {
    if (s.flatten.length > 0) {
      shortArgs.push(...s.flatten.map((f) => `${f.go} ${f.type}`));
      pre = `body := ${s.bodyType}{${s.flatten.map((f) => `${f.field}: ${f.go}`).join(', ')}}`;
      shortCore.push('&body');
    } else if (op.body!.required) {
      shortArgs.push(`body ${s.bodyType}`);
      shortCore.push('&body');
    } else shortCore.push('nil');
  }
  if (s.queryType) shortCore.push('nil');
  shortCore.push('opts');
  const extra = [
    s.needsWith &&
      `To send ${s.bodyType && s.flatten.length === 0 ? 'a body' : s.bodyType ? 'every body field' : 'query parameters'}, use ${fullName}.`,
    s.void && 'The answer is checked but not returned; pass WithResponseBodyInto to get it.',
  ].filter(Boolean);
  const callCore = `s.${s.core}(${shortCore.join(', ')})`;
  out.push(code`
    ${methodDoc(name, op, extra.length > 0 ? extra.join(' ') : undefined)}
    func (${recv}) ${name}(${[...shortArgs, 'opts ...Option'].join(', ')}) ${returns(s.void ? '' : s.result)} {
        ${[pre, s.void ? `_, err := ${callCore}\nreturn err` : `return ${callCore}`]}
    }`);
  return out;
}

function paramsDecl(ctx: GoTypes, op: Operation, imports: GoImports): string {
  const name = paramsType(op);
  return code`
    // ${name} are the query parameters of ${op.id} (see the ...With method).
    type ${name} struct {
        ${op.queryParams.map((p) => {
          let t = goType(ctx, p.type, imports);
          if (!p.required && t === 'bool') t = '*bool';
          let text = `${exported(p.name)}: ${p.description ?? p.name.wire}`;
          if (!/[.!?]$/.test(text)) text += '.';
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
  const svc = serviceType(r);
  const ops = r.operations.map((id) => ctx.model.operations.find((o) => o.id === id)!);
  return code`
    ${doc(
      `${svc} groups the ${r.name.wire} operations${r.description ? `: ${lowerFirst(r.description)}` : '.'} Use it as Client.${exported(r.name)}.`,
    )}
    type ${svc} struct {
        c *Client
    }
    ${cacheOptions(ctx.model, r).map((o) => `\n${o}`)}
    ${ops.map((op) => {
      const s = goShape(ctx, op, imports);
      return [
        s.queryType && `\n${paramsDecl(ctx, op, imports)}`,
        ...publicMethods(r, s, imports).map((m) => `\n${m}`),
        `\n${coreMethod(ctx, r, s, imports)}`,
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
        ${model.resources.map((r) => [doc(`${exported(r.name)}: ${r.description ?? r.name.wire}`, '\t'), `${exported(r.name)} *${serviceType(r)}`])}

        cfg config
    }

    func (c *Client) initServices() {
        ${model.resources.map((r) => `c.${exported(r.name)} = &${serviceType(r)}{c: c}`)}
    }
  `;
}
