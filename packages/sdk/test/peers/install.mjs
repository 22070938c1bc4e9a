// Scratch projects, as a user would make them: `npm install` of the packed SDK beside the real
// peer packages (no --legacy-peer-deps, so npm must find every peer range satisfied), at the
// high end of each range (ai 7) and at the low end (ai 6.0.0, ...). In each: fixture/ai-run.mjs
// runs /ai and /mcp (v2) against the mock gateway over HTTP, and fixture/adapters.ts type-checks
// every adapter against the packed declarations (strict, nodenext and bundler; its
// `@ts-expect-error` lines fail if a type degrades to `any`). At the high end, after removing
// @modelcontextprotocol/sdk, fixture/mcp-v2-only.ts is checked with skipLibCheck off: the
// declarations a v2-only user loads must resolve. (skipLibCheck off over every peer's own
// declarations takes minutes on 2 cores, so adapters.ts keeps it on.)
// The versions are the devDependencies' (the low ends are the pnpm aliases). Needs `pnpm build`.
import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const pkgDir = fileURLToPath(new URL('../..', import.meta.url));
const workspace = join(pkgDir, '../..');
const fixture = fileURLToPath(new URL('./fixture/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const dev = { ...manifest.dependencies, ...manifest.devDependencies };
const version = (name) => String(dev[name]).replace(/^npm:.*@/, '');

const ends = {
  high: {
    ai: version('ai'),
    '@modelcontextprotocol/sdk': version('@modelcontextprotocol/sdk'),
    '@modelcontextprotocol/client': version('@modelcontextprotocol/client'),
    '@modelcontextprotocol/server': version('@modelcontextprotocol/server'),
    '@langchain/core': version('@langchain/core'),
    '@openai/agents': version('@openai/agents'),
  },
  low: {
    ai: version('ai-v6'),
    '@modelcontextprotocol/sdk': version('mcp-sdk-v1-low'),
    '@modelcontextprotocol/client': version('mcp-client-v2-low'),
    '@modelcontextprotocol/server': version('mcp-server-v2-low'),
    '@langchain/core': version('langchain-core-v1-low'),
    '@openai/agents': version('@openai/agents'),
  },
};
const tools = {
  zod: version('zod'),
  typescript: version('typescript'),
  '@types/node': version('@types/node'),
};

const root = mkdtempSync(join(tmpdir(), 'agenttrustid-peers-'));
let gateway;
let passed = 0;
let failed = 0;
try {
  execFileSync('pnpm', ['pack', '--ignore-scripts', '--pack-destination', root], {
    cwd: pkgDir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tarball = join(
    root,
    readdirSync(root).find((f) => f.endsWith('.tgz')),
  );

  gateway = spawn(
    process.execPath,
    [join(workspace, 'packages/mock-gateway/dist/cli.js'), '--port', '0', '--quiet'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: gateway.stdout }).once('line', resolve);
    gateway.once('exit', (code) => reject(new Error(`mock gateway exited with ${code}`)));
  });
  const env = { ...process.env, AGENTTRUST_URL: url, AGENTTRUST_API_KEY: 'sk_test_agenttrust' };

  for (const [end, peers] of Object.entries(ends)) {
    const dir = join(root, end);
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: `scratch-${end}`, private: true, type: 'module' }),
    );
    const specs = Object.entries({ ...peers, ...tools }).map(([name, v]) => `${name}@${v}`);
    const check = (label, run) => {
      try {
        run();
        passed++;
        console.log(`peers ${end}: ${label}`);
      } catch (error) {
        failed++;
        console.error(
          `peers ${end}: FAILED ${label}\n${error.stdout ?? ''}${error.stderr ?? ''}${error.stdout ? '' : error}`,
        );
      }
    };
    const exec = (cmd, args, options = {}) =>
      execFileSync(cmd, args, {
        cwd: dir,
        env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        ...options,
      });
    let installed = false;
    check(`npm install ${tarball.split('/').at(-1)} ${specs.join(' ')} (no --legacy-peer-deps)`, () => {
      exec('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball, ...specs]);
      installed = true;
    });
    if (!installed) continue;
    copyFileSync(join(fixture, 'ai-run.mjs'), join(dir, 'ai-run.mjs'));
    copyFileSync(join(fixture, 'adapters.ts'), join(dir, 'adapters.ts'));
    copyFileSync(join(fixture, 'mcp-v2-only.ts'), join(dir, 'mcp-v2-only.ts'));
    check(
      `ai@${peers.ai} and MCP v2 ${peers['@modelcontextprotocol/client']} run against the mock gateway`,
      () => process.stdout.write(exec(process.execPath, ['ai-run.mjs'])),
    );
    const tsc = join(dir, 'node_modules/typescript/bin/tsc');
    const base = ['--noEmit', '--strict', '--target', 'es2022', '--types', 'node'];
    for (const [module, resolution] of [
      ['nodenext', 'nodenext'],
      ['esnext', 'bundler'],
    ])
      check(`adapters.ts type-checks (${resolution}); no adapter's types degrade to any`, () =>
        exec(process.execPath, [
          tsc,
          ...base,
          '--skipLibCheck',
          '--module',
          module,
          '--moduleResolution',
          resolution,
          'adapters.ts',
        ]),
      );
    if (end === 'high')
      check('without @modelcontextprotocol/sdk, mcp-v2-only.ts type-checks (skipLibCheck off)', () => {
        exec('npm', [
          'uninstall',
          '--no-audit',
          '--no-fund',
          '--loglevel=error',
          '@modelcontextprotocol/sdk',
        ]);
        exec(process.execPath, [
          tsc,
          ...base,
          '--skipLibCheck',
          'false',
          '--module',
          'nodenext',
          '--moduleResolution',
          'nodenext',
          'mcp-v2-only.ts',
        ]);
      });
  }
} finally {
  gateway?.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
}
console.log(`peers install: ${passed} passed, ${failed} failed`);
if (failed > 0) process.exitCode = 1;
