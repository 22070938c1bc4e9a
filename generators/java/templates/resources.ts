/**
 * One `<Tag>API` class per resource (spec tag) with one method per operation, its async twin on
 * `CompletableFuture`, and the `AgentTrustClient` that holds them. Every method delegates to a
 * private core that builds the `Operation` (path segments checked and escaped, query, headers,
 * body, JSON-RPC envelope) and applies the token cache rules; all read from the model:
 *
 * - `Operation.sdk.args.java`: the positional arguments (path parameters, then body fields or
 *   headers taken one by one); a body otherwise comes whole (`create(CreateAgentRequest)`);
 * - an optional body or optional parameters add an overload without them;
 * - query and non-positional header parameters come in a `<OperationId>Params` object;
 * - `x-sdk-shorthands`: an overload taking the argument as a string;
 * - `x-sdk-cache`: `store` adds a `useCache` overload, `evict` drops cached answers on success.
 */
import { code } from '../../src/emit/template.ts';
import {
  type ObjectType,
  type Operation,
  type Param,
  type Property,
  type Resource,
  splitWords,
  type TypeRef,
} from '../../src/model/index.ts';
import { accessor, javadoc, memberName, quote, typeName } from '../naming.ts';
import { decodeExpr, type JavaCtx, javaType, named } from './types.ts';

export const apiClass = (r: Resource): string => `${typeName(r.name)}API`;

export const paramsClass = (op: Operation): string =>
  typeName({ wire: op.id, words: [...splitWords(op.id), 'params'], overrides: {} });

/** The query and header parameters not taken positionally. */
export function extraParams(op: Operation): Param[] {
  const positional = op.sdk.args.java;
  return [...op.queryParams, ...op.headerParams.filter((h) => !positional.includes(h.name.wire))];
}

/** The synthetic object type of an operation's `...Params` class. */
export function paramsType(op: Operation): ObjectType {
  return {
    kind: 'object',
    name: { wire: paramsClass(op), words: [...splitWords(op.id), 'params'], overrides: {} },
    description: `The query and header parameters of ${op.id}.`,
    usage: { request: true, response: false },
    additionalProperties: false,
    properties: extraParams(op).map(
      (p): Property => ({
        name: p.name,
        type: p.type,
        required: p.required,
        nullable: p.nullable,
        description: `${p.description ?? p.name.wire}${p.location === 'header' ? ` Sent as the ${p.name.wire} header.` : ''}`,
        secret: p.secret,
        readOnly: false,
        writeOnly: false,
        deprecated: false,
        constraints: p.constraints,
      }),
    ),
  };
}

const CREDENTIALS = 'id.agenttrust.sdk.identity.AgentCredentials';
const KEY_PAIR = 'id.agenttrust.sdk.identity.AgentKeyPair';

/**
 * Issue 12: an operation whose body takes an agent's `public_key` and whose answer has an `id`
 * (agents.create) generates an Ed25519 pair when the caller gives no key, sends the public PEM and
 * keeps the pair in the client's key store under the answer's id.
 */
function keyGeneration(ctx: JavaCtx, s: JavaShape): { field: Property; id: Property } | undefined {
  const field = s.bodyObj?.properties.find((p) => p.name.wire === 'public_key');
  if (!field || !s.answer || s.answer.kind !== 'ref' || s.op.rpc || s.op.sdk.cache) return undefined;
  const answer = named(ctx, s.answer.name);
  const id =
    answer.kind === 'object'
      ? answer.properties.find((p) => p.name.wire === 'id' && p.required && !p.nullable)
      : undefined;
  return id ? { field, id } : undefined;
}

/** The answer the method returns: the 2xx body, or its `x-sdk-unwrap` member. */
export function answerType(ctx: JavaCtx, op: Operation): TypeRef | undefined {
  const t = op.response.type;
  if (!t || !op.unwrap || t.kind !== 'ref') return t;
  const obj = named(ctx, t.name);
  const member = obj.kind === 'object' ? obj.properties.find((p) => p.name.wire === op.unwrap) : undefined;
  if (!member) throw new Error(`${op.id}: x-sdk-unwrap '${op.unwrap}' is not a member of the answer`);
  return member.type;
}

