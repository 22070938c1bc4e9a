import { readFile } from 'node:fs/promises';
import { validate } from '@readme/openapi-parser';
import { parse as parseYaml } from 'yaml';
import { makeName } from './casing';
import { SpecModelError } from './errors';
import { LANGUAGES, sdkShape, sdkWords, specFacts, wordsName } from './sdk';
import type {
  ApiModel,
  Constraints,
  EnumType,
  HttpMethod,
  JsonValue,
  Language,
  Name,
  NamedType,
  ObjectType,
  Operation,
  Param,
  Property,
  Resource,
  RpcCall,
  TypeRef,
  UnionType,
} from './types';

export { SpecModelError };

type Schema = Record<string, any>;
type Doc = Record<string, any>;

/** What the SDK operations of one HTTP operation share. */
interface HttpShape {
  pointer: string;
  method: HttpMethod;
  path: string;
  /** The raw operation object. */
  op: Schema;
  pathParams: Param[];
  queryParams: Param[];
  headerParams: Param[];
  errorStatuses: number[];
  security: unknown[];
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const SCHEMA_PREFIX = '#/components/schemas/';

/**
 * Reads an OpenAPI 3.1 document (YAML or JSON, YAML merge keys honoured) and validates it with
 * @readme/openapi-parser. Throws `SpecModelError` naming every problem the validator found.
 */
export async function loadSpec(path: string): Promise<Doc> {
  const text = await readFile(path, 'utf8');
  let doc: Doc;
  try {
    doc = parseYaml(text, { merge: true, maxAliasCount: -1 }) as Doc;
  } catch (error) {
    throw new SpecModelError(`not valid YAML/JSON: ${(error as Error).message}`, path);
  }
  if (typeof doc !== 'object' || doc === null) throw new SpecModelError('not an OpenAPI document', path);
  // The validator dereferences in place; give it a copy so the model keeps `$ref` names.
  const result = await validate(structuredClone(doc) as Parameters<typeof validate>[0]);
  if (!result.valid) {
    const problems = result.errors.map((e: { message: string }) => e.message).join('\n');
    throw new SpecModelError(`invalid OpenAPI document:\n${problems}`, path);
  }
  if (!String(doc.openapi).startsWith('3.1'))
    throw new SpecModelError('only OpenAPI 3.1 is supported', '#/openapi');
  return doc;
}

/** Loads, validates and models the spec at `path`. */
export async function modelFromFile(path: string): Promise<ApiModel> {
  return buildModel(await loadSpec(path));
}

/** Builds the language-neutral model of a validated OpenAPI 3.1 document (see `types.ts`). */
export function buildModel(doc: Doc): ApiModel {
  return new ModelBuilder(doc).build();
}

function overridesOf(node: Schema | undefined, pointer: string): Name['overrides'] {
  const raw = node?.['x-names'];
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null) throw new SpecModelError('x-names must be an object', pointer);
  const out: Name['overrides'] = {};
  for (const [lang, value] of Object.entries(raw)) {
    if (!LANGUAGES.includes(lang as Language))
      throw new SpecModelError(`x-names names an unknown language '${lang}'`, pointer);
    if (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value))
      throw new SpecModelError(`x-names.${lang} must be an identifier`, pointer);
    out[lang as Language] = value;
  }
  return out;
}

function constraintsOf(s: Schema): Constraints {
  const out: Constraints = {};
  for (const key of [
    'minLength',
    'maxLength',
    'pattern',
    'minimum',
    'maximum',
    'minItems',
    'maxItems',
  ] as const) {
    if (s[key] !== undefined) (out as Record<string, unknown>)[key] = s[key];
  }
  return out;
}

const pascalOf = (wire: string) =>
  makeName(wire)
    .words.map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

class ModelBuilder {
  private readonly schemas: Record<string, Schema>;
  private readonly types = new Map<string, NamedType>();
  /** Named types in output order: spec order, synthesized types right after their parent. */
  private readonly order: string[] = [];

  /** True when a security alternative names a bearer scheme and a `DPoP` header scheme. */
  private carriesDPoP(alternative: unknown): boolean {
    const schemes = this.doc.components?.securitySchemes ?? {};
    const used = Object.keys(alternative ?? {}).map((name) => schemes[name] ?? {});
    const bearer = used.some((s) => s.type === 'http' && String(s.scheme).toLowerCase() === 'bearer');
    const dpop = used.some(
      (s) => s.type === 'apiKey' && s.in === 'header' && String(s.name).toLowerCase() === 'dpop',
    );
    return bearer && dpop;
  }

