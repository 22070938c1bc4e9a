/**
 * Regenerates the Go SDK: `tsx go/generate.ts [--spec <openapi.yaml>] [--out <dir>]`
 * (defaults: the repository's spec and packages/go).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelFromFile } from '../src/model/index.ts';
import { emitGo } from './emit.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? resolve(args[i + 1]) : fallback;
};
const spec = flag('--spec', resolve(root, 'spec/openapi.yaml'));
const out = flag('--out', resolve(root, 'packages/go'));
const files = emitGo(await modelFromFile(spec), out);
console.log(`go: wrote ${files.length} files to ${out}`);
