// Node's default transport: a fetch-compatible function over node:http(s) with a keep-alive
// agent. Node's built-in fetch (undici) costs about twice a keep-alive node:http request for the
// small JSON calls the gateway answers (TOOLCHAIN.md); the action check sits on every tool call
// of an agent, so the Node build uses this. Only the Node entry (`node` export condition) bundles it.
import http from 'node:http';
import https from 'node:https';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  FAST_PATH,
  type FastPathInit,
  type MarkedResponse,
  RAW_HEADERS,
  RAW_REQUEST_ID,
  RAW_TEXT,
  ResponseTooLargeError,
} from './fast-path.js';

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }),
};
// Made on first use: only clients created with `verifyTls: false` send through it.
let insecureAgent: https.Agent | undefined;
function insecureHttpsAgent(): https.Agent {
  insecureAgent ??= new https.Agent({ keepAlive: true, maxSockets: 256, rejectUnauthorized: false });
  return insecureAgent;
}

// The last URL parsed: a client sends most of its calls (the action checks) to one URL.
let lastHref = '';
let lastUrl: URL | undefined;

async function nodeFetch(
  this: { insecure?: boolean } | undefined,
  input: RequestInfo | URL,
  init?: RequestInit & FastPathInit,
): Promise<Response> {
  const request = input instanceof Request ? input : new Request(input, init);
  const url = request.url === lastHref && lastUrl ? lastUrl : new URL(request.url);
  lastHref = request.url;
  lastUrl = url;
  const agent =
    url.protocol === 'https:' && this?.insecure
      ? insecureHttpsAgent()
      : agents[url.protocol as keyof typeof agents];
  if (!agent) throw new TypeError(`fetch failed: unsupported protocol ${url.protocol}`);
  // The HTTP core's fast path: it passes rawHeaders and rawBody (null for no body) and reads
  // RAW_TEXT and RAW_REQUEST_ID, so the Response needs no body stream, and a 2xx one no headers
  // (building them costs more than the rest of this function).
  const fast = init?.rawHeaders !== undefined && init.rawBody !== undefined;
  let body: string | Uint8Array | undefined;
  if (fast) body = init.rawBody ?? undefined;
  else if (request.body) body = new Uint8Array(await request.arrayBuffer());
  // Name/value pairs in one flat array: node:http then writes them as they are, without
  // validating each again (the core or the Request already did) or adding Host itself.
  const headers: string[] = [];
  let host = false;
  const add = (value: string, name: string) => {
    headers.push(name, value);
    if (name === 'host') host = true;
  };
  if (fast) for (const name in init.rawHeaders) add(init.rawHeaders[name]!, name);
  else request.headers.forEach(add);
  if (!host) headers.push('host', url.host);
  // A body-less POST/PUT/PATCH says so with Content-Length: 0, as fetch and curl do; without it
  // node:http sends `Transfer-Encoding: chunked` with an empty body, which proxies mangle.
  if (body !== undefined) headers.push('content-length', String(Buffer.byteLength(body)));
  else if (!['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(request.method))
    headers.push('content-length', '0');
  const limit = init?.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const signal = request.signal;
  if (signal.aborted) throw signal.reason;

  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    const onAbort = () => req.destroy(signal.reason);
    const req = (url.protocol === 'https:' ? https : http).request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port,
        path: url.pathname + url.search,
        method: request.method,
        headers,
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const tooLarge = () => {
          // Stop reading at once: never buffer (or decode) more than the cap.
          settled = true;
          signal.removeEventListener('abort', onAbort);
          res.destroy();
          req.destroy();
          reject(new ResponseTooLargeError(limit, res.statusCode ?? 0));
        };
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > limit) return tooLarge();
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          size += chunk.length;
          if (size > limit) return tooLarge();
          chunks.push(chunk);
        });
        res.on('error', (error) => fail(error));
        res.on('end', () => {
          if (settled) return;
          signal.removeEventListener('abort', onAbort);
          const status = res.statusCode ?? 0;
          const nullBody = status === 204 || status === 304 || request.method === 'HEAD';
          let text: string | null;
          try {
            text = nullBody
              ? null
              : (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
          } catch {
            // A cap set above what a string can hold (ERR_STRING_TOO_LONG): still a typed failure.
            return tooLarge();
          }
          settled = true;
          // Name/value pairs as received (repeated names appended, as fetch does). ky reads the
          // headers of a failed answer (Retry-After); the core reads only RAW_REQUEST_ID.
          const raw = res.rawHeaders;
          const withHeaders = !fast || status < 200 || status > 299;
          const responseHeaders: [string, string][] = [];
          let requestId: string | undefined;
          for (let i = 0; i + 1 < raw.length; i += 2) {
            if (withHeaders) responseHeaders.push([raw[i]!, raw[i + 1]!]);
            if (requestId === undefined && raw[i]!.toLowerCase() === 'x-request-id') requestId = raw[i + 1];
          }
          const response = new Response(fast ? null : text, {
            status,
            statusText: res.statusMessage ?? '',
            headers: responseHeaders,
          });
          // The HTTP core reads these instead of draining the body stream or the headers again.
          const marked = response as MarkedResponse;
          marked[RAW_TEXT] = text;
          marked[RAW_REQUEST_ID] = requestId;
          // Built into Headers only if the caller asks (`.withResponse()`).
          if (!withHeaders) marked[RAW_HEADERS] = raw;
          resolve(response);
        });
      },
    );
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      // As fetch does: an abort rejects with the signal's reason, anything else is a TypeError
      // whose cause names the system error (ECONNREFUSED, ECONNRESET, ...).
      reject(signal.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
    };
    req.on('error', fail);
    signal.addEventListener('abort', onAbort, { once: true });
    req.end(body);
  });
}

const verifying = Object.assign(nodeFetch.bind(undefined), { [FAST_PATH]: true });
const insecure = Object.assign(nodeFetch.bind({ insecure: true }), { [FAST_PATH]: true });

export function defaultFetch(options: { verifyTls?: boolean } = {}): typeof globalThis.fetch {
  return (options.verifyTls === false ? insecure : verifying) as typeof globalThis.fetch;
}
