/**
 * The resources (one struct per spec tag, borrowed from the client: `client.agents()`), their
 * methods (one per operation), the per-operation argument structs, and the client's accessors.
 *
 * A method's arguments: the operation's positional arguments for Rust (`x-sdk-args`, by default
 * the path parameters), then, when the operation takes more, one struct by reference: the body
 * type itself when the remaining arguments are exactly its fields (`&CreateAgentRequest`, as the
 * guide writes it), else a generated `<OperationId>Params` struct of the remaining arguments.
 */
import { code } from '../../src/emit/template.ts';
import {
  type ApiModel,
  type ObjectType,
  type Operation,
  type Param,
  type Resource,
  SpecModelError,
  type TypeRef,
} from '../../src/model/index.ts';
import { doc, member, pascalWords, quote, sentence, typeName } from '../naming.ts';
import { named, type RustTypes, rustType } from './types.ts';

export interface OpShape {
  op: Operation;
  resource: Resource;
  method: string;
  positional: Param[];
  rest: Param[];
  /** How the remaining arguments travel: none, the body type, or a generated params struct. */
  restMode: 'none' | 'body' | 'params';
  restType: string;
  /** The Rust type the method returns. */
  returns: string;
  /** For an `x-sdk-void` method: the type its answer is still decoded and checked as. */
  checked?: string;
  /**
   * When every remaining argument is optional: the method takes only the positional ones and a
   * `<method>_with` twin takes the struct too (`agents().list()`, `list_with(&params)`).
   */
  optionalRest: boolean;
  /** The method the conformance dispatch calls (the one taking every argument). */
  callName: string;
}

const pointer = (op: Operation) => `#/paths/${op.path.replace(/\//g, '~1')}/${op.method.toLowerCase()}`;

export function bodyType(ctx: RustTypes, op: Operation): ObjectType | undefined {
  if (!op.body) return undefined;
  const t = named(ctx, op.body.type);
  if (t.kind !== 'object') throw new SpecModelError(`the body ${op.body.type} is not an object`, pointer(op));
  return t;
}

export function opShape(ctx: RustTypes, op: Operation): OpShape {
  const resource = ctx.model.resources.find((r) => r.operations.includes(op.id))!;
  const positional = op.sdk.args.rust.map((wire) => {
    const p = op.params.find((x) => x.name.wire === wire);
    if (!p) throw new SpecModelError(`x-sdk-args names ${wire}, which is no parameter`, pointer(op));
    return p;
  });
  const rest = op.params.filter((p) => !positional.includes(p));
  const body = bodyType(ctx, op);
  const fixed = new Set(op.fixed.map((f) => f.wire));
  const bodyFields = body?.properties.filter((p) => !fixed.has(p.name.wire)).map((p) => p.name.wire) ?? [];
  let restMode: OpShape['restMode'] = 'none';
  let restType = '';
  if (rest.length > 0) {
    const exactBody =
      body !== undefined &&
      !op.rpc?.method &&
      rest.every((p) => p.location === 'body') &&
      rest.length === bodyFields.length &&
      positional.every((p) => p.location !== 'body');
    const rpcBody =
      body !== undefined &&
      op.rpc?.method !== undefined &&
      rest.length === bodyFields.length &&
      rest.every((p) => p.location === 'body') &&
      positional.every((p) => p.location !== 'body');
    if (exactBody || rpcBody) {
      restMode = 'body';
      restType = typeName(body!.name);
    } else {
      restMode = 'params';
      restType = `${pascalWords(op.id.split(/(?=[A-Z])/).map((w) => w.toLowerCase()))}Params`;
    }
  }
  const answer = returnType(ctx, op);
  const isVoid = op.sdk.void.includes('rust') && answer !== '()';
  const optionalRest =
    restMode !== 'none' && rest.every((p) => !p.required) && op.sdk.cache?.kind !== 'store';
  const method = member(op.name);
  return {
    op,
    resource,
    method,
    positional,
    rest,
    restMode,
    restType,
    returns: isVoid ? '()' : answer,
    checked: isVoid ? answer : undefined,
    optionalRest,
    callName: optionalRest ? `${method}_with` : method,
  };
}

