/**
 * `src/generated/wire.ts`: the key maps ("shapes") that convert camelCase <-> snake_case by the
 * schema, and `src/generated/operations.ts`: one descriptor per operation (method, path template,
 * path/query/body shapes, response schema, list or not, auth, cache rule) that the resources hand
 * to the HTTP core.
 */
import { code } from '../../src/emit/template.ts';
import { SpecModelError } from '../../src/model/index.ts';
import type { ApiModel, NamedType, Operation, Param, Property, TypeRef } from '../../src/model/types.ts';
import { ts, tsKey, tsStr } from '../naming.ts';
import { findType, returnType } from '../sdk.ts';

/** The schema name whose key map a TypeRef's value needs, 0 for a free-form value, null for none. */
function shapeOf(model: ApiModel, ref: TypeRef): string | 0 | null {
  switch (ref.kind) {
    case 'array':
      return shapeOf(model, ref.items);
    case 'map':
    case 'any':
      return 0;
    case 'primitive':
      return null;
    case 'ref':
      return hasShape(model, findType(model, ref.name)) ? ref.name : null;
  }
}

function hasShape(model: ApiModel, t: NamedType): boolean {
  if (t.kind === 'object') return true;
  if (t.kind === 'union') return t.variants.every((v) => hasShape(model, findType(model, v.type)));
  return false;
}

/** What `camelKeys()` does at run time to a key: the same rule, to know when it can be used. */
const plainCamel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

// Keys whose name is the same in both cases and whose value needs no mapping are left out: a key
// a shape does not list is copied as it is, which is the same thing.
function inlineShape(
  model: ApiModel,
  properties: readonly Pick<Property, 'name' | 'type'>[],
  at: string,
): string {
  const names = new Map<string, string>();
  const camelCased: string[] = [];
  const entries: string[] = [];
  for (const p of properties) {
    const key = p.name.wire;
    const name = ts.property(p.name);
    const other = names.get(name);
    if (other !== undefined && other !== key)
      throw new SpecModelError(`'${key}' and '${other}' both become the TypeScript property '${name}'`, at);
    if (other !== undefined) continue;
    names.set(name, key);
    const sub = shapeOf(model, p.type);
    if (sub === null) {
      if (name === key) continue;
      if (name === plainCamel(key) && /^[a-z0-9_]+$/.test(key)) camelCased.push(key);
      else entries.push(`${tsKey(key)}: ${JSON.stringify(name)}`);
    } else if (!(sub === 0 && name === key)) {
      entries.push(`${tsKey(key)}: [${JSON.stringify(name)}, ${sub}]`);
    }
  }
  const literal = `{ ${entries.join(', ')} }`;
  if (camelCased.length === 0) return literal;
  return `camelKeys(${JSON.stringify(camelCased.join(' '))}${entries.length ? `, ${literal}` : ''})`;
}

function typeShape(model: ApiModel, t: NamedType): string {
  const at = `#/components/schemas/${t.name.wire}`;
  if (t.kind === 'object') return inlineShape(model, t.properties, at);
  // A union: its members' key maps merged (a key two members share maps the same way).
  const merged = new Map<string, Property>();
  if (t.kind === 'union')
    for (const v of t.variants) {
      const member = findType(model, v.type);
      if (member.kind === 'object') for (const p of member.properties) merged.set(p.name.wire, p);
    }
  return inlineShape(model, [...merged.values()], at);
}

