/**
 * The `tool_input_digest` an approval is bound to: SHA-256, lowercase hex, of
 * - a string: its UTF-8 bytes;
 * - bytes (`Uint8Array`, `ArrayBuffer`, any `ArrayBufferView`): the bytes themselves;
 * - anything else: its RFC 8785 (JCS) canonical JSON, so `{a, b}` and `{b, a}` bind the same
 *   approval, in every SDK (spec/conformance/README.md, "The input digest"; vectors/digest.json).
 * Uses Web Crypto (`crypto.subtle`), present in Node 18+, browsers, Deno, Bun and edge runtimes,
 * so this file does not tie the SDK's default entry to `node:crypto`.
 */
export async function digestToolInput(input: unknown): Promise<string> {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!subtle) throw new TypeError('Web Crypto (crypto.subtle) is not available in this runtime');
  const bytes = toBytes(input);
  const hash = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (let i = 0; i < hash.length; i++) hex += (hash[i] as number).toString(16).padStart(2, '0');
  return hex;
}

function toBytes(input: unknown): Uint8Array {
  if (typeof input === 'string') return new TextEncoder().encode(input);
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return new TextEncoder().encode(canonicalJson(input));
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * RFC 8785 (JCS) canonical JSON. JCS is defined on ECMAScript's own JSON serialization, so this
 * is JSON.stringify for every primitive (numbers as ES Number::toString: 1.0 -> 1, -0 -> 0,
 * 1e21 -> 1e+21; strings with minimal escaping, U+2028 and `<` as they are) and object keys
 * sorted by UTF-16 code units (`Array.prototype.sort`'s default). As JSON.stringify does,
 * `toJSON` is honoured and `undefined`, functions and symbols are left out of objects (`null` in
 * arrays). Throws a TypeError for what JCS cannot represent: NaN, Infinity, lone surrogates,
 * BigInt, cycles. Not a library: `canonicalize` on npm is ESM-only for Node >= 22, and this SDK
 * ships CommonJS for Node 20.
 */
export function canonicalJson(value: unknown): string {
  return write(value, []) ?? 'null';
}

function write(value: unknown, ancestors: object[]): string | undefined {
  if (value !== null && typeof value === 'object') {
    const json = (value as { toJSON?: unknown }).toJSON;
    if (typeof json === 'function') return write(json.call(value), ancestors);
  }
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new TypeError('cannot digest a string with a lone surrogate');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot digest the number ${value}`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('cannot digest a BigInt: convert it to a number or a string');
    case 'object':
      break;
    default:
      return undefined; // undefined, function, symbol
  }
  if (value === null) return 'null';
  if (value instanceof Number || value instanceof String || value instanceof Boolean)
    return write(value.valueOf(), ancestors);
  if (ancestors.includes(value)) throw new TypeError('cannot digest a cyclic value');
  ancestors.push(value);
  let out: string;
  if (Array.isArray(value)) {
    out = `[${value.map((item) => write(item, ancestors) ?? 'null').join(',')}]`;
  } else {
    const members: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const item = write((value as Record<string, unknown>)[key], ancestors);
      if (item !== undefined) members.push(`${write(key, ancestors)}:${item}`);
    }
    out = `{${members.join(',')}}`;
  }
  ancestors.pop();
  return out;
}