function returnType(ctx: RustTypes, op: Operation): string {
  const t = op.response.type;
  if (!t) return '()';
  if (op.unwrap && t.kind === 'ref') {
    const env = named(ctx, t.name);
    const prop = env.kind === 'object' ? env.properties.find((p) => p.name.wire === op.unwrap) : undefined;
    if (!prop)
      throw new SpecModelError(`x-sdk-unwrap names ${op.unwrap}, which ${t.name} lacks`, pointer(op));
    return rustType(ctx, prop.type);
  }
  return rustType(ctx, t);
}

const isString = (t: TypeRef) => t.kind === 'primitive' && t.type === 'string';
const isCopy = (t: TypeRef) => t.kind === 'primitive' && t.type !== 'string';

/** The Rust type of a positional argument in a method signature. */
export function argType(ctx: RustTypes, p: Param): string {
  const base = rustType(ctx, p.type);
  let t: string;
  if (p.shorthand) return `impl Into<${base}>`;
  if (isString(p.type)) t = '&str';
  else if (p.type.kind === 'array') t = `&[${rustType(ctx, p.type.items)}]`;
  else if (isCopy(p.type)) t = base;
  else t = `&${base}`;
  return p.required ? t : `Option<${t}>`;
}

/** The field type of a param in a generated params struct. */
const paramsFieldType = (ctx: RustTypes, p: Param) =>
  p.required ? rustType(ctx, p.type) : `Option<${rustType(ctx, p.type)}>`;

export const argName = (p: Param) => member(p.name);

