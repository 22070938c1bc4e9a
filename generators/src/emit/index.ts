/**
 * What every language emitter shares: the emitter contract, the output tree (written fresh, so a
 * removed type leaves no stale file), copying hand-written runtime files with a header, and
 * running the language's formatter.
 *
 * An emitter is `generators/<lang>/emit.ts` exporting `emit(ctx: EmitContext): Promise<void>`;
 * the CLI finds it by the language name, so adding a language needs no edit here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiModel } from '../model/types.ts';

export interface EmitContext {
  model: ApiModel;
  /** The spec file as given; emitters name only its base name in headers (output must not depend on where it lives). */
  specPath: string;
  /** The directory to write the package into. */
  outDir: string;
}

export interface Emitter {
  emit(ctx: EmitContext): Promise<void>;
}

/** The repository's `generators/` directory. */
export const GENERATORS_DIR = fileURLToPath(new URL('../../', import.meta.url));
/** The repository root (generators' parent). */
export const REPO_ROOT = join(GENERATORS_DIR, '..');

/**
 * The one version of every package in this repository: `packages/sdk/package.json`'s `version`
 * (changesets bumps it, with every other package of its `fixed` group, in `changeset version`).
 * Emitters write it into each language's manifest and User-Agent; none of them spells a version.
 */
export function sdkVersion(): string {
  const path = join(REPO_ROOT, 'packages/sdk/package.json');
  const version = (JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown }).version;
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version))
    throw new Error(`${path}: version ${JSON.stringify(version)} is not a semver x.y.z[-pre]`);
  return version;
}

/**
 * The repository's LICENSE (Apache-2.0), which every generated package ships a copy of beside
 * its manifest (the wheel, the crate, the Go module zips and the Maven jars take it from there).
 */
export function licenseText(): string {
  return readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8');
}

/** A file of the output tree: path relative to the output directory, and its content. */
export type OutputFiles = Map<string, string>;

/**
 * Writes `files` under `outDir`, first removing each of `owned` (directories or files relative
 * to `outDir` that the emitter produces whole), so nothing stale survives a regeneration.
 */
export async function writeOutput(
  outDir: string,
  files: OutputFiles,
  owned: readonly string[],
): Promise<void> {
  for (const path of owned) await rm(join(outDir, path), { recursive: true, force: true });
  for (const [path, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const target = join(outDir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/** Every file under `dir`, as paths relative to it, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (at: string) => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '__pycache__' && entry.name !== 'node_modules') await walk(full);
      } else out.push(relative(dir, full));
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * The hand-written runtime files of a language (`generators/<lang>/runtime/**`), each with
 * `header(relativePath)` prepended, keyed by `into/<relative path>`.
 */
export async function runtimeFiles(
  lang: string,
  into: string,
  header: (path: string) => string,
  rename: (path: string) => string = (p) => p,
): Promise<OutputFiles> {
  const dir = join(GENERATORS_DIR, lang, 'runtime');
  const files: OutputFiles = new Map();
  for (const path of await listFiles(dir)) {
    const content = await readFile(join(dir, path), 'utf8');
    files.set(join(into, rename(path)), header(path) + content);
  }
  return files;
}

/** Thrown when the language's formatter is missing or fails. */
export class FormatterError extends Error {
  override name = 'FormatterError';
}

/** Runs `command args` in `cwd`, throwing FormatterError with its output on failure. */
export function runFormatter(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.error) throw new FormatterError(`cannot run ${command}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new FormatterError(
      `${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`,
    );
  }
}

/** The first of `candidates` that exists as a file, else `fallback` (a name looked up on PATH). */
export function findTool(candidates: readonly (string | undefined)[], fallback: string): string {
  for (const c of candidates) if (c && existsSync(c)) return c;
  return fallback;
}
