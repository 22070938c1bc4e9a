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
    ...(op.sdk.cache ? { cache: op.sdk.cache } : {}),
  };
  if (rest.length === 0) return shape;
  if (op.body && positional.length === 0 && op.queryParams.length === 0) {
    shape.wholeBody = ts.type(findType(model, op.body.type).name);
    return shape;
  }
  // `<Body>Params` after the body type (`ApprovalDecision` -> `ApprovalDecisionParams`,
  // `InitSessionRequest` -> `InitSessionParams`), else `<Resource><Method>Params` (`AgentListParams`).
  shape.paramsType = op.body
    ? `${ts.type(findType(model, op.body.type).name).replace(/Request$/, '')}Params`
    : `${resourceSingular}${ts.type(op.name)}Params`;
  return shape;
}
