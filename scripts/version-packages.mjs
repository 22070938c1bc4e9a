#!/usr/bin/env node
// `pnpm version-packages`: `changeset version`, then `pnpm generate`, so that the one version
// (packages/sdk/package.json, which changesets moves with every other @agenttrustid/* package of
// its `fixed` group) reaches pyproject.toml, _version.py, go/version.go, go/keychain/go.mod,
// pom.xml, Cargo.toml and Cargo.lock through the generators.
//
// One detour: @changesets/cli 2.x makes a package major when a package it peer-depends on gets a
// minor, and in 0.x `^0.5.0` never holds the next minor, so the SDK's peer on the mock gateway
// (`workspace:^`) would turn every 0.x minor into 1.0.0 for the whole fixed group
// (changesets/changesets#1011; changed in 3.x, which does not run on Node 20). Both packages are
// in the fixed group, released together at one version, so the peer says nothing about the bump:
// this script hides such `workspace:` peers from `changeset version` and puts them back as they
// were (pnpm pack still writes the real `^x.y.z`). It then fails if the packages disagree.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

/** Every workspace package.json path (pnpm's own listing, so pnpm-workspace.yaml decides). */
function workspaceManifests() {
  const out = execFileSync('pnpm', ['-r', 'ls', '--depth', '-1', '--json'], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out)
    .map((p) => join(p.path, 'package.json'))
    .filter((p) => p !== join(root, 'package.json'));
}

const manifests = workspaceManifests();
const read = (path) => JSON.parse(readFileSync(path, 'utf8'));
const write = (path, json) => writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
const ours = new Set(manifests.map((p) => read(p).name).filter((n) => n?.startsWith('@agenttrustid/')));

// path -> the original peerDependencies object (order kept) of each manifest we edit.
const hidden = new Map();
for (const path of manifests) {
  const pkg = read(path);
  const peers = pkg.peerDependencies ?? {};
  const internal = Object.keys(peers).filter((n) => ours.has(n) && peers[n].startsWith('workspace:'));
  if (internal.length === 0) continue;
  hidden.set(path, { ...peers });
  for (const name of internal) delete peers[name];
  write(path, pkg);
}
try {
  run('pnpm', ['exec', 'changeset', 'version']);
} finally {
  for (const [path, peers] of hidden) {
    const pkg = read(path);
    pkg.peerDependencies = peers;
    write(path, pkg);
  }
}

const versions = new Map(manifests.map((p) => [read(p).name, read(p).version]));
const distinct = new Set([...versions].filter(([n]) => ours.has(n)).map(([, v]) => v));
if (distinct.size !== 1) {
  console.error('version-packages: the @agenttrustid/* packages disagree:', Object.fromEntries(versions));
  process.exit(1);
}
console.log(`version-packages: every @agenttrustid/* package is at ${[...distinct][0]}; regenerating`);
run('pnpm', ['generate']);