export function paramsStruct(ctx: RustTypes, s: OpShape): string {
  if (s.restMode !== 'params') return '';
  return code`
    ${doc(`The arguments of \`${s.resource.name.wire}.${s.op.name.wire}\` (\`${s.op.id}\`) after its positional ones.`)}
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
    pub struct ${s.restType} {
        ${s.rest.map((p) => [
          doc(
            `${p.description ? sentence(p.description) : `The \`${p.name.wire}\` ${p.location === 'header' ? 'header' : 'argument'}.`}${
              p.location === 'header' ? ` Sent as the \`${p.name.wire}\` header.` : ''
            }`,
          ),
          `#[serde(rename = ${quote(p.name.wire)}${p.required ? '' : ', default, skip_serializing_if = "Option::is_none"'})]`,
          `pub ${argName(p)}: ${paramsFieldType(ctx, p)},`,
        ])}
    }
  `;
}

/** The expression of a param's value inside the method: `name` (positional) or `params.name`. */
function access(s: OpShape, p: Param): string {
  if (s.positional.includes(p)) return argName(p);
  return s.restMode === 'params' ? `params.${argName(p)}` : `body.${argName(p)}`;
}

/** The expression of a required string param as `&str`. */
function strExpr(s: OpShape, p: Param): string {
  return s.positional.includes(p) ? argName(p) : `&${access(s, p)}`;
}

/** `if let Some(v) = <this>` over an optional param. */
function optExpr(s: OpShape, p: Param): string {
  return s.positional.includes(p) ? argName(p) : `&${access(s, p)}`;
}

/** Paths (wire keys) of `x-sdk-generate: uuid` properties inside a body param's object type. */
function generatedPaths(ctx: RustTypes, ref: TypeRef, prefix: string[]): string[][] {
  if (ref.kind !== 'ref') return [];
  const t = named(ctx, ref.name);
  if (t.kind !== 'object') return [];
  return t.properties.flatMap((p) => (p.generate === 'uuid' ? [[...prefix, p.name.wire]] : []));
}

function methodBody(ctx: RustTypes, s: OpShape, client: string): string {
  const op = s.op;
  const segments = op.path.split(/(\{[^}]+\})/).filter(Boolean);
  const pathArgs: string[] = [];
  const fmt = segments
    .map((seg) => {
      const m = /^\{(.+)\}$/.exec(seg);
      if (!m) return seg;
      const p = op.pathParams.find((x) => x.name.wire === m[1]);
      const param = p && op.params.find((x) => x.name.wire === p.name.wire);
      if (!param || !isString(param.type))
        throw new SpecModelError(`path parameter ${m[1]} is not a string`, pointer(op));
      pathArgs.push(
        `crate::transport::path_param(${quote(op.id)}, ${quote(param.name.wire)}, ${strExpr(s, param)})?`,
      );
      return '{}';
    })
    .join('');
  const path = pathArgs.length
    ? `format!(${quote(fmt)}, ${pathArgs.join(', ')})`
    : `${quote(fmt)}.to_owned()`;
  const pairs = (params: Param[], into: string) =>
    params.map((p) => {
      const param = op.params.find((x) => x.name.wire === p.name.wire) ?? p;
      if (param.required)
        return `${into}.push((${quote(param.name.wire)}, crate::transport::text(&${access(s, param)})));`;
      return `if let Some(v) = ${optExpr(s, param)} { ${into}.push((${quote(param.name.wire)}, crate::transport::text(v))); }`;
    });
  // An empty body schema (`EmptyObject`) goes out as no body, as the official clients send it.
  const declared = bodyType(ctx, op);
  const body = declared && declared.properties.length > 0 ? declared : undefined;
  const bodyParams = op.params.filter((p) => p.location === 'body');
  let bodyCode: string[] = [];
  // Issue 12: an operation whose body takes the agent's `public_key` (agents.create) generates an
  // Ed25519 key pair when the caller gives none, sends only its public half, and keeps the pair
  // in the client's key store under the id of the answer (runtime identity.rs).
  const answerT = op.response.type?.kind === 'ref' ? named(ctx, op.response.type.name) : undefined;
  const answerProp =
    op.unwrap && answerT?.kind === 'object'
      ? answerT.properties.find((p) => p.name.wire === op.unwrap)?.type
      : op.response.type;
  const answerObj = answerProp?.kind === 'ref' ? named(ctx, answerProp.name) : undefined;
  const keyGen =
    s.restMode === 'body' &&
    body?.properties.some((p) => p.name.wire === 'public_key') &&
    answerObj?.kind === 'object' &&
    answerObj.properties.some((p) => p.name.wire === 'id' && p.required);
  if (body) {
    const mutated =
      op.fixed.length > 0 ||
      body.properties.some((p) => p.generate === 'uuid' || generatedPaths(ctx, p.type, []).length > 0);
    if (s.restMode === 'body')
      bodyCode.push(`let ${mutated || keyGen ? 'mut ' : ''}body = crate::transport::to_object(body)?;`);
    else if (bodyParams.length === 0 && !mutated) bodyCode.push('let body = serde_json::Map::new();');
    else {
      bodyCode.push('let mut body = serde_json::Map::new();');
      for (const p of bodyParams) {
        if (p.shorthand) {
          bodyCode.push(`let ${argName(p)}: ${rustType(ctx, p.type)} = ${argName(p)}.into();`);
          bodyCode.push(
            `body.insert(${quote(p.name.wire)}.to_owned(), crate::transport::to_json(&${argName(p)})?);`,
          );
        } else if (p.required)
          bodyCode.push(
            `body.insert(${quote(p.name.wire)}.to_owned(), crate::transport::to_json(&${access(s, p)})?);`,
          );
        else
          bodyCode.push(
            `if let Some(v) = ${optExpr(s, p)} { body.insert(${quote(p.name.wire)}.to_owned(), crate::transport::to_json(&v)?); }`,
          );
      }
    }
    for (const f of op.fixed)
      bodyCode.push(
        `body.insert(${quote(f.wire)}.to_owned(), serde_json::Value::from(${typeof f.value === 'string' ? quote(f.value) : String(f.value)}));`,
      );
    const gen = [
      ...body.properties.filter((p) => p.generate === 'uuid').map((p) => [p.name.wire]),
      ...body.properties.flatMap((p) => generatedPaths(ctx, p.type, [p.name.wire])),
    ];
    for (const g of gen)
      bodyCode.push(`crate::transport::fill_uuid(&mut body, &[${g.map(quote).join(', ')}]);`);
  }
  if (!body) bodyCode = [];
  if (keyGen) bodyCode.push('let agent_key = crate::identity::agent_key_for(&mut body)?;');
  const query = op.queryParams.length > 0;
  const headers = op.headerParams.length > 0;
  for (const p of [...op.queryParams, ...op.headerParams]) {
    const param = op.params.find((x) => x.name.wire === p.name.wire);
    if (!param || !(param.type.kind === 'primitive'))
      throw new SpecModelError(`query or header parameter ${p.name.wire} is not a scalar`, pointer(op));
  }
  const rpc = op.rpc
    ? `Some(crate::transport::Rpc { method: ${op.rpc.method ? `Some(${quote(op.rpc.method)})` : 'None'}, id: ${
        op.rpc.id === 'counter'
          ? 'crate::transport::RpcId::Counter'
          : `crate::transport::RpcId::Number(${op.rpc.id})`
      }, raise: ${op.rpc.onError === 'raise'} })`
    : 'None';
  const cache = op.sdk.cache;
  const send =
    cache?.kind === 'store'
      ? `${client}.send_cached(call, use_cache, &crate::cache::Store { key: &[${cache.key.map(quote).join(', ')}], issued_at: ${
          cache.issuedAt ? `Some(${quote(cache.issuedAt)})` : 'None'
        }, expires_at: ${quote(cache.expiresAt)} })?`
      : `${client}.send(call)?`;
  let evict = '';
  if (cache?.kind === 'evict') {
    const p = op.params.find((x) => x.name.wire === cache.param);
    if (!p?.required || !isString(p.type))
      throw new SpecModelError(
        `x-sdk-cache evicts by ${cache.param}, which is no required string argument`,
        pointer(op),
      );
    evict = `${client}.cache_evict(${quote(cache.field)}, ${strExpr(s, p)});`;
  }
  const finish = s.checked
    ? `answer.finish(|a| a.decode::<${s.checked}>().map(|_| ()))`
    : s.returns === '()'
      ? 'answer.finish(crate::transport::Answer::empty)'
      : 'answer.finish(|a| a.decode())';
  return code`
    let path = ${path};
    ${query && 'let mut query = Vec::new();'}
    ${pairs(op.queryParams, 'query')}
    ${headers && 'let mut headers = Vec::new();'}
    ${pairs(op.headerParams, 'headers')}
    ${bodyCode}
    let call = crate::transport::Call {
        id: ${quote(op.id)},
        method: crate::transport::Method::${op.method.charAt(0) + op.method.slice(1).toLowerCase()},
        path,
        ${query ? 'query' : 'query: Vec::new()'},
        ${headers ? 'headers' : 'headers: Vec::new()'},
        body: ${body ? 'Some(serde_json::Value::Object(body))' : 'None'},
        auth: ${String(op.auth)},
        key_required: ${String(op.auth && !op.keyOptional)},
        service: ${op.service ? `Some(${quote(op.service)})` : 'None'},
        unwrap: ${op.unwrap ? `Some(${quote(op.unwrap)})` : 'None'},
        rpc: ${rpc},
        credentials: ${client === 'self' ? 'None' : 'self.credentials.cloned()'},
        raw: M::RAW,
    };
    let answer = ${send};
    ${
      keyGen
        ? code`
      let out: crate::RawResponse<${s.returns}> = ${finish}?;
      ${client}.keep_agent_key(&out.data.id, agent_key)?;
      Ok(out)`
        : evict
          ? s.returns === '()'
            ? code`
      let out = ${finish}?;
      ${evict}
      Ok(out)`
            : code`
      let out: crate::RawResponse<${s.returns}> = ${finish}?;
      ${evict}
      Ok(out)`
          : finish
    }
  `;
}

function methodDoc(s: OpShape): string {
  const op = s.op;
  const text = [
    op.summary ? sentence(op.summary) : `The \`${op.id}\` operation.`,
    op.description ? sentence(op.description) : '',
    `It calls \`${op.method} ${op.path}\` (\`${op.id}\`).`,
    op.unwrap ? `The \`${op.unwrap}\` member of the answer is returned.` : '',
    op.rpc ? `The body travels as JSON-RPC 2.0${op.rpc.method ? ` (\`${op.rpc.method}\`)` : ''}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return doc(text);
}

