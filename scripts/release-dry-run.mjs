#!/usr/bin/env node
// `pnpm release:dry-run`: builds every artifact a release publishes, the way the publish
// commands of the README's "Releasing" section build them, into a temporary directory, checks
// each, and prints one table: artifact, version, size, checks. Nothing is uploaded or tagged.
//
// - npm: `pnpm pack` of each public package (its prepack builds dist; pnpm turns `workspace:`
//   ranges into real ones), the tarball must hold package.json, README.md, LICENSE,
//   CHANGELOG.md and dist (ESM, CJS, types), no `workspace:` range; `publint --strict` and
//   `attw --profile node16` on the tarball.
// - Python: the package's `release` script (python -m build + twine check --strict), sdist and
//   wheel named and stamped with the version, the wheel carrying the LICENSE.
// - Go: scripts/release/go-tags.mjs: both modules resolve by `go get` at go/vX.Y.Z and
//   go/keychain/vX.Y.Z from a tagged snapshot of this tree (offline); each module zip holds the
//   LICENSE.
// - Java: `mvn -B package` (tests skipped: `pnpm test` ran them) in a copy of packages/java:
//   the jar, -sources.jar and -javadoc.jar, pom.properties stamped with the version.
// - Rust: `cargo package --locked` (which also builds the packaged crate): the .crate with
//   README.md and LICENSE.
//
// Fails (exit 1) if any step fails or any artifact's version differs from the one source,
// packages/sdk/package.json. `--only npm,python,go,java,rust` runs a subset; `--keep` keeps the
// temporary directory.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkGoTags } from './release/go-tags.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: opts } = parseArgs({
  options: { only: { type: 'string' }, keep: { type: 'boolean', default: false } },
});
const only = opts.only ? new Set(opts.only.split(',')) : null;
const VERSION = JSON.parse(readFileSync(join(ROOT, 'packages/sdk/package.json'), 'utf8')).version;
const LICENSE = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
const OUT = mkdtempSync(join(tmpdir(), 'ati-release-'));

