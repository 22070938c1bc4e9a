/**
 * A language's naming rules in one object: how model `Name`s become identifiers (casing,
 * initialisms, `x-names` overrides) and how a reserved word is escaped. Each emitter builds its
 * profile in `generators/<lang>/naming.ts` with `namingProfile()` and asks it for every
 * identifier, so no template cases or escapes a name by itself.
 */
import { identifier } from '../model/casing.ts';
import type { Language, Name } from '../model/types.ts';

export type Casing = (words: readonly string[]) => string;

export interface NamingRules {
  language: Language;
  /** Words the language (or the SDK's base classes) forbid as identifiers. */
  reserved: ReadonlySet<string>;
  /** Lower-case words spelled in capitals whole (`id` -> `ID`); empty for languages without. */
  initialisms: ReadonlySet<string>;
  /** How a reserved identifier is made legal (Python `from` -> `from_`). */
  escape: (identifier: string) => string;
  /** Casing of types (classes, structs, enums). */
  type: Casing;
  /** Casing of fields, methods, resource attributes and arguments. */
  member: Casing;
  /** Casing of constants and enum members. */
  constant: Casing;
}

export interface NamingProfile extends NamingRules {
  /** `name` cased by `casing` (its `x-names` override verbatim if any), escaped when reserved. */
  spell(name: Name, casing: Casing): string;
  typeName(name: Name): string;
  memberName(name: Name): string;
  constantName(name: Name): string;
  /** Escapes `id` when it is reserved. */
  safe(id: string): string;
}

export function namingProfile(rules: NamingRules): NamingProfile {
  const safe = (id: string) => (rules.reserved.has(id) ? rules.escape(id) : id);
  const spell = (name: Name, casing: Casing) => safe(identifier(name, rules.language, casing));
  return {
    ...rules,
    safe,
    spell,
    typeName: (name) => spell(name, rules.type),
    memberName: (name) => spell(name, rules.member),
    constantName: (name) => spell(name, rules.constant),
  };
}
