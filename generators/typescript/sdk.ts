/**
 * The model fields the TypeScript templates read, in one place: type lookups, how a TypeRef is
 * spelled, and the SDK call shape of an operation (`Operation.sdk`: positional arguments, methods
 * that return nothing, the token cache rule).
 */
import { SpecModelError } from '../src/model/index.ts';
import type { ApiModel, CacheRule, NamedType, Operation, Param, TypeRef } from '../src/model/types.ts';
import { ts } from './naming.ts';

export function findType(model: ApiModel, name: string): NamedType {
  const t = model.types.find((x) => x.name.wire === name);
  if (!t) throw new SpecModelError(`type '${name}' is not defined`, `#/components/schemas/${name}`);
  return t;
}

/** Inline enums the model named (`A2aMessageRole`) stay inline unions in TypeScript, as always. */
export const isInlineEnum = (t: NamedType) => t.kind === 'enum' && t.syntheticFrom !== undefined;

const literal = (v: string | number | boolean) => JSON.stringify(v);
const enumUnion = (t: NamedType) =>
  t.kind === 'enum' ? t.values.map((v) => literal(v.value)).join(' | ') || 'string' : 'never';

/** The TypeScript type of a model TypeRef, as the SDK surface (camelCase types) spells it. */
export function tsType(model: ApiModel, ref: TypeRef): string {
  switch (ref.kind) {
    case 'primitive':
      if (ref.const !== undefined) return literal(ref.const);
      return ref.type === 'integer' ? 'number' : ref.type;
    case 'array': {
      const item = tsType(model, ref.items);
      return /[ |&]/.test(item) ? `Array<${item}>` : `${item}[]`;
    }
    case 'map':
      if (ref.alias) return ref.alias;
      return `Record<string, ${ref.values.kind === 'any' ? 'unknown' : tsType(model, ref.values)}>`;
    case 'any':
      return 'unknown';
    case 'ref': {
      const t = findType(model, ref.name);
      return isInlineEnum(t) ? enumUnion(t) : ts.type(t.name);
    }
  }
}

export const nullableType = (model: ApiModel, ref: TypeRef, nullable: boolean) =>
  nullable ? `${tsType(model, ref)} | null` : tsType(model, ref);

/** Named types a TypeRef mentions (for imports). */
export function typeNames(model: ApiModel, ref: TypeRef | undefined, into: Set<string>): Set<string> {
  if (!ref) return into;
  if (ref.kind === 'array') typeNames(model, ref.items, into);
  else if (ref.kind === 'map') {
    if (ref.alias) into.add(ref.alias);
    else typeNames(model, ref.values, into);
  } else if (ref.kind === 'ref') {
    const t = findType(model, ref.name);
    if (!isInlineEnum(t)) into.add(ts.type(t.name));
  }
  return into;
}

/** How one operation looks as a TypeScript method. */
export interface CallShape {
  /** Positional arguments, in order (`Operation.sdk.args.typescript`). */
  positional: Param[];
  /** Everything else, passed as one object (empty: no object). */
  rest: Param[];
  /** The object's type when it is the request body type itself (passed whole), else undefined. */
  wholeBody?: string;
  /** The generated `<...>Params` interface's name, when `rest` needs one. */
  paramsType?: string;
  /** The method resolves to nothing (`Operation.sdk.void` names typescript, or no response body). */
  void: boolean;
  /** What the method resolves to: the unwrapped member, a proxy's any JSON, or the response type. */
  returns?: TypeRef;
  cache?: CacheRule;
}

export function callShape(model: ApiModel, op: Operation, resourceSingular: string): CallShape {
  const pointer = `#/paths/${op.path.replace(/~/g, '~0').replace(/\//g, '~1')}/${op.method.toLowerCase()}`;
  const argNames = op.sdk.args.typescript;
  const positional = argNames.map((wire) => {
    const p = op.params.find((x) => x.name.wire === wire);
    if (!p) throw new SpecModelError(`x-sdk-args names '${wire}', which is not a parameter`, pointer);
    return p;
  });
  // TypeScript cannot put a required argument after an optional one.
  const firstOptional = positional.findIndex((p) => !p.required);
  if (firstOptional >= 0 && positional.slice(firstOptional).some((p) => p.required))
    throw new SpecModelError('x-sdk-args puts a required argument after an optional one', pointer);
  const rest = op.params.filter((p) => !argNames.includes(p.name.wire));
  const shape: CallShape = {
    positional,
    rest,
    void: op.sdk.void.includes('typescript') || op.response.type === undefined,
    returns: returnType(model, op),
    ...(op.sdk.cache ? { cache: op.sdk.cache } : {}),
  };
  if (rest.length === 0) return shape;
  // The body type is taken whole only when it is exactly the arguments: no fixed fields (sent by
  // the SDK, not the caller) and no header arguments beside it.
  if (
    op.body &&
    positional.length === 0 &&
    op.queryParams.length === 0 &&
    op.headerParams.length === 0 &&
    op.fixed.length === 0
  ) {
    shape.wholeBody = ts.type(findType(model, op.body.type).name);
    return shape;
  }
  // `<Body>Params` after the body type (`ApprovalDecision` -> `ApprovalDecisionParams`,
  // `InitSessionRequest` -> `InitSessionParams`), else `<Resource><Method>Params` (`AgentListParams`).
  // A body type already named `...Params` (a JSON-RPC method's params) is taken as the second form.
  const bodyName = op.body ? ts.type(findType(model, op.body.type).name) : undefined;
  shape.paramsType =
    bodyName && !bodyName.endsWith('Params')
      ? `${bodyName.replace(/Request$/, '')}Params`
      : `${resourceSingular}${ts.type(op.name)}Params`;
  return shape;
}

/**
 * The type a method returns: `Operation.unwrap` picks a member of the response object (a JSON-RPC
 * method's response type is already its `result`); a proxy JSON-RPC call (no `method`) returns
 * the upstream `result` or, on an error member, the whole body: any JSON.
 */
export function returnType(model: ApiModel, op: Operation): TypeRef | undefined {
  const type = op.response.type;
  if (!type) return undefined;
  if (op.rpc && op.rpc.method === undefined) return { kind: 'any' };
  if (!op.unwrap) return type;
  return unwrapMember(model, op, type);
}

/** The type of the `Operation.unwrap` member of the response object. */
export function unwrapMember(model: ApiModel, op: Operation, type: TypeRef): TypeRef {
  const t = type.kind === 'ref' ? findType(model, type.name) : undefined;
  const member = t?.kind === 'object' ? t.properties.find((p) => p.name.wire === op.unwrap) : undefined;
  if (!member)
    throw new SpecModelError(
      `x-sdk-unwrap names '${op.unwrap}', which is not a property of the response object`,
      `#/paths/${op.path.replace(/~/g, '~0').replace(/\//g, '~1')}/${op.method.toLowerCase()}`,
    );
  return member.type;
}
