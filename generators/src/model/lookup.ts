import type { ApiModel, NamedType, Operation, TypeRef } from './types';

/** The named type `name`; throws when the model has none (a bug in an emitter, not in the spec). */
export function findType(model: ApiModel, name: string): NamedType {
  const t = model.types.find((x) => x.name.wire === name);
  if (!t) throw new Error(`the model has no type '${name}'`);
  return t;
}

/** The operation with this operationId. */
export function findOperation(model: ApiModel, id: string): Operation {
  const op = model.operations.find((o) => o.id === id);
  if (!op) throw new Error(`the model has no operation '${id}'`);
  return op;
}

/** The named type a `ref` points at, or undefined for other kinds. */
export function typeOf(model: ApiModel, ref: TypeRef): NamedType | undefined {
  return ref.kind === 'ref' ? findType(model, ref.name) : undefined;
}
