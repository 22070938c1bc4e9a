import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * Every endpoint the official AgentTrust ID SDKs call, as `reference/official-sdk/protocol.md`
 * numbers them (#1-#50 from the libraries, #51/#52 from the official proof scripts), written
 * here as data: the spec must describe each one with exactly this method and path. `rpc` names
 * the JSON-RPC methods carried by one HTTP endpoint (#27, #27b, #28), which the operation's
 * `x-sdk-rpc` must list.
 */
const OFFICIAL: ReadonlyArray<{ n: string; method: string; path: string; rpc?: string[] }> = [
  { n: '1', method: 'GET', path: '/health' },
  { n: '2', method: 'POST', path: '/api/v1/agents' },
  { n: '3', method: 'GET', path: '/api/v1/agents' },
  { n: '4', method: 'GET', path: '/api/v1/agents/{agent_id}' },
  { n: '5', method: 'POST', path: '/api/v1/agents/{agent_id}/revoke' },
  { n: '6', method: 'POST', path: '/api/v1/agents/{agent_id}/challenge' },
  { n: '7', method: 'POST', path: '/api/v1/agent-tokens/issue' },
  { n: '8', method: 'POST', path: '/api/v1/agent-tokens/introspect' },
  { n: '9', method: 'POST', path: '/api/v1/agent-tokens/revoke' },
  { n: '10', method: 'POST', path: '/api/v1/agenttrust/check' },
  { n: '11', method: 'POST', path: '/api/v1/telemetry/report' },
  { n: '12', method: 'POST', path: '/mcp/sessions/init' },
  { n: '13', method: 'GET', path: '/mcp/sessions/{session_id}' },
  { n: '14', method: 'POST', path: '/api/v1/agenttrust/api-sessions/init' },
  { n: '15', method: 'POST', path: '/mcp/approvals/{approval_id}/approve' },
  { n: '16', method: 'POST', path: '/mcp/approvals/{approval_id}/deny' },
  { n: '17', method: 'GET', path: '/mcp/approvals/{approval_id}' },
  { n: '18', method: 'POST', path: '/mcp/servers' },
  { n: '19', method: 'GET', path: '/mcp/servers' },
  { n: '20', method: 'GET', path: '/mcp/servers/{server_id}' },
  { n: '21', method: 'DELETE', path: '/mcp/servers/{server_id}' },
  { n: '22', method: 'POST', path: '/mcp/{server_id}' },
  { n: '23', method: 'POST', path: '/api/v1/agents/{agent_id}/card' },
  { n: '24', method: 'GET', path: '/api/v1/agents/{agent_id}/card' },
  { n: '25', method: 'PUT', path: '/api/v1/agents/{agent_id}/card/publish' },
  { n: '26', method: 'GET', path: '/a2a/agents/{agent_id}/agent.json' },
  { n: '27', method: 'POST', path: '/a2a', rpc: ['tasks/send', 'tasks/get', 'tasks/cancel'] },
  { n: '27b', method: 'POST', path: '/a2a', rpc: ['tasks/list'] },
  { n: '28', method: 'POST', path: '/a2a/agents/{agent_id}', rpc: ['message/send'] },
  { n: '29', method: 'POST', path: '/api/v1/delegations' },
  { n: '30', method: 'GET', path: '/api/v1/delegations' },
  { n: '31', method: 'GET', path: '/api/v1/delegations/{delegation_id}' },
  { n: '32', method: 'DELETE', path: '/api/v1/delegations/{delegation_id}' },
  { n: '33', method: 'POST', path: '/api/v1/delegations/{delegation_id}/session' },
  { n: '34', method: 'POST', path: '/api/v1/federation/providers' },
  { n: '35', method: 'GET', path: '/api/v1/federation/providers' },
  { n: '36', method: 'DELETE', path: '/api/v1/federation/providers/{provider_id}' },
  { n: '37', method: 'POST', path: '/api/v1/federation/tokens/verify' },
  { n: '38', method: 'POST', path: '/api/v1/federation/tokens/introspect' },
  { n: '39', method: 'POST', path: '/api/v1/federation/tokens/issue' },
  { n: '40', method: 'POST', path: '/api/v1/federation/tokens/revoke' },
  { n: '41', method: 'POST', path: '/api/v1/federation/sessions/init' },
  { n: '42', method: 'POST', path: '/api/v1/siem/destinations' },
  { n: '43', method: 'GET', path: '/api/v1/siem/destinations' },
  { n: '44', method: 'GET', path: '/api/v1/siem/destinations/{destination_id}' },
  { n: '45', method: 'PUT', path: '/api/v1/siem/destinations/{destination_id}' },
  { n: '46', method: 'DELETE', path: '/api/v1/siem/destinations/{destination_id}' },
  { n: '47', method: 'GET', path: '/api/v1/siem/destinations/{destination_id}/logs' },
  { n: '48', method: 'POST', path: '/api/v1/siem/destinations/{destination_id}/test' },
  { n: '49', method: 'POST', path: '/api/v1/wimse/token' },
  { n: '50', method: 'POST', path: '/api/v1/wimse/verify' },
  { n: '51', method: 'GET', path: '/api/v1/orgs/security-settings' },
  { n: '52', method: 'PUT', path: '/api/v1/orgs/security-settings' },
];

const spec = parse(readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8'), { merge: true });
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const inSpec = new Set<string>();
for (const [path, item] of Object.entries<Record<string, unknown>>(spec.paths)) {
  for (const m of METHODS) if (item[m]) inSpec.add(`${m.toUpperCase()} ${path}`);
}

describe('protocol.md coverage', () => {
  it('lists #1 to #52 once each (plus #27b)', () => {
    const numbers = OFFICIAL.map((e) => e.n);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (let i = 1; i <= 52; i++) expect(numbers).toContain(String(i));
  });

  for (const { n, method, path, rpc } of OFFICIAL) {
    it(`#${n} ${method} ${path}${rpc ? ` (${rpc.join(', ')})` : ''} is in the spec`, () => {
      expect(inSpec.has(`${method} ${path}`)).toBe(true);
      const op = spec.paths[path][method.toLowerCase()];
      expect(op.description, 'the description cites the protocol.md number').toMatch(new RegExp(`#${n}\\b`));
      if (rpc) {
        const listed = (op['x-sdk-rpc']?.methods ?? []).map((m: { method: string }) => m.method);
        for (const name of rpc) expect(listed).toContain(name);
      }
    });
  }

  it('has no operation the official clients never call', () => {
    const official = new Set(OFFICIAL.map((e) => `${e.method} ${e.path}`));
    expect([...inSpec].filter((key) => !official.has(key))).toEqual([]);
  });

  it('authenticates with X-API-Key, never the org key as a bearer token', () => {
    expect(spec.components.securitySchemes.apiKey).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-API-Key',
    });
    expect(spec.security).toEqual([{ apiKey: [] }]);
  });
});

describe('wire fixtures', () => {
  const dir = new URL('../conformance/wire/fixtures/', import.meta.url);
  const fixtures = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ file: f, fx: JSON.parse(readFileSync(new URL(f, dir), 'utf8')) }));
  const byId = new Map<string, { path: string; method: string }>();
  for (const [path, item] of Object.entries<Record<string, any>>(spec.paths)) {
    for (const m of METHODS) if (item[m]) byId.set(item[m].operationId, { path, method: m.toUpperCase() });
  }

  it('cover every operation of the spec', () => {
    const covered = new Set(fixtures.map(({ fx }) => fx.operation));
    expect([...byId.keys()].filter((id) => !covered.has(id))).toEqual([]);
  });

  for (const { file, fx } of fixtures) {
    it(`${file}: method and path match the spec operation, with its source cited`, () => {
      const op = byId.get(fx.operation);
      expect(op, `operation ${fx.operation}`).toBeDefined();
      expect(fx.request.method).toBe(op!.method);
      const pattern = new RegExp(
        `^${op!.path.replace(/\{[^}]+\}/g, '[^/?]+').replace(/\./g, '\\.')}(\\?.*)?$`,
      );
      expect(fx.request.path).toMatch(pattern);
      expect(fx.sources.length).toBeGreaterThan(0);
      expect(fx.request.headers['X-API-Key']).toBeTruthy();
    });
  }
});
