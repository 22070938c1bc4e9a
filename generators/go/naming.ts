/**
 * Go's naming profile: how model names become Go identifiers. PascalCase with Go's initialisms
 * upper-cased whole (`AgentID`, `EndpointURL`, `SIEMDestination`), `x-names.go` overrides
 * winning, reserved words (Go keywords, predeclared names, and the names generated methods use
 * themselves) suffixed with `_` where an unexported name could hit one. Doc-comment helpers
 * (wrapping, "X is ..." sentences) live here too, since they spell identifiers.
 */
import { type NamingProfile, namingProfile } from '../src/emit/naming.ts';
import { camel, type Name, pascal } from '../src/model/index.ts';

/** Words Go spells in capitals (Effective Go, "Initialisms"), plus this API's own acronyms. */
const INITIALISMS: ReadonlySet<string> = new Set([
  'a2a',
  'api',
  'http',
  'https',
  'id',
  'ids',
  'ip',
  'json',
  'jwt',
  'mcp',
  'oidc',
  'rpc',
  'sdk',
  'siem',
  'sql',
  'tls',
  'ttl',
  'uri',
  'url',
  'uuid',
]);

const RESERVED: ReadonlySet<string> = new Set([
  // Keywords.
  'break',
  'case',
  'chan',
  'const',
  'continue',
  'default',
  'defer',
  'else',
  'fallthrough',
  'for',
  'func',
  'go',
  'goto',
  'if',
  'import',
  'interface',
  'map',
  'package',
  'range',
  'return',
  'select',
  'struct',
  'switch',
  'type',
  'var',
  // Predeclared names a parameter would shadow inside the generated body.
  'any',
  'append',
  'bool',
  'cap',
  'copy',
  'error',
  'int',
  'len',
  'make',
  'new',
  'nil',
  'string',
  // Names the generated methods use themselves, and the imported packages.
  'ctx',
  'opts',
  'body',
  'params',
  'out',
  'err',
  'op',
  'q',
  's',
  'context',
  'fmt',
  'json',
  'url',
  'time',
  'errors',
]);

/** Joins words PascalCase; a digit word after a digit word gets `_` so `1.0` is `1_0`, not `10`. */
function goPascal(words: readonly string[]): string {
  let out = '';
  words.forEach((w, i) => {
    const prev = words[i - 1];
    if (prev !== undefined && /^[0-9]/.test(prev) && /^[0-9]/.test(w)) out += '_';
    out += pascal([w], INITIALISMS);
  });
  return out;
}

/** Go's naming profile: exported names PascalCase with initialisms, reserved words suffixed `_`. */
export const GO_NAMING: NamingProfile = namingProfile({
  language: 'go',
  reserved: RESERVED,
  initialisms: INITIALISMS,
  escape: (id) => `${id}_`,
  type: goPascal,
  member: goPascal,
  constant: goPascal,
});

/** The exported Go identifier of a type, field, method or resource. */
export const exported = (name: Name): string => GO_NAMING.typeName(name);

/** An unexported Go identifier (parameters, locals): `agentID`, `destinationID`, never reserved. */
export function unexported(name: Name): string {
  const id = camel(name.words, INITIALISMS);
  // Keep the leading initialism lower-case whole (`ID` -> `id`, not `iD`).
  const first = name.words[0] ?? '';
  const fixed = INITIALISMS.has(first) ? first + id.slice(first.length) : id;
  return /^[0-9]/.test(fixed) ? `${fixed}_` : GO_NAMING.safe(fixed);
}

/** An exported identifier from words the model does not carry as a Name. */
export const pascalWords = goPascal;

/** A Go doc comment: `// ` lines wrapped at ~100 columns; '' for no text. */
export function doc(text: string | undefined, indent = ''): string {
  if (!text) return '';
  const words = text.replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > 96 - indent.length) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.map((l) => `// ${l}`).join('\n');
}

/**
 * A doc sentence for `name` from a spec description: "Token is the opaque token." when the
 * description reads as a noun phrase or clause that can follow "is" (it starts with an article or
 * a wh-word), else "Scopes: Granted scopes." so proper nouns and code keep their spelling.
 */
export function describe(name: string, description: string): string {
  const text = description.replace(/\s+/g, ' ').trim();
  const sentence = /[.!?]$/.test(text) ? text : `${text}.`;
  if (/^(The|A|An|When|Whether|Why|Who|What|How|Where|Which|Always|Only) /.test(sentence)) {
    return `${name} is ${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}`;
  }
  return `${name}: ${sentence}`;
}

/** Lower-cases the first letter of a sentence so it can follow a Go name in a doc comment. */
export function lowerFirst(text: string): string {
  if (!text) return text;
  // Leave acronyms, proper nouns and code alone ("A2A task", "Guardian", "`tools/call`").
  if (/^[A-Z]{2}/.test(text) || text.startsWith('`') || /^(Guardian|Ed25519|OIDC|SIEM)/.test(text))
    return text;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** A Go string literal (JSON escaping is valid Go for these strings). */
export function quote(s: string): string {
  return JSON.stringify(s);
}
