// One edit to the spec reaches every SDK surface: a copy of spec/openapi.yaml gains a query
// parameter, a response field, an enum value and an operation; each emitter regenerates from it,
// and each change must show up in that language's public surface.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'generators/bin/agenttrust-gen.mjs');
const SPEC = join(ROOT, 'spec/openapi.yaml');

const dir = mkdtempSync(join(tmpdir(), 'agenttrust-mutation-'));
const read = (lang: string, path: string) => readFileSync(join(dir, lang, path), 'utf8');

/** The text from `start` up to the next line that starts at column 0 (one declaration). */
function block(text: string, start: string): string {
  const at = text.indexOf(start);
  expect(at, `${start} not found`).toBeGreaterThanOrEqual(0);
  const rest = text.slice(at + start.length);
  const end = rest.search(/\n(?=\S)/);
  return start + (end < 0 ? rest : rest.slice(0, end));
}

beforeAll(() => {
  const spec = parse(readFileSync(SPEC, 'utf8'), { merge: true });
  const list = spec.paths['/api/v1/agents'].get;
  list.parameters = [
    ...(list.parameters ?? []),
    {
      name: 'page_size',
      in: 'query',
      required: false,
      description: 'Agents per page (added by the test).',
      schema: { type: 'integer', minimum: 1, maximum: 500 },
    },
  ];
  spec.components.schemas.Agent.properties.nickname = {
    type: 'string',
    description: 'A display nickname (added by the test).',
  };
  spec.components.schemas.AgentStatus.enum.push('quarantined');
  spec.paths['/api/v1/agents/{agent_id}/history'] = {
    get: {
      operationId: 'getAgentHistory',
      'x-sdk-method': 'history',
      tags: ['agents'],
      summary: 'Agent history',
      description: 'Every past state of an agent (added by the test).',
      parameters: [{ $ref: '#/components/parameters/AgentId' }],
      responses: {
        '200': {
          description: 'The states, oldest first.',
          content: {
            'application/json': {
              schema: { type: 'array', items: { $ref: '#/components/schemas/Agent' } },
            },
          },
        },
        '404': spec.paths['/api/v1/agents/{agent_id}'].get.responses['404'],
      },
    },
  };
  const edited = join(dir, 'openapi.yaml');
  writeFileSync(edited, stringify(spec));
  for (const lang of ['python', 'go', 'typescript']) {
    const run = spawnSync(
      process.execPath,
      [BIN, '--lang', lang, '--spec', edited, '--out', join(dir, lang)],
      {
        encoding: 'utf8',
      },
    );
    expect(run.status, `${lang}: ${run.stderr}`).toBe(0);
  }
}, 120_000);

describe('a spec edit reaches every SDK surface', () => {
  it('Python', () => {
    const types = read('python', 'src/agenttrustid/types.py');
    expect(block(types, 'class Agent(BaseModel):')).toContain('nickname: str | None = None');
    expect(block(types, 'class AgentStatus(OpenEnum):')).toContain('QUARANTINED = "quarantined"');
    const agents = read('python', 'src/agenttrustid/resources/agents.py');
    expect(agents).toMatch(/def list\(\s+self,\s+\*,[^)]*page_size: int \| None = None,/);
    expect(agents).toMatch(/def history\(\s+self,\s+agent_id: str,/);
    expect(agents).toMatch(/async def history\(/);
  });

  it('Go', () => {
    const agents = read('go', 'agents.go');
    expect(block(agents, 'type ListAgentsParams struct {')).toMatch(
      /\n\tPageSize \*?int64? +`json:"page_size,omitzero"`/,
    );
    expect(agents).toMatch(
      /\nfunc \(s \*AgentsService\) History\(ctx context\.Context, agentID string, opts \.\.\.Option\) \(\[\]Agent, error\)/,
    );
    const models = read('go', 'models.go');
    expect(block(models, 'type Agent struct {')).toMatch(
      /\n\tNickname +\*?string +`json:"nickname,omitzero"`/,
    );
    expect(read('go', 'enums.go')).toMatch(/\n\tAgentStatusQuarantined +AgentStatus = "quarantined"/);
  });

  it('TypeScript', () => {
    const models = read('typescript', 'src/generated/models.ts');
    expect(block(models, 'export interface Agent {')).toContain('  nickname?: string;');
    expect(models).toMatch(/export type AgentStatus = [^;]*"quarantined";/);
    const agents = read('typescript', 'src/generated/resources/agents.ts');
    expect(block(agents, 'export interface AgentListParams {')).toContain('  pageSize?: number;');
    expect(agents).toContain('history(agentId: string, options?: RequestOptions): APIPromise<Agent[]> {');
    expect(read('typescript', 'src/generated/operations.ts')).toMatch(
      /getAgentHistory: \{ method: 'GET', path: '\/api\/v1\/agents\/\{\}\/history'.*list: true/,
    );
    expect(read('typescript', 'src/generated/wire.ts')).toMatch(/const Agent: Shape = camelKeys\("[^"]*"/);
  });
});
