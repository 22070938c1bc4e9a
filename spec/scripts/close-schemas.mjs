// orval emits every object as `zod.object`, which ignores `additionalProperties: false`.
// This rewrites the component schemas the spec closes to `zod.strictObject`, so the mock
// gateway rejects unknown request fields exactly as the spec says, while response schemas
// stay open for forward compatibility.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const here = new URL('..', import.meta.url);
const spec = parse(readFileSync(new URL('openapi.yaml', here), 'utf8'));
const target = new URL('generated/zod.ts', here);

const closed = Object.entries(spec.components.schemas)
  .filter(([, schema]) => schema.additionalProperties === false)
  .map(([name]) => name);

let source = readFileSync(target, 'utf8');
for (const name of closed) {
  const open = `export const ${name} = /*#__PURE__*/ zod.object(`;
  if (!source.includes(open)) throw new Error(`close-schemas: no generated schema ${name}`);
  source = source.replace(open, `export const ${name} = /*#__PURE__*/ zod.strictObject(`);
}
writeFileSync(target, source);
