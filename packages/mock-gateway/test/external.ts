/**
 * For the tests that run tools nobody here wrote against the mock CLI (the official client,
 * schemathesis): start the CLI on a free port, and run a script to its end, bounded, with its
 * output collected, so such a test fails (never hangs) and shows what the tool printed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export interface RunningCli {
  url: string;
  stop(): void;
}

/** Starts `dist/cli.js --port 0 --quiet` and resolves with the URL it prints first. */
export async function startCli(): Promise<RunningCli> {
  if (!existsSync(cli))
    throw new Error('build the package first (pnpm --filter @agenttrustid/mock-gateway build)');
  const server: ChildProcess = spawn(process.execPath, [cli, '--port', '0', '--quiet'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the CLI printed no URL in 10 s')), 10_000);
    createInterface({ input: server.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    server.once('exit', (code) => reject(new Error(`the CLI exited with ${code}`)));
  });
  return { url, stop: () => server.kill('SIGTERM') };
}

/** Runs `bash script ...args` with `env` added; kills it after `timeoutMs`. */
export function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
