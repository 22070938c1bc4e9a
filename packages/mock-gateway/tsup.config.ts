import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts', cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', node: 'src/node.ts' } },
  // Resolves the private spec package's types to its file, so the published .d.ts inlines them.
  tsconfig: 'tsconfig.build.json',
  target: 'node20',
  platform: 'node',
  clean: true,
  sourcemap: true,
  // The spec package is private: its generated schemas are bundled, not depended upon.
  noExternal: ['@agenttrustid/spec'],
});
