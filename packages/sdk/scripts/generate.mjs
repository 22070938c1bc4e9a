// `pnpm generate`: src/generated/ from spec/openapi.yaml by the repository's generator
// (generators/typescript): models, key maps, operation descriptors, facts and resource classes.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
execFileSync(
  process.execPath,
  [
    'generators/bin/agenttrust-gen.mjs',
    '--lang',
    'typescript',
    '--spec',
    'spec/openapi.yaml',
    '--out',
    'packages/sdk',
  ],
  { cwd: root, stdio: 'inherit' },
);