  constructor(private readonly doc: Doc) {
    this.schemas = doc.components?.schemas ?? {};
  }

  build(): ApiModel {
    for (const [name, schema] of Object.entries(this.schemas)) {
      if (this.isFreeFormMap(schema)) continue; // inlined as `map` where referenced
      this.namedType(name, schema, `${SCHEMA_PREFIX}${name}`);
    }
    const operations = this.operations();
    const resources = this.resources(operations);
    this.markUsage(operations);

    const errorCode = this.types.get('ErrorCode');
    if (errorCode?.kind !== 'enum')
      throw new SpecModelError('an ErrorCode string enum is required', SCHEMA_PREFIX);
    if (this.types.get('ErrorEnvelope')?.kind !== 'object')
      throw new SpecModelError('an ErrorEnvelope object is required', SCHEMA_PREFIX);

    return {
      title: String(this.doc.info?.title ?? ''),
      version: String(this.doc.info?.version ?? ''),
      defaultBaseUrl: String(this.doc.servers?.[0]?.url ?? 'http://localhost:8080'),
      resources,
      operations,
      types: this.order.map((n) => this.types.get(n)!),
      errorCodes: errorCode.values,
      errorEnvelope: 'ErrorEnvelope',
      facts: specFacts(this.doc, new Set(errorCode.values.map((v) => v.value))),
    };
  }

  // --- types ------------------------------------------------------------------------------------

  private isFreeFormMap(s: Schema): boolean {
    return s.type === 'object' && !s.properties && s.additionalProperties !== undefined && !s.oneOf;
  }

  private refName(ref: string, pointer: string): string {
    if (!ref.startsWith(SCHEMA_PREFIX)) throw new SpecModelError(`unsupported $ref '${ref}'`, pointer);
    const name = ref.slice(SCHEMA_PREFIX.length);
    if (!this.schemas[name]) throw new SpecModelError(`$ref to a missing schema '${name}'`, pointer);
    return name;
  }

  private namedType(
    name: string,
    s: Schema,
    pointer: string,
    syntheticFrom?: NamedType['syntheticFrom'],
  ): void {
    if (this.types.has(name)) {
      if (syntheticFrom)
        throw new SpecModelError(`generated type name '${name}' collides with another`, pointer);
      return;
    }
    const base = {
      name: makeName(name, overridesOf(s, pointer)),
      ...(s.description ? { description: String(s.description).trim() } : {}),
      usage: { request: false, response: false },
      ...(syntheticFrom ? { syntheticFrom } : {}),
    };
    this.order.push(name);
    if (s.oneOf) {
      const union: UnionType = { ...base, kind: 'union', variants: [] };
      this.types.set(name, union);
      const mapping: Record<string, string> = s.discriminator?.mapping ?? {};
      const byType = new Map(
        Object.entries(mapping).map(([value, ref]) => [this.refName(ref, pointer), value]),
      );
      for (const [i, variant] of (s.oneOf as Schema[]).entries()) {
        if (!variant.$ref)
          throw new SpecModelError('oneOf variants must be $refs to named objects', `${pointer}/oneOf/${i}`);
        const type = this.refName(variant.$ref, `${pointer}/oneOf/${i}`);
        let value = byType.get(type);
        const prop = s.discriminator?.propertyName;
        // Without a mapping, a variant's `const` on the discriminator gives its value.
        if (value === undefined && prop) value = this.schemas[type]?.properties?.[prop]?.const;
        union.variants.push({ type, ...(value !== undefined ? { discriminatorValue: String(value) } : {}) });
      }
      if (s.discriminator?.propertyName) union.discriminator = String(s.discriminator.propertyName);
      return;
    }
    if (s.enum) {
      const enumType: EnumType = { ...base, kind: 'enum', values: this.enumValues(s, pointer) };
      this.types.set(name, enumType);
      return;
    }
    if (s.type === 'object' || s.properties) {
      const obj: ObjectType = {
        ...base,
        kind: 'object',
        properties: [],
        additionalProperties: s.additionalProperties !== false,
      };
      this.types.set(name, obj);
      const required = new Set<string>(s.required ?? []);
      for (const [prop, ps] of Object.entries<Schema>(s.properties ?? {})) {
        obj.properties.push(
          this.property(name, prop, ps, required.has(prop), `${pointer}/properties/${prop}`),
        );
      }
      for (const r of required) {
        if (!s.properties?.[r]) throw new SpecModelError(`required property '${r}' is not defined`, pointer);
      }
      return;
    }
    throw new SpecModelError('a named schema must be an object, a string enum or a oneOf', pointer);
  }

