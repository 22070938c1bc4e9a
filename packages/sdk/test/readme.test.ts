// Every ```ts block of README.md (the npm page) runs here, each as its own module, against the
// mock gateway on 127.0.0.1 (AGENTTRUST_URL, AGENTTRUST_API_KEY), and type-checks with tsc.
// Imports of `@agenttrustid/sdk[/sub]` are pointed at this package's sources.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { API_KEYS } from '@agenttrustid/mock-gateway';
import { startMockGatewayServer } from '@agenttrustid/mock-gateway/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = `${root}.readme-snippets`;

// The package's entry points, by subpath (package.json `exports`), as source files.
const ENTRIES: Record<string, string> = {
  '': 'src/index.js',
  '/testing': 'src/testing/index.js',
  '/identity': 'src/identity/index.js',
  '/ai': 'src/adapters/ai.js',
  '/langchain': 'src/adapters/langchain.js',
  '/mcp': 'src/adapters/mcp.js',
  '/openai-agents': 'src/adapters/openai-agents.js',
};

/** The README's ```ts blocks with the line each starts on. */
function snippets(markdown: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== '```') end++;
    out.push({ line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return out;
}

function localImports(code: string): string {
  return code.replace(/from '@agenttrustid\/sdk((?:\/[a-z-]+)?)'/g, (whole, sub: string) => {
    const entry = ENTRIES[sub];
    if (!entry) throw new Error(`README imports an unknown entry point: ${whole}`);
    return `from '../${entry}'`;
  });
}

const blocks = snippets(readFileSync(`${root}README.md`, 'utf8'));

let server: Awaited<ReturnType<typeof startMockGatewayServer>>;
beforeAll(async () => {
  server = await startMockGatewayServer();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  for (const [i, block] of blocks.entries()) {
    writeFileSync(
      `${dir}/snippet-${i + 1}.ts`,
      `// README.md line ${block.line}\n${localImports(block.code)}\nexport {};\n`,
    );
  }
  writeFileSync(
    `${dir}/tsconfig.json`,
    JSON.stringify({ extends: '../tsconfig.json', include: ['*.ts'], compilerOptions: { noEmit: true } }),
  );
});
afterAll(() => server?.close());

describe('README snippets', () => {
  it('has snippets for the client, raw response, Guard, adapters, testing, errors and logging', () => {
    const all = blocks.map((b) => b.code).join('\n');
    for (const marker of [
      'AgentTrustClient.fromEnv()',
      '.withResponse()',
      'guard.wrap(',
      'checkOrWaitForApproval',
      '@agenttrustid/sdk/ai',
      '@agenttrustid/sdk/langchain',
      '@agenttrustid/sdk/mcp',
      '@agenttrustid/sdk/openai-agents',
      '@agenttrustid/sdk/testing',
      'ConfigurationError',
      "logLevel: 'debug'",
    ])
      expect(all).toContain(marker);
  });

  it('type-check', () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    try {
      execFileSync(process.execPath, [tsc, '-p', `${dir}/tsconfig.json`], { cwd: root, encoding: 'utf8' });
    } catch (error) {
      throw new Error(
        `tsc failed on the README snippets:\n${(error as { stdout?: string }).stdout ?? error}`,
      );
    }
  }, 300_000);

  it.each(blocks.map((block, i) => [block.line, i + 1] as const))(
    'the snippet at README.md line %i runs',
    async (_line, n) => {
      vi.stubEnv('AGENTTRUST_URL', server.url);
      vi.stubEnv('AGENTTRUST_API_KEY', API_KEYS.full);
      vi.stubEnv('AGENTTRUST_LOG', '');
      server.gateway.reset();
      // README_SNIPPETS_VERBOSE=1 shows what the snippets print.
      const log = vi
        .spyOn(console, 'log')
        .mockImplementation(
          process.env.README_SNIPPETS_VERBOSE ? (...a) => console.info(`[${_line}]`, ...a) : () => undefined,
        );
      try {
        await import(pathToFileURL(`${dir}/snippet-${n}.ts`).href);
      } finally {
        log.mockRestore();
        vi.unstubAllEnvs();
      }
    },
    60_000,
  );
});
