import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

const run = promisify(execFile);
const specDir = new URL('..', import.meta.url).pathname;
const original = readFileSync(join(specDir, 'openapi.yaml'), 'utf8');

/** Runs the project's spec lint on a file and returns its exit code and output. */
async function lint(file: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(
      'pnpm',
      ['exec', 'redocly', 'lint', file, '--config', join(specDir, 'redocly.yaml')],
      { cwd: specDir },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  }
}

/** Writes a mutated copy of the spec to a temporary file. */
function brokenCopy(mutate: (spec: Record<string, any>) => void): string {
  const spec = parse(original, { merge: true });
  mutate(spec);
  const file = join(mkdtempSync(join(tmpdir(), 'spec-')), 'openapi.yaml');
  writeFileSync(file, stringify(spec));
  return file;
}

describe('spec lint', () => {
  it('passes on spec/openapi.yaml with no problems at all', async () => {
    const { code, output } = await lint(join(specDir, 'openapi.yaml'));
    expect(output).toContain('Your API description is valid');
    expect(output).not.toMatch(/\d+ warnings?\b/);
    expect(code).toBe(0);
  });

  const breakages: Array<[string, (spec: Record<string, any>) => void, string]> = [
    [
      'an example that violates its schema',
      (s) => {
        s.components.examples.Agent.value.status = 'paused';
      },
      'no-invalid-media-type-examples',
    ],
    [
      'an operation without operationId',
      (s) => {
        delete s.paths['/api/v1/agents'].post.operationId;
      },
      'operation-operationId',
    ],
    [
      'an operation without x-sdk-method',
      (s) => {
        delete s.paths['/api/v1/agent-tokens/issue'].post['x-sdk-method'];
      },
      'operation-has-sdk-method',
    ],
    [
      'an operation without a 4xx response',
      (s) => {
        const op = s.paths['/api/v1/agenttrust/check'].post;
        for (const code of Object.keys(op.responses)) if (code.startsWith('4')) delete op.responses[code];
      },
      'operation-4xx-response',
    ],
    [
      'a tag without a description',
      (s) => {
        delete s.tags[0].description;
      },
      'tag-description',
    ],
    [
      'an unused component',
      (s) => {
        s.components.schemas.Unused = { type: 'string' };
      },
      'no-unused-components',
    ],
  ];

  for (const [what, mutate, rule] of breakages) {
    it(`fails on a copy with ${what}`, async () => {
      const { code, output } = await lint(brokenCopy(mutate));
      expect(code).not.toBe(0);
      expect(output).toContain(rule);
    });
  }
});
