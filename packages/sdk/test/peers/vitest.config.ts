// The adapters against the low end of each peer range. The main suite (vitest.config.ts) runs
// them against the devDependencies, which are the high ends (ai 7, @modelcontextprotocol/sdk 1.x
// latest, @langchain/core 1.x latest); here pnpm aliases (`"ai-v6": "npm:ai@6.0.0"`) stand in
// for the package name, so the same test files run against the other end. test/peers/mcp-v2
// (MCP v2) runs in the main suite at 2.4.0 and here at 2.0.0.
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const pkg = new URL('../../package.json', import.meta.url);
const { version, devDependencies } = JSON.parse(readFileSync(pkg, 'utf8'));
const at = (alias: string) => String(devDependencies[alias]).replace(/^npm:/, '');

/** One project: `files` with `name` resolved to the aliased package. */
const end = (label: string, files: string[], aliases: Record<string, string> = {}) => ({
  extends: true as const,
  test: { name: label, include: files },
  resolve: { alias: Object.entries(aliases).map(([find, replacement]) => ({ find, replacement })) },
});

export default defineConfig({
  root: new URL('../..', import.meta.url).pathname,
  define: { __SDK_VERSION__: JSON.stringify(version) },
  test: {
    testTimeout: 15_000,
    projects: [
      end(at('ai-v6'), ['test/guard/adapters/ai.test.ts'], { ai: 'ai-v6' }),
      end(at('mcp-sdk-v1-low'), ['test/guard/adapters/mcp.test.ts'], {
        '@modelcontextprotocol/sdk': 'mcp-sdk-v1-low',
      }),
      end(at('langchain-core-v1-low'), ['test/guard/adapters/langchain.test.ts'], {
        '@langchain/core': 'langchain-core-v1-low',
      }),
      end(at('mcp-client-v2-low'), ['test/peers/mcp-v2.test.ts'], {
        '@modelcontextprotocol/client': 'mcp-client-v2-low',
        '@modelcontextprotocol/server': 'mcp-server-v2-low',
      }),
    ],
  },
});
