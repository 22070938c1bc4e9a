import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiModel, makeName, modelFromFile, type ObjectType } from '../src/model/index.ts';
import { emitRust, renderRust as renderRaw } from './emit.ts';

const SPEC = new URL('../../spec/openapi.yaml', import.meta.url).pathname;
const EDGE = new URL('../test/fixtures/edge.yaml', import.meta.url).pathname;
const file = (files: Map<string, string>, path: string) => files.get(path)!;
const hasRustfmt = spawnSync('rustfmt', ['--version']).status === 0;

/** renderRust's files as rustfmt lays them out (the templates leave layout to rustfmt). */
function renderRust(m: ApiModel, specName?: string): Map<string, string> {
  const files = renderRaw(m, specName);
  if (!hasRustfmt) return files;
  for (const [path, content] of files) {
    if (!path.endsWith('.rs')) continue;
    const fmt = spawnSync('rustfmt', ['--edition', '2021', '--emit', 'stdout'], {
      input: content,
      encoding: 'utf8',
    });
    if (fmt.status !== 0) throw new Error(`rustfmt ${path}: ${fmt.stderr}`);
    files.set(path, fmt.stdout);
  }
  return files;
}

let model: ApiModel;
beforeAll(async () => {
  model = await modelFromFile(SPEC);
});

