/**
 * Python's naming profile: snake_case members and arguments, PascalCase classes, SCREAMING_SNAKE
 * constants and enum members; keywords and names a pydantic model or a resource method reserves
 * get a trailing `_` (`from` -> `from_`); `x-names.python` overrides win.
 */
import { namingProfile } from '../src/emit/naming.ts';
import { type Name, pascal, screamingSnake, snake, splitWords } from '../src/model/index.ts';

const RESERVED = new Set([
  // keyword.kwlist
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

export const PYTHON = namingProfile({
  language: 'python',
  reserved: RESERVED,
  initialisms: new Set(),
  escape: (id) => `${id}_`,
  type: (words) => pascal(words),
  member: snake,
  constant: screamingSnake,
});

/** A field or argument name (wire names are already snake_case). */
export const pyField = (name: Name) => PYTHON.memberName(name);

/** A method or resource attribute name. */
export const pyMember = (name: Name) => PYTHON.memberName(name);

/** A class name: the schema's own spelling when it is PascalCase already (`SIEMDestination`). */
export const pyClass = (name: Name) =>
  name.overrides.python ?? (/^[A-Z][A-Za-z0-9]*$/.test(name.wire) ? name.wire : PYTHON.typeName(name));

/** The resource class, e.g. `AgentCards` / `AsyncAgentCards`. */
export const pyResourceClass = (name: Name, async: boolean) =>
  `${async ? 'Async' : ''}${PYTHON.type(name.words)}`;

/** An enum member: SCREAMING_SNAKE, `V` before a leading digit (`1.0` -> `V1_0`). */
export function pyEnumMember(name: Name): string {
  const s = PYTHON.constantName(name) || 'EMPTY';
  return /^[0-9]/.test(s) ? `V${s}` : s;
}

/** A module constant from words or a spelling, e.g. `CREATE_AGENT` from `createAgent`. */
export const pyConst = (spelling: string) => PYTHON.constant(splitWords(spelling));

/** The module constant of an operation, e.g. `CREATE_AGENT`. */
export const pyOpConst = (operationId: string) => pyConst(operationId);

/** A Python string literal (JSON escaping is valid Python for these strings). */
export const pyStr = (s: string) => JSON.stringify(s);

/** A Python literal of a JSON value (`true` -> `True`, `null` -> `None`). */
export function pyLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return pyStr(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pyLiteral).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${pyStr(k)}: ${pyLiteral(v)}`)
    .join(', ')}}`;
}

/** Text for a docstring: no triple quotes or trailing backslash can end it early. */
export const pyDoc = (s: string | undefined) =>
  (s ?? '').replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"').trim();
