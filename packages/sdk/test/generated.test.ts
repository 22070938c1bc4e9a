// The model-generated TypeScript (generators/typescript) checked against what openapi-typescript
// and orval make of the same spec in @agenttrustid/spec: every generated model type has the wire
// type's fields (camelCased, or renamed by x-sdk-name), each optional and nullable alike, every
// enum the same values; every method of an enveloped answer returns the envelope's member; fixed
// fields are never arguments and header parameters are; and every operation's response names a
// zod schema the SDK validates with.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as zod from '@agenttrustid/spec/zod';
import { describe, expect, it } from 'vitest';
import {
  camel,
  identifier,
  modelFromFile,
  type Name,
  type Operation,
} from '../../../generators/src/model/index';
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

  it('every model type and method matches openapi-typescript: fields, optionality, nullability, enums, envelopes, arguments', () => {
    const plainCamel = (wire: string) => wire.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    const lit = (v: string) => JSON.stringify(v);
    // x-sdk-name renames (`ttl` -> `ttlSeconds`, `action_name` -> `toolName`) as a type-level map;
    // every other key must be the plain camelCase of its wire key.
    const renames = (props: readonly { name: Name }[]) => {
      const entries = props
        .filter((p) => sdkName(p.name) !== plainCamel(p.name.wire))
        .map((p) => `${lit(p.name.wire)}: ${lit(sdkName(p.name))}`);
      return entries.length ? `{ ${entries.join('; ')} }` : '{}';
    };
    const names = model.types
      .filter((t) => t.syntheticFrom === undefined && t.name.wire !== model.errorEnvelope)
      .map((t) => ({
        name: t.name.wire,
        kind: t.kind,
        empty: t.kind === 'object' && t.properties.length === 0 && !t.additionalProperties,
        renames: t.kind === 'object' ? renames(t.properties) : '{}',
        // openapi-typescript makes a field with a default required (defaultNonNullable); the
        // model keeps it optional in requests, where the gateway fills it in.
        defaulted:
          t.kind === 'object'
            ? t.properties.filter((p) => p.default !== undefined).map((p) => lit(sdkName(p.name)))
            : [],
      }));
    const typeLine = ({ name, kind, empty, renames, defaulted }: (typeof names)[number]) => {
      // openapi-typescript writes a closed object without properties as Record<string, never>.
      if (empty)
        return `export const ${name}: [Same<keyof M.${name}, never>, W["${name}"] extends Record<string, never> ? true : false] = [true, true];`;
      if (kind === 'object')
        return `export const ${name}: Obj<M.${name}, W["${name}"], ${renames}${defaulted.length ? `, ${defaulted.join(' | ')}` : ''}> = [true, true, true];`;
      if (kind === 'enum') return `export const ${name}: Same<M.${name}, W["${name}"]> = true;`;
      return `export const ${name}: Same<keyof M.${name}, keyof C<W["${name}"]>> = true;`;
    };

    // Each method, as the client exposes it.
    const resourceOf = (op: Operation) => model.resources.find((r) => r.operations.includes(op.id))!;
    const methodType = (op: Operation) =>
      op.root
        ? `AgentTrustClient[${lit(sdkName(op.name))}]`
        : `AgentTrustClient[${lit(sdkName(resourceOf(op).name))}][${lit(sdkName(op.name))}]`;
    const typeOf = (wire: string) => model.types.find((t) => t.name.wire === wire)!;
    const methodLines = model.operations.flatMap((op, i) => {
      const m = methodType(op);
      const lines: string[] = [];
      // x-sdk-unwrap: the method returns the envelope's member (its items' fields for a list).
      if (op.unwrap && op.response.type?.kind === 'ref') {
        const envelope = op.response.type.name;
        const member = (typeOf(envelope) as { properties: { name: Name; type: any }[] }).properties.find(
          (p) => p.name.wire === op.unwrap,
        )!;
        const item = member.type.kind === 'array' ? member.type.items : member.type;
        const itemRenames = item.kind === 'ref' ? renames((typeOf(item.name) as any).properties ?? []) : '{}';
        lines.push(
          `export const unwrap${i}: [Same<Awaited<ReturnType<${m}>> extends readonly unknown[] ? true : false, W["${envelope}"][${lit(op.unwrap)}] extends readonly unknown[] ? true : false>, Same<keyof Item<Awaited<ReturnType<${m}>>>, keyof C<Item<W["${envelope}"][${lit(op.unwrap)}]>, ${itemRenames}>>] = [true, true]; // ${op.id}`,
        );
      }
      // Fixed body fields (required consts) are sent by the SDK, never taken from the caller.
      for (const f of op.fixed) {
        lines.push(
          `export const fixed${i}_${f.wire}: Same<Extract<AllKeys<Parameters<${m}>>, ${lit(plainCamel(f.wire))} | ${lit(f.wire)}>, never> = true; // ${op.id}`,
        );
      }
      // Header parameters are arguments: positional by x-sdk-args, else in the params object.
      const args = op.sdk.args.typescript;
      for (const h of op.headerParams) {
        const at = args.indexOf(h.name.wire);
        lines.push(
          at >= 0
            ? `export const header${i}_${at}: Same<NonNullable<Parameters<${m}>[${at}]>, string> = true; // ${op.id} ${h.name.wire}`
            : `export const header${i}_${sdkName(h.name)}: ${lit(sdkName(h.name))} extends AllKeys<Parameters<${m}>> ? true : false = true; // ${op.id} ${h.name.wire}`,
        );
      }
      return lines;
    });
    expect(methodLines.some((l) => l.startsWith('export const unwrap'))).toBe(true);
    expect(methodLines.some((l) => l.startsWith('export const fixed'))).toBe(true);
    expect(methodLines.some((l) => l.startsWith('export const header'))).toBe(true);

    const lines = [
      "import type { components } from '@agenttrustid/spec/types';",
      "import type * as M from '../src/generated/models.js';",
      "import type { AgentTrustClient } from '../src/index.js';",
      'type W = components["schemas"];',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source, not a template
      'type Camel<S> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;',
      // Keys camelCased, or renamed by the type's x-sdk-name map R.
      'type C<T, R = {}> = { [K in keyof T as K extends keyof R ? R[K] & string : Camel<K>]: T[K] };',
      'type Req<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];',
      'type Nul<T> = { [K in keyof T]-?: null extends T[K] ? K : never }[keyof T];',
      'type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;',
      'type Item<T> = T extends readonly (infer I)[] ? I : T;',
      // Every key of every object argument of a method.
      'type AllKeys<P> = P extends readonly unknown[] ? { [I in keyof P]: NonNullable<P[I]> extends object ? keyof NonNullable<P[I]> : never }[number] : never;',
      'type Obj<A, B, R = {}, D = never> = [Same<keyof A, keyof C<B, R>>, Same<Exclude<Req<A>, D>, Exclude<Req<C<B, R>>, D>>, Same<Nul<A>, Nul<C<B, R>>>];',
      ...names.map(typeLine),
      ...methodLines,
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
  }, 300_000); // one tsc run: over a minute on 2 shared cores under load
});
