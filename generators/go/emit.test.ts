import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiModel,
  makeName,
  modelFromFile,
  type ObjectType,
  SpecModelError,
} from '../src/model/index.ts';
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
      /type IssueTokenRequest struct \{[\s\S]*?\tScope \[\]string `json:"scopes"`[\s\S]*?\tTTL int64 `json:"ttl_seconds,omitzero"`/,
    );
    expect(models).toContain('type CreateSIEMDestinationRequest struct');
    expect(models).toContain('\tEndpointURL string `json:"endpoint_url"`');
    expect(models).toContain('\tApprovalID Nullable[string] `json:"approval_id"`');
    // An optional boolean defaulting to true must be able to say false: a pointer.
    expect(models).toContain('\tEnabled *bool `json:"enabled,omitzero"`');
    expect(file(files, 'enums.go')).toContain('A2ATaskProtocolVersion1_0 A2ATaskProtocolVersion = "1.0"');
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
    expect(tokens).toContain('func WithCache(enabled bool) Option');
    expect(tokens).toContain('key := cacheKey(identity, body.AgentID, body.Scope, body.Audience)');
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
    expect(facts).toContain('EnvBaseURL = "AGENTTRUST_BASE_URL"');
  });

  it('refuses a union without a discriminator in edge.yaml with a SpecModelError, and emits the rest', async () => {
    const edge = await modelFromFile(EDGE);
    let error: unknown;
    try {
      renderGo(edge);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecModelError);
    expect((error as SpecModelError).pointer).toBe('#/components/schemas/Thing/properties/shape');
    // Without that property, every other edge (keywords as wire names, a leading-digit enum
    // value, a secret, a nullable string, a free-form map, nested inline objects) is valid Go.
    const rest = structuredClone(edge);
    const thing = rest.types.find((t) => t.name.wire === 'Thing') as ObjectType;
    thing.properties = thing.properties.filter((p) => p.name.wire !== 'shape');
    rest.types = rest.types.filter((t) => t.name.wire !== 'ThingShape');
    const files = renderGo(rest, 'edge.yaml');
    expect(file(files, 'models.go')).toContain('type ThingPet struct');
    if (spawnSync('gofmt', ['-h']).error) return;
    const out = mkdtempSync(join(tmpdir(), 'ati-go-edge-'));
    try {
      for (const [path, content] of files) {
        if (!path.endsWith('.go') || path.includes('/')) continue;
        writeFileSync(join(out, path), content);
      }
      // The runtime is written for this API's types, so the generated files are checked alone:
      // gofmt parses them; vet type-checks what does not need the runtime.
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
