import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiModel,
  buildModel,
  camel,
  findOperation,
  findType,
  identifier,
  modelFromFile,
  pascal,
  SpecModelError,
  snake,
  splitWords,
} from '../src/model/index.ts';

const SPEC = fileURLToPath(new URL('../../spec/openapi.yaml', import.meta.url));
let model: ApiModel;
beforeAll(async () => {
  model = await modelFromFile(SPEC);
});

describe('casing', () => {
  it('splits wire names, schema names, tags and enum values into words', () => {
    expect(splitWords('agent_id')).toEqual(['agent', 'id']);
    expect(splitWords('SIEMDestination')).toEqual(['siem', 'destination']);
    expect(splitWords('A2aTask')).toEqual(['a2a', 'task']);
    expect(splitWords('initApiSession')).toEqual(['init', 'api', 'session']);
    expect(splitWords('input-required')).toEqual(['input', 'required']);
    expect(splitWords('1.0')).toEqual(['1', '0']);
    expect(pascal(['mcp', 'server', 'id'], new Set(['mcp', 'id']))).toBe('MCPServerID');
    expect(camel(['agent', 'cards'])).toBe('agentCards');
  });
});

describe('the model of spec/openapi.yaml', () => {
  it('has every operation, grouped into one resource per tag', () => {
    // 52 HTTP operations; /a2a carries four JSON-RPC methods, each its own SDK operation.
    expect(model.operations).toHaveLength(55);
    expect(new Set(model.operations.map((o) => o.httpId)).size).toBe(52);
    expect(model.resources.map((r) => r.name.wire)).toEqual([
      'health',
      'agents',
      'wimse',
      'tokens',
      'actions',
      'telemetry',
      'sessions',
      'approvals',
      'mcp',
      'agentCards',
      'a2a',
      'delegations',
      'federation',
      'streaming',
      'orgs',
    ]);
    expect(model.resources.flatMap((r) => r.operations).sort()).toEqual(
      model.operations.map((o) => o.id).sort(),
    );
  });

  it('tells an optional API key (a `{}` security alternative) from a required one', () => {
    expect(findOperation(model, 'getPublicAgentCard')).toMatchObject({ auth: true, keyOptional: true });
    expect(findOperation(model, 'listAgents')).toMatchObject({ auth: true, keyOptional: false });
    expect(findOperation(model, 'checkAction')).toMatchObject({ auth: true, keyOptional: false });
  });

  it('names methods from x-sdk-method, SDK names from x-sdk-name, and flattens arguments', () => {
    const check = findOperation(model, 'checkAction');
    expect(check.params.map((p) => [p.name.wire, snake(p.name.words)])).toEqual([
      ['agent_id', 'agent_id'],
      ['action_name', 'tool_name'],
      ['session_id', 'session_id'],
      ['action_input_summary', 'tool_input_summary'],
      ['action_effect', 'action_effect'],
    ]);
    expect(check.fixed).toEqual([{ wire: 'action_source', value: 'api' }]);
    expect(check.service).toBe('auth');
    const revoke = findOperation(model, 'revokeAgent');
    expect(revoke.body).toEqual({ type: 'RevokeAgentRequest', required: false });
    expect(revoke.params.find((p) => p.name.wire === 'reason')?.required).toBe(false);
    expect(findOperation(model, 'listAgents')).toMatchObject({
      unwrap: 'agents',
      queryParams: [{ location: 'query' }],
    });
    const call = findOperation(model, 'callMcpTool');
    expect(
      call.params.filter((p) => p.location === 'header').map((p) => [p.name.wire, snake(p.name.words)]),
    ).toEqual([
      ['X-Agent-ID', 'agent_id'],
      ['X-Session-ID', 'session_id'],
    ]);
    expect(call.rpc).toEqual({ id: 1, onError: 'return' });
    expect(findOperation(model, 'getA2aTask')).toMatchObject({
      httpId: 'a2aTasksRpc',
      rpc: { method: 'tasks/get', id: 'counter', onError: 'raise' },
    });
    expect(findOperation(model, 'getHealth').root).toBe(true);
  });

  it('keeps nullable and optional apart', () => {
    const result = findType(model, 'ActionCheckResult');
    if (result.kind !== 'object') throw new Error('ActionCheckResult is an object');
    for (const p of result.properties)
      expect(typeof p.required === 'boolean' && typeof p.nullable === 'boolean').toBe(true);
    const session = findType(model, 'Session');
    if (session.kind !== 'object') throw new Error('Session is an object');
    const prop = (n: string) => session.properties.find((p) => p.name.wire === n)!;
    expect(prop('session_id')).toMatchObject({ required: true, nullable: false });
    expect(prop('server_id')).toMatchObject({ required: false });
    expect(prop('scope_ceiling').type).toEqual({
      kind: 'array',
      items: { kind: 'primitive', type: 'string' },
    });
  });

  it('models unions with their discriminator, free-form maps, secrets and overrides', () => {
    expect(findType(model, 'A2aPart')).toMatchObject({
      kind: 'union',
      discriminator: 'kind',
      variants: [
        { type: 'A2aTextPart', discriminatorValue: 'text' },
        { type: 'A2aDataPart', discriminatorValue: 'data' },
      ],
    });
    const agent = findType(model, 'CreateAgentRequest');
    if (agent.kind !== 'object') throw new Error('object expected');
    expect(agent.additionalProperties).toBe(false);
    expect(agent.properties.find((p) => p.name.wire === 'metadata')?.type).toEqual({
      kind: 'map',
      values: { kind: 'any' },
      alias: 'Metadata',
    });
    expect(model.types.some((t) => t.name.wire === 'Metadata')).toBe(false);
    const token = findType(model, 'Token');
    if (token.kind !== 'object') throw new Error('object expected');
    expect(token.properties.find((p) => p.name.wire === 'token')?.secret).toBe(true);
    const scopes = token.properties.find((p) => p.name.wire === 'scopes')!;
    expect(identifier(scopes.name, 'go', (w) => pascal(w))).toBe('Scope');
    expect(identifier(scopes.name, 'python', snake)).toBe('scopes');
    expect(findType(model, 'SiemDestination').name.overrides).toEqual({ go: 'SIEMDestination' });
    const message = findType(model, 'A2aMessage');
    if (message.kind !== 'object') throw new Error('object expected');
    expect(message.properties.find((p) => p.name.wire === 'messageId')?.generate).toBe('uuid');
  });

  it('lists the error codes, responses and envelopes', () => {
    expect(model.errorCodes.map((c) => c.value)).toContain('ELEVATION_REQUIRED');
    expect(findOperation(model, 'createAgent').auth).toBe(true);
    // Issue 15's missing-key rule: an empty security alternative makes the key optional.
    expect(findOperation(model, 'createAgent').keyOptional).toBe(false);
    expect(findOperation(model, 'getPublicAgentCard').keyOptional).toBe(true);
    expect(findOperation(model, 'revokeToken').response).toEqual({ status: 204 });
    expect(findOperation(model, 'listAgents').response.type).toEqual({ kind: 'ref', name: 'AgentList' });
    expect(findType(model, 'Agent').usage.response).toBe(true);
  });

  it('reads the SDK shapes from x-sdk-args, x-sdk-void, x-sdk-shorthands and x-sdk-cache', () => {
    const approve = findOperation(model, 'approveApproval');
    expect(approve.sdk.args.go).toEqual(['approval_id', 'decided_by']);
    expect(approve.sdk.void).toEqual(['go']);
    expect(findOperation(model, 'callMcpTool').sdk.args.go).toEqual([
      'server_id',
      'X-Agent-ID',
      'method',
      'params',
      'X-Session-ID',
    ]);
    expect(findOperation(model, 'getAgent').sdk.args.rust).toEqual(['agent_id']);
    const message = findOperation(model, 'sendA2aMessage').params.find((p) => p.name.wire === 'message');
    expect(message?.shorthand).toEqual({
      accepts: 'string',
      builds: { role: 'user', parts: [{ kind: 'text', text: '{value}' }] },
    });
    expect(findOperation(model, 'issueToken').sdk.cache).toMatchObject({
      kind: 'store',
      key: ['agent_id', 'scopes', 'session_id'],
      issuedAt: 'issued_at',
      expiresAt: 'expires_at',
    });
    expect(findOperation(model, 'revokeAgent').sdk.cache).toEqual({
      kind: 'evict',
      field: 'agent_id',
      param: 'agent_id',
    });
  });

  it('reads the root x-sdk facts', () => {
    const { defaults, limits, errors } = model.facts;
    expect(defaults.baseUrl).toBe('http://localhost:8080');
    expect(defaults.env.baseUrl).toEqual(['AGENTTRUST_URL', 'AGENTTRUST_BASE_URL']);
    expect(defaults.retry.statuses).toEqual([408, 429]);
    expect(defaults.retry.statusRanges).toEqual([[500, 599]]);
    expect(defaults.services.map((s) => [s.name, s.derive])).toEqual([
      ['auth', { from: ':8081', to: ':8082' }],
      ['audit', { from: ':8081', to: ':8084' }],
    ]);
    expect(limits).toEqual({
      toolName: 256,
      summary: 200,
      errorType: 128,
      sessionId: 128,
      telemetryBatch: 1000,
    });
    expect(errors.codeByStatus).toContainEqual({ status: 404, code: 'NOT_FOUND' });
    expect(snake(errors.classes.serverError.words)).toBe('internal_server_error');
    const codes = new Set(model.errorCodes.map((c) => c.value));
    for (const { code } of errors.codeByStatus) expect(codes.has(code)).toBe(true);
  });

  it('is deterministic', async () => {
    expect(JSON.stringify(await modelFromFile(SPEC))).toBe(JSON.stringify(model));
  });
});

