/**
 * `@agenttrustid/sdk/testing`: a client wired to an in-process mock gateway, for testing guarded
 * agents offline in one line:
 *
 *   const { client, gateway } = createTestClient();
 *
 * The client is the real one (ky, retries, validation); only its `fetch` is replaced by the
 * mock's handlers, so no port is opened and no global `fetch` is patched. Needs the optional
 * peer dependency `@agenttrustid/mock-gateway`.
 */
import {
  API_KEYS,
  createMockGateway,
  type MockGateway,
  type MockGatewayOptions,
} from '@agenttrustid/mock-gateway';
import { AgentTrustClient, type ClientOptions } from '../client.js';
import type { Agent, CreateAgentRequest } from '../generated/models.js';

/** The base URL the in-process client uses; nothing listens there, the mock answers in memory. */
export const TEST_BASE_URL = 'http://agenttrust.mock';
/** The mock's key that may call every operation. */
export const TEST_API_KEY: string = API_KEYS.full;
/** The mock's key that may only read. */
export const TEST_READONLY_API_KEY: string = API_KEYS.readonly;

export interface TestClientOptions {
  /** Options for the client (the API key defaults to the mock's full-access key). */
  client?: Omit<ClientOptions, 'baseUrl' | 'fetch'>;
  /** Options for a new mock gateway (clock, policy windows). */
  gateway?: MockGatewayOptions;
  /** Serve this existing gateway instead of creating one. */
  use?: MockGateway;
}

export interface TestClient {
  client: AgentTrustClient;
  gateway: MockGateway;
  /** The `fetch` the client uses: a network failure fault (`drop`) rejects as real fetch does. */
  fetch: typeof globalThis.fetch;
  /** Registers an agent with these capabilities (default: `*`, every tool). */
  createAgent(params?: Partial<CreateAgentRequest>): Promise<Agent>;
  /**
   * Suspends or reactivates an agent through the mock's admin API (the real gateway has no such
   * call, so the client does not either); checks of a suspended agent answer `agent_suspended`.
   */
  setAgentStatus(agentId: string, status: 'active' | 'suspended'): Promise<void>;
  /**
   * Sets a session's mode or scope ceiling through the mock's admin API (the wire only opens
   * `open` sessions). In a `supervised` session an approval allows exactly one call. The session
   * must exist: a guard's session exists after its first check.
   */
  setSession(sessionId: string, settings: SessionSettings): Promise<void>;
  /** Empties the gateway's state, faults and request log. */
  reset(): void;
  /** Resets the gateway; present so `await using` and `afterEach(close)` read naturally. */
  close(): Promise<void>;
}

export interface SessionSettings {
  mode?: 'open' | 'restricted' | 'supervised';
  /** The tools the session may use at most (capability patterns, e.g. `web:*`). */
  scopeCeiling?: string[];
}

/** Turns a gateway into a `fetch`: MSW's network-error response becomes a rejected fetch. */
export function mockFetch(gateway: MockGateway): typeof globalThis.fetch {
  return async (input, init) => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const signal = request.signal;
    // Like real fetch, an aborted signal rejects with its reason, also while the mock is still
    // answering (a latency fault).
    signal.throwIfAborted();
    const response = await new Promise<Response>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      gateway.fetch(request).then(
        (r) => {
          signal.removeEventListener('abort', onAbort);
          resolve(r);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
    if (response.type === 'error')
      throw new TypeError('fetch failed', { cause: new Error('connection dropped (mock fault)') });
    return response;
  };
}

/** A real `AgentTrustClient` in front of an in-process mock gateway. */
export function createTestClient(options: TestClientOptions = {}): TestClient {
  const gateway = options.use ?? createMockGateway(options.gateway);
  const fetch = mockFetch(gateway);
  const client = new AgentTrustClient({
    apiKey: TEST_API_KEY,
    ...options.client,
    baseUrl: TEST_BASE_URL,
    fetch,
  });
  let agents = 0;
  const admin = async (path: string, body: Record<string, unknown>): Promise<void> => {
    const response = await gateway.fetch(
      new Request(`${TEST_BASE_URL}/__mock/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
    if (!response.ok) {
      const answer = (await response.json().catch(() => ({}))) as { message?: string };
      throw new Error(`mock admin ${path}: ${response.status} ${answer.message ?? ''}`.trim());
    }
  };
  return {
    client,
    gateway,
    fetch,
    createAgent: (params = {}) =>
      client.agents.create({ name: `test-agent-${++agents}`, capabilities: ['*'], ...params }),
    setAgentStatus: (agentId, status) => admin(`agents/${encodeURIComponent(agentId)}/status`, { status }),
    setSession: (sessionId, settings) =>
      admin(`sessions/${encodeURIComponent(sessionId)}`, {
        ...(settings.mode !== undefined ? { mode: settings.mode } : {}),
        ...(settings.scopeCeiling !== undefined ? { scope_ceiling: settings.scopeCeiling } : {}),
      }),
    reset: () => gateway.reset(),
    close: async () => gateway.reset(),
  };
}
