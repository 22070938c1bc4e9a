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
  /** `alias`: the named schema it came from (`Metadata`), for languages that keep the name. */
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
  /**
   * `x-sdk-generate: uuid`: when a request leaves this optional field out, the SDK fills it with
   * a fresh random UUID (A2A `messageId`).
   */
  generate?: 'uuid';
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

/** `header` parameters are arguments too (the MCP proxy's `X-Agent-ID`); `name.wire` is the header name. */
export type ParamLocation = 'path' | 'query' | 'body' | 'header';

/**
 * `x-sdk-shorthands` on an operation: the argument also accepts a plain value of type `accepts`,
 * from which the SDK builds `builds` with every string `"{value}"` in it replaced by the value
 * (the guide's `a2a.sendMessage(agentId, "text")`).
 */
export interface Shorthand {
  accepts: 'string';
  builds: JsonValue;
}

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
  shorthand?: Shorthand;
  /** From the body property's `x-sdk-generate`. */
  generate?: 'uuid';
}

/**
 * `x-sdk-cache` on an operation: the client-side token cache.
 * - `store`: answers are cached per the values of the `key` arguments (wire names) until the
 *   answer's `expiresAt` field (wire name), unless the caller passes `optOut` (an SDK-only
 *   boolean argument, default true = use the cache). `issuedAt` (the answer's field) lets the
 *   SDK measure the lifetime on the gateway's clock, so client clock skew does not matter.
 * - `evict`: a successful call drops the cached entries whose `field` (a key argument or a field
 *   of the cached answer, wire name) equals this call's `param` argument.
 */
export type CacheRule =
  | { kind: 'store'; key: string[]; issuedAt?: string; expiresAt: string; optOut: Name }
  | { kind: 'evict'; field: string; param: string };

/** How the SDK surface shapes an operation, beyond its wire (from the `x-sdk-*` extensions). */
export interface SdkShape {
  /**
   * `x-sdk-args`: wire names of the arguments taken positionally, in order, per language (for
   * languages with positional arguments; keyword-argument languages may ignore it). Default: the
   * path parameters in path order.
   */
  args: Record<Language, string[]>;
  /** `x-sdk-void`: languages whose method returns nothing (the answer is still validated). */
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
  /**
   * The API key is optional (`security` lists the empty alternative `{}` beside the key): it is
   * sent when the client has one, and a client without one may still call (the public agent card).
   */
  keyOptional: boolean;
  /**
   * A security alternative of the operation adds an agent's credentials: an HTTP bearer scheme and
   * a `DPoP` header scheme (RFC 9449). The SDK lets a call carry `AgentCredentials`.
   */
  agentCredentials: boolean;
  pathParams: Param[];
  queryParams: Param[];
  headerParams: Param[];
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
  sdk: SdkShape;
  /**
   * Required body fields with a `const` value: the SDK always sends them and they are not
   * arguments (`action_source: api`, `jsonrpc: "2.0"`).
   */
  fixed: { wire: string; value: string | number | boolean }[];
  /** `x-sdk-unwrap`: the method returns this member of the 2xx body (a bare body is accepted too). */
  unwrap?: string;
  /** `x-sdk-service`: a key of `facts.defaults.services`; the operation goes to that base URL. */
  service?: string;
  /** `x-sdk-root`: the method lives on the client itself, not on its resource. */
  root: boolean;
  /** `x-sdk-rpc`: the body travels in a JSON-RPC 2.0 envelope (see `RpcCall`). */
  rpc?: RpcCall;
  /**
   * The HTTP operation's operationId: equal to `id`, except for the methods of an `x-sdk-rpc`
   * list, which share one HTTP operation (the key the mock's journal and faults use).
   */
  httpId: string;
}

/**
 * How an operation's body travels as JSON-RPC 2.0.
 * - With `method`: the arguments are the `params` object; the SDK sends
 *   `{"jsonrpc": "2.0", "id": <id>, "method": <method>, "params": {...}}` and returns `result`.
 * - Without: the caller gives `method` and `params` (a proxy); the SDK fills `jsonrpc` and `id`
 *   and returns the whole JSON-RPC response.
 * `id`: a number sent as is, or `counter` (a per-client counter sent as a string). `onError`: a
 * JSON-RPC `error` member raises an error (`raise`) or is returned (`return`).
 */
export interface RpcCall {
  method?: string;
  id: number | 'counter';
  onError: 'raise' | 'return';
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
  /** The spec's root `x-sdk`: defaults, limits and error mapping every SDK shares. */
  facts: SpecFacts;
}

/**
 * Facts every SDK runtime needs and none may retype: emitted per language as a facts module
 * (TS `facts.ts`, Python `_facts.py`, Go `facts.go`). Durations in milliseconds.
 */
export interface SpecFacts {
  defaults: {
    baseUrl: string;
    /** Environment variables, in the order they are read. */
    env: { baseUrl: string[]; apiKey: string[] };
    timeoutMs: number;
    maxRetries: number;
    retry: {
      initialDelayMs: number;
      maxDelayMs: number;
      /** A longer Retry-After is not waited for: the error is raised instead. */
      maxRetryAfterMs: number;
      /** Statuses retried, listed; plus every status within `statusRanges` (inclusive). */
      statuses: number[];
      statusRanges: [number, number][];
    };
    breaker: { failureThreshold: number; windowMs: number; cooldownMs: number };
    telemetry: { batchSize: number; capacity: number; flushIntervalMs: number };
    /**
     * Split deployments: operations with `service` go to that service's base URL, read from
     * `env`, else derived from the gateway's base URL by replacing `derive.from` with `derive.to`
     * when it contains it, else the gateway's base URL itself.
     */
    services: { name: string; env: string[]; derive?: { from: string; to: string } }[];
    /** The keys `fromConfig(path)` reads from a JSON config file. */
    configFileKeys: string[];
  };
  /** Agent identity constants (keys, proof of possession, WIMSE credentials, DPoP). */
  identity: {
    /** The proof-of-possession message template: `{nonce}`, `{agent_id}`, `{audience}` (joined by ","), `{ts}` (unix seconds). */
    popMessage: string;
    /** Credentials renew their token this long before it expires. */
    refreshBeforeMs: number;
    /** The lifetime assumed for a token whose `expires_at` does not parse. */
    fallbackTtlMs: number;
    dpop: { typ: string; alg: string; maxAgeMs: number };
    keychainService: string;
  };
  limits: {
    /** Code points. */
    toolName: number;
    /** Code points of an input summary. */
    summary: number;
    errorType: number;
    /** Code points of a session id (the check's `session_id`). */
    sessionId: number;
    /** Events in one telemetry request (the gateway's maxItems). */
    telemetryBatch: number;
  };
  errors: {
    /** The code an error status implies when the body carries no code the SDK knows. */
    codeByStatus: { status: number; code: string }[];
    /** The code of any other 5xx, and of any other non-2xx status. */
    otherServerCode: string;
    otherCode: string;
    /**
     * The error class of an error: first by its code (`byCode`), then by its status (`byStatus`,
     * then `serverError` for any 5xx), else the base class. Class names as words
     * (`not_found_error`), cased per language.
     */
    classes: {
      byCode: { code: string; class: Name }[];
      byStatus: { status: number; class: Name }[];
      serverError: Name;
    };
  };
}
