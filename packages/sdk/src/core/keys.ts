// camelCase <-> snake_case by the schema's key map (see generated/models.ts `Shape`), never by
// blind conversion: a key the shape does not know, and everything under a free-form value
// (shape 0), is copied as it is. Keys are looked up as own properties only, so `__proto__` or
// `constructor` in a body is an ordinary unknown key, never Object.prototype's member.
import type { Shape } from '../generated/wire.js';

type Inverse = { [name: string]: readonly [wire: string, sub: Shape | 0 | undefined] };
const inverses = new WeakMap<Shape, Inverse>();

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Sets an own property: `out.__proto__ = x` would replace the object's prototype instead. */
function put(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/**
 * Converts a wire value (snake_case keys) to the SDK's camelCase surface. An unknown key that is
 * the SDK's name of a known field (`elevationRequired` next to `elevation_required`) is dropped,
 * whatever the order: the field's validated wire value is what the SDK returns under that name.
 */
export function fromWire(value: unknown, shape: Shape | undefined): any {
  if (!shape) return value;
  if (Array.isArray(value)) return value.map((item) => fromWire(item, shape));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const entry = Object.hasOwn(shape, key) ? shape[key] : undefined;
    const item = value[key];
    if (entry === undefined) {
      if (!Object.hasOwn(inverse(shape), key)) put(out, key, item);
    } else if (typeof entry === 'string') out[entry] = item;
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
    const entry = Object.hasOwn(inv, key) ? inv[key] : undefined;
    const item = value[key];
    if (entry === undefined) put(out, key, item);
    else out[entry[0]] = entry[1] === undefined || entry[1] === 0 ? item : toWire(item, entry[1]);
  }
  return out;
}
