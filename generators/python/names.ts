/** Python spellings of model names: snake_case members, PascalCase classes, keyword escaping. */
import { identifier, type Name, pascal, screamingSnake, snake, splitWords } from '../src/model/index.ts';

const KEYWORDS = new Set([
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
  // Names a pydantic model or a resource method cannot use for a field or an argument.
  'self',
  'request_options',
  'model_config',
  'model_fields',
  'copy',
  'dict',
  'json',
  'schema',
  'validate',
]);

const safe = (name: string) => (KEYWORDS.has(name) ? `${name}_` : name);

/** A field or argument name (the wire name is already snake_case; keywords get a trailing `_`). */
export const pyField = (name: Name) => safe(identifier(name, 'python', snake));

/** A class name: the schema's own (PascalCase) spelling unless `x-names.python` overrides it. */
export const pyClass = (name: Name) =>
  name.overrides.python ?? (/^[A-Z][A-Za-z0-9]*$/.test(name.wire) ? name.wire : pascal(name.words));

/** A method or resource attribute name. */
export const pyMember = (name: Name) => safe(identifier(name, 'python', snake));

/** The resource class, e.g. `AgentCards` / `AsyncAgentCards`. */
export const pyResourceClass = (name: Name, async: boolean) => `${async ? 'Async' : ''}${pascal(name.words)}`;

/** An enum member: SCREAMING_SNAKE, `V` before a leading digit (`1.0` -> `V1_0`). */
export function pyEnumMember(name: Name): string {
  const s = screamingSnake(name.words) || 'EMPTY';
  return /^[0-9]/.test(s) ? `V${s}` : s;
}

/** The module constant of an operation, e.g. `CREATE_AGENT`. */
export const pyOpConst = (operationId: string) => screamingSnake(splitWords(operationId));

/** A Python string literal (JSON escaping is valid Python for these strings). */
export const pyStr = (s: string) => JSON.stringify(s);

/** Text for a docstring: no triple quotes or trailing backslash can end it early. */
export const pyDoc = (s: string | undefined) =>
  (s ?? '').replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"').trim();