describe('rust emitter', () => {
  it('is deterministic', () => {
    expect(renderRust(model)).toEqual(renderRust(structuredClone(model)));
  });

  it('names by Rust rules, types fields by required and nullable', () => {
    const models = file(renderRust(model), 'src/generated/models.rs');
    expect(models).toContain('pub struct CreateSiemDestinationRequest {');
    expect(models).toContain('pub struct A2aV1Task {');
    // x-sdk-name: the SDK name, the wire key in serde.
    expect(models).toMatch(/#\[serde\(\s*rename = "ttl",[^\]]*\]\s*pub ttl_seconds: Option<i64>,/);
    expect(models).toMatch(/#\[serde\(rename = "action_name"\)\]\s*pub tool_name: String,/);
    // Optional and nullable in an answer: the tri-state; in a request-only type: a plain Option.
    expect(models).toMatch(/pub approval_id: Nullable<String>,/);
    expect(models).toMatch(/pub struct IntrospectTokenRequest \{[\s\S]*?pub target: Option<String>,/);
    // A keyword field is a raw identifier with its wire name.
    expect(models).toContain('pub r#type: Option<String>,');
    // Open enums: an Unknown(String) catch-all; a listed value named `unknown` is escaped.
    expect(models).toMatch(/pub enum A2aTaskState \{[\s\S]*?UnknownValue,[\s\S]*?Unknown\(String\),/);
    // Secrets: no derived Debug, a masking one.
    expect(models).toMatch(
      /#\[derive\(Clone, PartialEq, serde::Serialize, serde::Deserialize, Default\)\]\s*#\[non_exhaustive\]\s*pub struct Token \{/,
    );
    expect(models).toContain('.field("token", &crate::nullable::Masked(&self.token))');
    // Fixed (const) fields default to their value.
    expect(models).toContain('action_source: "api".to_owned(),');
    // A discriminated union keeps unknown kinds.
    expect(models).toMatch(
      /pub enum A2aPart \{\s*\/\/\/[^\n]*\n\s*Text\(A2aTextPart\),[\s\S]*?Unknown\(serde_json::Value\),/,
    );
    // A oneOf without a discriminator stays JSON.
    expect(models).toContain('pub struct A2aTasksRpcRequestParams(pub serde_json::Value);');
  });

  it('takes method shapes from the model: positional args, body structs, params structs, cache', () => {
    const res = file(renderRust(model), 'src/generated/resources.rs');
    expect(res).toMatch(/pub fn create\(&self, body: &crate::CreateAgentRequest\) -> crate::Result<Agent>/);
    expect(res).toMatch(
      /pub fn approve\(\s*&self,\s*approval_id: &str,\s*decided_by: &str,?\s*\) -> crate::Result<Approval>/,
    );
    expect(res).toMatch(/pub fn revoke\(&self, token: &str, reason: Option<&str>\) -> crate::Result<\(\)>/);
    // Only optional arguments left: a method without them, and a `_with` twin taking them.
    expect(res).toMatch(/pub fn list\(&self\) -> crate::Result<Vec<Agent>>/);
    expect(res).toMatch(
      /pub fn list_with\(&self, params: &crate::ListAgentsParams\) -> crate::Result<Vec<Agent>>/,
    );
    expect(file(renderRust(model), 'examples/conformance_driver/dispatch.rs')).toContain(
      'answer(client.agents().list_with(&rest))',
    );
    expect(res).toMatch(
      /pub fn send_message\(\s*&self,\s*agent_id: &str,\s*message: impl Into<A2aMessage>,?\s*\)/,
    );
    expect(res).toContain('pub struct CallMcpToolParams {');
    expect(res).toContain('#[serde(rename = "X-Agent-ID")]');
    expect(res).toContain('headers.push(("X-Agent-ID", crate::transport::text(&params.agent_id)));');
    expect(res).toContain('crate::transport::fill_uuid(&mut body, &["message", "messageId"]);');
    expect(res).toContain('body.insert("action_source".to_owned(), serde_json::Value::from("api"));');
    expect(res).toContain('pub fn issue_with_cache(');
    expect(res).toContain('key: &["agent_id", "scopes", "session_id"]');
    expect(res).toContain('self.client.cache_evict("agent_id", agent_id);');
    expect(res).toContain('method: Some("tasks/get"),');
    expect(res).toContain('service: Some("audit"),');
    expect(res).toMatch(/impl crate::AgentTrustClient \{[\s\S]*?pub fn health\(&self\)/);
    // Issue 15: the raw mode (same methods, a RawResponse each) and the missing-key rule.
    expect(res).toContain("pub struct Agents<'a, M = crate::Typed> {");
    expect(res).toMatch(
      /impl Agents<'_, crate::Raw> \{[\s\S]*?pub fn create\(\s*&self,\s*body: &crate::CreateAgentRequest,?\s*\) -> crate::Result<crate::RawResponse<Agent>>/,
    );
    expect(res).toMatch(
      /impl crate::RawClient<'_> \{[\s\S]*?pub fn health\(&self\) -> crate::Result<crate::RawResponse<HealthResponse>>/,
    );
    expect(res).toMatch(/id: "getPublicAgentCard",[\s\S]*?auth: true,\s*key_required: false,/);
    expect(res).toMatch(/id: "listAgents",[\s\S]*?auth: true,\s*key_required: true,/);
    // A void method is void because the model says so (a 204, or x-sdk-void), its answer still checked.
    const changed = structuredClone(model);
    changed.operations.find((o) => o.id === 'getAgent')!.response = { status: 204 };
    changed.operations.find((o) => o.id === 'testSiemDestination')!.sdk.void.push('rust');
    const voided = file(renderRust(changed), 'src/generated/resources.rs');
    expect(voided).toMatch(/pub fn get\(&self, agent_id: &str\) -> crate::Result<\(\)>/);
    expect(voided).toMatch(/pub fn test\(&self, destination_id: &str\) -> crate::Result<\(\)>/);
    expect(voided).toContain('answer.finish(|a| a.decode::<DeliveryRecord>().map(|_| ()))');
  });

  it('covers every operation in a method and in the conformance dispatch table', () => {
    const files = renderRust(model);
    const res = file(files, 'src/generated/resources.rs');
    const table = file(files, 'examples/conformance_driver/dispatch.rs');
    for (const op of model.operations) {
      expect(res).toContain(`id: "${op.id}"`);
      const resource = model.resources.find((r) => r.operations.includes(op.id))!;
      expect(table).toContain(`"${resource.name.wire}.${op.name.wire}" =>`);
    }
  });

  it('follows a spec change: a new field appears in the struct', () => {
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
    const models = file(renderRust(changed), 'src/generated/models.rs');
    expect(models).toMatch(
      /deserialize_with = "crate::nullable::required"\)\]\s*pub owner_email: Option<String>,/,
    );
  });

  it('refuses what Rust cannot express', () => {
    const clash = structuredClone(model);
    clash.types.push({
      ...structuredClone(clash.types.find((t) => t.name.wire === 'Agent')!),
      name: makeName('agent'),
    });
    expect(() => renderRust(clash)).toThrow(/both Agent in Rust/);
  });

  it('emits the facts module from the model', () => {
    const facts = file(renderRust(model), 'src/generated/facts.rs');
    expect(facts).toContain('pub const MAX_SUMMARY_CHARS: usize = 200;');
    expect(facts).toContain('503 => crate::ErrorCode::from("GUARDIAN_UNAVAILABLE"),');
    expect(facts).toContain('pub const ENV_BASE_URL: &[&str] = &["AGENTTRUST_URL", "AGENTTRUST_BASE_URL"];');
    expect(facts).toContain('"TOKEN_EXPIRED" => return ErrorClass::TokenExpired,');
    expect(facts).toContain('Some(429) => ErrorClass::RateLimit,');
  });

  it('renders edge.yaml', async () => {
    const edge = await modelFromFile(EDGE);
    const files = renderRust(edge, 'edge.yaml');
    const models = file(files, 'src/generated/models.rs');
    expect(models).toContain('pub enum ThingPet {');
    expect(models).toContain('pub struct ThingShape(pub serde_json::Value);');
    expect(file(files, 'src/generated/resources.rs')).toContain('fill_uuid(&mut body, &["nonce"]);');
  });

  it('writes rustfmt-clean files, removes stale generated ones, keeps hand-written files', async () => {
    if (!hasRustfmt) return;
    const out = mkdtempSync(join(tmpdir(), 'ati-rust-'));
    try {
      writeFileSync(join(out, 'README.md'), 'mine\n');
      writeFileSync(join(out, 'Cargo.lock'), 'lock\n');
      await emitRust(model, out);
      writeFileSync(
        join(out, 'src/generated/stale.rs'),
        '// Code generated by agenttrust-gen (Rust) from x. DO NOT EDIT.\n',
      );
      const paths = await emitRust(model, out);
      expect(readFileSync(join(out, 'README.md'), 'utf8')).toBe('mine\n');
      expect(readFileSync(join(out, 'Cargo.lock'), 'utf8')).toBe('lock\n');
      expect(() => readFileSync(join(out, 'src/generated/stale.rs'))).toThrow();
      expect(paths).toContain('src/lib.rs');
      expect(readFileSync(join(out, 'src/guard.rs'), 'utf8')).toMatch(
        /^\/\/ Code generated by agenttrust-gen \(Rust\) from generators\/rust\/runtime\/guard\.rs\. DO NOT EDIT\./,
      );
      const fmt = spawnSync('rustfmt', ['--edition', '2021', '--check', 'src/lib.rs'], {
        cwd: out,
        encoding: 'utf8',
      });
      expect(fmt.stdout).toBe('');
      expect(fmt.status).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
