import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiModel, makeName, modelFromFile, type ObjectType } from '../src/model/index.ts';
import { emitGo, renderGo as renderRaw } from './emit.ts';

const SPEC = new URL('../../spec/openapi.yaml', import.meta.url).pathname;
const EDGE = new URL('../test/fixtures/edge.yaml', import.meta.url).pathname;
const file = (files: Map<string, string>, path: string) => files.get(path)!;

/** renderGo's files as gofmt lays them out (the templates leave layout to gofmt). */
function renderGo(m: ApiModel, specName?: string): Map<string, string> {
  const files = renderRaw(m, specName);
  for (const [path, content] of files) {
    if (!path.endsWith('.go')) continue;
    const fmt = spawnSync('gofmt', [], { input: content, encoding: 'utf8' });
    if (fmt.status !== 0) throw new Error(`gofmt ${path}: ${fmt.stderr}`);
    files.set(path, fmt.stdout);
  }
  return files;
}

let model: ApiModel;
beforeAll(async () => {
  model = await modelFromFile(SPEC);
});

describe('go emitter', () => {
  it('is deterministic', () => {
    expect(renderGo(model)).toEqual(renderGo(structuredClone(model)));
  });

  it('names by Go rules and x-names overrides', () => {
    const files = renderGo(model);
    const models = file(files, 'models.go');
    expect(models).toMatch(
      /type IssueTokenRequest struct \{[\s\S]*?\tScope \[\]string `json:"scopes"`[\s\S]*?\tTTL int64 `json:"ttl,omitzero"`/,
    );
    expect(models).toContain('type CreateSIEMDestinationRequest struct');
    expect(models).toContain('\tEndpointURL string `json:"endpoint_url"`');
    expect(models).toContain('\tApprovalID Nullable[string] `json:"approval_id,omitzero"`');
    // An optional boolean in a request must be able to say false: a pointer.
    expect(models).toContain('\tIsActive *bool `json:"is_active,omitzero"`');
    // A request-only optional nullable string is a plain string: Go leaves it out, never sends null.
    expect(models).toMatch(
      /type IntrospectTokenRequest struct \{[\s\S]*?\tTarget string `json:"target,omitzero"`/,
    );
    // Two schemas with the same keys keep the guide's two names.
    expect(models).toContain('type VerifyFederatedTokenRequest struct');
    expect(models).toContain('type InitFederatedSessionRequest struct');
    expect(file(files, 'approvals.go')).toContain(
      'func (s *ApprovalsService) Approve(ctx context.Context, approvalID string, decidedBy string, opts ...Option) error',
    );
    expect(file(files, 'sessions.go')).toContain('func (s *SessionsService) InitAPISession(');
    expect(file(files, 'streaming.go')).toContain(
      'func (s *StreamingService) Test(ctx context.Context, destinationID string, opts ...Option) error',
    );
  });

  it('covers every operation in a method and in the conformance dispatch table', () => {
    const files = renderGo(model);
    const all = [...files.values()].join('\n');
    const table = file(files, 'internal/conformance/driver/dispatch.go');
    for (const op of model.operations) {
      expect(all).toContain(`id: "${op.id}"`);
      const resource = model.resources.find((r) => r.operations.includes(op.id))!;
      expect(table).toContain(`"${resource.name.wire}.${op.name.wire}"`);
    }
  });

  it('follows a spec change: a new field appears in the struct and its shape', () => {
    const changed = structuredClone(model);
    const agent = changed.types.find((t) => t.name.wire === 'Agent') as ObjectType;
    agent.properties.push({
      name: makeName('owner_email'),
      type: { kind: 'primitive', type: 'string' },
      required: true,
      nullable: true,
      secret: false,
      readOnly: false,
      writeOnly: false,
      deprecated: false,
      constraints: {},
      description: 'Who owns the agent.',
    });
    const files = renderGo(changed);
    expect(file(files, 'models.go')).toContain('\tOwnerEmail Nullable[string] `json:"owner_email"`');
    expect(file(files, 'shapes.go')).toContain(
      '{name: "owner_email", required: true, nullable: true, sub: nil}',
    );
  });

  it('refuses what Go cannot express', () => {
    const clash = structuredClone(model);
    clash.types.push({
      ...structuredClone(clash.types.find((t) => t.name.wire === 'Agent')!),
      name: makeName('agent'),
    });
    expect(() => renderGo(clash)).toThrow(/both Agent in Go/);
  });

  it('takes method shapes and the token cache from the model, imports from what a file uses', () => {
    const files = renderGo(model);
    const tokens = file(files, 'tokens.go');
    expect(tokens).toContain('func WithUseCache(enabled bool) Option');
    expect(tokens).toContain('key := cacheKey(identity, body.AgentID, body.Scope, body.SessionID)');
    expect(tokens).toContain('s.c.cfg.cache.evict("token", body.Token)');
    expect(file(files, 'agents.go')).toContain('s.c.cfg.cache.evict("agent_id", agentID)');
    expect(tokens).toMatch(/import \(\n\t"context"\n\t"time"\n\)/);
    // A void method is void because the model says so, not because of a table.
    const changed = structuredClone(model);
    changed.operations.find((o) => o.id === 'testSiemDestination')!.sdk.void = [];
    expect(file(renderGo(changed), 'streaming.go')).toContain(
      'func (s *StreamingService) Test(ctx context.Context, destinationID string, opts ...Option) (*DeliveryRecord, error)',
    );
    const facts = file(files, 'facts.go');
    expect(facts).toContain('MaxSummaryRunes = 200');
    expect(facts).toContain('case 503:\n\t\treturn ErrorCodeGuardianUnavailable');
    expect(facts).toMatch(/EnvBaseURL += {1,2}"AGENTTRUST_BASE_URL"/);
    expect(facts).toMatch(/EnvAuthURL += "AGENTTRUST_AUTH_URL"/);
    expect(facts).toContain('func WithAuditURL(baseURL string) Option');
    expect(facts).toContain(
      '{name: "auth", from: ":8081", to: ":8082", env: []string{EnvAuthURL}, option: WithAuthURL}',
    );
    expect(facts).toContain('var configFileKeys = []string{"base_url", "auth_url", "audit_url", "api_key"}');
    expect(facts).toContain('case "audit_url":\n\t\treturn WithAuditURL(value)');
  });

  it('emits the protocol extensions: header args, fixed fields, JSON-RPC, unwrap, services, root', () => {
    const files = renderGo(model);
    const mcp = file(files, 'mcp.go');
    // Header parameters named by header in x-sdk-args: positional strings, sent as headers.
    expect(mcp).toContain(
      'func (s *MCPService) CallTool(ctx context.Context, serverID string, agentID string, method string, params_ map[string]any, sessionID string, opts ...Option) (*MCPRPCResponse, error)',
    );
    expect(mcp).toContain('op.header.Set("X-Agent-ID", agentID)');
    expect(mcp).toContain('if sessionID != "" {\n\t\top.header.Set("X-Session-ID", sessionID)');
    // A proxy's envelope: the fixed jsonrpc and the id the SDK fills.
    expect(mcp).toContain('body.Jsonrpc = "2.0"\n\tbody.ID = 1');
    expect(file(files, 'actions.go')).toContain('body.ActionSource = "api"');
    // rpc methods: one SDK method each, the string counter id, the result type (unwrapped).
    const a2a = file(files, 'a2a.go');
    const table = file(files, 'internal/conformance/driver/dispatch.go');
    expect(a2a).toContain('rpc: &rpcCall{method: "tasks/get", counter: true, raise: true}');
    expect(a2a).toContain(
      'func (s *A2AService) GetTask(ctx context.Context, taskID string, opts ...Option) (*A2ATask, error)',
    );
    expect(a2a).toContain(
      'func (s *A2AService) ListTasks(ctx context.Context, body ListTasksParams, opts ...Option) ([]A2ATask, error)',
    );
    expect(file(files, 'agents.go')).toContain(
      'func (s *AgentsService) List(ctx context.Context, opts ...Option) ([]Agent, error)',
    );
    expect(file(files, 'agents.go')).toContain('unwrap: "agents"');
    // x-sdk-shorthands: the argument as a string, built by the spec's template.
    expect(a2a).toContain(
      'func (s *A2AService) SendMessageText(ctx context.Context, agentID string, message string, opts ...Option) (*A2AV1Task, error)',
    );
    // x-sdk-generate: an empty A2A message id gets a fresh UUID, in every method that sends one.
    expect(a2a).toContain('if body.Message.MessageID == "" {\n\t\tbody.Message.MessageID = newUUID()');
    expect(table).toContain('return c.A2A.SendMessageText(ctx, agentID, text)');
    expect(file(files, 'tokens.go')).toContain('service: "auth"');
    expect(file(files, 'telemetry.go')).toContain('service: "audit"');
    // A root method lives on the client; its resource gets no Client field.
    const health = file(files, 'health.go');
    expect(health).toContain(
      'func (c *Client) Health(ctx context.Context, opts ...Option) (*HealthResponse, error)',
    );
    expect(health).toContain('return (&healthService{c: c}).getHealth(ctx, opts)');
    expect(file(files, 'services.go')).not.toContain('Health *');
    expect(table).toContain('agentID, err := stringArg(args, "X-Agent-ID")');
    expect(table).toContain('"health": func(');
    // A oneOf without a discriminator is kept as raw JSON, never guessed.
    expect(file(files, 'models.go')).toContain('type A2ATasksRPCRequestParams json.RawMessage');
  });

  it('emits every edge of edge.yaml; a union without a discriminator stays raw JSON', async () => {
    const edge = await modelFromFile(EDGE);
    const files = renderGo(edge, 'edge.yaml');
    const models = file(files, 'models.go');
    expect(models).toContain('type ThingPet struct');
    expect(models).toContain('type ThingShape json.RawMessage');
    expect(models).toContain('func (u ThingShape) AsCircle() (*Circle, error)');
    expect(models).toContain('func NewThingShapeFromSquare(v Square) (ThingShape, error)');
    // x-sdk-generate on a top-level body field (an rpc method's params).
    expect(file(files, 'things.go')).toContain('if body.Nonce == "" {\n\t\tbody.Nonce = newUUID()');
    if (spawnSync('gofmt', ['-h']).error) return;
    const out = mkdtempSync(join(tmpdir(), 'ati-go-edge-'));
    try {
      for (const [path, content] of files) {
        if (!path.endsWith('.go') || path.includes('/')) continue;
        writeFileSync(join(out, path), content);
      }
      // The runtime is written for this API's types, so the generated files are checked alone:
      // gofmt parses them.
      const fmt = spawnSync('gofmt', ['-e', '-l', '.'], { cwd: out, encoding: 'utf8' });
      expect(fmt.stderr).toBe('');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('writes gofmt-clean Go that builds, keeping hand-written files', async () => {
    if (spawnSync('go', ['version']).status !== 0) return; // the Go package's own tests cover it
    const out = mkdtempSync(join(tmpdir(), 'ati-go-'));
    try {
      writeFileSync(join(out, 'mine_test.go'), 'package ati\n');
      writeFileSync(
        join(out, 'stale.go'),
        '// Code generated by agenttrust-gen (Go). DO NOT EDIT.\n\npackage ati\n',
      );
      await emitGo(model, out);
      expect(readFileSync(join(out, 'mine_test.go'), 'utf8')).toBe('package ati\n');
      expect(() => readFileSync(join(out, 'stale.go'))).toThrow();
      // The hand-written tests need the mock; build the package itself.
      rmSync(join(out, 'mine_test.go'));
      const build = spawnSync('go', ['vet', '.'], {
        cwd: out,
        encoding: 'utf8',
        env: { ...process.env, GOTOOLCHAIN: 'local' },
      });
      expect(build.stderr).toBe('');
      expect(build.status).toBe(0);
      const fmt = spawnSync('gofmt', ['-l', '.'], { cwd: out, encoding: 'utf8' });
      expect(fmt.stdout).toBe('');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
