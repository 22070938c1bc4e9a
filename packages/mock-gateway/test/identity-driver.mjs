// A reference conformance driver for the identity scenarios only, built on `jose` and fetch: it
// proves that spec/conformance/scenarios/identity-*.json, the runner's `identity` requests and
// the mock's enforcement agree before any SDK implements them (test/identity-scenarios.test.ts
// runs the real runner with it). It knows just the calls those scenarios make and a guard that
// checks with or without credentials; anything else is a crash, so a scenario growing beyond it
// shows up at once. Protocol: spec/conformance/README.md, *Drivers*.
import { createHash, randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';

const REFRESH_BEFORE_MS = 60_000;

class DriverError extends Error {
  constructor(code, message, status, details, requestId) {
    super(message);
    this.wire = { code, message, status, details: details ?? {}, request_id: requestId ?? null };
  }
}

/** One client per distinct `client` object: its key store and its credentials by agent. */
let clients = new Map();
let guard = null;

function clientFor(settings) {
  const id = JSON.stringify(settings);
  if (!clients.has(id)) clients.set(id, { settings, keys: new Map(), credentials: new Map() });
  return clients.get(id);
}

async function send(client, method, path, body, headers = {}) {
  const { base_url: base, api_key: key } = client.settings;
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(key ? { 'x-api-key': key } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!response.ok)
    throw new DriverError(
      parsed?.code ?? 'INVALID_RESPONSE',
      parsed?.message ?? text,
      response.status,
      parsed?.details,
      parsed?.request_id,
    );
  return parsed;
}

async function makeKeys() {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const { kty, crv, x } = await exportJWK(pair.publicKey);
  return { ...pair, jwk: { kty, crv, x }, pem: await exportSPKI(pair.publicKey) };
}

async function issueWithProof(client, agentId, { audience = [], ttl_seconds } = {}) {
  const keys = client.keys.get(agentId);
  if (!keys) throw new DriverError('VALIDATION_ERROR', `no key for agent ${agentId} in the key store`, null);
  const { nonce } = await send(client, 'POST', `/api/v1/agents/${encodeURIComponent(agentId)}/challenge`);
  const ts = Math.floor(Date.now() / 1000);
  const message = new TextEncoder().encode(`pop-v1:${nonce}:${agentId}:${audience.join(',')}:${ts}`);
  const signature = Buffer.from(await crypto.subtle.sign('Ed25519', keys.privateKey, message)).toString(
    'base64url',
  );
  return send(client, 'POST', '/api/v1/wimse/token', {
    agent_id: agentId,
    ...(audience.length ? { audience } : {}),
    ...(ttl_seconds ? { ttl_seconds } : {}),
    proof: { nonce, ts, signature },
  });
}

/** AgentCredentials: a cached token renewed near its expiry, and a fresh proof per request. */
function credentialsFor(client, agentId, audience) {
  if (!client.credentials.has(agentId)) {
    let cached = null;
    client.credentials.set(agentId, {
      invalidate: () => {
        cached = null;
      },
      async headers(htm, htu) {
        if (!cached || Date.parse(cached.expires_at) - Date.now() < REFRESH_BEFORE_MS)
          cached = await issueWithProof(client, agentId, { audience });
        const keys = client.keys.get(agentId);
        const ath = createHash('sha256').update(cached.token, 'ascii').digest('base64url');
        const dpop = await new SignJWT({ htm, htu, ath })
          .setProtectedHeader({ typ: 'dpop+jwt', alg: 'EdDSA', jwk: keys.jwk })
          .setIssuedAt()
          .setJti(randomBytes(16).toString('hex'))
          .sign(keys.privateKey);
        return { authorization: `Bearer ${cached.token}`, dpop };
      },
    });
  }
  return client.credentials.get(agentId);
}

const CALLS = {
  'agents.create': async (client, args) => {
    const keys = args.public_key ? null : await makeKeys();
    const body = await send(client, 'POST', '/api/v1/agents', {
      ...args,
      ...(keys ? { public_key: keys.pem } : {}),
    });
    const agent = body.agent ?? body;
    if (keys) client.keys.set(agent.id, keys);
    return agent;
  },
  'orgs.updateSecuritySettings': (client, args) =>
    send(client, 'PUT', '/api/v1/orgs/security-settings', args),
  'wimse.issueToken': (client, args) => send(client, 'POST', '/api/v1/wimse/token', args),
  'wimse.verifyToken': (client, args) => send(client, 'POST', '/api/v1/wimse/verify', args),
  'approvals.approve': (client, { approval_id, ...body }) =>
    send(client, 'POST', `/mcp/approvals/${encodeURIComponent(approval_id)}/approve`, body),
};

async function guardCheck(request) {
  const { client, agentId, options } = guard;
  const body = {
    agent_id: agentId,
    action_name: request.tool,
    action_source: 'api',
    ...(request.action_effect ? { action_effect: request.action_effect } : {}),
    ...(request.input_summary ? { action_input_summary: request.input_summary } : {}),
  };
  const path = '/api/v1/agenttrust/check';
  const attempt = async () => {
    const headers = options.credentials
      ? await credentialsFor(client, agentId).headers('POST', `${client.settings.base_url}${path}`)
      : {};
    return send(client, 'POST', path, body, headers);
  };
  let decision;
  try {
    decision = await attempt();
  } catch (error) {
    // A token revoked or expired early: invalidate and retry once with a fresh one.
    if (!(options.credentials && error.wire?.status === 401)) throw error;
    credentialsFor(client, agentId).invalidate();
    decision = await attempt();
  }
  if (decision.allowed || options.block_on_deny === false) return decision;
  const details = {
    rule: decision.rule,
    check_id: decision.check_id,
    retryable: Boolean(decision.elevation_required),
  };
  if (decision.elevation_required)
    throw new DriverError('ELEVATION_REQUIRED', decision.reason, null, {
      ...details,
      approval_id: decision.approval_id,
    });
  throw new DriverError('ACTION_DENIED', decision.reason, null, details);
}

async function handle(request) {
  switch (request.op) {
    case 'call': {
      const call = CALLS[request.call];
      if (!call) throw new Error(`the identity reference driver has no call ${request.call}`);
      return call(clientFor(request.client), request.args);
    }
    case 'identity': {
      const client = clientFor(request.client);
      if (request.action === 'issue_with_proof') return issueWithProof(client, request.agent_id, request);
      if (request.action === 'headers')
        return credentialsFor(client, request.agent_id, request.audience).headers(request.htm, request.htu);
      if (request.action === 'public_key')
        return { public_key: client.keys.get(request.agent_id)?.pem ?? null };
      throw new Error(`unknown identity action ${request.action}`);
    }
    case 'guard': {
      if (request.action === 'create') {
        guard = {
          client: clientFor(request.client),
          agentId: request.agent_id,
          options: request.options ?? {},
        };
        return null;
      }
      if (request.action === 'check') return guardCheck(request);
      if (request.action === 'close') return null;
      throw new Error(`the identity reference driver has no guard ${request.action}`);
    }
    case 'reset':
      clients = new Map();
      guard = null;
      return null;
    default:
      throw new Error(`unknown op ${request.op}`);
  }
}

// Requests are answered in order, one at a time.
let queue = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  queue = queue.then(async () => {
    const request = JSON.parse(line);
    let answer;
    try {
      answer = { id: request.id, ok: true, result: (await handle(request)) ?? null };
    } catch (error) {
      answer =
        error instanceof DriverError
          ? {
              id: request.id,
              ok: false,
              error: { ...error.wire, text: `${error.wire.code}: ${error.message}` },
            }
          : { id: request.id, ok: false, crash: `${error.name}: ${error.message}` };
    }
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  });
});
