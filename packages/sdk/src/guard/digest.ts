/**
 * The `tool_input_digest` an approval is bound to: SHA-256, lowercase hex, of
 * - a string: its UTF-8 bytes;
 * - bytes (`Uint8Array`, `ArrayBuffer`, any `ArrayBufferView`): the bytes themselves;
 * - anything else: canonical JSON (object keys sorted at every depth, `undefined` members left
 *   out, as `JSON.stringify` does), so `{a, b}` and `{b, a}` bind the same approval.
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

/** JSON with sorted keys; throws a TypeError for values JSON cannot represent (cycles, BigInt). */
export function canonicalJson(value: unknown): string {
  // JSON.stringify(undefined) is undefined: hash the literal so every input has a digest.
  return JSON.stringify(sortKeys(value, [])) ?? 'null';
}

function sortKeys(value: unknown, ancestors: object[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === 'function') return sortKeys(json.call(value), ancestors);
  if (ancestors.includes(value)) throw new TypeError('cannot digest a cyclic value');
  ancestors.push(value);
  let out: unknown;
  if (Array.isArray(value)) out = value.map((item) => sortKeys(item, ancestors));
  else {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      sorted[key] = sortKeys((value as Record<string, unknown>)[key], ancestors);
    out = sorted;
  }
  ancestors.pop();
  return out;
}
