/**
 * TypeScript naming: camelCase members and arguments, PascalCase types and resource classes, no
 * initialisms (`agentId`, `A2aTask`, `SiemDestination`: what the SDK has always exported), and
 * `x-names.typescript` overrides winning over all of it.
 */
import { namingProfile } from '../src/emit/naming.ts';
import { camel, identifier, kebab, type Name, pascal, screamingSnake } from '../src/model/index.ts';

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

export const TYPESCRIPT = namingProfile({
  language: 'typescript',
  reserved: RESERVED,
  initialisms: INITIALISMS,
  escape: (id) => `${id}_`,
  type: pascalWords,
  member: camelWords,
  constant: screamingSnake,
});

/**
 * The spellings the templates use. Properties and methods may be reserved words in TypeScript
 * (`delete()`, `{ class: ... }`), so only variables and parameters are escaped.
 */
export const ts = {
  type: (name: Name) => TYPESCRIPT.typeName(name),
  property: (name: Name) => identifier(name, 'typescript', camelWords),
  member: (name: Name) => identifier(name, 'typescript', camelWords),
  variable: (name: Name) => TYPESCRIPT.memberName(name),
  constant: (name: Name) => TYPESCRIPT.constantName(name),
};

/** PascalCase of words (resource classes, `<Resource><Method>Params`). */
export const tsPascal = pascalWords;

/** A resource's module file (`agent-cards.ts`). */
export const tsFile = (name: Name) => `${kebab(name.words)}.ts`;

/** An object key: bare when it is an identifier, else quoted. */
export const tsKey = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key));

/** A string literal. */
export const tsStr = (s: string) =>
  `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;

/** A JSDoc block (empty when there is no text); `*\/` cannot end it early. */
export function tsDoc(text: string | undefined): string | undefined {
  const body = text?.trim();
  if (!body) return undefined;
  const lines = body.replaceAll('*/', '*\\/').split('\n');
  if (lines.length === 1) return `/** ${lines[0]} */`;
  return ['/**', ...lines.map((l) => (l ? ` * ${l}` : ' *')), ' */'].join('\n');
}