/** The getter expression of a property on value `v`, null when absent. */
export function getterExpr(p: Property, v: string): string {
  const f = memberName(p.name);
  if (p.type.kind === 'primitive' && p.type.type === 'boolean') return `${v}.${accessor('is', f)}()`;
  if (p.required && !p.nullable) return `${v}.${accessor('get', f)}()`;
  return `${v}.${accessor('get', f)}().orElse(null)`;
}

interface Arg {
  param: Param;
  java: string;
  type: string;
}

export interface JavaShape {
  op: Operation;
  name: string;
  path: Arg[];
  /** Positional arguments after the path: header params and body fields. */
  positional: Arg[];
  flatten: Arg[];
  bodyType?: string;
  bodyObj?: ObjectType;
  params?: string;
  paramsOptional: boolean;
  answer?: TypeRef;
  result: string;
}

export function javaShape(ctx: JavaCtx, op: Operation): JavaShape {
  const arg = (p: Param): Arg => ({ param: p, java: memberName(p.name), type: javaType(ctx, p.type) });
  const path = op.pathParams.map(arg);
  const positional = op.sdk.args.java
    .filter((w) => !op.pathParams.some((p) => p.name.wire === w))
    .map((w) => arg(op.params.find((p) => p.name.wire === w)!));
  const bodyObj = op.body ? named(ctx, op.body.type) : undefined;
  const extra = extraParams(op);
  const answer = answerType(ctx, op);
  return {
    op,
    name: memberName(op.name),
    path,
    positional,
    flatten: positional.filter((a) => a.param.location === 'body'),
    bodyType: bodyObj && typeName(bodyObj.name),
    bodyObj: bodyObj?.kind === 'object' ? bodyObj : undefined,
    params: extra.length ? paramsClass(op) : undefined,
    paramsOptional: extra.every((p) => !p.required),
    answer,
    result: answer ? javaType(ctx, answer) : 'Void',
  };
}

/** The body property a flattened argument fills (an rpc method's x-sdk-name renames only the argument). */
function bodyProp(s: JavaShape, p: Param): Property {
  return s.bodyObj!.properties.find((x) => x.name.wire === p.name.wire)!;
}

