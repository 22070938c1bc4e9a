#!/usr/bin/env node
/**
 * agenttrust-mock-gateway: serves the mock gateway on 127.0.0.1. The first stdout line is the
 * base URL; then one line per request. SIGTERM and SIGINT close it cleanly.
 */
import { parseArgs } from 'node:util';
import type { RequestLogEntry } from './gateway.js';
import { startMockGatewayServer } from './node.js';

const USAGE = `usage: agenttrust-mock-gateway [--port N] [--host 127.0.0.1] [--clock-start ISO] [--quiet]

  --port N           port to listen on (default 0: a free one)
  --host H           interface (default 127.0.0.1)
  --clock-start ISO  freeze the gateway clock at this time (moves only via POST /__mock/clock)
  --quiet            print only the URL, no request lines
`;

function line(entry: RequestLogEntry): string {
  const time = new Date().toISOString().slice(11, 23);
  const op = entry.operationId ?? '-';
  const faults = entry.faults.length > 0 ? ` fault=${entry.faults.join(',')}` : '';
  const status = entry.status === 0 ? 'dropped' : String(entry.status);
  return `${time} ${entry.method} ${entry.path} ${op} -> ${status} ${entry.durationMs}ms ${entry.requestId}${faults}`;
}

async function main(): Promise<void> {
  let values: { port?: string; host?: string; 'clock-start'?: string; quiet?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        'clock-start': { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be an integer from 0 to 65535\n${USAGE}`);
    process.exit(2);
  }
  const quiet = values.quiet === true;
  const server = await startMockGatewayServer({
    port,
    host: values.host ?? '127.0.0.1',
    ...(values['clock-start'] ? { clock: { start: values['clock-start'] } } : {}),
    onRequest: quiet ? undefined : (entry) => process.stdout.write(`${line(entry)}\n`),
  });
  process.stdout.write(`${server.url}\n`);
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    if (!quiet) process.stderr.write(`agenttrust-mock-gateway: ${signal}, closing\n`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Last line of defence: a stray error is reported, the server keeps serving.
  process.on('uncaughtException', (error) =>
    process.stderr.write(`agenttrust-mock-gateway: ${error.stack}\n`),
  );
  process.on('unhandledRejection', (error) =>
    process.stderr.write(`agenttrust-mock-gateway: ${String(error)}\n`),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`agenttrust-mock-gateway: ${(error as Error)?.message ?? error}\n`);
  process.exit(1);
});
