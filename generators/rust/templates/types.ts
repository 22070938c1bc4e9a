/**
 * Rust declarations of the model's named types: serde structs, open enums, discriminated unions,
 * and the range checks an answer must pass beyond what serde itself enforces.
 *
 * Field typing (the crate docs explain it to users):
 * - required, not nullable: the plain type (serde refuses a missing key and a null);
 * - required, nullable: `Option<T>` whose key must be present (`nullable::required`);
 * - optional, not nullable: `Option<T>`, left out when `None`; a null on the wire is refused;
 * - optional and nullable: `Nullable<T>` (absent, null or a value), except in request-only types,
 *   where absent and null mean the same to the gateway: a plain `Option<T>` left out when `None`.
 */
import { code } from '../../src/emit/template.ts';
import {
  type ApiModel,
  type EnumType,
  type NamedType,
  type ObjectType,
  type Property,
  SpecModelError,
  type TypeRef,
  type UnionType,
} from '../../src/model/index.ts';
import { doc, member, pascalWords, quote, sentence, typeName, variant } from '../naming.ts';

export interface RustTypes {
  model: ApiModel;
  byWire: Map<string, NamedType>;
}

export function rustTypes(model: ApiModel): RustTypes {
  return { model, byWire: new Map(model.types.map((t) => [t.name.wire, t] as const)) };
}

export function typePointer(t: NamedType): string {
  return t.syntheticFrom
    ? `#/components/schemas/${t.syntheticFrom.schema}/properties/${t.syntheticFrom.property}`
    : `#/components/schemas/${t.name.wire}`;
}

export function named(ctx: RustTypes, wire: string): NamedType {
  const t = ctx.byWire.get(wire);
  if (!t) throw new Error(`rust emitter: the model has no type ${wire}`);
  return t;
}

/** The Rust type of a reference, before optional/nullable wrapping. */
export function rustType(ctx: RustTypes, ref: TypeRef): string {
  switch (ref.kind) {
    case 'primitive':
      return { string: 'String', integer: 'i64', number: 'f64', boolean: 'bool' }[ref.type];
    case 'array':
      return `Vec<${rustType(ctx, ref.items)}>`;
    case 'map':
      return ref.values.kind === 'any'
        ? 'serde_json::Map<String, serde_json::Value>'
        : `std::collections::BTreeMap<String, ${rustType(ctx, ref.values)}>`;
    case 'any':
      return 'serde_json::Value';
    case 'ref':
      return typeName(named(ctx, ref.name).name);
  }
}

export type FieldKind = 'plain' | 'required_nullable' | 'optional' | 'tristate';

export interface RustField {
  name: string;
  type: string;
  kind: FieldKind;
  prop: Property;
}

export function fieldKind(owner: ObjectType, p: Property): FieldKind {
  const requestOnly = owner.usage.request && !owner.usage.response;
  if (p.required) return p.nullable ? 'required_nullable' : 'plain';
  return p.nullable && !requestOnly ? 'tristate' : 'optional';
}

export function rustField(ctx: RustTypes, owner: ObjectType, p: Property): RustField {
  const base = rustType(ctx, p.type);
  const kind = fieldKind(owner, p);
  const type = {
    plain: base,
    required_nullable: `Option<${base}>`,
    optional: `Option<${base}>`,
    tristate: `Nullable<${base}>`,
  }[kind];
  return { name: member(p.name), type, kind, prop: p };
}

