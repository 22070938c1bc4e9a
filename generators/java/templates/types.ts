/**
 * How model types become Java: the type of a TypeRef, and the expressions that decode a JSON
 * node into it and encode it back (through the runtime's `Json` helpers).
 */
import type { ApiModel, NamedType, TypeRef } from '../../src/model/index.ts';
import { typeName } from '../naming.ts';

export interface JavaCtx {
  model: ApiModel;
  byWire: Map<string, NamedType>;
  /** `Type.wire` of body members the SDK fills itself (a JSON-RPC proxy body's `id`): never required of the caller. */
  filled: Set<string>;
}

export function named(ctx: JavaCtx, wire: string): NamedType {
  const t = ctx.byWire.get(wire);
  if (!t) throw new Error(`unknown type ${wire}`);
  return t;
}

/** The Java type of a ref; `boxed` for generics and nullable storage. */
export function javaType(ctx: JavaCtx, t: TypeRef, boxed = true): string {
  switch (t.kind) {
    case 'primitive':
      if (t.type === 'string') return t.format === 'date-time' ? 'OffsetDateTime' : 'String';
      if (t.type === 'integer') return boxed ? 'Long' : 'long';
      if (t.type === 'number') return boxed ? 'Double' : 'double';
      return boxed ? 'Boolean' : 'boolean';
    case 'array':
      return `List<${javaType(ctx, t.items)}>`;
    case 'map':
      return `Map<String, ${javaType(ctx, t.values)}>`;
    case 'any':
      return 'Object';
    case 'ref':
      return typeName(named(ctx, t.name).name);
  }
}

/** A Java lambda decoding a node at a path into the type (its parameters named by depth). */
export function decoder(ctx: JavaCtx, t: TypeRef, depth = 0): string {
  const n = `n${depth}`;
  const p = `p${depth}`;
  return `(${n}, ${p}) -> ${decodeExpr(ctx, t, n, p, depth + 1)}`;
}

/** The expression decoding node `n` (at path expression `p`) into the type. */
export function decodeExpr(ctx: JavaCtx, t: TypeRef, n: string, p: string, depth = 0): string {
  switch (t.kind) {
    case 'primitive':
      if (t.type === 'string')
        return t.format === 'date-time' ? `Json.dateTime(${n}, ${p})` : `Json.string(${n}, ${p})`;
      if (t.type === 'integer') return `Json.integer(${n}, ${p})`;
      if (t.type === 'number') return `Json.number(${n}, ${p})`;
      return `Json.bool(${n}, ${p})`;
    case 'array':
      return `Json.list(${n}, ${p}, ${decoder(ctx, t.items, depth)})`;
    case 'map':
      if (t.values.kind === 'any') return `Json.freeMap(${n}, ${p})`;
      return `Json.typedMap(${n}, ${p}, ${decoder(ctx, t.values, depth)})`;
    case 'any':
      return `Json.any(${n})`;
    case 'ref':
      return `${typeName(named(ctx, t.name).name)}.fromJson(${n}, ${p})`;
  }
}

/** The expression encoding the (non-null) value `v` of the type as a JsonNode. */
export function encodeExpr(ctx: JavaCtx, t: TypeRef, v: string): string {
  switch (t.kind) {
    case 'primitive':
      if (t.format === 'date-time') return `Json.dateTime(${v})`;
      if (t.type === 'string') return `Json.NODES.textNode(${v})`;
      if (t.type === 'integer') return `Json.NODES.numberNode(${v})`;
      if (t.type === 'number') return `Json.NODES.numberNode(${v})`;
      return `Json.NODES.booleanNode(${v})`;
    case 'array':
      return `Json.array(${v}, x${v.length} -> ${encodeExpr(ctx, t.items, `x${v.length}`)})`;
    case 'map':
    case 'any':
      return `Json.tree(${v})`;
    case 'ref':
      return `${v}.toJson()`;
  }
}

/** The imports a Java source needs for the types it names. */
export function imports(body: string): string[] {
  const out: string[] = [];
  const add = (cond: boolean, imp: string) => cond && out.push(imp);
  add(/\bJsonNode\b/.test(body), 'com.fasterxml.jackson.databind.JsonNode');
  add(/\bObjectNode\b/.test(body), 'com.fasterxml.jackson.databind.node.ObjectNode');
  add(/\bJson\./.test(body), 'id.agenttrust.sdk.internal.Json');
  add(/\bJsonValue\b/.test(body), 'id.agenttrust.sdk.internal.JsonValue');
  add(/\bFacts\./.test(body), 'id.agenttrust.sdk.internal.Facts');
  add(/\bOperation\b/.test(body), 'id.agenttrust.sdk.internal.Operation');
  add(/\bTransport\b/.test(body), 'id.agenttrust.sdk.internal.Transport');
  add(/\bResponseCache\b/.test(body), 'id.agenttrust.sdk.internal.ResponseCache');
  add(/\bRawResponse\b/.test(body), 'id.agenttrust.sdk.RawResponse');
  add(/\bOffsetDateTime\b/.test(body), 'java.time.OffsetDateTime');
  add(/\bArrayList\b/.test(body), 'java.util.ArrayList');
  add(/\bCollections\b/.test(body), 'java.util.Collections');
  add(/\bLinkedHashMap\b/.test(body), 'java.util.LinkedHashMap');
  add(/\bList\b/.test(body), 'java.util.List');
  add(/\bMap\b/.test(body), 'java.util.Map');
  add(/\bObjects\b/.test(body), 'java.util.Objects');
  add(/\bOptional\b/.test(body), 'java.util.Optional');
  add(/\bUUID\b/.test(body), 'java.util.UUID');
  add(/\bCompletableFuture\b/.test(body), 'java.util.concurrent.CompletableFuture');
  return out.sort();
}
