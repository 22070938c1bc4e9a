import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as schemas from '../generated/zod';

const spec = parse(readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8'), { merge: true });
const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

type Operation = Record<string, any>;
const operations: Array<{ path: string; method: string; op: Operation }> = [];
for (const [path, item] of Object.entries<Record<string, any>>(spec.paths)) {
  for (const method of methods) if (item[method]) operations.push({ path, method, op: item[method] });
}

/** Resolves a local `$ref` (one level is enough for this spec's examples and responses). */
function deref<T = any>(node: any): T {
  if (!node?.$ref) return node;
  const parts = (node.$ref as string).replace('#/', '').split('/');
  return parts.reduce((at: any, key) => at[key], spec);
}

const pascal = (id: string) => id[0]!.toUpperCase() + id.slice(1);
const zodSchema = (name: string) => (schemas as Record<string, any>)[name];

describe('every operation', () => {
  it('is one of the 52 of protocol.md (#1-#52; #27b shares #27), each with a unique operationId', () => {
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(52);
  });

  for (const { path, method, op } of operations) {
    describe(`${op.operationId} (${method.toUpperCase()} ${path})`, () => {
      it('has one tag naming its resource, a summary, a description and x-sdk-method', () => {
        expect(op.tags).toHaveLength(1);
        expect(spec.tags.map((t: any) => t.name)).toContain(op.tags[0]);
        expect(op.summary).toBeTruthy();
        expect(op.description).toBeTruthy();
        expect(op['x-sdk-method']).toMatch(/^[a-z][A-Za-z]*$/);
      });

      it('documents its error responses with the error envelope', () => {
        const errors = Object.entries<any>(op.responses).filter(([code]) => /^[45]/.test(code));
        expect(errors.length).toBeGreaterThan(1);
        for (const [, response] of errors) {
          const schema = deref(response).content['application/json'].schema;
          expect(schema.$ref).toBe('#/components/schemas/ErrorEnvelope');
        }
      });

      it('has request examples accepted by the generated body schema', () => {
        const body = deref(op.requestBody);
        if (!body) return;
        const examples = Object.values<any>(body.content['application/json'].examples ?? {});
        expect(examples.length).toBeGreaterThan(0);
        const schema = zodSchema(`${pascal(op.operationId)}Body`);
        expect(schema).toBeDefined();
        for (const example of examples) expect(schema.parse(deref(example).value)).toBeTruthy();
      });

      it('has success examples accepted by the generated response schema', () => {
        const [status, response] = Object.entries<any>(op.responses).find(([code]) => code.startsWith('2'))!;
        const content = deref(response).content;
        if (status === '204') {
          expect(content).toBeUndefined();
          return;
        }
        const examples = Object.values<any>(content['application/json'].examples ?? {});
        expect(examples.length).toBeGreaterThan(0);
        const schema = zodSchema(`${pascal(op.operationId)}Response`);
        for (const example of examples) schema.parse(deref(example).value);
      });
    });
  }
});

describe('per-language overrides (x-names)', () => {
  it('name only the five SDK languages', () => {
    const languages = new Set<string>();
    JSON.stringify(spec, (key, value) => {
      if (key === 'x-names') for (const lang of Object.keys(value)) languages.add(lang);
      return value;
    });
    for (const lang of languages) expect(['typescript', 'python', 'go', 'java', 'rust']).toContain(lang);
  });
});

describe('generated request schemas', () => {
  it('reject unknown fields where the spec closes the object', () => {
    const result = schemas.CreateAgentRequest.safeParse({ name: 'x', nmae: 'typo' });
    expect(result.success).toBe(false);
  });

  it('keep response objects open to fields a newer gateway adds', () => {
    const example = deref(spec.components.examples.Agent).value;
    expect(schemas.Agent.safeParse({ ...example, added_later: 1 }).success).toBe(true);
  });

  it('keep metadata keys untouched', () => {
    const parsed = schemas.CreateAgentRequest.parse({ name: 'x', metadata: { camelCase: 1, snake_case: 2 } });
    expect(parsed.metadata).toEqual({ camelCase: 1, snake_case: 2 });
  });
});
