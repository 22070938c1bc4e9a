/**
 * Java's naming profile: types PascalCase, members camelCase, constants SCREAMING_SNAKE, no
 * initialisms (`getAgentId`, `ApiKey`: the guide's spelling), `x-names.java` overrides winning,
 * Java keywords and the names the generated classes use themselves escaped with a trailing `_`.
 */
import { type NamingProfile, namingProfile } from '../src/emit/naming.ts';
import { camel, type Name, pascal, screamingSnake } from '../src/model/index.ts';

const RESERVED: ReadonlySet<string> = new Set(
  (
    'abstract assert boolean break byte case catch char class const continue default do double else enum ' +
    'extends final finally float for goto if implements import instanceof int interface long native new ' +
    'package private protected public return short static strictfp super switch synchronized this throw ' +
    'throws transient try void volatile while true false null var record yield sealed permits ' +
    // Names the generated code uses itself.
    'builder build toJson fromJson toString hashCode equals getClass t op body params out'
  ).split(' '),
);

/** Joins words, keeping digit runs apart (`1.0` -> `1_0`). */
function joined(style: (w: readonly string[]) => string) {
  return (words: readonly string[]) => {
    let out = style(words);
    if (/^[0-9]/.test(out)) out = `V${out}`;
    return out;
  };
}

/** Java's naming profile. */
export const JAVA_NAMING: NamingProfile = namingProfile({
  language: 'java',
  reserved: RESERVED,
  initialisms: new Set(),
  escape: (id) => `${id}_`,
  type: joined((w) => pascal(w)),
  member: joined((w) => camel(w)),
  constant: (w) => {
    const id = screamingSnake(w);
    return /^[0-9]/.test(id) || id === '' ? `V_${id}` : id;
  },
});

/** The Java class name of a model type. */
export const typeName = (name: Name): string => JAVA_NAMING.typeName(name);

/** A field, parameter or method name. */
export const memberName = (name: Name): string => JAVA_NAMING.memberName(name);

/** An enum constant. */
export const constantName = (name: Name): string => JAVA_NAMING.constantName(name);

/** `getX` / `isX` from a member name. */
export const accessor = (prefix: 'get' | 'is', member: string): string =>
  prefix + member.replace(/_$/, '').charAt(0).toUpperCase() + member.replace(/_$/, '').slice(1);

/** A Java string literal. */
export function quote(s: string): string {
  return JSON.stringify(s)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A Javadoc block (`/** ... *\/`), lines wrapped at ~100 columns, `*\/` and `@` made harmless. */
export function javadoc(text: string | undefined, tags: string[] = []): string {
  const clean = (s: string) =>
    s
      .replace(/\*\//g, '*&#47;')
      .replace(/&(?![a-z#0-9]+;)/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/(?<!\{)@/g, '&#64;')
      .replace(/`([^`]+)`/g, '{@code $1}');
  const body = clean((text ?? '').replace(/\s+/g, ' ').trim() || 'See the spec.');
  const lines: string[] = [];
  let line = '';
  for (const w of body.split(' ')) {
    if (line && line.length + 1 + w.length > 92) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  const tagLines = tags.map((t) => {
    const m = /^(@\S+(?: \S+)?) ?(.*)$/.exec(t)!;
    return `${m[1]} ${clean(m[2] ?? '')}`.trimEnd();
  });
  const all = tagLines.length ? [...lines, '', ...tagLines] : lines;
  return ['/**', ...all.map((l) => (l ? ` * ${l}` : ' *')), ' */'].join('\n');
}
