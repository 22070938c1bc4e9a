// Consumer test: pack the package as npm would publish it, install the tarball into a fresh
// project outside the workspace, then (1) import it by `import` and by `require` and make real
// calls against the mock gateway on 127.0.0.1, (2) check that errors from the ESM and CJS copies
// pass each other's instanceof, (3) type-check a file using every resource, under both
// `nodenext` and `bundler` resolution. Needs `pnpm build` first.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const pkgDir = fileURLToPath(new URL('../..', import.meta.url));
const workspace = join(pkgDir, '../..');
const dir = mkdtempSync(join(tmpdir(), 'agenttrustid-consumer-'));
const run = (cmd, args, options = {}) =>
  execFileSync(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...options });

let gateway;
try {
  // The default entry (browsers, workers, Deno, Bun) must bundle for a browser: nothing Node-only.
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(pkgDir, 'dist/index.js')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  await build({
    entryPoints: [join(pkgDir, 'dist/identity.js')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  console.log('consumer: the default and identity entries bundle for the browser (no Node built-ins)');

  // dist is built already (turbo's test depends on build): skip prepack's second build.
  run('pnpm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: pkgDir });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  // npm, not pnpm: a plain install from the registry, as a user would do it.
  run('npm', [
    'install',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    `./${tarball}`,
    'typescript@5.9.3',
    '@types/node@20.19.43',
  ]);

  // A real mock gateway on 127.0.0.1, from the workspace.
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

  const scenario = (load) => `
    ${load}
    const client = AgentTrustClient.fromEnv();
    const agent = await client.agents.create({ name: 'consumer', capabilities: ['web:search'], metadata: { a_b: 1 } });
    const result = await client.actions.check({ agentId: agent.id, toolName: 'web_search' });
    if (!result.allowed || agent.metadata.a_b !== 1) throw new Error('unexpected answer');
    const missing = await client.agents.get('agt_missing').catch((e) => e);
    if (!(missing instanceof NotFoundError) || missing.status !== 404) throw new Error('expected a NotFoundError');
    console.log('ok', typeof result.checkId);
  `;
  const esm = run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      scenario("import { AgentTrustClient, NotFoundError } from '@agenttrustid/sdk';"),
    ],
    { env },
  );
  const cjs = run(
    process.execPath,
    [
      '-e',
      `(async () => { ${scenario("const { AgentTrustClient, NotFoundError } = require('@agenttrustid/sdk');")} })().catch((e) => { console.error(e); process.exit(1); });`,
    ],
    { env },
  );
  if (esm.trim() !== 'ok string' || cjs.trim() !== 'ok string')
    throw new Error(`import: ${esm} require: ${cjs}`);
  console.log('consumer: import and require work against the mock gateway');

  // Identity from the subpath, by import and by require (jose is ESM-only: the CJS build bundles
  // it), with both org flags on; @napi-rs/keyring is an optional peer npm does not install.
  const identity = (load) => `
    ${load}
    const client = AgentTrustClient.fromEnv();
    await client.orgs.updateSecuritySettings({ requireProofOfPossession: true, requireSenderConstrainedTokens: true });
    const agent = await client.agents.create({ name: 'keyed', capabilities: ['web:search'] });
    const guard = new AgentTrustGuard(client, agent.id, { credentials: new AgentCredentials(client, agent.id) });
    const decision = await guard.check('web_search');
    await guard.close(1000);
    const refused = await new AgentTrustGuard(client, agent.id).check('web_search').catch((e) => e);
    const keychain = await new KeychainKeyStore().get(agent.id).catch((e) => e);
    await client.orgs.updateSecuritySettings({ requireProofOfPossession: false, requireSenderConstrainedTokens: false });
    console.log(decision.allowed, refused.code, keychain.code, keychain.message.includes('@napi-rs/keyring'));
  `;
  const identityEsm = run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      identity(
        "import { AgentTrustClient, AgentTrustGuard } from '@agenttrustid/sdk'; import { AgentCredentials, KeychainKeyStore } from '@agenttrustid/sdk/identity';",
      ),
    ],
    { env },
  );
  const identityCjs = run(
    process.execPath,
    [
      '-e',
      `(async () => { ${identity("const { AgentTrustClient, AgentTrustGuard } = require('@agenttrustid/sdk'); const { AgentCredentials, KeychainKeyStore } = require('@agenttrustid/sdk/identity');")} })().catch((e) => { console.error(e); process.exit(1); });`,
    ],
    { env },
  );
  const expected = 'true AUTH_FAILED VALIDATION_ERROR true';
  if (identityEsm.trim() !== expected || identityCjs.trim() !== expected)
    throw new Error(`identity: import: ${identityEsm} require: ${identityCjs}`);
  console.log('consumer: identity (import and require) checks with credentials, without @napi-rs/keyring');

  const dual = run(process.execPath, [
    '--input-type=module',
    '-e',
    `import { createRequire } from 'node:module';
     import * as esm from '@agenttrustid/sdk';
     const cjs = createRequire(import.meta.url)('@agenttrustid/sdk');
     if (esm.AgentTrustError === cjs.AgentTrustError) throw new Error('expected two copies');
     const a = new cjs.NotFoundError('NOT_FOUND', 'x');
     const b = new esm.AuthenticationError('AUTH_FAILED', 'x');
     const ok = a instanceof esm.NotFoundError && a instanceof esm.AgentTrustError && !(a instanceof esm.ValidationError)
       && b instanceof cjs.AuthenticationError && cjs.AgentTrustError.isInstance(b);
     console.log(ok);`,
  ]);
  if (dual.trim() !== 'true') throw new Error('instanceof across the ESM and CJS copies failed');
  console.log('consumer: instanceof holds across the ESM and CJS copies');

  copyFileSync(join(pkgDir, 'test/consumer/fixture/every-resource.ts'), join(dir, 'every-resource.ts'));
  const tsc = join(dir, 'node_modules/typescript/bin/tsc');
  const base = [
    '--noEmit',
    '--strict',
    '--target',
    'es2022',
    '--types',
    'node',
    '--skipLibCheck',
    'false',
    'every-resource.ts',
  ];
  run(process.execPath, [tsc, ...base, '--module', 'nodenext', '--moduleResolution', 'nodenext']);
  run(process.execPath, [tsc, ...base, '--module', 'esnext', '--moduleResolution', 'bundler']);
  console.log('consumer: a file using every resource type-checks (nodenext and bundler resolution)');
} finally {
  gateway?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
