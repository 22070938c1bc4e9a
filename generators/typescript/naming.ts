/**
 * TypeScript naming: camelCase members and arguments, PascalCase types and resource classes, no
 * initialisms (`agentId`, `A2aTask`, `SiemDestination`: what the SDK has always exported), and
 * `x-names.typescript` overrides winning over all of it.
 */
import { camel, identifier, kebab, type Name, pascal } from '../src/model/index.ts';

/** What a language emitter needs to spell model names (one per language, in `<lang>/naming.ts`). */
export interface NamingProfile {
  /** Identifiers that cannot name a variable or parameter. */
  readonly reserved: ReadonlySet<string>;
  /** Lower-case words spelled in capitals whole (none in TypeScript: `agentId`, not `agentID`). */
  readonly initialisms: ReadonlySet<string>;
  /** A type: interface, alias, resource class. */
  type(name: Name): string;
  /** An object property (camelCase). */
  property(name: Name): string;
  /** A method or a resource's property on the client. */
  member(name: Name): string;
  /** A local variable or parameter: `member` with reserved words escaped. */
  variable(name: Name): string;
}

// ECMAScript reserved words and strict-mode/future reserved words, plus the names every generated
// method already binds (its params object and per-call options).
const RESERVED = new Set([
  'await',
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'debugger',
  'default',
  'delete',
  'do',
  'else',
  'enum',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'function',
  'if',
  'implements',
  'import',
  'in',
  'instanceof',
  'interface',
  'let',
  'new',
  'null',
  'package',
  'private',
  'protected',
  'public',
  'return',
  'static',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'typeof',
  'var',
  'void',
  'while',
  'with',
  'yield',
  'arguments',
  'eval',
  'options',
]);

const INITIALISMS: ReadonlySet<string> = new Set();

const camelWords = (words: readonly string[]) => camel(words, INITIALISMS);
const pascalWords = (words: readonly string[]) => pascal(words, INITIALISMS);

export const ts: NamingProfile = {
  reserved: RESERVED,
  initialisms: INITIALISMS,
  // A schema already spelled in PascalCase keeps its spelling (`A2aTask`, `SiemDestination`).
  type: (name) =>
    name.overrides.typescript ?? (/^[A-Z][A-Za-z0-9]*$/.test(name.wire) ? name.wire : pascalWords(name.words)),
  property: (name) => identifier(name, 'typescript', camelWords),
  member: (name) => identifier(name, 'typescript', camelWords),
  variable(name) {
    const id = identifier(name, 'typescript', camelWords);
    return RESERVED.has(id) || /^[0-9]/.test(id) ? `${id}_` : id;
  },
};

/** PascalCase of words (resource classes, `<Resource><Method>Params`). */
export const tsPascal = pascalWords;

/** A resource's module file (`agent-cards.ts`). */
export const tsFile = (name: Name) => `${kebab(name.words)}.ts`;

/** An object key: bare when it is an identifier, else quoted. */
export const tsKey = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key));

/** A string literal. */
export const tsStr = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;

/** A JSDoc block (empty when there is no text); `*\/` cannot end it early. */
export function tsDoc(text: string | undefined): string | undefined {
  const body = text?.trim();
  if (!body) return undefined;
  const lines = body.replaceAll('*/', '*\\/').split('\n');
  if (lines.length === 1) return `/** ${lines[0]} */`;
  return ['/**', ...lines.map((l) => (l ? ` * ${l}` : ' *')), ' */'].join('\n');
}