  private generated(ps: Schema, pointer: string): { generate?: 'uuid' } {
    const raw = ps['x-sdk-generate'];
    if (raw === undefined) return {};
    if (raw !== 'uuid')
      throw new SpecModelError("x-sdk-generate must be 'uuid'", `${pointer}/x-sdk-generate`);
    if (ps.type !== 'string') throw new SpecModelError('x-sdk-generate needs a string property', pointer);
    return { generate: 'uuid' };
  }

  /** A property's or parameter's Name: the wire key, with `x-sdk-name` words and `x-names` overrides. */
  private name(wire: string, node: Schema, pointer: string): Name {
    const name = makeName(wire, overridesOf(node, pointer));
    const words = sdkWords(node, pointer);
    return words ? { ...name, words } : name;
  }

  private enumValues(s: Schema, pointer: string): EnumType['values'] {
    const descriptions: Record<string, string> = s['x-enum-descriptions'] ?? {};
    const names: Record<string, unknown> = s['x-enum-names'] ?? {};
    for (const key of Object.keys(names)) {
      if (!(s.enum as unknown[]).includes(key))
        throw new SpecModelError(
          `x-enum-names names '${key}', which is not a value`,
          `${pointer}/x-enum-names`,
        );
    }
    return (s.enum as unknown[]).map((v) => {
      if (typeof v !== 'string') throw new SpecModelError('only string enums are supported', pointer);
      const at = `${pointer}/x-enum-names/${v}`;
      const custom = names[v];
      // A string gives the member's words in every language; an object, identifiers per language.
      const name =
        custom === undefined
          ? makeName(v)
          : typeof custom === 'string'
            ? { ...wordsName(custom, at), wire: v }
            : makeName(v, overridesOf({ 'x-names': custom }, at));
      return { value: v, name, ...(descriptions[v] ? { description: descriptions[v] } : {}) };
    });
  }

  private property(parent: string, prop: string, ps: Schema, required: boolean, pointer: string): Property {
    const { type, nullable } = this.typeRef(ps, pointer, { schema: parent, property: prop });
    return {
      name: this.name(prop, ps, pointer),
      type,
      required,
      nullable,
      ...(ps.description ? { description: String(ps.description).trim() } : {}),
      ...(ps.default !== undefined ? { default: ps.default as JsonValue } : {}),
      secret: ps['x-secret'] === true,
      ...this.generated(ps, pointer),
      readOnly: ps.readOnly === true,
      writeOnly: ps.writeOnly === true,
      deprecated: ps.deprecated === true,
      constraints: constraintsOf(ps),
    };
  }

