// Saved values, `${...}` interpolation and the expectation matchers of spec/conformance/README.md.
export type Json = any;
export const MISSING = Symbol('missing');
const REF = /\$\{([^}]+)\}/g;

export class StepFailed extends Error {}

/** The value at a dot path (object keys and array indices); `''` is the value itself. */
export function getPath(value: Json, path: string): Json {
  if (path === '') return value;
  let at: Json = value;
  for (const part of path.split('.')) {
    if (Array.isArray(at) && /^\d+$/.test(part) && Number(part) < at.length) at = at[Number(part)];
    else if (at !== null && typeof at === 'object' && !Array.isArray(at) && Object.hasOwn(at, part))
      at = at[part];
    else return MISSING;
  }
  return at;
}

export function interpolate(value: Json, saved: Record<string, Json>): Json {
  if (typeof value === 'string') {
    const whole = /^\$\{([^}]+)\}$/.exec(value);
    if (whole) return lookup(whole[1]!, saved);
    return value.replace(REF, (_, ref: string) => {
      const found = lookup(ref, saved);
      return typeof found === 'string' ? found : JSON.stringify(found);
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, saved));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, saved)]));
  return value;
}

function lookup(ref: string, saved: Record<string, Json>): Json {
  const [name, ...rest] = ref.split('.');
  if (!Object.hasOwn(saved, name!)) throw new StepFailed(`\${${ref}}: nothing was saved as ${name}`);
  const found = getPath(saved[name!], rest.join('.'));
  if (found === MISSING) throw new StepFailed(`\${${ref}}: no such path in the saved value`);
  return found;
}

function jsonType(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Deep equality of JSON values; object key order does not matter. */
export function equal(a: Json, b: Json): boolean {
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return equal(ka, kb) && ka.every((k) => equal(a[k], b[k]));
  }
  return a === b;
}

export const show = (v: Json) => (v === MISSING ? '<missing>' : JSON.stringify(v));

/** Problems found comparing `actual` with an expectation (objects match partially). */
export function match(actual: Json, expected: Json, where: string): string[] {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    const keys = Object.keys(expected);
    if (keys.length === 1 && keys[0]!.startsWith('$'))
      return matcher(actual, keys[0]!, expected[keys[0]!], where);
  }
  if (expected === null)
    return actual === null || actual === MISSING ? [] : [`${where}: expected null, got ${show(actual)}`];
  if (actual === MISSING) return [`${where}: missing (expected ${show(expected)})`];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length)
      return [`${where}: expected ${show(expected)}, got ${show(actual)}`];
    return expected.flatMap((e, i) => match(actual[i], e, `${where}.${i}`));
  }
  if (typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
      return [`${where}: expected an object, got ${show(actual)}`];
    return Object.entries(expected).flatMap(([k, v]) =>
      match(Object.hasOwn(actual, k) ? actual[k] : MISSING, v, `${where}.${k}`),
    );
  }
  return equal(actual, expected) ? [] : [`${where}: expected ${show(expected)}, got ${show(actual)}`];
}

function matcher(actual: Json, op: string, arg: Json, where: string): string[] {
  let ok: boolean;
  const absent = actual === MISSING || actual === null;
  if (op === '$absent') ok = absent === Boolean(arg);
  else if (op === '$present') ok = !absent === Boolean(arg);
  else if (op === '$empty')
    // Missing, null, "", [] or {}: languages differ on how they leave a value out.
    ok =
      (absent ||
        actual === '' ||
        (Array.isArray(actual) && actual.length === 0) ||
        (typeof actual === 'object' && Object.keys(actual).length === 0)) === Boolean(arg);
  // A missing value is not equal to anything.
  else if (op === '$ne') ok = actual === MISSING || !equal(actual, arg);
  // Nothing anywhere in the value (a whole request journal) contains the text.
  else if (op === '$lacks') ok = actual === MISSING || !JSON.stringify(actual).includes(arg);
  else if (actual === MISSING) return [`${where}: missing (expected ${op} ${show(arg)})`];
  else if (op === '$type')
    ok = jsonType(actual) === arg || (arg === 'number' && jsonType(actual) === 'integer');
  else if (op === '$len')
    ok =
      typeof actual === 'string'
        ? [...actual].length === arg
        : Array.isArray(actual)
          ? actual.length === arg
          : actual !== null && typeof actual === 'object' && Object.keys(actual).length === arg;
  else if (op === '$gte') ok = typeof actual === 'number' && actual >= arg;
  else if (op === '$lte') ok = typeof actual === 'number' && actual <= arg;
  else if (op === '$contains')
    ok =
      typeof actual === 'string'
        ? actual.includes(arg)
        : Array.isArray(actual) && actual.some((x) => equal(x, arg));
  else if (op === '$matches') ok = typeof actual === 'string' && new RegExp(arg).test(actual);
  else return [`${where}: unknown matcher ${op}`];
  return ok ? [] : [`${where}: ${show(actual)} fails ${op} ${show(arg)}`];
}
