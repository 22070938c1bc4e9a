import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

// Subpath entries (the default build; e.g. testing, adapters) go here.
const entry: Record<string, string> = {
  index: 'src/index.ts',
  testing: 'src/testing/index.ts',
  identity: 'src/identity/index.ts',
  ai: 'src/adapters/ai.ts',
  langchain: 'src/adapters/langchain.ts',
  mcp: 'src/adapters/mcp.ts',
  'openai-agents': 'src/adapters/openai-agents.ts',
};

// The spec's zod schemas carry every field description as `.check(zod.describe('...'))`: text no
// validation reads. Stripping it where the SDK bundles them saves about 1.8 kB gzipped.
const stripDescriptions = {
  name: 'strip-zod-descriptions',
  setup(build: any) {
    build.onLoad({ filter: /spec\/generated\/zod\.ts$/ }, async (args: { path: string }) => {
      const source = await readFile(args.path, 'utf8');
      const stripped = source.replace(/\.check\(\/\*#__PURE__\*\/ zod\.describe\('(?:[^'\\]|\\.)*'\)\)/g, '');
      if (stripped.includes('zod.describe('))
        throw new Error('strip-zod-descriptions: a describe() call was not recognised');
      // `zod.iso.datetime` goes through zod/mini's `iso` namespace object, which keeps every
      // member (date, time, duration and their regexes) in a bundle; the same schema built from
      // its two named parts leaves the rest to tree-shaking.
      const contents = stripped.replaceAll('zod.iso.datetime(', 'isoDateTime(');
      if (/zod\.iso\./.test(contents))
        throw new Error('strip-zod-descriptions: a zod.iso member was not recognised');
      return {
        contents: `import { _isoDateTime } from 'zod/v4/core';\nimport { ZodMiniISODateTime } from 'zod/mini';\n/* @__NO_SIDE_EFFECTS__ */ const isoDateTime = (params: Parameters<typeof _isoDateTime>[1]) => _isoDateTime(ZodMiniISODateTime, params);\n${contents}`,
        loader: 'ts',
      };
    });
  },
};

const common: Options = {
  target: 'es2022',
  sourcemap: true,
  treeshake: true,
  // The spec package is private: its generated zod schemas are bundled in.
  noExternal: ['@agenttrustid/spec'],
  define: { __SDK_VERSION__: JSON.stringify(version) },
  esbuildPlugins: [stripDescriptions],
};

// ky and jose are ESM-only; CJS bundles them so `require` works on every Node 20 (require(esm)
// is only on by default from 20.19).
const cjs: Options = { format: ['cjs'], noExternal: ['@agenttrustid/spec', 'ky', 'jose'] };

// The `node` export condition gets the same API with transport.node.ts as the default fetch.
const nodeTransport = {
  name: 'node-transport',
  setup(build: any) {
    build.onResolve({ filter: /\/transport\.js$/ }, () => ({
      path: fileURLToPath(new URL('./src/core/transport.node.ts', import.meta.url)),
    }));
  },
};
const nodeEntry = { 'index.node': 'src/index.ts' };
// The Node build bundles ky and zod too: one file loads much faster than zod's and ky's many
// modules (the bundlers that consume the default build dedupe them instead).
const nodeBundle: Options = {
  platform: 'node',
  noExternal: ['@agenttrustid/spec', 'ky', 'zod'],
  esbuildPlugins: [stripDescriptions, nodeTransport],
};

export default defineConfig([
  {
    ...common,
    entry,
    format: ['esm'],
    dts: { resolve: ['@agenttrustid/spec'], compilerOptions: { stripInternal: true } },
    clean: true,
  },
  {
    ...common,
    ...cjs,
    entry,
    dts: { resolve: ['@agenttrustid/spec'], compilerOptions: { stripInternal: true } },
  },
  { ...common, ...nodeBundle, entry: nodeEntry, format: ['esm'] },
  { ...common, ...nodeBundle, entry: nodeEntry, format: ['cjs'] },
]);
