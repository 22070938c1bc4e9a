// `pnpm generate`: orval's per-operation functions, then the camelCase models and key maps.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cwd = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });
run(process.execPath, ['node_modules/orval/dist/bin/orval.mjs', '--config', 'orval.config.mjs']);
run(process.execPath, ['scripts/generate-models.mjs']);
