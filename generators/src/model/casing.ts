import type { Language, Name } from './types';

/**
 * Splits a spelling into lower-case words: on `_`, `-`, `.`, `/`, spaces and camelCase humps,
 * keeping acronyms together (`SIEMDestination` -> siem, destination) and digits with the
 * letters before them (`A2aTask` -> a2a, task; `ttl_seconds` -> ttl, seconds).
 */
export function splitWords(spelling: string): string[] {
  const words: string[] = [];
  for (const chunk of spelling.split(/[^A-Za-z0-9]+/)) {
    if (!chunk) continue;
    for (const match of chunk.matchAll(/[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])|[0-9]+/g))
      words.push(match[0].toLowerCase());
  }
  return words;
}

export function makeName(wire: string, overrides: Name['overrides'] = {}): Name {
  return { wire, words: splitWords(wire), overrides };
}

const cap = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

export const snake = (words: readonly string[]) => words.join('_');
export const screamingSnake = (words: readonly string[]) => words.join('_').toUpperCase();
export const kebab = (words: readonly string[]) => words.join('-');

/** `PascalCase`; words in `initialisms` (lower-case, e.g. `id`, `url`) are upper-cased whole (Go style). */
export function pascal(words: readonly string[], initialisms: ReadonlySet<string> = new Set()): string {
  return words.map((w) => (initialisms.has(w) ? w.toUpperCase() : cap(w))).join('');
}

/** `camelCase`; the first word stays lower-case, initialisms apply to the others. */
export function camel(words: readonly string[], initialisms: ReadonlySet<string> = new Set()): string {
  const [first = '', ...rest] = words;
  return first + pascal(rest, initialisms);
}

/** The identifier for `name` in `lang`: its `x-names` override if any, else `style(words)`. */
export function identifier(name: Name, lang: Language, style: (words: readonly string[]) => string): string {
  return name.overrides[lang] ?? style(name.words);
}
