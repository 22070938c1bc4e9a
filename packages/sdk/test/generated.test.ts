// The model-generated TypeScript (generators/typescript) checked against what openapi-typescript
// and orval make of the same spec in @agenttrustid/spec: every generated model type has the wire
// type's fields (camelCased), each optional and nullable alike, every enum the same values; and
// every operation's response names a zod schema the SDK validates with.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as zod from '@agenttrustid/spec/zod';
import { describe, expect, it } from 'vitest';
import { camel, identifier, modelFromFile, type Name } from '../../../generators/src/model/index';
import { operations } from '../src/generated/operations.js';
import * as schemas from '../src/generated/schemas.js';

const ROOT = new URL('../../../', import.meta.url);
const model = await modelFromFile(fileURLToPath(new URL('spec/openapi.yaml', ROOT)));
const sdkName = (name: Name) => identifier(name, 'typescript', camel);
const TSC = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

describe('generated TypeScript vs the spec package', () => {
  it('every response descriptor names a zod schema of @agenttrustid/spec', () => {
    const named = Object.entries(operations).flatMap(([id, op]) =>
      'response' in op && op.response ? [[id, op.response] as const] : [],
    );
    expect(named.length).toBeGreaterThan(30);
    for (const [id, name] of named) {
      expect((zod as Record<string, unknown>)[name], `${id}: ${name}`).toBeDefined();
      expect((schemas as Record<string, unknown>)[name], `${id}: ${name} in schemas.ts`).toBeDefined();
    }
  });

  it('every model type matches openapi-typescript: fields, optionality, nullability, enum values', () => {
    const names = model.types
      .filter((t) => t.syntheticFrom === undefined && t.name.wire !== model.errorEnvelope)
      .map((t) => ({
        name: t.name.wire,
        kind: t.kind,
        // openapi-typescript makes a field with a default required (defaultNonNullable); the
        // model keeps it optional in requests, where the gateway fills it in.
        defaulted:
          t.kind === 'object'
            ? t.properties.filter((p) => p.default !== undefined).map((p) => JSON.stringify(sdkName(p.name)))
            : [],
      }));
    const lines = [
      "import type { components } from '@agenttrustid/spec/types';",
      "import type * as M from '../src/generated/models.js';",
      'type W = components["schemas"];',
      'type Camel<S> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;',
      'type C<T> = { [K in keyof T as Camel<K>]: T[K] };',
      'type Req<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];',
      'type Nul<T> = { [K in keyof T]-?: null extends T[K] ? K : never }[keyof T];',
      'type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;',
      'type Obj<A, B, D = never> = [Same<keyof A, keyof C<B>>, Same<Exclude<Req<A>, D>, Exclude<Req<C<B>>, D>>, Same<Nul<A>, Nul<C<B>>>];',
      ...names.map(({ name, kind, defaulted }) =>
        kind === 'object'
          ? `export const ${name}: Obj<M.${name}, W["${name}"]${defaulted.length ? `, ${defaulted.join(' | ')}` : ''}> = [true, true, true];`
          : kind === 'enum'
            ? `export const ${name}: Same<M.${name}, W["${name}"]> = true;`
            : `export const ${name}: Same<keyof M.${name}, keyof C<W["${name}"]>> = true;`,
      ),
    ];
    const file = fileURLToPath(new URL('./.generated-check.ts', import.meta.url));
    const config = fileURLToPath(new URL('./.generated-check.tsconfig.json', import.meta.url));
    writeFileSync(file, `${lines.join('\n')}\n`);
    writeFileSync(
      config,
      JSON.stringify({ extends: '../tsconfig.json', include: [], files: ['./.generated-check.ts'] }),
    );
    try {
      const tsc = spawnSync(process.execPath, [TSC, '--noEmit', '-p', config], { encoding: 'utf8' });
      expect(tsc.stdout + tsc.stderr, 'tsc found a mismatch').toBe('');
      expect(tsc.status).toBe(0);
    } finally {
      if (!process.env.KEEP_CHECK) rmSync(file, { force: true });
      rmSync(config, { force: true });
    }
  }, 60_000);
});