/** Runs a command, returning its stdout; throws with its output on failure. */
function sh(cmd, args, opts = {}) {
  try {
    return execFileSync(cmd, args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
      ...opts,
    });
  } catch (error) {
    const out = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${out}`);
  }
}

/** PEP 440's spelling of a semver version (0.7.0-beta.1 -> 0.7.0b1), for the Python artifacts. */
function pep440(v) {
  return v.replace(/-(alpha|beta|rc)\.?(\d+)$/, (_, p, n) => `${{ alpha: 'a', beta: 'b', rc: 'rc' }[p]}${n}`);
}

const rows = []; // { artifact, version, bytes, ok, note }
const failures = [];
const timings = [];

function row(artifact, version, file, problems = [], note = '') {
  const expected = artifact.startsWith('pypi') ? pep440(VERSION) : VERSION;
  // An artifact that was not built has no version to compare (its problem says why).
  if (file && version !== expected) problems.push(`version ${version} is not ${expected}`);
  const bytes = file && existsSync(file) ? statSync(file).size : 0;
  rows.push({
    artifact,
    version: version ?? '?',
    bytes,
    ok: problems.length === 0,
    note: problems.join('; ') || note,
  });
  for (const p of problems) failures.push(`${artifact}: ${p}`);
}

async function step(name, fn) {
  if (only && !only.has(name)) return;
  const started = Date.now();
  process.stderr.write(`release:dry-run: ${name} ...\n`);
  try {
    await fn();
  } catch (error) {
    failures.push(`${name}: ${error.message}`);
    rows.push({ artifact: name, version: '-', bytes: 0, ok: false, note: error.message.split('\n')[0] });
  }
  timings.push([name, (Date.now() - started) / 1000]);
}

// ---- the one version and the LICENSE copies (no build needed) ----
const licenseCopies = [
  'packages/sdk',
  'packages/mock-gateway',
  'packages/python',
  'go',
  'go/keychain',
  'packages/java',
  'packages/rust',
];
for (const dir of licenseCopies) {
  const path = join(ROOT, dir, 'LICENSE');
  if (!existsSync(path) || readFileSync(path, 'utf8') !== LICENSE)
    failures.push(`${dir}/LICENSE is missing or differs from the root LICENSE`);
}
for (const dir of readdirSync(join(ROOT, 'packages'))
  .map((d) => `packages/${d}`)
  .concat('go', 'spec')) {
  const manifest = join(ROOT, dir, 'package.json');
  if (!existsSync(manifest)) continue;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  if (pkg.version !== VERSION)
    failures.push(`${dir}/package.json: ${pkg.name} is at ${pkg.version}, not ${VERSION}`);
}

// ---- npm ----
await step('npm', () => {
  const dest = join(OUT, 'npm');
  mkdirSync(dest);
  for (const dir of ['packages/sdk', 'packages/mock-gateway']) {
    const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
    const before = new Set(readdirSync(dest));
    try {
      sh('pnpm', ['pack', '--pack-destination', dest], { cwd: join(ROOT, dir) });
    } catch (error) {
      row(`npm ${pkg.name}`, pkg.version, null, [error.message.split('\n').slice(-3).join(' ')]);
      continue;
    }
    const tgz = join(
      dest,
      readdirSync(dest).find((f) => !before.has(f)),
    );
    const problems = [];
    const entries = sh('tar', ['tzf', tgz]).split('\n').filter(Boolean);
    for (const need of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'])
      if (!entries.includes(`package/${need}`)) problems.push(`no ${need}`);
    for (const [what, re] of [
      ['ESM', /^package\/dist\/.*\.js$/],
      ['CJS', /^package\/dist\/.*\.cjs$/],
      ['types', /^package\/dist\/.*\.d\.(ts|cts)$/],
    ])
      if (!entries.some((e) => re.test(e))) problems.push(`no ${what} in dist`);
    const packed = JSON.parse(sh('tar', ['xzf', tgz, '-O', 'package/package.json']));
    const packedLicense = entries.includes('package/LICENSE')
      ? sh('tar', ['xzf', tgz, '-O', 'package/LICENSE'])
      : '';
    if (packedLicense && packedLicense !== LICENSE) problems.push('LICENSE differs from the root');
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'])
      for (const [name, range] of Object.entries(packed[field] ?? {}))
        if (String(range).startsWith('workspace:')) problems.push(`${field} ${name} is ${range}`);
    const peer = packed.peerDependencies?.['@agenttrustid/mock-gateway'];
    if (peer !== undefined && peer !== `^${VERSION}`)
      problems.push(`peer @agenttrustid/mock-gateway is ${peer}`);
    for (const [tool, args] of [
      ['publint', ['run', tgz, '--strict']],
      ['attw', [tgz, '--profile', 'node16', '--format', 'ascii']],
    ]) {
      try {
        sh('pnpm', ['exec', tool, ...args], { cwd: join(ROOT, dir) });
      } catch (error) {
        const lines = error.message.split('\n').slice(1);
        const findings = lines.filter((l) => !/^(Running publint|Unpacking tarball|Linting|\s*$)/.test(l));
        problems.push(`${tool}: ${findings.slice(0, 3).join(' ')}`);
      }
    }
    row(`npm ${packed.name}`, packed.version, tgz, problems, `${entries.length} files, publint + attw clean`);
  }
});

// ---- Python ----
await step('python', () => {
  const dest = join(OUT, 'pypi');
  const dir = join(ROOT, 'packages/python');
  const scripts = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts ?? {};
  if (!scripts.release)
    throw new Error('packages/python has no "release" script (python -m build + twine check --strict)');
  sh('pnpm', ['run', '--silent', 'release', dest], { cwd: dir });
  const v = pep440(VERSION);
  const files = readdirSync(dest);
  const wheel = files.find((f) => f.endsWith('.whl'));
  const sdist = files.find((f) => f.endsWith('.tar.gz'));
  if (!wheel || !sdist) throw new Error(`python -m build made ${files.join(', ') || 'nothing'}`);
  const wheelProblems = [];
  const wheelEntries = sh('unzip', ['-Z1', join(dest, wheel)]).split('\n');
  const metadata = sh('unzip', ['-p', join(dest, wheel), '*.dist-info/METADATA']);
  const metaVersion = /^Version: (.+)$/m.exec(metadata)?.[1];
  if (!wheelEntries.some((e) => /\.dist-info\/licenses\/LICENSE$/.test(e)))
    wheelProblems.push('no LICENSE in the wheel');
  if (!/^Project-URL: /m.test(metadata)) wheelProblems.push('no Project-URL');
  const nameVersion = /^agenttrustid-([^-]+)-/.exec(wheel)?.[1];
  if (nameVersion !== metaVersion)
    wheelProblems.push(`file name says ${nameVersion}, METADATA ${metaVersion}`);
  row(
    'pypi agenttrustid (wheel)',
    metaVersion,
    join(dest, wheel),
    wheelProblems,
    'twine check --strict passed',
  );
  const sdistProblems = [];
  const sdistEntries = sh('tar', ['tzf', join(dest, sdist)]).split('\n');
  for (const need of ['LICENSE', 'README.md', 'pyproject.toml', 'PKG-INFO'])
    if (!sdistEntries.includes(`agenttrustid-${v}/${need}`)) sdistProblems.push(`no ${need}`);
  const pkgInfo = sh('tar', ['xzf', join(dest, sdist), '-O', `agenttrustid-${v}/PKG-INFO`]);
  row(
    'pypi agenttrustid (sdist)',
    /^Version: (.+)$/m.exec(pkgInfo)?.[1],
    join(dest, sdist),
    sdistProblems,
    'twine check --strict passed',
  );
});

// ---- Go ----
await step('go', () => {
  const result = checkGoTags(VERSION, { keep: true });
  try {
    for (const m of result.modules) {
      const zip = join(result.zips, m.path, '@v', `${m.version}.zip`);
      const problems = [];
      const entries = existsSync(zip) ? sh('unzip', ['-Z1', zip]).split('\n') : [];
      if (!entries.includes(`${m.path}@${m.version}/LICENSE`)) problems.push('no LICENSE in the module zip');
      if (!entries.includes(`${m.path}@${m.version}/go.mod`)) problems.push('no go.mod in the module zip');
      const dest = join(OUT, 'go', m.path.replaceAll('/', '_'));
      mkdirSync(dest, { recursive: true });
      if (existsSync(zip)) cpSync(zip, join(dest, `${m.version}.zip`));
      const tag = m.path.endsWith('/keychain') ? 'go/keychain/' : 'go/';
      row(
        `go ${m.path}`,
        m.version.replace(/^v/, ''),
        join(dest, `${m.version}.zip`),
        problems,
        `tag ${tag}${m.version}; go get resolves offline`,
      );
    }
    if (result.printed !== VERSION) failures.push(`go: ati.Version is ${result.printed}`);
  } finally {
    rmSync(result.work, { recursive: true, force: true });
  }
});

// ---- Java ----
await step('java', () => {
  const copy = join(OUT, 'java');
  cpSync(join(ROOT, 'packages/java'), copy, {
    recursive: true,
    filter: (src) => !/[\\/](target|node_modules|docs-build)$/.test(src),
  });
  sh('mvn', ['-B', '-q', '-DskipTests', 'package'], { cwd: copy });
  const target = join(copy, 'target');
  const jars = readdirSync(target).filter((f) => f.endsWith('.jar'));
  for (const kind of ['', '-sources', '-javadoc']) {
    const name = `agenttrustid-${VERSION}${kind}.jar`;
    const jar = join(target, name);
    if (!jars.includes(name)) {
      const found = jars.filter((j) => j.endsWith(`${kind || `${VERSION}`}.jar`)).join(', ');
      row(`maven agenttrustid${kind}.jar`, found ? found : '-', null, [
        `mvn package made no ${name}${kind ? ` (maven-${kind.slice(1) === 'sources' ? 'source' : 'javadoc'}-plugin in the pom)` : ''}`,
      ]);
      continue;
    }
    let version = VERSION;
    if (kind === '') {
      const props = sh('unzip', ['-p', jar, 'META-INF/maven/id.agenttrust/agenttrustid/pom.properties']);
      version = /^version=(.+)$/m.exec(props)?.[1];
    }
    row(`maven agenttrustid${kind}.jar`, version, jar);
  }
});

// ---- Rust ----
await step('rust', () => {
  const dir = join(ROOT, 'packages/rust');
  const dirty = sh('git', ['status', '--porcelain', '--', '.'], { cwd: dir }).trim() !== '';
  sh('cargo', ['package', '--locked', ...(dirty ? ['--allow-dirty'] : [])], { cwd: dir });
  const crate = join(dir, 'target/package', `agenttrustid-${VERSION}.crate`);
  if (!existsSync(crate)) throw new Error(`cargo package made no ${basename(crate)}`);
  const dest = join(OUT, 'crates');
  mkdirSync(dest);
  cpSync(crate, join(dest, basename(crate)));
  const entries = sh('tar', ['tzf', crate]).split('\n');
  const problems = [];
  for (const need of ['Cargo.toml', 'README.md', 'LICENSE'])
    if (!entries.includes(`agenttrustid-${VERSION}/${need}`)) problems.push(`no ${need}`);
  const toml = sh('tar', ['xzf', crate, '-O', `agenttrustid-${VERSION}/Cargo.toml`]);
  const version = /^version = "([^"]+)"$/m.exec(toml)?.[1];
  const publishable = !/^publish = false$/m.test(toml);
  row(
    'crates.io agenttrustid',
    version,
    join(dest, basename(crate)),
    problems,
    `${entries.filter(Boolean).length} files${dirty ? ' (dirty tree: --allow-dirty)' : ''}${publishable ? '' : '; publish = false set'}`,
  );
});

// ---- the table ----
const kb = (n) => (n ? `${(n / 1024).toFixed(1)} kB` : '-');
const table = [
  ['artifact', 'version', 'size', 'ok', 'note'],
  ...rows.map((r) => [r.artifact, r.version, kb(r.bytes), r.ok ? 'yes' : 'NO', r.note]),
];
const widths = table[0].map((_, i) => Math.max(...table.map((r) => String(r[i]).length)));
for (const r of table)
  console.log(
    r
      .map((c, i) => String(c).padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
console.log(
  `\nrelease:dry-run: version ${VERSION} (packages/sdk/package.json); ${timings.map(([n, s]) => `${n} ${s.toFixed(0)} s`).join(', ')}`,
);
if (opts.keep) console.log(`release:dry-run: artifacts in ${OUT}`);
else rmSync(OUT, { recursive: true, force: true });
if (failures.length) {
  console.error(
    `\nrelease:dry-run: ${failures.length} problem(s):\n${failures.map((f) => `- ${f}`).join('\n')}`,
  );
  process.exit(1);
}
console.log('release:dry-run: every artifact built and checked; every version is the one version');
