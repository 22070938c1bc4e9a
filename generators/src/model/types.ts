/**
 * The language-neutral model of the AgentTrust ID spec: what every emitter (Python, Go, ...) reads
 * instead of the raw OpenAPI document. It is plain data (JSON-serializable, deterministic order:
 * the spec's own order), built once by `buildModel()` in `build.ts`.
 *
 * Shape, in brief:
 * - `resources`: one per spec tag, in tag order; each lists its operations (the tag names the SDK
 *   resource, `x-sdk-method` the method).
 * - `operations`: HTTP method + path, path/query params, request body, the success response, and
 *   `params`: the *flattened* argument list (path params, then body fields and query params) that
 *   languages with keyword arguments expose and that conformance scenarios name by wire name.
 * - `types`: every named type: `object` (properties with separate `required` and `nullable`),
 *   `enum` (always open: decoders must accept values the spec does not list), and `union`
 *   (oneOf, with its discriminator). Inline enums and inline objects are given names
 *   (`<Parent><Property>`, e.g. `A2aMessageRole`) so that statically typed languages can declare
 *   them. A named schema that is only a free-form map (`Metadata`) is inlined as a `map` type.
 * - `TypeRef`: how a property, parameter or response refers to a type: `primitive`, `array`,
 *   `map` (free-form object: keys pass through untouched), `any` (no schema), or `ref` to a
 *   named type.
 * - Every identifier is a `Name`: the wire spelling, its words, and the `x-names` overrides per
 *   language; `casing.ts` recases the words, `identifier()` applies the overrides.
 */

/** The languages an `x-names` override may name. */
export type Language = 'typescript' | 'python' | 'go' | 'java' | 'rust';

export interface Name {
  /** The spelling in the spec: a wire key (`agent_id`), schema name, tag or `x-sdk-method`. */
  wire: string;
  /** Lower-case words the wire spelling splits into (`agent_id` -> `['agent', 'id']`). */
  words: string[];
  /** `x-names` overrides, used verbatim by the languages they name. */
  overrides: Partial<Record<Language, string>>;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Constraints {
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

export type PrimitiveKind = 'string' | 'integer' | 'number' | 'boolean';

export type TypeRef =
  /** `format` is the spec's (`date-time`, `uri`, ...); `const` pins the only allowed value. */
  | { kind: 'primitive'; type: PrimitiveKind; format?: string; const?: string | number | boolean }
  | { kind: 'array'; items: TypeRef }
  /** A free-form object: string keys, user data that passes through untouched. */
  | { kind: 'map'; values: TypeRef; alias?: string }
  /** Any JSON value (a property without a schema). */
  | { kind: 'any' }
  /** A named type in `ApiModel.types`. */
  | { kind: 'ref'; name: string };

export interface Property {
  name: Name;
  type: TypeRef;
  /** The key must be present on the wire (in a response: always sent; in a request: must be sent). */
  required: boolean;
  /** The value may be JSON `null`. Independent of `required`: a required key may be null. */
  nullable: boolean;
  description?: string;
  default?: JsonValue;
  /** `x-secret`: never log, print or include in an error. */
  secret: boolean;
  readOnly: boolean;
  writeOnly: boolean;
  deprecated: boolean;
  constraints: Constraints;
}

export interface EnumValue {
  /** The wire value (`input-required`, `1.0`, `ACTION_DENIED`). */
  value: string;
  /** Words for a member name (`['input', 'required']`); emitters handle leading digits. */
  name: Name;
  description?: string;
}

/** Where a type is used: in requests, responses, or both. Emitters may skip request-only decoders. */
export interface Usage {
  request: boolean;
  response: boolean;
}

interface NamedTypeBase {
  name: Name;
  description?: string;
  usage: Usage;
  /** Set for types the model named itself (inline enums and objects): the schema they came from. */
  syntheticFrom?: { schema: string; property: string };
}

export interface ObjectType extends NamedTypeBase {
  kind: 'object';
  properties: Property[];
  /** `false` when the spec closes the object (`additionalProperties: false`, request bodies). */
  additionalProperties: boolean;
}

export interface EnumType extends NamedTypeBase {
  kind: 'enum';
  values: EnumValue[];
}

export interface UnionVariant {
  /** The variant's named object type. */
  type: string;
  /** The discriminator value that selects it. */
  discriminatorValue?: string;
}

export interface UnionType extends NamedTypeBase {
  kind: 'union';
  variants: UnionVariant[];
  /** Wire name of the discriminating property, when the spec gives one. */
  discriminator?: string;
}

export type NamedType = ObjectType | EnumType | UnionType;

export type ParamLocation = 'path' | 'query' | 'body';

export interface Param {
  name: Name;
  location: ParamLocation;
  type: TypeRef;
  required: boolean;
  nullable: boolean;
  description?: string;
  default?: JsonValue;
  secret: boolean;
  constraints: Constraints;
  /** `x-sdk-shorthands`: the argument also accepts a plain value that the SDK builds into `builds`. */
  shorthand?: { accepts: 'string'; builds: JsonValue };
}

/** `x-sdk-cache`: the client-side token cache rule of an operation (wire names). */
export interface CacheRule {
  store?: { key: string[]; expires_at: string; issued_at?: string; opt_out?: string };
  evict?: { field: string; param: string };
}

export interface OperationSdk {
  /** `x-sdk-args`: positional arguments per language (default: the path params, in path order). */
  args: Record<Language, string[]>;
  /** `x-sdk-void`: the languages whose method returns nothing. */
  void: Language[];
  cache?: CacheRule;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Operation {
  /** The spec's operationId (`createAgent`): the key conformance results and fault rules use. */
  id: string;
  /** The SDK method name, from `x-sdk-method` (`create`, `initSession`). */
  name: Name;
  /** The resource (spec tag) it belongs to. */
  resource: string;
  method: HttpMethod;
  /** Path template with `{wire_name}` placeholders (`/v1/agents/{agent_id}`). */
  path: string;
  summary?: string;
  description?: string;
  deprecated: boolean;
  /** False for public endpoints (`security: []`): no Authorization header is sent. */
  auth: boolean;
  pathParams: Param[];
  queryParams: Param[];
  /** The JSON request body: a named object type, and whether the body must be sent. */
  body?: { type: string; required: boolean };
  /**
   * The flattened argument list: path params (path order), the body's required fields, required
   * query params, then the body's optional fields and optional query params (spec order). Wire
   * names never collide across locations (the builder checks).
   */
  params: Param[];
  /** The success response: its status, and its body type (absent for 204). */
  response: { status: number; type?: TypeRef };
  /** The error statuses the spec declares for it. */
  errorStatuses: number[];
  sdk: OperationSdk;
}

export interface Resource {
  /** The tag (`agentCards`). */
  name: Name;
  description?: string;
  /** Operation ids, in spec order. */
  operations: string[];
}

export interface ApiModel {
  title: string;
  version: string;
  /** `servers[0].url`. */
  defaultBaseUrl: string;
  resources: Resource[];
  operations: Operation[];
  types: NamedType[];
  /** The `ErrorCode` enum's values with their descriptions. */
  errorCodes: EnumValue[];
  /** Name of the error envelope object type (`ErrorEnvelope`). */
  errorEnvelope: string;
}
