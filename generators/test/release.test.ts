/**
 * The one version and the release files: packages/sdk/package.json's version reaches every
 * language's manifest and version constant through the emitters, the committed output carries
 * it, every generated package ships the root LICENSE, and the Go keychain module requires the
 * SDK module by version, never through a `replace`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { withSdkRequire } from '../go/emit.ts';
import { renderJava, withPomVersion } from '../java/emit.ts';
import { pyprojectToml } from '../python/templates/pyproject.ts';
import { renderRust, withLockVersion } from '../rust/emit.ts';
import { licenseText, REPO_ROOT, sdkVersion } from '../src/emit/index.ts';
import { type ApiModel, modelFromFile } from '../src/model/index.ts';

const SPEC = join(REPO_ROOT, 'spec/openapi.yaml');
const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const VERSION = JSON.parse(read('packages/sdk/package.json')).version as string;

let model: ApiModel;
beforeAll(async () => {
  model = await modelFromFile(SPEC);
});

describe('one version', () => {
  it('is packages/sdk/package.json version', () => {
    expect(sdkVersion()).toBe(VERSION);
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('is what the emitters write', () => {
    expect(pyprojectToml('openapi.yaml', sdkVersion())).toContain(`\nversion = "${VERSION}"\n`);
    expect(renderJava(model).get('src/main/java/id/agenttrust/sdk/internal/Facts.java')).toContain(
      `SDK_VERSION = "${VERSION}";`,
    );
    expect(renderRust(model).get('Cargo.toml')).toContain(`\nversion = "${VERSION}"\n`);
  });

  // What `pnpm generate` wrote and what is committed: a manifest that says another version
  // fails here by name (CI's drift check would only say that something differs).
  it.each([
    ['packages/python/pyproject.toml', `\nversion = "${VERSION}"\n`],
    ['packages/python/src/agenttrustid/_version.py', `\nVERSION = "${VERSION}"\n`],
    ['go/version.go', `\nconst Version = "${VERSION}"\n`],
    ['go/keychain/go.mod', `\tgithub.com/agenttrustid/sdk/go v${VERSION}\n`],
    ['go/go.work', `\nreplace github.com/agenttrustid/sdk/go v${VERSION} => .\n`],
    ['packages/java/pom.xml', `<artifactId>agenttrustid</artifactId>\n  <version>${VERSION}</version>`],
    ['packages/java/src/main/java/id/agenttrust/sdk/internal/Facts.java', `SDK_VERSION = "${VERSION}";`],
    ['packages/rust/Cargo.toml', `\nversion = "${VERSION}"\n`],
    ['packages/rust/Cargo.lock', `name = "agenttrustid"\nversion = "${VERSION}"\n`],
  ])('is in %s', (path, expected) => {
    expect(read(path)).toContain(expected);
  });

  it('is the version of every @agenttrustid/* workspace package', () => {
    for (const dir of [
      'packages/sdk',
      'packages/mock-gateway',
      'packages/python',
      'go',
      'packages/java',
      'packages/rust',
      'spec',
      'generators',
      'examples/quickstart',
    ]) {
      expect([dir, JSON.parse(read(`${dir}/package.json`)).version]).toEqual([dir, VERSION]);
    }
  });
});

describe('manifest edits', () => {
  it("sets only the pom's own version", () => {
    const pom = [
      '<project>',
      '  <groupId>id.agenttrust</groupId>',
      '  <artifactId>agenttrustid</artifactId>',
      '  <version>0.1.0</version>',
      '  <dependency><artifactId>x</artifactId><version>0.1.0</version></dependency>',
      '</project>',
    ].join('\n');
    const out = withPomVersion(pom, '9.8.7');
    expect(out).toContain('<artifactId>agenttrustid</artifactId>\n  <version>9.8.7</version>');
    expect(out).toContain('<artifactId>x</artifactId><version>0.1.0</version>');
    expect(() => withPomVersion('<project/>', '1.0.0')).toThrow(/no top-level agenttrustid <version>/);
  });

  it("sets only the crate's own entry of Cargo.lock", () => {
    const lock =
      '[[package]]\nname = "agenttrustid"\nversion = "0.1.0"\n\n[[package]]\nname = "base64"\nversion = "0.1.0"\n';
    expect(withLockVersion(lock, '9.8.7')).toBe(lock.replace('"0.1.0"', '"9.8.7"'));
  });

  it('makes go/keychain require the SDK module at the version and refuses a replace', () => {
    const mod = 'module m\n\nrequire (\n\tgithub.com/agenttrustid/sdk/go v0.0.0\n\tx.y/z v1.2.3\n)\n';
    expect(withSdkRequire(mod, '9.8.7')).toContain(
      '\tgithub.com/agenttrustid/sdk/go v9.8.7\n\tx.y/z v1.2.3\n',
    );
    expect(() => withSdkRequire(`${mod}\nreplace github.com/agenttrustid/sdk/go => ../\n`, '1.0.0')).toThrow(
      /must not have a replace/,
    );
    expect(read('go/keychain/go.mod')).not.toMatch(/^\s*replace\b/m);
  });
});

describe('release files', () => {
  it('every package ships the root LICENSE (Apache-2.0)', () => {
    const license = licenseText();
    expect(license).toContain('Apache License\n                           Version 2.0, January 2004');
    for (const dir of [
      'packages/sdk',
      'packages/mock-gateway',
      'packages/python',
      'go',
      'go/keychain',
      'packages/java',
      'packages/rust',
    ])
      expect([dir, read(`${dir}/LICENSE`) === license]).toEqual([dir, true]);
  });

  it('pyproject.toml is valid TOML with no indentation leaking from its template', () => {
    const text = read('packages/python/pyproject.toml');
    // Only array items and closing brackets are indented.
    const indented = text.split('\n').filter((l) => /^\s/.test(l) && !/^ {4}"|^\]/.test(l));
    expect(indented).toEqual([]);
    const parsed = spawnSync(
      'python3',
      [
        '-c',
        'import json, sys, tomllib; p = tomllib.loads(sys.stdin.read())["project"]; print(json.dumps([p["version"], sorted(p["urls"]), p["license"]]))',
      ],
      { input: text, encoding: 'utf8' },
    );
    if (parsed.status !== 0 && /No module named 'tomllib'/.test(parsed.stderr)) return; // Python < 3.11
    expect(parsed.stderr).toBe('');
    expect(JSON.parse(parsed.stdout)).toEqual([
      VERSION,
      ['Changelog', 'Documentation', 'Homepage', 'Issues', 'Repository'],
      'Apache-2.0',
    ]);
  });
});