function coreMethod(ctx: JavaCtx, s: JavaShape): string {
  const { op } = s;
  const args = [
    ...s.path.map((a) => `String ${a.java}`),
    ...s.positional.filter((a) => a.param.location === 'header').map((a) => `String ${a.java}`),
    s.bodyType && `${s.bodyType} body`,
    s.params && `${s.params} params`,
    op.sdk.cache?.kind === 'store' && 'boolean useCache',
    op.agentCredentials && `${CREDENTIALS} credentials`,
  ].filter(Boolean);
  const keys = keyGeneration(ctx, s);
  let path = quote(op.path);
  for (const a of s.path)
    path = path.replace(
      `{${a.param.name.wire}}`,
      `" + Operation.segment(${quote(op.id)}, ${quote(a.param.name.wire)}, ${a.java}) + "`,
    );
  path = path.replace(/ \+ ""$/, '').replace(/^"" \+ /, '');
  const opChain = [
    `Operation.of(${quote(op.id)}, ${quote(op.method)}, ${path})`,
    !op.auth && '.noAuth()',
    op.auth && op.keyOptional && '.keyOptional()',
    op.service && `.service(${quote(op.service)})`,
    op.unwrap && `.unwrap(${quote(op.unwrap)})`,
    op.rpc &&
      `.rpc(${op.rpc.method ? quote(op.rpc.method) : 'null'}, ${String(op.rpc.id === 'counter')}, ${op.rpc.id === 'counter' ? 0 : op.rpc.id}L, ${String(op.rpc.onError === 'raise')})`,
  ].filter(Boolean);
  const headerArgs = s.positional.filter((a) => a.param.location === 'header');
  const extra = extraParams(op);
  const pt = s.params ? paramsType(op) : undefined;
  const statements: string[] = [];
  statements.push(`Operation op = ${opChain.join('')};`);
  if (op.agentCredentials) statements.push('op.credentials(credentials);');
  for (const a of headerArgs) {
    if (a.param.required)
      statements.push(`Operation.segment(${quote(op.id)}, ${quote(a.param.name.wire)}, ${a.java});`);
    statements.push(`op.header(${quote(a.param.name.wire)}, ${a.java});`);
  }
  if (s.params) {
    const lines = extra.map((p) => {
      const prop = pt!.properties.find((x) => x.name.wire === p.name.wire)!;
      const get = getterExpr(prop, 'params');
      return p.location === 'header'
        ? `op.header(${quote(p.name.wire)}, ${get});`
        : `op.query(${quote(p.name.wire)}, ${get});`;
    });
    const required = extra.filter((p) => p.required && p.location === 'header');
    statements.push(code`
      if (params != null) {
          ${required.map((p) => `Operation.segment(${quote(op.id)}, ${quote(p.name.wire)}, ${getterExpr(pt!.properties.find((x) => x.name.wire === p.name.wire)!, 'params')});`)}
          ${lines}
      }`);
  }
  if (s.bodyType) {
    const fill =
      op.rpc && !op.rpc.method
        ? `\n((ObjectNode) json).put("id", ${op.rpc.id === 'counter' ? 't.rpcId()' : `${op.rpc.id}L`});`
        : '';
    if (op.body!.required)
      statements.push(code`
        if (body == null) {
            throw Facts.validation("body", ${quote(`${op.id}: the request body is required`)});
        }
        ${[
          keys &&
            code`
              ${KEY_PAIR} generated = null;
              if (${getterExpr(keys.field, 'body')} == null) {
                  generated = ${KEY_PAIR}.generate();
                  body = body.toBuilder().${memberName(keys.field.name)}(generated.publicKeyPem()).build();
              }`,
          `JsonNode json = body.toJson();${fill}`,
        ].filter(Boolean)}
        op.body(json);`);
    else
      statements.push(code`
        if (body != null) {
            op.body(body.toJson());
        }`);
  }
  const dec = s.answer ? `(n, p) -> ${decodeExpr(ctx, s.answer, 'n', 'p', 1)}` : 'null';
  const cache = op.sdk.cache;
  const argExpr = (wire: string): string => {
    const pa =
      s.path.find((a) => a.param.name.wire === wire) ?? headerArgs.find((a) => a.param.name.wire === wire);
    if (pa) return pa.java;
    const bp = s.bodyObj?.properties.find((p) => p.name.wire === wire);
    if (bp) return `(body == null ? null : ${getterExpr(bp, 'body')})`;
    const pp = pt?.properties.find((p) => p.name.wire === wire);
    if (pp) return `(params == null ? null : ${getterExpr(pp, 'params')})`;
    throw new Error(`${op.id}: cache argument ${wire} not found`);
  };
  if (cache?.kind === 'store' && s.answer?.kind === 'ref') {
    const resp = named(ctx, s.answer.name) as ObjectType;
    const prop = (w: string) => resp.properties.find((p) => p.name.wire === w)!;
    const evictFields = [
      ...new Set(
        ctx.model.operations.flatMap((o) => (o.sdk.cache?.kind === 'evict' ? [o.sdk.cache.field] : [])),
      ),
    ].filter((f) => {
      const p = resp.properties.find((x) => x.name.wire === f);
      return p?.required && !p.nullable && p.type.kind === 'primitive' && p.type.type === 'string';
    });
    // A cache hit returns the response that filled the cache: no second request.
    statements.push(code`
      if (!useCache || !t.options().isTokenCache()) {
          return t.callRaw(op, ${dec});
      }
      String key = t.cacheKey(${cache.key.map(argExpr).join(', ')});
      return t.cache().get(key, () -> t.callRaw(op, ${dec}), r -> {
          ${s.result} v = r.data();
          return new ResponseCache.Meta(
              ${cache.issuedAt ? getterExpr(prop(cache.issuedAt), 'v') : 'null'}, ${getterExpr(prop(cache.expiresAt), 'v')},
              Map.of(${evictFields.map((f) => `${quote(f)}, ${getterExpr(prop(f), 'v')}`).join(', ')}));
      });`);
  } else if (cache?.kind === 'evict') {
    statements.push(code`
      RawResponse<${s.result}> out = t.callRaw(op, ${dec});
      String evicted = ${argExpr(cache.param)};
      if (evicted != null) {
          t.cache().evict(${quote(cache.field)}, evicted);
      }
      return out;`);
  } else if (keys) {
    statements.push(code`
      RawResponse<${s.result}> out = t.callRaw(op, ${dec});
      if (generated != null) {
          t.options().getKeyStore().put(${getterExpr(keys.id, 'out.data()')}, generated);
      }
      return out;`);
  } else {
    statements.push(`return t.callRaw(op, ${dec});`);
  }
  return code`
    private RawResponse<${s.result}> ${s.name}Call(${args.join(', ')}) {
        ${statements}
    }`;
}

