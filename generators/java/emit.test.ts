import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiModel, makeName, modelFromFile, type ObjectType } from '../src/model/index.ts';
import { emitJava, renderJava } from './emit.ts';

const SPEC = new URL('../../spec/openapi.yaml', import.meta.url).pathname;
const EDGE = new URL('../test/fixtures/edge.yaml', import.meta.url).pathname;
const MAIN = 'src/main/java/id/agenttrust/sdk';
const file = (files: Map<string, string>, path: string) => {
  const f = files.get(path);
  if (f === undefined) throw new Error(`no ${path}`);
  return f;
};

let model: ApiModel;
beforeAll(async () => {
  model = await modelFromFile(SPEC);
});

describe('java emitter', () => {
  it('is deterministic', () => {
    expect(renderJava(model)).toEqual(renderJava(structuredClone(model)));
  });

  it("spells the guide's Java API", () => {
    const files = renderJava(model);
    const issue = file(files, `${MAIN}/models/IssueTokenRequest.java`);
    // x-names java: `scope` and `ttl` (the wire keys stay `scopes` and `ttl`).
    expect(issue).toContain('public Builder scope(List<String> scope)');
    expect(issue).toContain('public Builder ttl(long ttl)');
    expect(issue).toContain('out.set("scopes", ');
    const result = file(files, `${MAIN}/models/ActionCheckResult.java`);
    expect(result).toContain('public boolean isAllowed()');
    expect(result).toContain('public boolean isElevationRequired()');
    expect(result).toContain('public Optional<String> getApprovalId()');
    expect(files.has(`${MAIN}/models/ApprovalRequest.java`)).toBe(true);
    const client = file(files, `${MAIN}/AgentTrustClient.java`);
    expect(client).toContain('public static AgentTrustClient fromEnv()');
    expect(client).toContain('public AgentsAPI agents()');
    expect(client).toContain('public HealthResponse health()');
    const sessions = file(files, `${MAIN}/resources/SessionsAPI.java`);
    expect(sessions).toContain('public Session initSession(String agentId, String serverId)');
    expect(sessions).toContain('public Session getSession(String sessionId)');
    const approvals = file(files, `${MAIN}/resources/ApprovalsAPI.java`);
    expect(approvals).toContain('public ApprovalRequest approve(String approvalId, String decidedBy)');
    expect(file(files, `${MAIN}/resources/ActionsAPI.java`)).toContain(
      'public static final class ActionCheckRequest {',
    );
    expect(file(files, `${MAIN}/exceptions/NotFoundException.java`)).toContain(
      'public class NotFoundException extends AgentTrustException',
    );
  });

  it('masks secrets, keeps enums open, marks every file generated', () => {
    const files = renderJava(model);
    expect(file(files, `${MAIN}/models/Token.java`)).toContain('"token=" + (token == null ? "null" : "***")');
    const effect = file(files, `${MAIN}/models/ActionEffect.java`);
    expect(effect).toContain('return k != null ? k : new ActionEffect(value, false);');
    for (const [path, content] of files)
      expect(content.split('\n', 1)[0], path).toMatch(/^\/\/ Code generated .*DO NOT EDIT\.$/);
  });

  it('covers every operation in a method and in the conformance dispatch table', () => {
    const files = renderJava(model);
    const all = [...files.values()].join('\n');
    const table = file(files, 'src/test/java/id/agenttrust/sdk/conformance/Dispatch.java');
    for (const op of model.operations) {
      expect(all).toContain(`Operation.of("${op.id}", "${op.method}", `);
      expect(table).toContain(`m.put("${op.resource}.${op.name.wire}", `);
    }
    for (const t of model.types) if (t.kind !== 'enum') expect(table).toContain(`m.put("${t.name.wire}", `);
  });

  it('follows a spec change: a new field appears in the model, its decoder and its builder', () => {
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
    });
    const java = file(renderJava(changed), `${MAIN}/models/Agent.java`);
    expect(java).toContain('public Optional<String> getOwnerEmail()');
    expect(java).toContain('Json.member(o, "owner_email", path, true, true)');
    expect(java).toContain('public Builder ownerEmail(String ownerEmail)');
  });

  it('renders every edge of edge.yaml', async () => {
    const edge = await modelFromFile(EDGE);
    const files = renderJava(edge);
    expect(files.size).toBeGreaterThan(3);
  });

  it('writes Java that compiles with warnings as errors, keeping hand-written tests', async () => {
    const m2 = join(homedir(), '.m2/repository/com/fasterxml/jackson/core');
    const jars = ['jackson-databind', 'jackson-core', 'jackson-annotations'].map((a) => {
      const dir = join(m2, a);
      if (!existsSync(dir)) return undefined;
      const v = readdirSync(dir)
        .filter((x) => x.startsWith('2.'))
        .sort()
        .pop();
      return v && join(dir, v, `${a}-${v}.jar`);
    });
    // Without javac or the Jackson jars (bootstrap fetches them), the Java package's own build covers it.
    if (spawnSync('javac', ['-version']).status !== 0 || jars.some((j) => !j || !existsSync(j))) return;
    const out = mkdtempSync(join(tmpdir(), 'ati-java-'));
    try {
      const test = join(out, 'src/test/java/id/agenttrust/sdk/conformance');
      mkdirSync(test, { recursive: true });
      writeFileSync(join(test, 'Mine.java'), 'class Mine {}\n');
      writeFileSync(join(test, 'Stale.java'), '// Code generated by agenttrust-gen (Java). DO NOT EDIT.\n');
      const paths = await emitJava(model, out);
      expect(readFileSync(join(test, 'Mine.java'), 'utf8')).toBe('class Mine {}\n');
      expect(existsSync(join(test, 'Stale.java'))).toBe(false);
      const sources = paths.filter((p) => p.startsWith('src/main/'));
      const javac = spawnSync(
        'javac',
        [
          '--release',
          '17',
          '-Xlint:all',
          '-Werror',
          '-Xdoclint:all/protected',
          '-d',
          join(out, 'classes'),
          '-cp',
          jars.join(':'),
          ...sources,
        ],
        { cwd: out, encoding: 'utf8' },
      );
      expect(javac.stderr).toBe('');
      expect(javac.status).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