describe('the protocol extensions (test/fixtures/edge.yaml)', () => {
  let edge: ApiModel;
  beforeAll(async () => {
    edge = await modelFromFile(fileURLToPath(new URL('./fixtures/edge.yaml', import.meta.url)));
  });

  it('expands x-sdk-rpc methods into operations that share one HTTP operation', () => {
    const poke = findOperation(edge, 'pokeThing');
    expect(poke).toMatchObject({
      httpId: 'thingRpc',
      method: 'POST',
      path: '/v1/things/{thing_id}/rpc',
      rpc: { method: 'thing/poke', id: 'counter', onError: 'raise' },
      body: { type: 'PokeParams', required: true },
      response: { status: 200, type: { kind: 'ref', name: 'Thing' } },
    });
    expect(poke.params.map((p) => [p.name.wire, snake(p.name.words), p.location])).toEqual([
      ['thing_id', 'thing_id', 'path'],
      ['strength', 'force', 'body'],
      ['note', 'note', 'body'],
      ['nonce', 'nonce', 'body'],
      ['X-Trace-ID', 'trace_id', 'header'],
    ]);
    expect(findOperation(edge, 'listThingsRpc').unwrap).toBe('things');
    const poke2 = findType(edge, 'PokeParams');
    expect(poke2.kind === 'object' && poke2.properties.find((p) => p.name.wire === 'nonce')?.generate).toBe(
      'uuid',
    );
    expect(poke.params.find((p) => p.name.wire === 'nonce')?.generate).toBe('uuid');
    expect(edge.operations.some((o) => o.id === 'thingRpc')).toBe(false);
  });

  it('reads x-sdk-unwrap, x-sdk-service, x-sdk-root, constant body fields and the services', () => {
    expect(findOperation(edge, 'listThings')).toMatchObject({
      unwrap: 'things',
      service: 'aux',
      root: false,
    });
    expect(findOperation(edge, 'ping').root).toBe(true);
    const create = findOperation(edge, 'createThing');
    expect(create.fixed).toEqual([{ wire: 'kind', value: 'thing' }]);
    expect(create.params.map((p) => p.name.wire)).not.toContain('kind');
    expect(edge.facts.defaults.services).toEqual([
      { name: 'aux', env: ['EDGE_AUX_URL'], derive: { from: ':9999', to: ':9998' } },
    ]);
    expect(edge.facts.defaults.configFileKeys).toEqual(['base_url', 'api_key']);
  });
});