function signature(ctx: RustTypes, s: OpShape): string[] {
  const args = s.positional.map((p) => `${argName(p)}: ${argType(ctx, p)}`);
  if (s.restMode === 'body') args.push(`body: &crate::${s.restType}`);
  if (s.restMode === 'params') args.push(`params: &crate::${s.restType}`);
  return args;
}

/** One public method of an operation: its name, parameters, the core's arguments, extra doc. */
interface Wrapper {
  name: string;
  params: string[];
  call: string[];
  doc: string;
}

/** The public methods of an operation (the same names in the typed and the raw mode). */
function wrappers(ctx: RustTypes, s: OpShape): Wrapper[] {
  const args = signature(ctx, s);
  const names = [
    ...s.positional.map(argName),
    ...(s.restMode === 'none' ? [] : [s.restMode === 'body' ? 'body' : 'params']),
  ];
  const cache = s.op.sdk.cache;
  if (cache?.kind === 'store')
    return [
      {
        name: s.method,
        params: args,
        call: [...names, 'true'],
        doc: `${methodDoc(s)}\n/// Answers are cached per client until shortly before they expire; see \`${s.method}_with_cache\`.`,
      },
      {
        name: `${s.method}_with_cache`,
        params: [...args, 'use_cache: bool'],
        call: [...names, 'use_cache'],
        doc: `/// \`${s.method}\`, with the client-side cache used only when \`use_cache\` is true.`,
      },
    ];
  if (s.optionalRest) {
    const positional = s.positional.map((p) => `${argName(p)}: ${argType(ctx, p)}`);
    return [
      {
        name: s.method,
        params: positional,
        call: [...s.positional.map(argName), '&Default::default()'],
        doc: `${methodDoc(s)}\n/// The optional arguments: \`${s.method}_with\`.`,
      },
      {
        name: `${s.method}_with`,
        params: args,
        call: names,
        doc: `/// \`${s.method}\` with its optional arguments.`,
      },
    ];
  }
  return [{ name: s.method, params: args, call: names, doc: methodDoc(s) }];
}