  /**
   * The reference to the type of schema `s` and whether it admits null. Inline enums and objects
   * become named types `<Parent><Property>` (`owner`), so typed languages can declare them.
   */
  private typeRef(
    s: Schema,
    pointer: string,
    owner?: { schema: string; property: string },
  ): { type: TypeRef; nullable: boolean } {
    if (s.$ref) {
      const name = this.refName(s.$ref, pointer);
      const target = this.schemas[name]!;
      if (this.isFreeFormMap(target)) {
        const inner = this.typeRef(target, `${SCHEMA_PREFIX}${name}`, owner);
        return inner.type.kind === 'map' ? { ...inner, type: { ...inner.type, alias: name } } : inner;
      }
      return { type: { kind: 'ref', name }, nullable: false };
    }
    if (s.allOf) {
      if (s.allOf.length !== 1) throw new SpecModelError('allOf is only supported with one member', pointer);
      return this.typeRef(s.allOf[0], `${pointer}/allOf/0`, owner);
    }
    if (s.anyOf || s.not) throw new SpecModelError('anyOf and not are not supported', pointer);
    if (s.oneOf) {
      const nullVariants = (s.oneOf as Schema[]).filter((v) => v.type === 'null');
      if (nullVariants.length && s.oneOf.length === 2) {
        const inner = this.typeRef((s.oneOf as Schema[]).find((v) => v.type !== 'null')!, pointer, owner);
        return { type: inner.type, nullable: true };
      }
      if (!owner) throw new SpecModelError('an inline oneOf needs a property to name it after', pointer);
      const name = `${owner.schema}${pascalOf(owner.property)}`;
      this.namedType(name, s, pointer, owner);
      return { type: { kind: 'ref', name }, nullable: false };
    }

    let types: string[] = Array.isArray(s.type) ? [...s.type] : s.type !== undefined ? [s.type] : [];
    const nullable = types.includes('null') || s.nullable === true;
    types = types.filter((t) => t !== 'null');
    if (types.length > 1)
      throw new SpecModelError(`a union of types ${types.join(', ')} is not supported`, pointer);
    const t = types[0];

    if (s.enum) {
      const values = (s.enum as unknown[]).filter((v) => v !== null);
      if (!owner) throw new SpecModelError('an inline enum needs a property to name it after', pointer);
      const name = `${owner.schema}${pascalOf(owner.property)}`;
      this.namedType(name, { ...s, type: 'string', enum: values }, pointer, owner);
      return { type: { kind: 'ref', name }, nullable: nullable || (s.enum as unknown[]).includes(null) };
    }
    switch (t) {
      case undefined:
        if (s.const !== undefined) return { type: this.primitiveOfConst(s.const, pointer), nullable };
        return { type: { kind: 'any' }, nullable };
      case 'string':
      case 'integer':
      case 'number':
      case 'boolean':
        return {
          type: {
            kind: 'primitive',
            type: t,
            ...(s.format ? { format: String(s.format) } : {}),
            ...(s.const !== undefined ? { const: s.const } : {}),
          },
          nullable,
        };
      case 'array':
        if (!s.items) throw new SpecModelError('an array needs items', pointer);
        return {
          type: { kind: 'array', items: this.typeRef(s.items, `${pointer}/items`, owner).type },
          nullable,
        };
      case 'object': {
        if (s.properties) {
          if (!owner) throw new SpecModelError('an inline object needs a property to name it after', pointer);
          const name = `${owner.schema}${pascalOf(owner.property)}`;
          this.namedType(name, s, pointer, owner);
          return { type: { kind: 'ref', name }, nullable };
        }
        const ap = s.additionalProperties;
        const values: TypeRef =
          ap && typeof ap === 'object'
            ? this.typeRef(ap, `${pointer}/additionalProperties`, owner).type
            : { kind: 'any' };
        return { type: { kind: 'map', values }, nullable };
      }
      default:
        throw new SpecModelError(`unsupported type '${String(t)}'`, pointer);
    }
  }

  private primitiveOfConst(value: unknown, pointer: string): TypeRef {
    switch (typeof value) {
      case 'string':
        return { kind: 'primitive', type: 'string', const: value };
      case 'boolean':
        return { kind: 'primitive', type: 'boolean', const: value };
      case 'number':
        return { kind: 'primitive', type: Number.isInteger(value) ? 'integer' : 'number', const: value };
      default:
        throw new SpecModelError('const must be a string, number or boolean', pointer);
    }
  }

  // --- operations -------------------------------------------------------------------------------

