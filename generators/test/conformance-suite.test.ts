import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { modelFromFile } from '../src/model/index.ts';

const DIR = fileURLToPath(new URL('../../spec/conformance/', import.meta.url));
const schema = JSON.parse(readFileSync(`${DIR}scenario.schema.json`, 'utf8'));
const files = readdirSync(`${DIR}scenarios`)
  .filter((f) => f.endsWith('.json'))
  .sort();
const scenarios = files.map((f) => ({
  file: f,
  doc: JSON.parse(readFileSync(`${DIR}scenarios/${f}`, 'utf8')),
}));

describe('spec/conformance scenarios', () => {
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

  it('exist', () => expect(scenarios.length).toBeGreaterThan(0));

  for (const { file, doc } of scenarios) {
    it(`${file} matches scenario.schema.json and is named after its id`, () => {
      const ok = validate(doc);
      expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 1)).toEqual([]);
      expect(ok).toBe(true);
      expect(`${doc.id}.json`).toBe(file);
    });
  }

  it('call only existing resource.method pairs with existing argument names', async () => {
    const model = await modelFromFile(fileURLToPath(new URL('../../spec/openapi.yaml', import.meta.url)));
    const byCall = new Map(model.operations.map((op) => [`${op.resource}.${op.name.wire}`, op]));
    for (const { file, doc } of scenarios) {
      for (const [i, step] of doc.steps.entries()) {
        if (!step.call) continue;
        const op = byCall.get(step.call);
        expect(op, `${file} step ${i}: unknown call ${step.call}`).toBeDefined();
        const known = new Set(op!.params.map((p) => p.name.wire));
        for (const arg of Object.keys(step.args ?? {}))
          expect(known, `${file} step ${i}: ${step.call}(${arg})`).toContain(arg);
        for (const p of op!.params.filter((x) => x.required))
          expect(
            Object.keys(step.args ?? {}),
            `${file} step ${i}: ${step.call} needs ${p.name.wire}`,
          ).toContain(p.name.wire);
      }
    }
  });

  it('call every operation of the spec at least once, and cover the guard and fault categories', async () => {
    const model = await modelFromFile(fileURLToPath(new URL('../../spec/openapi.yaml', import.meta.url)));
    const called = new Set(
      scenarios.flatMap(({ doc }) => doc.steps.filter((s: any) => s.call).map((s: any) => s.call)),
    );
    const missing = model.operations
      .map((op) => `${op.resource}.${op.name.wire}`)
      .filter((c) => !called.has(c));
    expect(missing).toEqual([]);
    const categories = new Set(scenarios.map(({ doc }) => doc.category));
    expect([...categories].sort()).toEqual(['errors', 'faults', 'guard', 'operations']);
  });
});

const vectorSchema = JSON.parse(readFileSync(`${DIR}vector.schema.json`, 'utf8'));
const vectorFiles = readdirSync(`${DIR}vectors`)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f, doc: JSON.parse(readFileSync(`${DIR}vectors/${f}`, 'utf8')) }));

describe('spec/conformance vectors', () => {
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(vectorSchema);

  it('cover every kind', () =>
    expect(vectorFiles.map(({ doc }) => doc.kind).sort()).toEqual([
      'digest',
      'roundtrip',
      'status',
      'truncate',
    ]));

  for (const { file, doc } of vectorFiles) {
    it(`${file} matches vector.schema.json, is named after its kind, has unique case ids`, () => {
      validate(doc);
      expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 1)).toEqual([]);
      expect(file).toBe(`${doc.kind}.json`);
      const ids = doc.cases.map((c: { id: string }) => c.id);
      expect(new Set(ids).size).toBe(ids.length);
    });
  }

  it('digest cases: each digest is the SHA-256 of its hashed text', () => {
    const digest = vectorFiles.find(({ doc }) => doc.kind === 'digest')!.doc;
    for (const c of digest.cases)
      expect(createHash('sha256').update(c.hashed, 'utf8').digest('hex'), c.id).toBe(c.digest);
  });

  it('roundtrip cases name object types of the spec', async () => {
    const model = await modelFromFile(fileURLToPath(new URL('../../spec/openapi.yaml', import.meta.url)));
    const roundtrip = vectorFiles.find(({ doc }) => doc.kind === 'roundtrip')!.doc;
    for (const c of roundtrip.cases)
      expect(model.types.find((t) => t.name.wire === c.type)?.kind, c.id).toBe('object');
  });
});

describe('spec/conformance wire fixtures', () => {
  it('each names one operation (by its HTTP operationId) and yields every required argument', async () => {
    const { loadWireChecks } = await import('../../spec/conformance/runner/wire.ts');
    const checks = await loadWireChecks();
    expect(checks.length).toBe(readdirSync(`${DIR}wire/fixtures`).filter((f) => f.endsWith('.json')).length);
    for (const c of checks)
      for (const p of c.op.params.filter((x) => x.required))
        expect(Object.keys(c.args), `${c.id}: ${c.call} needs ${p.name.wire}`).toContain(p.name.wire);
  });
});
