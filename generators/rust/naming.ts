/**
 * Rust's naming profile: types and enum variants UpperCamelCase (no all-caps initialisms, as
 * RFC 430 asks: `McpServer`, `A2aTask`, `SiemDestination`), fields, methods and arguments
 * snake_case, `x-names.rust` overrides winning. A keyword used as a field becomes a raw
 * identifier (`r#type`); the few that cannot be raw (`self`, `crate`, ...) get a `_` suffix; a
 * type or variant name the generated code needs itself (`Unknown`, the open enums' catch-all)
 * gets a `Value` suffix. Doc-comment and literal helpers live here too.
 */
import { type NamingProfile, namingProfile } from '../src/emit/naming.ts';
import { type Name, pascal, snake } from '../src/model/index.ts';

const KEYWORDS = [
  'as',
  'async',
  'await',
  'break',
  'const',
  'continue',
  'crate',
  'dyn',
  'else',
  'enum',
  'extern',
  'false',
  'fn',
  'for',
  'gen',
  'if',
  'impl',
  'in',
  'let',
  'loop',
  'match',
  'mod',
  'move',
  'mut',
  'pub',
  'ref',
  'return',
  'self',
  'static',
  'struct',
  'super',
  'trait',
  'true',
  'type',
  'unsafe',
  'use',
  'where',
  'while',
  'yield',
  'abstract',
  'become',
  'box',
  'do',
  'final',
  'macro',
  'override',
  'priv',
  'try',
  'typeof',
  'unsized',
  'virtual',
];

/** Keywords that cannot be raw identifiers. */
const NOT_RAW: ReadonlySet<string> = new Set(['self', 'crate', 'super', 'Self']);

const RESERVED: ReadonlySet<string> = new Set([
  ...KEYWORDS,
  'Self',
  // The open enums' catch-all variant, and prelude types a generated type must not shadow.
  'Unknown',
  'Option',
  'Result',
  'String',
  'Vec',
  'Box',
  'Default',
]);

/** UpperCamelCase; a digit word after a digit word gets `_` so `1.0` is `V1_0`, not `10`. */
function rustPascal(words: readonly string[]): string {
  let out = '';
  words.forEach((w, i) => {
    const prev = words[i - 1];
    if (prev !== undefined && /^[0-9]/.test(prev) && /^[0-9]/.test(w)) out += '_';
    out += pascal([w]);
  });
  return /^[0-9]/.test(out) ? `V${out}` : out;
}

function rustSnake(words: readonly string[]): string {
  const s = snake(words);
  return /^[0-9]/.test(s) ? `n${s}` : s;
}

function escapeReserved(id: string): string {
  if (/^[A-Z]/.test(id)) return `${id}Value`;
  return NOT_RAW.has(id) ? `${id}_` : `r#${id}`;
}

/** Rust's naming profile. */
export const RUST_NAMING: NamingProfile = namingProfile({
  language: 'rust',
  reserved: RESERVED,
  initialisms: new Set(),
  escape: escapeReserved,
  type: rustPascal,
  member: rustSnake,
  constant: rustPascal,
});

/** A type (struct, enum) name. */
export const typeName = (name: Name): string => RUST_NAMING.typeName(name);
/** A field, method, argument or resource accessor name. */
export const member = (name: Name): string => RUST_NAMING.memberName(name);
/** An enum variant name. */
export const variant = (name: Name): string => RUST_NAMING.constantName(name);
/** UpperCamelCase from words the model does not carry as a Name. */
export const pascalWords = rustPascal;
/** snake_case from words the model does not carry as a Name, escaped when reserved. */
export const snakeWords = (words: readonly string[]): string => RUST_NAMING.safe(rustSnake(words));

/** A Rust string literal (JSON escaping is valid Rust for these strings, bar `{`-free `\u`). */
export function quote(s: string): string {
  return JSON.stringify(s).replace(/\\u([0-9a-fA-F]{4})/g, '\\u{$1}');
}

/** `///` doc lines wrapped at ~96 columns; `fallback` when the spec gives no text. */
export function doc(text: string | undefined, fallback = 'See the spec.'): string {
  const words = (text?.trim() ? text : fallback)
    .replace(/\s+/g, ' ')
    .trim()
    // rustdoc reads `[x]` as an intra-doc link and `<x>` as HTML.
    .replace(/([[\]<>])/g, '\\$1')
    .split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > 92) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.map((l) => `/// ${l}`).join('\n');
}

/** A sentence: the text with a final period. */
export function sentence(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
