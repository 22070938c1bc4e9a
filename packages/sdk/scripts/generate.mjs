// `pnpm generate`: orval's per-operation functions, then the camelCase models and key maps.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cwd = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });
run(process.execPath, ['node_modules/orval/dist/bin/orval.mjs', '--config', 'orval.config.mjs']);

// orval's fetch client inlines the same 15-line header-normalising helper into every function
// with a body; one shared copy (core/mutator.ts) keeps the bundle smaller.
const target = new URL('../src/generated/operations.ts', import.meta.url);
let source = readFileSync(target, 'utf8');
const inline =
  /\n {4}const getHeaders = \(h\?: NonNullable<RequestInit\['headers'\]>\)[\s\S]*?\n {4}return headers;\n {2}\};\n/g;
const count = (source.match(inline) ?? []).length;
const withBody = (source.match(/body: JSON\.stringify\(/g) ?? []).length;
if (count !== withBody)
  throw new Error(`generate: expected ${withBody} inline getHeaders helpers, found ${count}`);
source = source
  .replace(inline, '\n')
  .replace(
    "import { request } from '../core/mutator';",
    "import { getHeaders, request } from '../core/mutator';",
  );
if (!source.includes('import { getHeaders, request }')) throw new Error('generate: mutator import not found');
writeFileSync(target, source);

run(process.execPath, ['scripts/generate-models.mjs']);