  private deref(node: Schema, pointer: string): Schema {
    if (!node?.$ref) return node;
    const ref = String(node.$ref);
    if (!ref.startsWith('#/'))
      throw new SpecModelError(`only local $refs are supported, not '${ref}'`, pointer);
    const target = ref
      .slice(2)
      .split('/')
      .reduce<any>((at, key) => at?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], this.doc);
    if (target === undefined) throw new SpecModelError(`unresolved $ref '${ref}'`, pointer);
    return this.deref(target, ref);
  }

  private param(raw: Schema, pointer: string): Param {
    const p = this.deref(raw, pointer);
    if (!p.schema) throw new SpecModelError('a parameter needs a schema', pointer);
    const { type, nullable } = this.typeRef(p.schema, `${pointer}/schema`);
    return {
      name: this.name(p.name, p, pointer),
      location: p.in,
      type,
      required: p.required === true,
      nullable,
      ...(p.description ? { description: String(p.description).trim() } : {}),
      ...(p.schema.default !== undefined ? { default: p.schema.default } : {}),
      secret: p['x-secret'] === true,
      constraints: constraintsOf(p.schema),
    };
  }

  private operations(): Operation[] {
    const ops: Operation[] = [];
    const seen = new Set<string>();
    for (const [path, rawItem] of Object.entries<Schema>(this.doc.paths ?? {})) {
      const itemPointer = `#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const item = this.deref(rawItem, itemPointer);
      for (const method of HTTP_METHODS) {
        const op = item[method];
        if (!op) continue;
        const pointer = `${itemPointer}/${method}`;
        const id = op.operationId;
        if (typeof id !== 'string') throw new SpecModelError('every operation needs an operationId', pointer);
        if (seen.has(id)) throw new SpecModelError(`duplicate operationId '${id}'`, pointer);
        seen.add(id);
        const sdkMethod = op['x-sdk-method'];
        if (typeof sdkMethod !== 'string' || !/^[a-z][A-Za-z0-9]*$/.test(sdkMethod))
          throw new SpecModelError('x-sdk-method must be a camelCase identifier', pointer);
        if (!Array.isArray(op.tags) || op.tags.length !== 1)
          throw new SpecModelError('an operation needs exactly one tag (its resource)', pointer);

        const byKey = new Map<string, Param>();
        for (const [i, raw] of [...(item.parameters ?? []), ...(op.parameters ?? [])].entries()) {
          const param = this.param(raw, `${pointer}/parameters/${i}`);
          if (param.location !== ('cookie' as string))
            byKey.set(`${param.location}:${param.name.wire}`, param); // operation-level wins
        }
        const declared = [...byKey.values()];
        const pathNames = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
        const pathParams = pathNames.map((n) => {
          const p = declared.find((d) => d.location === 'path' && d.name.wire === n);
          if (!p) throw new SpecModelError(`path parameter '${n}' is not declared`, pointer);
          return p;
        });
        const http: HttpShape = {
          pointer,
          method: method.toUpperCase() as HttpMethod,
          path,
          op,
          pathParams,
          queryParams: declared.filter((d) => d.location === 'query'),
          headerParams: declared.filter((d) => d.location === 'header'),
          errorStatuses: Object.keys(op.responses ?? {})
            .filter((s) => /^[45]\d\d$/.test(s))
            .map(Number)
            .sort((a, b) => a - b),
          security: op.security ?? this.doc.security ?? [],
        };

        const rpc = op['x-sdk-rpc'];
        if (rpc?.methods !== undefined) {
          for (const built of this.rpcMethods(id, sdkMethod, http, rpc, `${pointer}/x-sdk-rpc`)) {
            if (built.id !== id && seen.has(built.id))
              throw new SpecModelError(`duplicate operationId '${built.id}'`, pointer);
            seen.add(built.id);
            ops.push(built);
          }
          continue;
        }

        let body: { type: string; required: boolean } | undefined;
        if (op.requestBody) {
          const rb = this.deref(op.requestBody, `${pointer}/requestBody`);
          const schema = rb.content?.['application/json']?.schema;
          if (!schema?.$ref)
            throw new SpecModelError('a request body must be a $ref to a named object', pointer);
          body = {
            type: this.refName(schema.$ref, `${pointer}/requestBody`),
            required: rb.required === true,
          };
        }
        const statuses = Object.keys(op.responses ?? {});
        const success = statuses.filter((s) => /^2\d\d$/.test(s)).sort();
        if (success.length !== 1)
          throw new SpecModelError('an operation needs exactly one 2xx response', `${pointer}/responses`);
        const status = Number(success[0]);
        const resp = this.deref(op.responses[success[0]!], `${pointer}/responses/${status}`);
        const respSchema = resp.content?.['application/json']?.schema;
        const response: Operation['response'] = { status };
        if (respSchema) response.type = this.typeRef(respSchema, `${pointer}/responses/${status}`).type;
        const rpcCall = rpc === undefined ? undefined : this.rpcCall(rpc, undefined, `${pointer}/x-sdk-rpc`);
        ops.push(
          this.operation(
            id,
            id,
            makeName(sdkMethod, overridesOf(op, pointer)),
            op,
            http,
            body,
            response,
            rpcCall,
          ),
        );
      }
    }
    return ops;
  }

  /** One SDK operation: its arguments flattened from path, header, query and body. */
  private operation(
    id: string,
    httpId: string,
    name: Name,
    node: Schema,
    http: HttpShape,
    body: { type: string; required: boolean } | undefined,
    response: Operation['response'],
    rpc: RpcCall | undefined,
    renames: Record<string, string> = {},
  ): Operation {
    const { pointer } = http;
    const fixed: Operation['fixed'] = [];
    const bodyFields: Param[] = [];
    if (body) {
      const t = this.types.get(body.type);
      if (t?.kind !== 'object') throw new SpecModelError('a request body must be an object', pointer);
      for (const p of t.properties) {
        const value = p.type.kind === 'primitive' ? p.type.const : undefined;
        if (value !== undefined && p.required) {
          fixed.push({ wire: p.name.wire, value });
          continue;
        }
        // A proxied JSON-RPC envelope: the SDK fills its id.
        if (rpc && !rpc.method && p.name.wire === 'id') continue;
        bodyFields.push({
          name: p.name,
          location: 'body' as const,
          type: p.type,
          required: p.required && body.required,
          nullable: p.nullable,
          ...(p.description ? { description: p.description } : {}),
          ...(p.default !== undefined ? { default: p.default } : {}),
          secret: p.secret,
          constraints: p.constraints,
          ...(p.generate ? { generate: p.generate } : {}),
        });
      }
    }
    for (const [wire, words] of Object.entries(renames)) {
      const at = bodyFields.findIndex((p) => p.name.wire === wire);
      if (at < 0) throw new SpecModelError(`x-sdk-name names '${wire}', which is not a parameter`, pointer);
      bodyFields[at] = {
        ...bodyFields[at]!,
        name: { ...bodyFields[at]!.name, words: wordsName(words, pointer).words },
      };
    }
    const { pathParams, queryParams, headerParams } = http;
    const params = [
      ...pathParams,
      ...bodyFields.filter((p) => p.required),
      ...headerParams.filter((p) => p.required),
      ...queryParams.filter((p) => p.required),
      ...bodyFields.filter((p) => !p.required),
      ...headerParams.filter((p) => !p.required),
      ...queryParams.filter((p) => !p.required),
    ];
    const wireNames = new Set<string>();
    for (const p of params) {
      if (wireNames.has(p.name.wire))
        throw new SpecModelError(
          `argument '${p.name.wire}' appears in two places (path, header, query, body)`,
          pointer,
        );
      wireNames.add(p.name.wire);
    }
    const unwrap = node['x-sdk-unwrap'] ?? node.unwrap;
    if (unwrap !== undefined && typeof unwrap !== 'string')
      throw new SpecModelError('x-sdk-unwrap must be a key of the answer', `${pointer}/x-sdk-unwrap`);
    const service = node['x-sdk-service'] ?? http.op['x-sdk-service'];
    const services = (this.doc['x-sdk']?.defaults?.services ?? {}) as Record<string, unknown>;
    if (service !== undefined && !(typeof service === 'string' && service in services))
      throw new SpecModelError(
        `'${service}' is not a service of x-sdk.defaults.services`,
        `${pointer}/x-sdk-service`,
      );
    const security = http.security;
    return {
      id,
      name,
      resource: http.op.tags[0],
      method: http.method,
      path: http.path,
      ...((node.summary ?? http.op.summary)
        ? { summary: String(node.summary ?? http.op.summary).trim() }
        : {}),
      ...((node.description ?? http.op.description)
        ? { description: String(node.description ?? http.op.description).trim() }
        : {}),
      deprecated: http.op.deprecated === true,
      auth: Array.isArray(security) && security.length > 0,
      keyOptional:
        Array.isArray(security) &&
        security.some((alt) => typeof alt === 'object' && alt !== null && Object.keys(alt).length === 0),
      agentCredentials: Array.isArray(security) && security.some((alt) => this.carriesDPoP(alt)),
      pathParams,
      queryParams,
      headerParams,
      ...(body ? { body } : {}),
      params,
      response,
      errorStatuses: http.errorStatuses,
      sdk: sdkShape(node, params, pathParams, pointer),
      fixed,
      ...(unwrap !== undefined ? { unwrap } : {}),
      ...(service !== undefined ? { service } : {}),
      root: (node['x-sdk-root'] ?? http.op['x-sdk-root']) === true,
      ...(rpc ? { rpc } : {}),
      httpId,
    };
  }

  private rpcCall(raw: Schema, method: string | undefined, pointer: string): RpcCall {
    const id = raw.id;
    if (id !== 'counter' && !Number.isInteger(id))
      throw new SpecModelError("id must be an integer or 'counter'", `${pointer}/id`);
    if (raw.on_error !== 'raise' && raw.on_error !== 'return')
      throw new SpecModelError("on_error must be 'raise' or 'return'", `${pointer}/on_error`);
    return { ...(method ? { method } : {}), id, onError: raw.on_error };
  }

  /** The SDK operations of one JSON-RPC endpoint's `x-sdk-rpc.methods`. */
  private rpcMethods(
    httpId: string,
    sdkMethod: string,
    http: HttpShape,
    rpc: Schema,
    pointer: string,
  ): Operation[] {
    if (!Array.isArray(rpc.methods) || rpc.methods.length === 0)
      throw new SpecModelError('methods must be a non-empty list', `${pointer}/methods`);
    return rpc.methods.map((entry: Schema, i: number) => {
      const at = `${pointer}/methods/${i}`;
      if (typeof entry.method !== 'string')
        throw new SpecModelError('method must be a string', `${at}/method`);
      const id = entry.operationId ?? (rpc.methods.length === 1 ? httpId : undefined);
      if (typeof id !== 'string')
        throw new SpecModelError('each of several methods needs its own operationId', `${at}/operationId`);
      const name = entry['x-sdk-method'] ?? sdkMethod;
      if (typeof name !== 'string' || !/^[a-z][A-Za-z0-9]*$/.test(name))
        throw new SpecModelError('x-sdk-method must be a camelCase identifier', `${at}/x-sdk-method`);
      const params = this.refName(`${SCHEMA_PREFIX}${entry.params}`, `${at}/params`);
      const result = this.refName(`${SCHEMA_PREFIX}${entry.result}`, `${at}/result`);
      const renames = entry['x-sdk-name'] ?? {};
      if (typeof renames !== 'object')
        throw new SpecModelError('x-sdk-name must map params to words', `${at}/x-sdk-name`);
      return this.operation(
        id,
        httpId,
        makeName(name, overridesOf(entry, at)),
        { ...entry, summary: entry.summary, description: entry.description },
        { ...http, pointer: at },
        { type: params, required: true },
        { status: 200, type: { kind: 'ref', name: result } },
        this.rpcCall(rpc, entry.method, pointer),
        renames,
      );
    });
  }

  private resources(operations: Operation[]): Resource[] {
    const tags: Schema[] = this.doc.tags ?? [];
    const out: Resource[] = tags.map((t, i) => ({
      name: makeName(t.name, overridesOf(t, `#/tags/${i}`)),
      ...(t.description ? { description: String(t.description).trim() } : {}),
      operations: [],
    }));
    for (const op of operations) {
      const res = out.find((r) => r.name.wire === op.resource);
      if (!res)
        throw new SpecModelError(`tag '${op.resource}' is not declared under tags`, `#/paths ${op.id}`);
      const clash = operations.find(
        (o) => o !== op && o.resource === op.resource && o.name.wire === op.name.wire,
      );
      if (clash) throw new SpecModelError(`'${op.resource}.${op.name.wire}' names two operations`, op.id);
      res.operations.push(op.id);
    }
    return out.filter((r) => r.operations.length > 0);
  }

  /** Marks each named type reachable from a request and/or a response. */
  private markUsage(operations: Operation[]): void {
    const visit = (ref: TypeRef, side: 'request' | 'response') => {
      if (ref.kind === 'array') return visit(ref.items, side);
      if (ref.kind === 'map') return visit(ref.values, side);
      if (ref.kind !== 'ref') return;
      const t = this.types.get(ref.name)!;
      if (t.usage[side]) return;
      t.usage[side] = true;
      if (t.kind === 'object') for (const p of t.properties) visit(p.type, side);
      if (t.kind === 'union') for (const v of t.variants) visit({ kind: 'ref', name: v.type }, side);
    };
    for (const op of operations) {
      for (const p of op.params) visit(p.type, 'request');
      if (op.body) visit({ kind: 'ref', name: op.body.type }, 'request');
      if (op.response.type) visit(op.response.type, 'response');
    }
    visit({ kind: 'ref', name: 'ErrorEnvelope' }, 'response');
  }
}
