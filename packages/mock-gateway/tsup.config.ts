import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts', cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', node: 'src/node.ts' }, resolve: ['@agenttrustid/spec'] },
  target: 'node20',
  platform: 'node',
  clean: true,
  sourcemap: true,
  // The spec package is private: its generated schemas are bundled, not depended upon.
  noExternal: ['@agenttrustid/spec'],
});