describe('bad specs', () => {
  const minimal = (extra: Record<string, unknown>) => ({
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    tags: [{ name: 'things' }],
    components: {
      schemas: {
        ErrorCode: { type: 'string', enum: ['X'] },
        ErrorEnvelope: {
          type: 'object',
          required: ['code'],
          properties: { code: { $ref: '#/components/schemas/ErrorCode' } },
        },
      },
    },
    ...extra,
  });

  it('rejects an operation without x-sdk-method, naming where', () => {
    const doc = minimal({
      paths: {
        '/x': { get: { operationId: 'getX', tags: ['things'], responses: { '204': { description: 'ok' } } } },
      },
    });
    expect(() => buildModel(doc)).toThrow(SpecModelError);
    expect(() => buildModel(doc)).toThrow(/#\/paths\/~1x\/get: x-sdk-method/);
  });

  it('rejects anyOf, which no emitter models', () => {
    const doc = minimal({ paths: {} });
    (doc.components.schemas as Record<string, unknown>).Odd = {
      type: 'object',
      properties: { v: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
    };
    expect(() => buildModel(doc)).toThrow(/anyOf/);
  });

  it('rejects x-sdk-args naming an argument the operation does not have, naming where', async () => {
    const { loadSpec } = await import('../src/model/index.ts');
    const doc = await loadSpec(SPEC);
    doc.paths['/api/v1/agents/{agent_id}'].get['x-sdk-args'] = { go: ['agent_id', 'nope'] };
    expect(() => buildModel(doc)).toThrow(
      "#/paths/~1api~1v1~1agents~1{agent_id}/get/x-sdk-args/go/1: 'nope' is not an argument of this operation",
    );
    doc.paths['/api/v1/agents/{agent_id}'].get['x-sdk-args'] = { go: [] };
    expect(() => buildModel(doc)).toThrow(/path parameter 'agent_id' must stay positional \(go\)/);
  });

  it('rejects an x-sdk-service that names no service, and several rpc methods without operationIds', async () => {
    const { loadSpec } = await import('../src/model/index.ts');
    const edge = fileURLToPath(new URL('./fixtures/edge.yaml', import.meta.url));
    const doc = await loadSpec(edge);
    doc.paths['/v1/things'].get['x-sdk-service'] = 'nowhere';
    expect(() => buildModel(doc)).toThrow(
      "#/paths/~1v1~1things/get/x-sdk-service: 'nowhere' is not a service",
    );
    const other = await loadSpec(edge);
    delete other.paths['/v1/things/{thing_id}/rpc'].post['x-sdk-rpc'].methods[1].operationId;
    expect(() => buildModel(other)).toThrow(/x-sdk-rpc\/methods\/1\/operationId: each of several methods/);
  });

  it('requires the root x-sdk facts', () => {
    expect(() => buildModel(minimal({ paths: {} }))).toThrow('#/x-sdk: x-sdk must be an object');
  });
});
