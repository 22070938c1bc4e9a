// Generates src/generated/models.ts from spec/openapi.yaml: the camelCase TypeScript types of the
// SDK surface, the per-schema key maps ("shapes") that convert camelCase <-> snake_case by the
// schema, and one descriptor per operation (response schema, body/query shapes). Key maps stop
// at free-form objects (`additionalProperties: true` with no properties, or no type at all), so
// user keys inside agent metadata, MCP params, A2A data parts and federated claims pass through.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const root = new URL('../../../', import.meta.url);
const spec = parse(readFileSync(new URL('spec/openapi.yaml', root), 'utf8'));
const outModels = new URL('../src/generated/models.ts', import.meta.url);
const outWire = new URL('../src/generated/wire.ts', import.meta.url);
const outSchemas = new URL('../src/generated/schemas.ts', import.meta.url);
const schemas = spec.components.schemas;

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const refName = (ref) => ref.split('/').pop();
const tsName = (name) => schemas[name]?.['x-names']?.typescript ?? name;
const propName = (key, prop) => prop?.['x-names']?.typescript ?? camel(key);
const quote = (s) => (/^[A-Za-z_$][\w$]*$/.test(s) ? s : JSON.stringify(s));

function doc(s, indent = '') {
  const text = s?.description?.trim();
  if (!text) return '';
  const lines = text.replaceAll('*/', '*\\/').split('\n');
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} *${l ? ` ${l}` : ''}`).join('\n')}\n${indent} */\n`;
}

const isFreeForm = (s) =>
  !s.$ref &&
  !s.oneOf &&
  !s.allOf &&
  ((s.type === undefined && !s.enum && s.const === undefined) ||
    (s.type === 'object' && !s.properties && s.additionalProperties !== false));

// --- TypeScript types --------------------------------------------------------------------------