/** The private method that sends an operation's call and returns its `RawResponse`. */
function coreName(s: OpShape): string {
  return `${s.method}_response`;
}

function coreParams(ctx: RustTypes, s: OpShape): string[] {
  return [...signature(ctx, s), ...(s.op.sdk.cache?.kind === 'store' ? ['use_cache: bool'] : [])];
}

/** The core of an operation: every argument in, the typed value with its HTTP answer out. */
export function coreDecl(ctx: RustTypes, s: OpShape, client: string): string {
  const generic = client === 'self' ? '<M: crate::Mode>' : '';
  return code`
    fn ${coreName(s)}${generic}(&self, ${coreParams(ctx, s).join(', ')}) -> crate::Result<crate::RawResponse<${s.returns}>> {
        ${methodBody(ctx, s, client)}
    }
  `;
}

/**
 * The public methods of an operation in one mode: `typed` returns the value, else the
 * `RawResponse`. `target` calls the core (`self.` or `self.client.` with a mode for roots).
 */
export function wrapperDecls(
  ctx: RustTypes,
  s: OpShape,
  typed: boolean,
  target: string,
  turbofish = '',
): string[] {
  const ret = typed ? `crate::Result<${s.returns}>` : `crate::Result<crate::RawResponse<${s.returns}>>`;
  return wrappers(ctx, s).map(
    (w) => code`
      ${w.doc}
      pub fn ${w.name}(&self, ${w.params.join(', ')}) -> ${ret} {
          ${target}${coreName(s)}${turbofish}(${w.call.join(', ')})${typed ? '.map(crate::RawResponse::into_data)' : ''}
      }
    `,
  );
}