/** The serde attributes of a field. */
function serdeAttrs(f: RustField, constDefault: string | undefined): string {
  const attrs: string[] = [];
  if (f.name.replace(/^r#/, '') !== f.prop.name.wire) attrs.push(`rename = ${quote(f.prop.name.wire)}`);
  if (f.kind === 'required_nullable') attrs.push('deserialize_with = "crate::nullable::required"');
  if (f.kind === 'optional')
    attrs.push(
      'default',
      'skip_serializing_if = "Option::is_none"',
      'deserialize_with = "crate::nullable::present"',
    );
  if (f.kind === 'tristate') attrs.push('default', 'skip_serializing_if = "Nullable::is_absent"');
  if (constDefault) attrs.push(`default = ${quote(constDefault)}`);
  return attrs.length ? `#[serde(${attrs.join(', ')})]` : '';
}

function fieldDoc(f: RustField): string {
  const p = f.prop;
  const notes = [
    p.description ? sentence(p.description) : `The \`${p.name.wire}\` member.`,
    f.kind === 'required_nullable' && 'May be null.',
    f.kind === 'tristate' && 'May be absent or null.',
    p.default !== undefined && `The gateway's default is \`${JSON.stringify(p.default)}\`.`,
    p.secret && 'A secret: masked in `Debug`, never log it.',
    p.type.kind === 'map' && 'Keys and values pass through untouched.',
    p.type.kind === 'primitive' &&
      p.type.const !== undefined &&
      `Always \`${JSON.stringify(p.type.const)}\`.`,
  ].filter((n): n is string => typeof n === 'string');
  return doc(notes.join(' '));
}

const constFn = (t: ObjectType, p: Property) =>
  `const_${member(t.name).replace(/^r#/, '')}_${member(p.name).replace(/^r#/, '')}`;

function constLiteral(p: Property): string | undefined {
  if (!p.required || p.type.kind !== 'primitive' || p.type.const === undefined) return undefined;
  const v = p.type.const;
  return typeof v === 'string' ? `${quote(v)}.to_owned()` : String(v);
}

/** Whether values of this type can contain a range check (a constrained number or a nested object). */
export function needsValidate(ctx: RustTypes, ref: TypeRef, seen = new Set<string>()): boolean {
  switch (ref.kind) {
    case 'array':
      return needsValidate(ctx, ref.items, seen);
    case 'map':
      return needsValidate(ctx, ref.values, seen);
    case 'ref': {
      const t = named(ctx, ref.name);
      if (t.kind === 'enum' || (t.kind === 'union' && !t.discriminator)) return false;
      if (seen.has(t.name.wire)) return false;
      seen.add(t.name.wire);
      if (t.kind === 'union')
        return t.variants.some((v) => needsValidate(ctx, { kind: 'ref', name: v.type }, seen));
      return t.properties.some((p) => hasRange(p) || needsValidate(ctx, p.type, seen));
    }
    default:
      return false;
  }
}

function hasRange(p: Property): boolean {
  return (
    p.type.kind === 'primitive' &&
    (p.type.type === 'integer' || p.type.type === 'number') &&
    (p.constraints.minimum !== undefined || p.constraints.maximum !== undefined)
  );
}

const floatLit = (n: number | undefined) =>
  n === undefined ? 'None' : `Some(${Number.isInteger(n) ? `${n}.0` : n})`;

function validateImpl(ctx: RustTypes, t: ObjectType, fields: RustField[]): string {
  const name = typeName(t.name);
  const checks = fields.flatMap((f) => {
    const p = f.prop;
    if (hasRange(p))
      return [
        `crate::validate::range(path, ${quote(p.name.wire)}, &self.${f.name}, ${floatLit(p.constraints.minimum)}, ${floatLit(p.constraints.maximum)})?;`,
      ];
    if (needsValidate(ctx, p.type))
      return [`Validate::validate(&self.${f.name}, &format!("{path}.${p.name.wire}"))?;`];
    return [];
  });
  return code`
    impl crate::validate::Validate for ${name} {
        fn validate(&self, ${checks.length ? 'path' : '_path'}: &str) -> Result<(), String> {
            ${checks}
            Ok(())
        }
    }
  `;
}

export function objectDecl(ctx: RustTypes, t: ObjectType): string {
  const name = typeName(t.name);
  const fields = t.properties.map((p) => rustField(ctx, t, p));
  const requestUse = t.usage.request || (!t.usage.request && !t.usage.response);
  const consts = fields.filter((f) => constLiteral(f.prop) !== undefined);
  const secrets = fields.filter((f) => f.prop.secret);
  for (const f of secrets) {
    if (f.prop.type.kind !== 'primitive' || f.prop.type.type !== 'string')
      throw new SpecModelError(
        'x-secret is only supported on strings',
        `${typePointer(t)}/properties/${f.prop.name.wire}`,
      );
  }
  const derives = ['Clone', 'PartialEq', 'serde::Serialize', 'serde::Deserialize'];
  if (secrets.length === 0) derives.unshift('Debug');
  if (consts.length === 0) derives.push('Default');
  const description = t.description ? sentence(t.description) : `The spec's \`${t.name.wire}\` schema.`;
  const masked =
    secrets.length > 0 &&
    code`

    impl std::fmt::Debug for ${name} {
        /// Prints the fields with the secrets (${secrets.map((f) => `\`${f.name}\``).join(', ')}) masked.
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct(${quote(name)})
                ${fields.map((x) =>
                  x.prop.secret
                    ? `.field(${quote(x.name.replace(/^r#/, ''))}, &crate::nullable::Masked(&self.${x.name}))`
                    : `.field(${quote(x.name.replace(/^r#/, ''))}, &self.${x.name})`,
                )}
                .finish()
        }
    }`;
  const defaults =
    consts.length > 0 &&
    code`

    impl Default for ${name} {
        fn default() -> Self {
            Self {
                ${fields.map((f) => `${f.name}: ${constLiteral(f.prop) ?? 'Default::default()'},`)}
            }
        }
    }

    ${consts.map(
      (f) => code`
      fn ${constFn(t, f.prop)}() -> ${f.type} {
          ${constLiteral(f.prop)}
      }`,
    )}`;
  return code`
    ${doc(description)}
    #[derive(${derives.join(', ')})]
    ${!requestUse && '#[non_exhaustive]'}
    pub struct ${name} {
        ${fields.map((f) => [
          fieldDoc(f),
          serdeAttrs(f, constLiteral(f.prop) !== undefined ? constFn(t, f.prop) : undefined),
          `pub ${f.name}: ${f.type},`,
        ])}
    }${masked}${defaults}

    ${validateImpl(ctx, t, fields)}
  `;
}

export function enumDecl(t: EnumType): string {
  const name = typeName(t.name);
  const variants = t.values.map((v) => variant(v.name));
  const description = t.description ? sentence(t.description) : `The spec's \`${t.name.wire}\` enum.`;
  return code`
    ${doc(`${description} Open: a value this SDK does not list (from a newer gateway) is kept in \`Unknown\`.`)}
    #[derive(Debug, Clone, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum ${name} {
        ${t.values.map((v, i) => [doc(`\`${v.value}\`${v.description ? `: ${sentence(v.description)}` : '.'}`), `${variants[i]},`])}
        /// A value this SDK does not know, as the gateway sent it.
        Unknown(String),
    }

    impl ${name} {
        /// The wire value.
        pub fn as_str(&self) -> &str {
            match self {
                ${t.values.map((v, i) => `Self::${variants[i]} => ${quote(v.value)},`)}
                Self::Unknown(value) => value,
            }
        }

        /// Whether this SDK knows the value.
        pub fn is_known(&self) -> bool {
            !matches!(self, Self::Unknown(_))
        }
    }

    impl Default for ${name} {
        /// The first value the spec lists (\`${t.values[0]?.value ?? ''}\`).
        fn default() -> Self {
            Self::${variants[0]}
        }
    }

    impl From<&str> for ${name} {
        fn from(value: &str) -> Self {
            match value {
                ${t.values.map((v, i) => `${quote(v.value)} => Self::${variants[i]},`)}
                other => Self::Unknown(other.to_owned()),
            }
        }
    }

    impl From<String> for ${name} {
        fn from(value: String) -> Self {
            Self::from(value.as_str())
        }
    }

    impl std::fmt::Display for ${name} {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.as_str())
        }
    }

    impl serde::Serialize for ${name} {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(self.as_str())
        }
    }

    impl<'de> serde::Deserialize<'de> for ${name} {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            String::deserialize(deserializer).map(Self::from)
        }
    }
  `;
}

interface RustVariant {
  name: string;
  type: string;
  value: string;
}

function unionVariants(ctx: RustTypes, t: UnionType): RustVariant[] {
  const at = typePointer(t);
  return t.variants.map((v, i) => {
    const vt = named(ctx, v.type);
    if (!v.discriminatorValue)
      throw new SpecModelError(`variant ${v.type} has no discriminator value`, `${at}/oneOf/${i}`);
    if (vt.kind !== 'object')
      throw new SpecModelError(`variant ${v.type} is not an object`, `${at}/oneOf/${i}`);
    return {
      name: pascalWords(v.discriminatorValue.split(/[^A-Za-z0-9]+/).filter(Boolean)),
      type: typeName(vt.name),
      value: v.discriminatorValue,
    };
  });
}

/** Checks what unionDecl would refuse, without rendering. */
export function checkUnion(ctx: RustTypes, t: UnionType): void {
  if (t.discriminator) unionVariants(ctx, t);
}

export function unionDecl(ctx: RustTypes, t: UnionType): string {
  const name = typeName(t.name);
  const description = t.description ? sentence(t.description) : `The spec's \`${t.name.wire}\` union.`;
  if (!t.discriminator) {
    const variants = t.variants.map((v) => `\`${typeName(named(ctx, v.type).name)}\``);
    return code`
      ${doc(`${description} One of ${variants.join(', ')}, with nothing on the wire to say which, so it is kept as JSON: decode it with \`serde_json::from_value\` into the variant you expect.`)}
      #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
      #[serde(transparent)]
      pub struct ${name}(pub serde_json::Value);

      impl crate::validate::Validate for ${name} {
          fn validate(&self, _path: &str) -> Result<(), String> {
              Ok(())
          }
      }
    `;
  }
  const disc = t.discriminator;
  const variants = unionVariants(ctx, t);
  return code`
    ${doc(`${description} The \`${disc}\` member says which variant; a kind this SDK does not know is kept as JSON in \`Unknown\` and encodes back unchanged.`)}
    #[derive(Debug, Clone, PartialEq)]
    #[non_exhaustive]
    pub enum ${name} {
        ${variants.map((v) => [`/// \`${disc}\` is \`${v.value}\`.`, `${v.name}(${v.type}),`])}
        /// A kind this SDK does not know, as the gateway sent it.
        Unknown(serde_json::Value),
    }

    impl ${name} {
        /// The \`${disc}\` of the value.
        pub fn kind(&self) -> &str {
            match self {
                ${variants.map((v) => `Self::${v.name}(_) => ${quote(v.value)},`)}
                Self::Unknown(value) => value.get(${quote(disc)}).and_then(serde_json::Value::as_str).unwrap_or(""),
            }
        }
    }
    ${variants.map(
      (v) => code`

      impl From<${v.type}> for ${name} {
          fn from(value: ${v.type}) -> Self {
              Self::${v.name}(value)
          }
      }`,
    )}

    impl serde::Serialize for ${name} {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                ${variants.map((v) => `Self::${v.name}(value) => value.serialize(serializer),`)}
                Self::Unknown(value) => value.serialize(serializer),
            }
        }
    }

    impl<'de> serde::Deserialize<'de> for ${name} {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            use serde::de::Error;
            let value = serde_json::Value::deserialize(deserializer)?;
            let kind = value
                .get(${quote(disc)})
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| D::Error::custom(${quote(`${t.name.wire} without a string ${disc}`)}))?;
            match kind {
                ${variants.map((v) => `${quote(v.value)} => serde_json::from_value(value).map(Self::${v.name}).map_err(D::Error::custom),`)}
                _ => Ok(Self::Unknown(value)),
            }
        }
    }

    impl crate::validate::Validate for ${name} {
        fn validate(&self, path: &str) -> Result<(), String> {
            match self {
                ${variants.map((v) => `Self::${v.name}(value) => Validate::validate(value, path),`)}
                Self::Unknown(_) => Ok(()),
            }
        }
    }
  `;
}
