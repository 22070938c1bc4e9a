// camelCase <-> snake_case by the schema's key map (see generated/models.ts `Shape`), never by
// blind conversion: a key the shape does not know, and everything under a free-form value
// (shape 0), is copied as it is.
import type { Shape } from '../generated/wire.js';

type Inverse = { [name: string]: readonly [wire: string, sub: Shape | 0 | undefined] };
const inverses = new WeakMap<Shape, Inverse>();

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Converts a wire value (snake_case keys) to the SDK's camelCase surface. */
export function fromWire(value: unknown, shape: Shape | undefined): any {
  if (!shape) return value;
  if (Array.isArray(value)) return value.map((item) => fromWire(item, shape));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const entry = shape[key];
    const item = value[key];
    if (entry === undefined) out[key] = item;
    else if (typeof entry === 'string') out[entry] = item;
    else out[entry[0]] = entry[1] === 0 ? item : fromWire(item, entry[1]);
  }
  return out;
}

function inverse(shape: Shape): Inverse {
  let inv = inverses.get(shape);
  if (!inv) {
    inv = {};
    for (const wire in shape) {
      const entry = shape[wire]!;
      inv[typeof entry === 'string' ? entry : entry[0]] =
        typeof entry === 'string' ? [wire, undefined] : [wire, entry[1]];
    }
    inverses.set(shape, inv);
  }
  return inv;
}

/** Converts an SDK value (camelCase keys) to the wire. */
export function toWire(value: unknown, shape: Shape | undefined): any {
  if (!shape) return value;
  if (Array.isArray(value)) return value.map((item) => toWire(item, shape));
  if (!isPlainObject(value)) return value;
  const inv = inverse(shape);
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const entry = inv[key];
    const item = value[key];
    if (entry === undefined) out[key] = item;
    else out[entry[0]] = entry[1] === undefined || entry[1] === 0 ? item : toWire(item, entry[1]);
  }
  return out;
}
