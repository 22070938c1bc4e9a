import { API_KEYS, createMockGateway, type MockGateway } from '@agenttrustid/mock-gateway';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { AgentTrustClient, type ClientOptions } from '../src/index.js';

export const BASE_URL = 'http://gateway.test';
export const KEY = API_KEYS.full;

/** One in-process mock gateway per test file, reset after each test. */
export function useGateway(): {
  gateway: MockGateway;
  client: (options?: ClientOptions) => AgentTrustClient;
} {
  const gateway = createMockGateway();
  const server = setupServer(...gateway.handlers);
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => gateway.reset());
  afterAll(() => server.close());
  return {
    gateway,
    client: (options = {}) =>
      new AgentTrustClient({ baseUrl: BASE_URL, apiKey: KEY, logLevel: 'off', ...options }),
  };
}