function methodDoc(op: Operation, params: string[], returns: string, extra?: string, async = false): string {
  const text = [
    op.summary ? `${op.summary}.` : op.id,
    op.description,
    extra,
    `Calls ${op.method} ${op.path}${op.rpc?.method ? `, JSON-RPC method ${op.rpc.method}` : ''} (${op.id}).`,
  ]
    .filter(Boolean)
    .join(' ');
  return javadoc(text, [
    ...params,
    ...(returns ? [returns] : []),
    ...(async
      ? []
      : [
          '@throws id.agenttrust.sdk.exceptions.AgentTrustException when the call fails (a NetworkException when the gateway cannot be reached)',
        ]),
  ]);
}

function publicMethods(ctx: JavaCtx, s: JavaShape, raw = false): string[] {
  const { op } = s;
  const out: string[] = [];
  const ret = raw ? `RawResponse<${s.result}>` : s.result;
  const returns = raw
    ? '@return the answer with its HTTP status, headers and request id'
    : s.answer
      ? '@return the answer'
      : '';
  interface Sig {
    decl: { java: string; type: string; doc: string }[];
    core: string[];
    pre?: string;
    extra?: string;
  }
  const pathDecl = s.path.map((a) => ({
    java: a.java,
    type: 'String',
    doc: `${a.param.description ?? a.param.name.wire}`,
  }));
  const pathUse = s.path.map((a) => a.java);
  const headerArgs = s.positional.filter((a) => a.param.location === 'header');
  const headerUse = headerArgs.map((a) => a.java);
  const store = op.sdk.cache?.kind === 'store';
  const sigs: Sig[] = [];
  const paramsVariants: (string | null)[] = s.params
    ? s.paramsOptional
      ? [null, 'params']
      : ['params']
    : [null];
  const paramsDecl = (v: string | null) =>
    v ? [{ java: 'params', type: s.params!, doc: 'the query and header parameters' }] : [];
  for (const pv of paramsVariants) {
    const tail = [...(s.bodyType ? [] : []), pv ? 'params' : 'null'].filter(
      (x) => !(x === 'null' && !s.params),
    );
    if (s.flatten.length > 0) {
      const build = code`
        ${s.bodyType} body = ${s.bodyType}.builder()${s.flatten.map((f) => `.${memberName(bodyProp(s, f.param).name)}(${f.java})`).join('')}.build();`;
      sigs.push({
        decl: [
          ...pathDecl,
          ...s.positional.map((a) => ({
            java: a.java,
            type: a.type,
            doc: a.param.description ?? a.param.name.wire,
          })),
          ...paramsDecl(pv),
        ],
        core: [...pathUse, ...headerUse, 'body', ...tail],
        pre: build,
      });
      const sh = s.flatten.find((f) => f.param.shorthand?.accepts === 'string');
      if (sh) {
        const builds = JSON.stringify(sh.param.shorthand!.builds);
        sigs.push({
          decl: [
            ...pathDecl,
            ...s.positional.map((a) => ({
              java: a.java,
              type: a === sh ? 'String' : a.type,
              doc:
                a === sh
                  ? `${a.param.name.wire} as text, built into ${builds}`
                  : (a.param.description ?? a.param.name.wire),
            })),
            ...paramsDecl(pv),
          ],
          core: [...pathUse, ...headerUse, 'body', ...tail],
          pre: code`
            ${sh.type} built = ${decodeExpr(ctx, sh.param.type, `Json.parse(${quote(builds)}.replace("\\"{value}\\"", Json.write(Json.NODES.textNode(${sh.java}))))`, '"$"', 1)};
            ${s.bodyType} body = ${s.bodyType}.builder()${s.flatten.map((f) => `.${memberName(bodyProp(s, f.param).name)}(${f === sh ? 'built' : f.java})`).join('')}.build();`,
        });
      }
      sigs.push({
        decl: [
          ...pathDecl,
          ...headerArgs.map((a) => ({
            java: a.java,
            type: 'String',
            doc: a.param.description ?? a.param.name.wire,
          })),
          { java: 'body', type: s.bodyType!, doc: 'the whole request body' },
          ...paramsDecl(pv),
        ],
        core: [...pathUse, ...headerUse, 'body', ...tail],
      });
    } else {
      const head = [
        ...pathDecl,
        ...headerArgs.map((a) => ({
          java: a.java,
          type: 'String',
          doc: a.param.description ?? a.param.name.wire,
        })),
      ];
      if (s.bodyType) {
        sigs.push({
          decl: [...head, { java: 'body', type: s.bodyType, doc: 'the request body' }, ...paramsDecl(pv)],
          core: [...pathUse, ...headerUse, 'body', ...tail],
        });
        if (!op.body!.required)
          sigs.push({
            decl: [...head, ...paramsDecl(pv)],
            core: [...pathUse, ...headerUse, 'null', ...tail],
          });
      } else sigs.push({ decl: [...head, ...paramsDecl(pv)], core: [...pathUse, ...headerUse, ...tail] });
    }
  }
  const withCache: Sig[] = [];
  for (const sig of sigs) {
    if (!store) continue;
    const rule = op.sdk.cache as Extract<NonNullable<Operation['sdk']['cache']>, { kind: 'store' }>;
    const opt = memberName(rule.optOut);
    withCache.push({
      ...sig,
      decl: [
        ...sig.decl,
        { java: opt, type: 'boolean', doc: 'false to bypass the client-side cache (default true)' },
      ],
      core: [...sig.core, opt],
    });
    sig.core = [...sig.core, 'true'];
  }
  const withCredentials: Sig[] = [];
  for (const sig of op.agentCredentials ? [...sigs, ...withCache] : []) {
    withCredentials.push({
      ...sig,
      decl: [
        ...sig.decl,
        {
          java: 'credentials',
          type: CREDENTIALS,
          doc: "the agent's credentials: the call carries its WIMSE bearer and a DPoP proof, and a 401 is retried once with a new token",
        },
      ],
      core: [...sig.core, 'credentials'],
    });
    sig.core = [...sig.core, 'null'];
  }
  for (const sig of [...sigs, ...withCache, ...withCredentials]) {
    const decl = sig.decl.map((d) => `${d.type} ${d.java}`).join(', ');
    const docs = sig.decl.map((d) => `@param ${d.java} ${d.doc}`);
    const call = `${s.name}Call(${sig.core.join(', ')})`;
    const rawNote = raw
      ? 'Returns the raw response: the answer with its status, headers and request id.'
      : undefined;
    out.push(code`
      ${methodDoc(op, docs, returns, rawNote)}
      public ${ret === 'Void' ? 'void' : ret} ${s.name}(${decl}) {
          ${sig.pre ?? ''}
          ${raw ? `return ${call};` : ret === 'Void' ? `${call};` : `return ${call}.data();`}
      }`);
    out.push(code`
      ${methodDoc(op, docs, `@return the answer's future; it fails with the call's AgentTrustException`, [rawNote, `Async: runs on the SDK's daemon executor.`].filter(Boolean).join(' '), true)}
      public CompletableFuture<${ret}> ${s.name}Async(${decl}) {
          ${ret === 'Void' ? `return t.async(() -> {\n    ${s.name}(${sig.decl.map((d) => d.java).join(', ')});\n    return null;\n});` : `return t.async(() -> ${s.name}(${sig.decl.map((d) => d.java).join(', ')}));`}
      }`);
  }
  return out;
}

function holderNames(ctx: JavaCtx, ops: Operation[]): string[] {
  return [...new Set(ops.filter((o) => o.body).map((o) => typeName(named(ctx, o.body!.type).name)))];
}

/** The methods name the models a holder shadows by their full name. */
function qualify(text: string, names: string[]): string {
  return names.reduce(
    (out, n) => out.replace(new RegExp(`(?<![.\\w])${n}\\b`, 'g'), `id.agenttrust.sdk.models.${n}`),
    text,
  );
}

/** Nested holders so `ActionsAPI.ActionCheckRequest.builder()` (the guide's spelling) works. */
function holders(ctx: JavaCtx, ops: Operation[]): string[] {
  return holderNames(ctx, ops).map(
    (n) => code`
      ${javadoc(`The request body {@link id.agenttrust.sdk.models.${n}}, reachable from this class as in the guide.`)}
      public static final class ${n} {
          private ${n}() {}

          ${javadoc(`A builder of {@link id.agenttrust.sdk.models.${n}}.`, ['@return the builder'])}
          public static id.agenttrust.sdk.models.${n}.Builder builder() {
              return id.agenttrust.sdk.models.${n}.builder();
          }
      }`,
  );
}

/**
 * Issue 12: an operation whose body takes a `proof` and whose resource has a challenge (an
 * operation answering a `nonce` for one path id) gets `<name>WithProof(agentId, ProofOptions)`:
 * challenge, the agent's signature, the call with the proof.
 */
function proofMethods(ctx: JavaCtx, ops: Operation[]): string[] {
  const challenge = ops.find((o) => {
    const t = o.response.type;
    const obj = t?.kind === 'ref' ? named(ctx, t.name) : undefined;
    return (
      o.pathParams.length === 1 &&
      obj?.kind === 'object' &&
      obj.properties.some((p) => p.name.wire === 'nonce')
    );
  });
  if (!challenge) return [];
  return ops.flatMap((op) => {
    const s = javaShape(ctx, op);
    if (!s.bodyObj?.properties.some((p) => p.name.wire === 'proof') || s.flatten.length > 0 || op.rpc)
      return [];
    const name = `${s.name}WithProof`;
    const doc = (async: boolean, opts: boolean) =>
      javadoc(
        `${op.summary ?? op.id}, with proof of possession: asks a challenge (${challenge.id}), signs the spec's message with the agent's key from the key store, and sends the proof.${async ? " Async: runs on the SDK's daemon executor." : ''}`,
        [
          '@param agentId the agent, whose key pair the key store holds',
          ...(opts
            ? [
                '@param options the audience, lifetime, service name, environment and key store (null: defaults)',
              ]
            : []),
          async ? "@return the answer's future" : '@return the answer',
          ...(async
            ? []
            : [
                '@throws id.agenttrust.sdk.exceptions.AgentTrustException when a call fails; VALIDATION_ERROR naming the agent when the key store has no key for it',
              ]),
        ],
      );
    return [
      code`
        ${doc(false, false)}
        public ${s.result} ${name}(String agentId) {
            return ${name}(agentId, null);
        }`,
      code`
        ${doc(false, true)}
        public ${s.result} ${name}(String agentId, id.agenttrust.sdk.identity.ProofOptions options) {
            return id.agenttrust.sdk.internal.ProofOfPossession.issue(t, agentId, options, this::${memberName(challenge.name)}, this::${s.name});
        }`,
      code`
        ${doc(true, true)}
        public CompletableFuture<${s.result}> ${name}Async(String agentId, id.agenttrust.sdk.identity.ProofOptions options) {
            return t.async(() -> ${name}(agentId, options));
        }`,
    ];
  });
}

export function resourceFile(ctx: JavaCtx, r: Resource): string {
  const ops = r.operations.map((id) => ctx.model.operations.find((o) => o.id === id)!);
  const name = apiClass(r);
  return code`
    ${javadoc(`The ${r.name.wire} operations${r.description ? `: ${r.description}` : '.'} Get it from the client (thread-safe, like the client).`)}
    public final class ${name} {
        private final Transport t;
        private final WithRawResponse raw = new WithRawResponse();

        ${javadoc('Created by the client.', ["@param t the client's transport"])}
        public ${name}(Transport t) {
            this.t = t;
        }
        ${holders(ctx, ops).map((h) => `\n${h}`)}
        ${qualify(
          ops
            .map((op) => {
              const s = javaShape(ctx, op);
              return [...publicMethods(ctx, s).map((m) => `\n${m}`), `\n${coreMethod(ctx, s)}`].join('\n');
            })
            .join('\n'),
          holderNames(ctx, ops),
        )}
        ${proofMethods(ctx, ops).map((m) => `\n${m}`)}

        ${javadoc(`These operations returning {@link RawResponse}: the answer with its HTTP status, headers and request id.`, ['@return the raw view'])}
        public WithRawResponse withRawResponse() {
            return raw;
        }

        ${javadoc(`The ${r.name.wire} operations returning {@link RawResponse}: the answer with its HTTP status, headers and request id, from the same single request. Get it from {@link #withRawResponse()} or {@code client.withRawResponse().${memberName(r.name)}()}.`)}
        public final class WithRawResponse {
            private WithRawResponse() {}
            ${qualify(
              ops
                .map((op) =>
                  publicMethods(ctx, javaShape(ctx, op), true)
                    .map((m) => `\n${m}`)
                    .join('\n'),
                )
                .join('\n'),
              holderNames(ctx, ops),
            )}
        }
    }
  `;
}

export function clientFile(ctx: JavaCtx): string {
  const { model } = ctx;
  const roots = model.operations.filter((o) => o.root);
  const resources = model.resources.filter((r) =>
    r.operations.some((id) => !model.operations.find((o) => o.id === id)!.root),
  );
  const rootRes = (op: Operation) => model.resources.find((r) => r.operations.includes(op.id))!;
  return code`
    ${javadoc(`The ${model.title} client. Create one with {@link #builder()} or {@link #fromEnv()} and share it: it is thread-safe and reuses connections. Its accessors group the operations by resource, as the spec's tags do.`)}
    public final class AgentTrustClient {
        private final ClientOptions options;
        private final Transport transport;
        ${[...resources, ...new Set(roots.map(rootRes))].map((r) => `private final ${apiClass(r)} ${memberName(r.name)};`)}

        private final WithRawResponse raw = new WithRawResponse();

        private AgentTrustClient(ClientOptions options) {
            this.options = options;
            this.transport = new Transport(options);
            ${[...resources, ...new Set(roots.map(rootRes))].map((r) => `this.${memberName(r.name)} = new ${apiClass(r)}(transport);`)}
        }

        ${javadoc("A builder with the spec's defaults.", ['@return the builder'])}
        public static Builder builder() {
            return new Builder();
        }

        ${javadoc('A client configured from the environment: the base URL (AGENTTRUST_URL, then AGENTTRUST_BASE_URL, else http://localhost:8080), the API key (AGENTTRUST_API_KEY, required here), the service URLs and the log level (AGENTTRUST_LOG). The builder reads the same variables for what it is not given, but accepts no key.', ['@return the client', '@throws id.agenttrust.sdk.exceptions.ConfigurationException (VALIDATION_ERROR, field api_key) when AGENTTRUST_API_KEY is unset or empty, or another variable is invalid'])}
        public static AgentTrustClient fromEnv() {
            return fromEnv(System::getenv);
        }

        ${javadoc('{@link #fromEnv()} reading another environment (tests, a secrets manager).', ["@param env the environment: a variable's value by name, null when unset", '@return the client', '@throws id.agenttrust.sdk.exceptions.ConfigurationException when the API key is unset or empty, or another variable is invalid'])}
        public static AgentTrustClient fromEnv(java.util.function.Function<String, String> env) {
            AgentTrustClient c = builder().fromEnvironment(env).build();
            if (c.options.getApiKey().isEmpty()) {
                throw new id.agenttrust.sdk.exceptions.ConfigurationException("api_key", ${quote(`no API key: set ${model.facts.defaults.env.apiKey.join(' or ')} (or pass apiKey to AgentTrustClient.builder())`)});
            }
            return c;
        }

        ${javadoc('A client configured from a JSON config file ({@code base_url}, {@code api_key}, {@code auth_url}, {@code audit_url}).', ['@param path the file', '@return the client'])}
        public static AgentTrustClient fromConfig(java.nio.file.Path path) {
            return builder().fromConfigFile(path).build();
        }

        ${javadoc("A builder holding this client's settings, to derive another client (sharing its HTTP client and connections).", ['@return the builder'])}
        public Builder toBuilder() {
            Builder b = new Builder();
            b.fromEnvironment(name -> null).logLevel(options.getLogLevel()).logger(options.getLogger().orElse(null));
            b.baseUrl(options.getBaseUrl()).timeout(options.getTimeout()).maxRetries(options.getMaxRetries())
                .retryDelay(options.getRetryInitialDelay(), options.getRetryMaxDelay())
                .maxResponseBytes(options.getMaxResponseBytes()).tokenCache(options.isTokenCache());
            options.getApiKey().ifPresent(b::apiKey);
            b.httpClient(transport.httpClient()).keyStore(options.getKeyStore());
            options.getHeaders().forEach(b::header);
            ${model.facts.defaults.services.map((s) => `b.serviceUrl(${quote(s.name)}, options.serviceUrl(${quote(s.name)}));`)}
            return b;
        }

        ${javadoc("The client's settings.", ['@return the options'])}
        public ClientOptions options() {
            return options;
        }

        /** The transport, for the guard. */
        Transport transport() {
            return transport;
        }

        ${javadoc('The same operations returning {@link RawResponse}: the answer with its HTTP status, headers and request id ({@code X-Request-Id}), from the one request the plain method would send: {@code client.withRawResponse().agents().create(...)}.', ['@return the raw view of this client'])}
        public WithRawResponse withRawResponse() {
            return raw;
        }
        ${resources.map(
          (r) => code`

          ${javadoc(`The ${r.name.wire} operations${r.description ? `: ${r.description}` : '.'}`, ['@return the resource'])}
          public ${apiClass(r)} ${memberName(r.name)}() {
              return ${memberName(r.name)};
          }`,
        )}
        ${roots.map((op) => {
          const s = javaShape(ctx, op);
          return code`

            ${javadoc(`${op.summary ?? op.id}. Calls ${op.method} ${op.path} (${op.id}).`, ['@return the answer', '@throws id.agenttrust.sdk.exceptions.AgentTrustException when the call fails'])}
            public ${s.result} ${s.name}() {
                return ${memberName(rootRes(op).name)}.${s.name}();
            }

            ${javadoc(`${op.summary ?? op.id}, async.`, ["@return the answer's future"])}
            public CompletableFuture<${s.result}> ${s.name}Async() {
                return ${memberName(rootRes(op).name)}.${s.name}Async();
            }`;
        })}

        ${javadoc("The client's operations returning {@link RawResponse}; see {@link AgentTrustClient#withRawResponse()}.")}
        public final class WithRawResponse {
            private WithRawResponse() {}
            ${resources.map(
              (r) => code`

              ${javadoc(`The ${r.name.wire} operations, raw.`, ['@return the resource'])}
              public ${apiClass(r)}.WithRawResponse ${memberName(r.name)}() {
                  return ${memberName(r.name)}.withRawResponse();
              }`,
            )}
            ${roots.map((op) => {
              const s = javaShape(ctx, op);
              return code`

                ${javadoc(`${op.summary ?? op.id}, raw. Calls ${op.method} ${op.path} (${op.id}).`, ['@return the answer with its HTTP status, headers and request id', '@throws id.agenttrust.sdk.exceptions.AgentTrustException when the call fails'])}
                public RawResponse<${s.result}> ${s.name}() {
                    return ${memberName(rootRes(op).name)}.withRawResponse().${s.name}();
                }

                ${javadoc(`${op.summary ?? op.id}, raw and async.`, ["@return the answer's future"])}
                public CompletableFuture<RawResponse<${s.result}>> ${s.name}Async() {
                    return ${memberName(rootRes(op).name)}.withRawResponse().${s.name}Async();
                }`;
            })}
        }

        ${javadoc('The client, without its API key.', ['@return the string form'])}
        @Override
        public String toString() {
            return "AgentTrustClient{" + options + "}";
        }

        ${javadoc('Builds an {@link AgentTrustClient}; see {@link ClientOptions.Builder} for the settings.')}
        public static final class Builder extends ClientOptions.Builder<Builder> {
            private Builder() {}

            ${javadoc('This builder.', ['@return this'])}
            @Override
            protected Builder self() {
                return this;
            }

            ${javadoc('The client.', ['@return a new client'])}
            public AgentTrustClient build() {
                return new AgentTrustClient(options());
            }
        }
    }
  `;
}