function tsType(s, indent) {
  if (s.$ref) return tsName(refName(s.$ref));
  if (s.allOf) return s.allOf.map((x) => tsType(x, indent)).join(' & ');
  if (s.oneOf) return s.oneOf.map((x) => tsType(x, indent)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const types = Array.isArray(s.type) ? s.type : [s.type];
  const parts = types.map((t) => {
    switch (t) {
      case 'string':
        return 'string';
      case 'integer':
      case 'number':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'null':
        return 'null';
      case 'array': {
        const item = tsType(s.items ?? {}, indent);
        return /[|& ]/.test(item) ? `Array<${item}>` : `${item}[]`;
      }
      case 'object':
        if (isFreeForm(s)) return 'Record<string, unknown>';
        return objectBody(s, indent);
      default:
        return 'unknown';
    }
  });
  return parts.join(' | ');
}

function objectBody(s, indent) {
  const inner = `${indent}  `;
  const required = new Set(s.required ?? []);
  const lines = Object.entries(s.properties ?? {}).map(([key, prop]) => {
    const opt = required.has(key) ? '' : '?';
    return `${doc(prop, inner)}${inner}${quote(propName(key, prop))}${opt}: ${tsType(prop, inner)};`;
  });
  return `{\n${lines.join('\n')}\n${indent}}`;
}

// --- Shapes (key maps) -------------------------------------------------------------------------
// A shape maps each wire key to its camelCase name, or to [name, sub] where sub is the shape of
// the value (arrays are mapped element-wise) or 0 for a free-form value copied untouched.

const shapeDeps = new Map();

function shapeOf(s) {
  if (s.$ref) {
    const name = refName(s.$ref);
    return hasShape(name) ? name : null;
  }
  if (s.allOf && s.allOf.length === 1) return shapeOf(s.allOf[0]);
  if (s.type === 'array' || (Array.isArray(s.type) && s.type.includes('array')))
    return shapeOf(s.items ?? {});
  if (isFreeForm(s)) return 0;
  if (s.properties) return inlineShape(s);
  return null;
}

// Keys whose name is the same in both cases and whose value needs no mapping are left out: a
// key a shape does not list is copied as it is, which is the same thing.
function inlineShape(s) {
  const names = new Map();
  const camelCased = [];
  const entries = Object.entries(s.properties).flatMap(([key, prop]) => {
    const sub = shapeOf(prop);
    const name = propName(key, prop);
    if (names.has(name) || (name !== key && s.properties[name])) {
      throw new Error(`generate: ${key} and ${names.get(name) ?? name} both map to ${name}`);
    }
    names.set(name, key);
    if (sub === null) {
      if (name === key) return [];
      // The plain camelCase of the key: listed by its wire name only, camelKeys() adds the name.
      if (name === camel(key) && /^[a-z0-9_]+$/.test(key)) {
        camelCased.push(key);
        return [];
      }
      return [`${quote(key)}: ${JSON.stringify(name)}`];
    }
    if (sub === 0 && name === key) return [];
    return [`${quote(key)}: [${JSON.stringify(name)}, ${sub}]`];
  });
  const literal = `{ ${entries.join(', ')} }`;
  if (camelCased.length === 0) return literal;
  return `camelKeys(${JSON.stringify(camelCased.join(' '))}${entries.length ? `, ${literal}` : ''})`;
}

function hasShape(name) {
  const s = schemas[name];
  if (s.oneOf) return s.oneOf.every((x) => x.$ref && hasShape(refName(x.$ref)));
  return s.type === 'object' && !!s.properties;
}

function schemaShape(name) {
  const s = schemas[name];
  if (s.oneOf) {
    // A discriminated union: its members' key maps merged (a key two members share must map the same).
    const merged = {};
    for (const member of s.oneOf) Object.assign(merged, schemas[refName(member.$ref)].properties);
    return inlineShape({ properties: merged });
  }
  return inlineShape(s);
}

function refsOf(s, acc = new Set()) {
  if (!s || typeof s !== 'object') return acc;
  if (s.$ref) acc.add(refName(s.$ref));
  for (const v of Object.values(s)) if (typeof v === 'object') refsOf(v, acc);
  return acc;
}

// Emit shapes dependencies-first so each `const` only names earlier ones.
const shapeNames = Object.keys(schemas).filter(hasShape);
const ordered = [];
const seen = new Set();
function visit(name) {
  if (seen.has(name)) return;
  seen.add(name);
  for (const dep of refsOf(schemas[name])) if (hasShape(dep)) visit(dep);
  ordered.push(name);
}
for (const name of shapeNames) visit(name);
shapeDeps.clear();

// --- Operations --------------------------------------------------------------------------------

const zodNames = new Set();
const ops = [];
for (const [path, item] of Object.entries(spec.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (method === 'parameters') continue;
    const ok = Object.entries(op.responses).find(([code]) => code.startsWith('2'));
    const schema = ok?.[1].content?.['application/json']?.schema;
    let response = null;
    let list = false;
    if (schema) {
      const target = schema.type === 'array' ? schema.items : schema;
      list = schema.type === 'array';
      response = refName(target.$ref);
      zodNames.add(response);
    }
    const bodyRef = op.requestBody?.content?.['application/json']?.schema?.$ref;
    const query = (op.parameters ?? []).filter((p) => p.in === 'query');
    ops.push({ id: op.operationId, method, path, response, list, body: bodyRef && refName(bodyRef), query });
  }
}

// --- Emit --------------------------------------------------------------------------------------

const header = (what) => `/**
 * Generated by packages/sdk/scripts/generate-models.mjs from spec/openapi.yaml: ${what}
 * Do not edit; run \`pnpm generate\`.
 */
`;

let src = header('the camelCase types of the SDK surface.');
for (const [name, s] of Object.entries(schemas)) {
  if (name === 'ErrorEnvelope') continue; // surfaced as the fields of AgentTrustError
  const body = tsType(s, '');
  const keyword =
    body.startsWith('{') && !s.oneOf ? `export interface ${tsName(name)} ` : `export type ${tsName(name)} = `;
  src += `${doc(s)}${keyword}${body}${keyword.startsWith('export type') ? ';' : ''}\n\n`;
}

writeFileSync(outModels, src);

// The response schemas, re-exported from @agenttrustid/spec: loaded on the first response, so
// importing the SDK does not build zod schemas.
writeFileSync(
  outSchemas,
  `${header('the zod schemas of the success responses, from @agenttrustid/spec.')}export {\n${[...zodNames]
    .sort()
    .map((n) => `  ${n},`)
    .join('\n')}\n} from '@agenttrustid/spec/zod';\n`,
);

src = header('key maps and per-operation facts.');
src += `/** Maps each wire (snake_case) key of a schema to its camelCase name, and to the shape of its value. */
export type Shape = { readonly [wire: string]: string | readonly [name: string, sub: Shape | 0] };

/**
 * A shape from the wire keys whose name is their plain camelCase (checked by the generator),
 * listed once, and the other entries: the same key map in fewer bytes.
 */
/*#__NO_SIDE_EFFECTS__*/
function camelKeys(keys: string, rest?: Shape): Shape {
  const shape: { [wire: string]: Shape[string] } = {};
  for (const key of keys.split(' ')) shape[key] = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return { ...shape, ...rest };
}

/** Shapes of the spec's object schemas, keyed by schema name. */
export const shapes = /*#__PURE__*/ (() => {
`;
for (const name of ordered) src += `  const ${name}: Shape = ${schemaShape(name)};\n`;
src += `  return { ${ordered.join(', ')} };\n})();\n\n`;

src += `/** What the SDK needs to know of one operation beyond its orval function. */
export interface OperationMeta {
  /** Name of the schema (in schemas.ts) of the success body, of each item when \`list\`; absent for 204. */
  readonly response?: string;
  readonly responseShape?: Shape;
  readonly list?: boolean;
  readonly body?: Shape;
  readonly query?: Shape;
}

export const operations = {
`;
for (const op of ops) {
  const fields = [];
  if (op.response) {
    fields.push(`response: '${op.response}'`);
    if (hasShape(op.response)) fields.push(`responseShape: shapes.${op.response}`);
  }
  if (op.list) fields.push('list: true');
  if (op.body && hasShape(op.body)) fields.push(`body: shapes.${op.body}`);
  if (op.query.length)
    fields.push(
      `query: ${inlineShape({ properties: Object.fromEntries(op.query.map((p) => [p.name, p.schema])) })}`,
    );
  src += `  /** ${op.method.toUpperCase()} ${op.path} */\n  ${op.id}: { ${fields.join(', ')} },\n`;
}
src += `} as const satisfies Record<string, OperationMeta>;\n`;

writeFileSync(outWire, src);
