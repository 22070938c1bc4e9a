#!/usr/bin/env node
// Proves that `go get github.com/agenttrustid/sdk/go@vX.Y.Z` and `.../go/keychain@vX.Y.Z` resolve
// from this repository once it carries the tags `go/vX.Y.Z` and `go/keychain/vX.Y.Z`, the way
// they resolve from GitHub after a release, without any network:
//
// - a snapshot of the working tree (tracked and untracked-but-not-ignored files: what a commit of
//   it would hold) becomes a temporary repository, tagged, then cloned bare;
// - git's `url.<bare clone>.insteadOf https://github.com/agenttrustid/sdk` (through
//   GIT_CONFIG_* variables, so no git config file is touched) points the go command at it, with
//   `protocol.file.allow=always`;
// - GOPRIVATE=github.com/agenttrustid/* makes go fetch our modules straight from "GitHub" (the
//   clone) with no checksum database; every other module comes from a file:// proxy over the
//   local module cache (bootstrap filled it), in a throwaway GOMODCACHE, so nothing of ours
//   lands in the real cache and no third-party module is downloaded;
// - a consumer module outside the repository (GOWORK=off, GOFLAGS=-mod=mod) runs
//   `go get .../go/keychain@vX.Y.Z` alone (the SDK module must come in through the keychain's
//   own requirement), checks both resolved at vX.Y.Z, builds a program importing both, and runs
//   it: it prints the SDK's Version constant, which must be the version asked for.
//
//   node scripts/release/go-tags.mjs [version]   (default: packages/sdk/package.json's version)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MODULE = 'github.com/agenttrustid/sdk/go';
const REPO_URL = 'https://github.com/agenttrustid/sdk';

/** The repository's one version. */
export function sdkVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'packages/sdk/package.json'), 'utf8')).version;
}

function sh(cmd, args, opts = {}) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  } catch (error) {
    const out = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim();
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${out}`);
  }
}

/**
 * Tags a snapshot of the working tree and resolves both Go modules from it at `version`.
 * Returns { version, modules: [{ path, version }], printed, work, zips } or throws.
 */
export function checkGoTags(version = sdkVersion(), { keep = false } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'ati-go-tags-'));
  try {
    // 1. The snapshot repository, with both tags on one commit (as a release tags them).
    const snap = join(work, 'snapshot');
    mkdirSync(snap);
    const files = sh('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT })
      .split('\0')
      .filter((f) => f && existsSync(join(ROOT, f)));
    for (const f of files) {
      mkdirSync(dirname(join(snap, f)), { recursive: true });
      cpSync(join(ROOT, f), join(snap, f), { dereference: false });
    }
    const git = (args, cwd = snap) =>
      sh('git', ['-c', 'user.name=release-dry-run', '-c', 'user.email=dry-run@localhost', ...args], { cwd });
    git(['init', '-q', '-b', 'main']);
    git(['add', '-A']);
    git(['commit', '-q', '--no-verify', '-m', `snapshot for go/v${version}`]);
    git(['tag', `go/v${version}`]);
    git(['tag', `go/keychain/v${version}`]);
    const bare = join(work, 'sdk.git');
    sh('git', ['clone', '-q', '--bare', snap, bare]);

    // 2. The consumer: a module of its own, outside any workspace.
    const consumer = join(work, 'consumer');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'go.mod'), 'module example.com/consumer\n\ngo 1.24\n');
    writeFileSync(
      join(consumer, 'main.go'),
      [
        'package main',
        '',
        'import (',
        '\t"fmt"',
        '',
        `\tati "${MODULE}"`,
        `\t"${MODULE}/keychain"`,
        ')',
        '',
        'func main() {',
        '\t_ = keychain.New()',
        '\tfmt.Println(ati.Version)',
        '}',
        '',
      ].join('\n'),
    );
    const realCache = sh('go', ['env', 'GOMODCACHE'], {
      env: { ...process.env, GOTOOLCHAIN: 'local' },
    }).trim();
    const env = {
      ...process.env,
      GOTOOLCHAIN: 'local',
      GOWORK: 'off',
      GOFLAGS: '-mod=mod -modcacherw',
      GOPRIVATE: 'github.com/agenttrustid/*',
      GOPROXY: `file://${join(realCache, 'cache/download')}`,
      GOSUMDB: 'off',
      GOMODCACHE: join(work, 'modcache'),
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: `url.file://${bare}.insteadOf`,
      GIT_CONFIG_VALUE_0: REPO_URL,
      GIT_CONFIG_KEY_1: 'protocol.file.allow',
      GIT_CONFIG_VALUE_1: 'always',
    };
    const go = (args) => sh('go', args, { cwd: consumer, env });
    // The keychain alone: the SDK module must come in through keychain's own requirement.
    go(['get', `${MODULE}/keychain@v${version}`]);
    const listed = go(['list', '-m', '-f', '{{.Path}} {{.Version}}', MODULE, `${MODULE}/keychain`])
      .trim()
      .split('\n')
      .map((l) => {
        const [path, v] = l.split(' ');
        return { path, version: v };
      });
    go(['build', '-o', 'consumer', '.']);
    const printed = sh(join(consumer, 'consumer'), [], { env }).trim();
    const zips = join(work, 'modcache/cache/download');
    const problems = [];
    for (const m of listed) if (m.version !== `v${version}`) problems.push(`${m.path} resolved ${m.version}`);
    if (printed !== version) problems.push(`the consumer printed ati.Version ${printed}, not ${version}`);
    if (problems.length) throw new Error(`go tags: ${problems.join('; ')}`);
    // With `keep`, the caller reads the module zips (<zips>/<module path>/@v/<version>.zip) and
    // removes `work` itself.
    return { version, modules: listed, printed, work, zips };
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const version = process.argv[2] ?? sdkVersion();
  const started = Date.now();
  const result = checkGoTags(version);
  for (const m of result.modules) console.log(`go-tags: go get ${m.path}@${m.version} resolved`);
  console.log(
    `go-tags: a consumer built with both prints ati.Version ${result.printed} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}