export function resourceDecl(ctx: RustTypes, r: Resource, shapes: OpShape[]): string {
  const name = pascalWords(r.name.words);
  const ops = shapes.filter((s) => s.resource === r && !s.op.root);
  const roots = shapes.filter((s) => s.resource === r && s.op.root);
  return code`
    ${
      ops.length > 0 &&
      code`
      ${doc(`${r.description ? sentence(r.description) : `The \`${r.name.wire}\` operations.`} Borrowed from the client: \`client.${member(r.name)}()\` returns the typed values, \`client.with_raw_response().${member(r.name)}()\` a \`RawResponse\` of each.`)}
      #[derive(Debug, Clone, Copy)]
      pub struct ${name}<'a, M = crate::Typed> {
          pub(crate) client: &'a crate::AgentTrustClient,
          credentials: Option<&'a crate::AgentCredentials>,
          mode: std::marker::PhantomData<M>,
      }

      impl<'a, M: crate::Mode> ${name}<'a, M> {
          pub(crate) fn new(client: &'a crate::AgentTrustClient) -> Self {
              Self { client, credentials: None, mode: std::marker::PhantomData }
          }

          /// These operations sent with the agent's credentials: every attempt carries
          /// \`Authorization: Bearer <WIMSE token>\` and a fresh DPoP proof, and a 401 answer
          /// drops the token and sends the call once more with a new one.
          pub fn with_credentials(self, credentials: &'a crate::AgentCredentials) -> Self {
              Self { credentials: Some(credentials), ..self }
          }

          ${ops.map((s) => coreDecl(ctx, s, 'self.client'))}
      }

      /// The operations, returning the typed values.
      impl ${name}<'_> {
          ${ops.map((s) => wrapperDecls(ctx, s, true, 'self.'))}
      }

      /// The operations, returning a \`RawResponse\` (status, headers, request id) around each value.
      impl ${name}<'_, crate::Raw> {
          ${ops.map((s) => wrapperDecls(ctx, s, false, 'self.'))}
      }`
    }
    ${
      roots.length > 0 &&
      code`
      impl crate::AgentTrustClient {
          ${roots.map((s) => coreDecl(ctx, s, 'self'))}

          ${roots.map((s) => wrapperDecls(ctx, s, true, 'self.', '::<crate::Typed>'))}
      }

      impl crate::RawClient<'_> {
          ${roots.map((s) => wrapperDecls(ctx, s, false, 'self.client.', '::<crate::Raw>'))}
      }`
    }
  `;
}

/** `From<&str>` for every type an `x-sdk-shorthands` argument builds from a plain string. */
export function shorthandImpls(ctx: RustTypes, shapes: OpShape[]): string[] {
  const done = new Map<string, string>();
  for (const s of shapes)
    for (const p of s.op.params)
      if (p.shorthand && !done.has(rustType(ctx, p.type)))
        done.set(rustType(ctx, p.type), JSON.stringify(p.shorthand.builds));
  return [...done].map(
    ([type, template]) => code`
      impl From<&str> for ${type} {
          /// Builds the value the spec's shorthand makes of a plain string: \`${template.replace(/`/g, '')}\` with \`{value}\` replaced.
          fn from(value: &str) -> Self {
              crate::transport::shorthand(${quote(template)}, value)
          }
      }

      impl From<String> for ${type} {
          fn from(value: String) -> Self {
              Self::from(value.as_str())
          }
      }
    `,
  );
}

export function accessors(model: ApiModel, shapes: OpShape[]): string {
  const withOps = model.resources.filter((r) => shapes.some((s) => s.resource === r && !s.op.root));
  return code`
    impl crate::AgentTrustClient {
        ${withOps.map(
          (r) => code`
          ${doc(`The \`${r.name.wire}\` operations.`)}
          pub fn ${member(r.name)}(&self) -> ${pascalWords(r.name.words)}<'_> {
              ${pascalWords(r.name.words)}::new(self)
          }
          `,
        )}
    }

    impl<'a> crate::RawClient<'a> {
        ${withOps.map(
          (r) => code`
          ${doc(`The \`${r.name.wire}\` operations, each returning a \`RawResponse\`.`)}
          pub fn ${member(r.name)}(&self) -> ${pascalWords(r.name.words)}<'a, crate::Raw> {
              ${pascalWords(r.name.words)}::new(self.client)
          }
          `,
        )}
    }
  `;
}