/** Shaped types, each after the ones its shape names (a `const` can only name earlier ones). */
function orderedShapes(model: ApiModel): NamedType[] {
  const out: NamedType[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const deps = (t: NamedType): string[] => {
    if (t.kind === 'union') return t.variants.map((v) => v.type);
    if (t.kind !== 'object') return [];
    return t.properties.map((p) => shapeOf(model, p.type)).filter((s): s is string => typeof s === 'string');
  };
  const visit = (t: NamedType) => {
    const seen = state.get(t.name.wire);
    if (seen === 'done') return;
    if (seen === 'visiting')
      throw new SpecModelError(
        'a recursive schema cannot have a TypeScript key map',
        `#/components/schemas/${t.name.wire}`,
      );
    state.set(t.name.wire, 'visiting');
    // Union members are merged into the union's own map, so they are not dependencies of it.
    if (t.kind !== 'union') for (const d of deps(t)) visit(findType(model, d));
    state.set(t.name.wire, 'done');
    out.push(t);
  };
  for (const t of model.types) if (hasShape(model, t)) visit(t);
  return out;
}

export function wireModule(model: ApiModel, header: string): string {
  const shaped = orderedShapes(model);
  const id = (t: NamedType) => t.name.wire;
  return code`
    ${header}
    /** Maps each wire (snake_case) key of a schema to its camelCase name, and to the shape of its value. */
    export type Shape = { readonly [wire: string]: string | readonly [name: string, sub: Shape | 0] };

    /**
     * A shape from the wire keys whose name is their plain camelCase (checked by the generator),
     * listed once, and the other entries: the same key map in fewer bytes.
     */
    /*#__NO_SIDE_EFFECTS__*/
    export function camelKeys(keys: string, rest?: Shape): Shape {
      const shape: { [wire: string]: Shape[string] } = {};
      for (const key of keys.split(' ')) shape[key] = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
      return { ...shape, ...rest };
    }

    /** Shapes of the spec's object schemas, keyed by schema name. */
    export const shapes = /*#__PURE__*/ (() => {
      ${shaped.map((t) => `const ${id(t)}: Shape = ${typeShape(model, t)};`)}
      return { ${shaped.map(id).join(', ')} };
    })();
  `;
}

/**
 * The `x-sdk-generate` fields under a request value of this type, as a tree of wire keys whose
 * leaves are the generator (`uuid`); an array's rule applies to each item. Null when none.
 */
function generateRule(model: ApiModel, ref: TypeRef, seen: ReadonlySet<string>): string | null {
  if (ref.kind === 'array') return generateRule(model, ref.items, seen);
  if (ref.kind !== 'ref' || seen.has(ref.name)) return null;
  const t = findType(model, ref.name);
  const inner = new Set([...seen, ref.name]);
  if (t.kind === 'object') return generateOf(model, t.properties, inner);
  if (t.kind !== 'union') return null;
  // A union's members merged, as its key map is.
  const props = new Map<string, Property>();
  for (const v of t.variants) {
    const member = findType(model, v.type);
    if (member.kind === 'object') for (const p of member.properties) props.set(p.name.wire, p);
  }
  return generateOf(model, [...props.values()], inner);
}

function generateOf(
  model: ApiModel,
  fields: readonly Pick<Property | Param, 'name' | 'type' | 'generate'>[],
  seen: ReadonlySet<string>,
): string | null {
  const entries: string[] = [];
  for (const f of fields) {
    const sub = f.generate ? tsStr(f.generate) : generateRule(model, f.type, seen);
    if (sub !== null) entries.push(`${tsKey(f.name.wire)}: ${sub}`);
  }
  return entries.length ? `{ ${entries.join(', ')} }` : null;
}

function pathTemplate(op: Operation): string {
  let path = op.path;
  for (const p of op.pathParams) path = path.replace(`{${p.name.wire}}`, '{}');
  return path;
}

function descriptor(model: ApiModel, op: Operation): string {
  const fields: string[] = [`method: '${op.method}'`, `path: ${tsStr(pathTemplate(op))}`];
  if (op.pathParams.length)
    fields.push(`pathParams: [${op.pathParams.map((p) => tsStr(ts.property(p.name))).join(', ')}]`);
  if (!op.auth) fields.push('auth: false');
  else if (op.keyOptional) fields.push('keyOptional: true');
  if (op.service) fields.push(`service: ${tsStr(op.service)}`);
  const required = op.headerParams.filter((p) => p.required);
  if (required.length)
    fields.push(`requiredHeaders: [${required.map((p) => tsStr(p.name.wire)).join(', ')}]`);
  if (op.fixed.length)
    fields.push(
      `fixed: { ${op.fixed.map((f) => `${tsKey(f.wire)}: ${JSON.stringify(f.value)}`).join(', ')} }`,
    );
  if (op.rpc) {
    const rpc = [
      ...(op.rpc.method === undefined ? [] : [`method: ${tsStr(op.rpc.method)}`]),
      `id: ${JSON.stringify(op.rpc.id)}`,
      `onError: ${tsStr(op.rpc.onError)}`,
    ];
    fields.push(`rpc: { ${rpc.join(', ')} }`);
  }
  // A proxy JSON-RPC call's answer is validated whole and returned as the upstream sent it.
  const proxy = op.rpc !== undefined && op.rpc.method === undefined;
  const type = proxy ? op.response.type : returnType(model, op);
  if (op.unwrap && op.response.type?.kind === 'ref')
    fields.push(`unwrap: ${tsStr(op.unwrap)}`, `envelope: '${op.response.type.name}'`);
  const item = type?.kind === 'array' ? type.items : type;
  if (item) {
    if (item.kind !== 'ref')
      throw new SpecModelError(
        'a success response must be a named schema or an array of one',
        `#/paths/${op.path.replace(/\//g, '~1')}/${op.method.toLowerCase()}/responses/${op.response.status}`,
      );
    fields.push(`response: '${item.name}'`);
    const shape = proxy ? null : shapeOf(model, item);
    if (typeof shape === 'string') fields.push(`responseShape: shapes.${shape}`);
    if (type?.kind === 'array') fields.push('list: true');
  }
  if (op.sdk.void.includes('typescript')) fields.push('void: true');
  if (op.body) {
    // An argument the operation renames (`x-sdk-name` on an rpc method: `id` as `taskId`) needs
    // the operation's own key map; otherwise the body schema's map is the one.
    const schema = findType(model, op.body.type);
    const bodyParams = op.params.filter((p) => p.location === 'body');
    const renamed = bodyParams.some((p) => {
      const prop =
        schema.kind === 'object' ? schema.properties.find((x) => x.name.wire === p.name.wire) : undefined;
      return !prop || ts.property(prop.name) !== ts.property(p.name);
    });
    fields.push(renamed ? `body: ${inlineShape(model, bodyParams, op.id)}` : `body: shapes.${op.body.type}`);
    // An optional body with nothing in it is not sent (the spec's Empty body, an update without
    // fields): the official clients send none.
    if (!op.body.required && !op.rpc) fields.push('optionalBody: true');
    const generate = generateOf(model, bodyParams, new Set());
    if (generate) fields.push(`generate: ${generate}`);
  }
  if (op.queryParams.length) fields.push(`query: ${inlineShape(model, op.queryParams, op.id)}`);
  const cache = op.sdk.cache;
  const camelOf = (wire: string) => {
    const p = op.params.find((x) => x.name.wire === wire);
    return tsStr(p ? ts.property(p.name) : plainCamel(wire));
  };
  const responseField = (wire: string) => {
    const t = item?.kind === 'ref' ? findType(model, item.name) : undefined;
    const p = t?.kind === 'object' ? t.properties.find((x) => x.name.wire === wire) : undefined;
    return tsStr(p ? ts.property(p.name) : plainCamel(wire));
  };
  if (cache?.kind === 'store') {
    fields.push(
      `cache: { store: { key: [${cache.key.map(camelOf).join(', ')}], expiresAt: ${responseField(cache.expiresAt)}${
        cache.issuedAt ? `, issuedAt: ${responseField(cache.issuedAt)}` : ''
      }, optOut: ${tsStr(ts.property(cache.optOut))} } }`,
    );
  }
  if (cache?.kind === 'evict') {
    // The field names a cached answer's field or a cache key argument: camelCase either way.
    fields.push(
      `cache: { evict: { field: ${tsStr(plainCamel(cache.field))}, param: ${camelOf(cache.param)} } }`,
    );
  }
  return `/** ${op.method} ${op.path} */\n${op.id}: { ${fields.join(', ')} },`;
}

export function operationsModule(model: ApiModel, header: string): string {
  return code`
    ${header}
    import { camelKeys, shapes } from './wire.js';
    import type { Shape } from './wire.js';

    /** The client-side token cache rule of an operation (spec \`x-sdk-cache\`), in camelCase names. */
    export interface CacheRule {
      /** Answers are cached under the values of \`key\` (arrays as sets) until \`expiresAt\`. */
      readonly store?: { readonly key: readonly string[]; readonly expiresAt: string; readonly issuedAt?: string; readonly optOut?: string };
      /** Drops cached answers whose \`field\` (in the answer or the key) equals the call's \`param\`. */
      readonly evict?: { readonly field: string; readonly param: string };
    }

    /** Where \`x-sdk-generate\` fields sit in a request body: wire keys down to the generator. */
    export type GenerateRule = { readonly [wire: string]: 'uuid' | GenerateRule };

    /** What the HTTP core needs to send one operation and check its answer. */
    export interface OperationDescriptor {
      readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
      /** The path, \`{}\` where each path parameter goes (in \`pathParams\` order). */
      readonly path: string;
      /** The path parameters' SDK names (for error messages). */
      readonly pathParams?: readonly string[];
      /** False for public endpoints: no API key is sent. */
      readonly auth?: false;
      /** The key is sent when the client has one, but a client without one may call too. */
      readonly keyOptional?: true;
      /** Name of the schema (in schemas.ts) of the success body, of each item when \`list\`; absent for 204. */
      readonly response?: string;
      readonly responseShape?: Shape;
      readonly list?: boolean;
      /** The answer is validated, then dropped: the method returns nothing. */
      readonly void?: boolean;
      /** The request body's key map; present when the operation takes a JSON body. */
      readonly body?: Shape;
      /** The body may be left out: an empty one (no arguments, no fixed fields) is not sent. */
      readonly optionalBody?: true;
      /**
       * \`x-sdk-generate\` fields of the body (wire keys; under an array, of each item): the SDK
       * fills each one the caller leaves out (\`uuid\`: a fresh random UUID).
       */
      readonly generate?: GenerateRule;
      readonly query?: Shape;
      readonly cache?: CacheRule;
      /** \`x-sdk-service\`: the split-deployment service whose base URL the call goes to. */
      readonly service?: string;
      /** Header arguments the call cannot go without (by header name). */
      readonly requiredHeaders?: readonly string[];
      /** Body fields always sent with these values (wire keys), never arguments. */
      readonly fixed?: { readonly [wire: string]: string | number | boolean };
      /**
       * The body travels as JSON-RPC 2.0: with \`method\`, the body is its \`params\` and the
       * answer's \`result\` is returned; without, the caller's method and params go as they are
       * and the answer's \`result\` (or, on an error member, the whole answer) comes back
       * untouched. \`id\`: a number, or \`counter\` (a per-client counter sent as a string).
       */
      readonly rpc?: { readonly method?: string; readonly id: number | 'counter'; readonly onError: 'raise' | 'return' };
      /** The answer is \`envelope\` (a schema) wrapping the result in \`unwrap\`; a bare result is accepted too. */
      readonly unwrap?: string;
      readonly envelope?: string;
    }

    export const operations = {
      ${model.operations.map((op) => descriptor(model, op))}
    } as const satisfies Record<string, OperationDescriptor>;
  `;
}

/** `src/generated/schemas.ts`: the zod schemas of the success responses, re-exported from @agenttrustid/spec. */
export function schemasModule(model: ApiModel, header: string): string {
  const names = new Set<string>();
  for (const op of model.operations) {
    const t = op.response.type;
    if (t?.kind === 'ref') names.add(t.name);
    const ret = returnType(model, op);
    for (const r of [t, ret]) {
      const item = r?.kind === 'array' ? r.items : r;
      if (item?.kind === 'ref') names.add(item.name);
    }
  }
  return code`
    ${header}
    // Loaded on the first response, so importing the SDK does not build zod schemas.
    export {
      ${[...names].sort().map((n) => `${n},`)}
    } from '@agenttrustid/spec/zod';
  `;
}
