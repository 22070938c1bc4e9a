/**
 * The mock over real HTTP: a small `node:http` adapter feeding the same MSW handlers through
 * `gateway.fetch` (MSW's `getResponse`). What the Python, Go, Java and Rust tests start.
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { envelope, GatewayError, newRequestId } from './errors.js';
import { createMockGateway, type MockGateway, type MockGatewayOptions } from './gateway.js';

export interface MockGatewayServerOptions extends MockGatewayOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default `127.0.0.1` (loopback only). */
  host?: string;
  /** Serve an existing gateway instead of creating one. */
  gateway?: MockGateway;
}

export interface MockGatewayServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  gateway: MockGateway;
  server: Server;
  /** Stops listening and closes every open connection. */
  close(): Promise<void>;
}

const SERVER_NAME = 'agenttrust-mock-gateway';

function sendError(res: ServerResponse, error: GatewayError, close = false): string {
  const requestId = newRequestId();
  if (res.headersSent) {
    res.destroy();
    return requestId;
  }
  const body = JSON.stringify(envelope(error, requestId));
  res.writeHead(error.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'X-Request-Id': requestId,
    Server: SERVER_NAME,
    ...(close ? { Connection: 'close' } : {}),
    ...error.headers,
  });
  res.end(body);
  return requestId;
}

/**
 * How much of an over-cap body is read and dropped before the 413 (at least 64 MiB). A client
 * that sends its whole body before it reads (Python's `requests`) would otherwise have the
 * connection closed with its bytes unread: it sees a reset (EPIPE/ECONNRESET), never the 413.
 */
const drainBound = (limit: number) => Math.max(64 * 1024 * 1024, limit * 16);

/**
 * Reads the body up to `limit` bytes; null when it is larger. The rest of a larger body is read
 * and dropped (up to `drainBound`) before this resolves, so the 413 is read, not reset.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > limit;
    let settled = false;
    const settle = (value: Buffer | null) => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
      else if (chunks.length > 0) chunks.length = 0;
      // Past the drain bound: answer now (the close may then reach the client as a reset).
      if (size > drainBound(limit)) settle(null);
    });
    req.on('end', () => settle(over ? null : Buffer.concat(chunks)));
    req.on('error', (error) => {
      if (!settled) reject(error);
    });
  });
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

type Log = MockGatewayOptions['onRequest'];

/** Answers the adapter gives itself (before the handlers) get a log line like any other. */
function refuse(
  log: Log,
  req: IncomingMessage,
  res: ServerResponse,
  error: GatewayError,
  started: number,
  close = false,
) {
  const requestId = sendError(res, error, close);
  log?.({
    method: req.method ?? '?',
    path: (req.url ?? '').split('?')[0]!.slice(0, 200),
    operationId: null,
    status: error.status,
    durationMs: Math.round(performance.now() - started),
    requestId,
    faults: [],
  });
}

async function serve(
  gateway: MockGateway,
  origin: string,
  log: Log,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const started = performance.now();
  const limit = gateway.config.maxBodyBytes;
  const body = await readBody(req, limit);
  if (body === null) {
    const error = new GatewayError(413, 'PAYLOAD_TOO_LARGE', `request body exceeds ${limit} bytes`, {
      limit,
    });
    refuse(log, req, res, error, started, true);
    return;
  }
  let request: Request;
  try {
    const url = new URL(req.url ?? '/', origin);
    if (url.origin !== origin) throw new Error('absolute-form request target for another origin');
    const method = (req.method ?? 'GET').toUpperCase();
    // Methods fetch's `Request` refuses to build: no operation has them, so 405 (or 404).
    if (FORBIDDEN_METHODS.has(method)) {
      await send(res, gateway.refuseMethod(method, url.href, toHeaders(req)));
      return;
    }
    request = new Request(url, {
      method,
      headers: toHeaders(req),
      body: method === 'GET' || method === 'HEAD' || body.length === 0 ? undefined : new Uint8Array(body),
    });
  } catch (error) {
    sendError(
      res,
      new GatewayError(400, 'VALIDATION_ERROR', `malformed request: ${(error as Error).message}`),
    );
    return;
  }
  const response = await gateway.fetch(request);
  if (response.type === 'error') {
    // An injected `drop` fault: the client sees the connection reset mid-request.
    req.socket.destroy();
    return;
  }
  await send(res, response);
}

/** Methods the fetch standard forbids in a `Request` (`new Request` throws on them). */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

async function send(res: ServerResponse, response: Response): Promise<void> {
  const payload = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  headers['content-length'] = String(payload.length);
  headers.server = SERVER_NAME;
  res.writeHead(response.status, headers);
  res.end(payload);
}

export async function startMockGatewayServer(
  options: MockGatewayServerOptions = {},
): Promise<MockGatewayServer> {
  const gateway = options.gateway ?? createMockGateway(options);
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  // The adapter logs its own refusals; a throwing logger must not take the server down.
  const log: Log = (entry) => {
    try {
      options.onRequest?.(entry);
    } catch {
      // Ignored: logging is best effort.
    }
  };
  let origin = '';
  const server = createServer((req, res) => {
    serve(gateway, origin, log, req, res).catch((error: unknown) => {
      sendError(
        res,
        new GatewayError(500, 'INTERNAL_ERROR', `internal error: ${(error as Error)?.message ?? error}`),
      );
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // CONNECT never reaches the request handler (Node emits 'connect'; unhandled, it closes the
  // socket without an answer): no operation has it, so 405 with Allow (or 404), then close.
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    socket.on('error', () => socket.destroy());
    let url: string;
    try {
      url = new URL(req.url ?? '/', origin).href;
    } catch {
      url = `${origin}/`;
    }
    const response = gateway.refuseMethod('CONNECT', url, toHeaders(req));
    response
      .text()
      .then((body) => {
        const head = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}`];
        response.headers.forEach((value, key) => {
          head.push(`${key}: ${value}`);
        });
        head.push(
          `content-length: ${Buffer.byteLength(body)}`,
          `server: ${SERVER_NAME}`,
          'connection: close',
        );
        if (socket.writable) socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
        else socket.destroy();
      })
      .catch(() => socket.destroy());
  });
  // Garbage that is not HTTP at all: answer 400 if the socket still can, never crash.
  server.on('clientError', (_error, socket) => {
    log({
      method: '-',
      path: '(not HTTP)',
      operationId: null,
      status: 400,
      durationMs: 0,
      requestId: '-',
      faults: [],
    });
    if (socket.writable) {
      const body = JSON.stringify({ code: 'VALIDATION_ERROR', message: 'malformed HTTP request' });
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    } else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  origin = `http://${shownHost}:${address.port}`;
  return {
    url: origin,
    gateway,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

export { createMockGateway } from './gateway.js';
