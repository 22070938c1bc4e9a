/**
 * Go declarations of the model's named types: structs, open string enums, discriminated unions,
 * and the validation shapes of every type an answer can carry.
 *
 * Field typing (the package doc explains it to users):
 * - required, not nullable: the plain Go type;
 * - nullable: `Nullable[T]` for scalars, enums and times; a pointer for objects; slices and maps as
 *   they are (nil is null);
 * - optional (may be absent, never null): the plain type with `omitzero`, so the zero value means
 *   "not sent"; except, in request types, where the zero value is a meaningful value that differs
 *   from leaving the field out (a boolean, a number that may be 0): then a pointer (`ati.Ptr`).
 *   Optional objects are pointers.
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
import { describe, doc, exported, lowerFirst, pascalWords, quote } from '../naming.ts';
import type { GoImports } from './file.ts';

export interface GoTypes {
  model: ApiModel;
  byWire: Map<string, NamedType>;
  /** For a type without a description: the methods it is the body or answer of, for its doc. */
  roles: Map<string, string[]>;
}

/** The JSON pointer of a named type's schema, for errors. */
export function typePointer(t: NamedType): string {
  return t.syntheticFrom
    ? `#/components/schemas/${t.syntheticFrom.schema}/properties/${t.syntheticFrom.property}`
    : `#/components/schemas/${t.name.wire}`;
}

/** What a type is for, from the operations that send or return it. */
export function typeRoles(model: ApiModel, method: (opID: string) => string): Map<string, string[]> {
  const roles = new Map<string, string[]>();
  const add = (wire: string, role: string) => roles.set(wire, [...(roles.get(wire) ?? []), role]);
  for (const op of model.operations) {
    if (op.body) add(op.body.type, `the request body of ${method(op.id)}`);
    const t = op.response.type;
    const ref = t?.kind === 'array' ? t.items : t;
    if (ref?.kind === 'ref')
      add(ref.name, `${t?.kind === 'array' ? 'an item of the answer' : 'the answer'} of ${method(op.id)}`);
  }
  return roles;
}

export const goTypeName = (t: NamedType): string => exported(t.name);

export function named(ctx: GoTypes, wire: string): NamedType {
  const t = ctx.byWire.get(wire);
  if (!t) throw new Error(`go emitter: the model has no type ${wire}`);
  return t;
}

/** The Go type of a reference, before optional/nullable wrapping. */
export function goType(ctx: GoTypes, ref: TypeRef, imports: GoImports): string {
  switch (ref.kind) {
    case 'primitive':
      if (ref.type === 'string') return ref.format === 'date-time' ? `${imports.use('time')}.Time` : 'string';
      return { integer: 'int64', number: 'float64', boolean: 'bool' }[ref.type];
    case 'array':
      return `[]${goType(ctx, ref.items, imports)}`;
    case 'map':
      return `map[string]${goType(ctx, ref.values, imports)}`;
    case 'any':
      return 'any';
    case 'ref':
      return goTypeName(named(ctx, ref.name));
  }
}

function isObjectRef(ctx: GoTypes, ref: TypeRef): boolean {
  return ref.kind === 'ref' && named(ctx, ref.name).kind !== 'enum';
}

/** Whether a request may mean something by sending a property's zero value (false, 0). */
function zeroIsMeaningful(p: Property): boolean {
  if (p.type.kind !== 'primitive') return false;
  if (p.type.type === 'boolean') return true;
  if (p.type.type === 'integer' || p.type.type === 'number') {
    const min = p.constraints.minimum;
    return min === undefined || min <= 0;
  }
  return false;
}

export interface GoField {
  name: string;
  type: string;
  tag: string;
  prop: Property;
}

export function goField(ctx: GoTypes, owner: ObjectType, p: Property, imports: GoImports): GoField {
  const base = goType(ctx, p.type, imports);
  const collection = p.type.kind === 'array' || p.type.kind === 'map' || p.type.kind === 'any';
  let type = base;
  // A request-only type's optional, nullable scalar: absent and null mean the same to the gateway
  // (Python sends null, the others leave the key out), so Go leaves it out and keeps the plain
  // type (`Target: "mcp://filesystem"`, as the guide writes it).
  const requestOnly = owner.usage.request && !owner.usage.response;
  const nullable = p.nullable && !(requestOnly && !p.required && !collection && !isObjectRef(ctx, p.type));
  if (nullable) {
    if (isObjectRef(ctx, p.type)) type = `*${base}`;
    else if (!collection) type = `Nullable[${base}]`;
  } else if (!p.required) {
    if (isObjectRef(ctx, p.type) || (owner.usage.request && zeroIsMeaningful(p))) type = `*${base}`;
  }
  // An optional boolean of an answer-only type is a plain bool that is always encoded: absent
  // means false to the gateway, and a false it sent survives a decode and encode.
  const answerBool =
    owner.usage.response &&
    !owner.usage.request &&
    !p.nullable &&
    p.type.kind === 'primitive' &&
    p.type.type === 'boolean';
  const tag = `\`json:"${p.name.wire}${p.required || answerBool ? '' : ',omitzero'}"\``;
  return { name: exported(p.name), type, tag, prop: p };
}

function fieldDoc(f: GoField): string {
  const p = f.prop;
  const text = p.description ? describe(f.name, p.description) : `${f.name} is the ${p.name.wire} member.`;
  const notes = [
    p.required && p.nullable && 'May be null.',
    !p.required && p.nullable && 'May be absent or null.',
    !p.required && !p.nullable && 'Optional.',
    p.default !== undefined && `The gateway's default is ${JSON.stringify(p.default)}.`,
    p.secret && 'A secret: never log it.',
    p.deprecated && 'Deprecated: see the spec.',
    p.type.kind === 'map' && 'Keys and values pass through untouched.',
  ].filter((n): n is string => typeof n === 'string');
  return doc([text, ...notes].join(' '), '\t');
}

function objectDoc(ctx: GoTypes, t: ObjectType, name: string): string {
  const roles = ctx.roles.get(t.name.wire);
  if (t.description) return doc(`${name} is ${lowerFirst(t.description)}`);
  if (roles) return doc(`${name} is ${roles.slice(0, 3).join(', ')}${roles.length > 3 ? ', and more' : ''}.`);
  return doc(`${name} is the spec's ${t.name.wire} schema.`);
}

export function objectDecl(ctx: GoTypes, t: ObjectType, imports: GoImports): string {
  const name = goTypeName(t);
  const fields = t.properties.map((p) => goField(ctx, t, p, imports));
  const secrets = fields.filter((f) => f.prop.secret);
  for (const f of secrets) {
    if (f.type !== 'string')
      throw new SpecModelError(
        'x-secret is only supported on a required or optional non-null string',
        `${typePointer(t)}/properties/${f.prop.name.wire}`,
      );
  }
  // Printing a value with fmt (or a logger built on it) must not show its secrets.
  const masking =
    secrets.length > 0 &&
    code`

    // String prints the ${name} with its secret fields (${secrets.map((f) => f.name).join(', ')}) masked.
    func (v ${name}) String() string {
        cp := v
        ${secrets.map(
          (f) => code`
          if cp.${f.name} != "" {
              cp.${f.name} = "[redacted]"
          }`,
        )}
        type plain ${name}
        return ${imports.use('fmt')}.Sprintf("%+v", plain(cp))
    }

    // GoString is String, so %#v masks the secrets too.
    func (v ${name}) GoString() string { return v.String() }

    // Format prints String for every verb (%d, %x and %q too), so no verb shows the secrets.
    func (v ${name}) Format(f ${imports.use('fmt')}.State, verb rune) { formatMasked(f, verb, v.String()) }`;
  return code`
    ${objectDoc(ctx, t, name)}
    type ${name} struct {
        ${fields.map((f) => [fieldDoc(f), `${f.name} ${f.type} ${f.tag}`])}
    }${masking}
  `;
}

export function enumConst(t: EnumType, v: EnumType['values'][number]): string {
  return goTypeName(t) + (v.name.overrides.go ?? pascalWords(v.name.words));
}

export function enumDecl(t: EnumType): string {
  const name = goTypeName(t);
  const description = t.description ?? `the spec's ${t.name.wire} enum`;
  const consts = t.values.map((v) => enumConst(t, v));
  return code`
    ${doc(
      `${name} is ${lowerFirst(description)}${/[.!?]$/.test(description) ? '' : '.'} ` +
        'A value this SDK does not list (from a newer gateway) is kept as-is; IsKnown tells them apart.',
    )}
    type ${name} string

    // ${name} values.
    const (
        ${t.values.map((v, i) => [
          doc(`${consts[i]} is ${quote(v.value)}.${v.description ? ` ${v.description}` : ''}`, '\t'),
          `${consts[i]} ${name} = ${quote(v.value)}`,
        ])}
    )

    // IsKnown reports whether v is one of the ${name} values this SDK knows.
    func (v ${name}) IsKnown() bool {
        switch v {
        case ${consts.join(', ')}:
            return true
        }
        return false
    }
  `;
}

interface GoVariant {
  field: string;
  type: string;
  value: string;
  discField: string;
}

/** A union's variants, or a SpecModelError naming what Go cannot decode without guessing. */
function unionVariants(ctx: GoTypes, t: UnionType): { disc: string; variants: GoVariant[] } {
  const at = typePointer(t);
  const disc = t.discriminator;
  if (!disc) return { disc: '', variants: [] };
  const variants = t.variants.map((v, i) => {
    const vt = named(ctx, v.type);
    if (!v.discriminatorValue)
      throw new SpecModelError(`variant ${v.type} has no discriminator value`, `${at}/oneOf/${i}`);
    if (vt.kind !== 'object')
      throw new SpecModelError(`variant ${v.type} is not an object`, `${at}/oneOf/${i}`);
    const discProp = vt.properties.find((p) => p.name.wire === disc);
    if (!discProp)
      throw new SpecModelError(`variant ${v.type} lacks the discriminator '${disc}'`, typePointer(vt));
    return {
      field: pascalWords(v.discriminatorValue.split(/[^A-Za-z0-9]+/)),
      type: goTypeName(vt),
      value: v.discriminatorValue,
      discField: exported(discProp.name),
    };
  });
  return { disc, variants };
}

/** Checks what unionDecl would refuse, without rendering (for a whole-model check up front). */
export function checkUnion(ctx: GoTypes, t: UnionType): void {
  unionVariants(ctx, t);
}

/**
 * A oneOf without a discriminator (the `/a2a` envelope's params and result, which the `method`
 * of the envelope tells apart, not a member of the variant): Go cannot pick a variant without
 * guessing, so the value stays raw JSON, built from and decoded into a variant the caller names.
 * The SDK's own methods never use these types (each JSON-RPC method has its own params and
 * result types); they exist for callers of the whole envelope.
 */
function rawUnionDecl(ctx: GoTypes, t: UnionType, imports: GoImports): string {
  const name = goTypeName(t);
  const json = imports.use('encoding/json');
  const variants = t.variants.map((v) => goTypeName(named(ctx, v.type)));
  return code`
    ${doc(
      `${name} is ${lowerFirst(t.description ?? `the spec's ${t.name.wire} union`)} It is one of ${variants.join(', ')}, ` +
        'with nothing on the wire to say which, so it is kept as raw JSON: build it with a New function, read it with an As method.',
    )}
    type ${name} ${json}.RawMessage

    // MarshalJSON encodes the JSON as it is (null when empty).
    func (u ${name}) MarshalJSON() ([]byte, error) {
        if len(u) == 0 {
            return []byte("null"), nil
        }
        return u, nil
    }

    // UnmarshalJSON keeps a copy of the JSON.
    func (u *${name}) UnmarshalJSON(data []byte) error {
        *u = append((*u)[:0], data...)
        return nil
    }
    ${variants.map(
      (v) => code`

      // New${name}From${v} encodes v as a ${name}.
      func New${name}From${v}(v ${v}) (${name}, error) {
          data, err := ${json}.Marshal(v)
          return ${name}(data), err
      }

      // As${v} decodes the value as a ${v}.
      func (u ${name}) As${v}() (*${v}, error) {
          v := new(${v})
          if err := ${json}.Unmarshal(u, v); err != nil {
              return nil, err
          }
          return v, nil
      }`,
    )}
  `;
}

export function unionDecl(ctx: GoTypes, t: UnionType, imports: GoImports): string {
  if (!t.discriminator) return rawUnionDecl(ctx, t, imports);
  const name = goTypeName(t);
  const { disc, variants } = unionVariants(ctx, t);
  const json = imports.use('encoding/json');
  const errors = imports.use('errors');
  const head = (type: string) => `var head struct {\n\tKind ${type} \`json:"${disc}"\`\n}`;
  return code`
    ${doc(
      `${name} is ${lowerFirst(t.description ?? `the spec's ${t.name.wire} union`)} Exactly one variant field is set; ` +
        `the ${quote(disc)} member on the wire says which. A part of a kind this SDK does not know decodes with every ` +
        'variant nil, keeps its JSON (Raw) and encodes back unchanged.',
    )}
    type ${name} struct {
        ${variants.map((v) => [`// ${v.field} is set when ${disc} is ${quote(v.value)}.`, `${v.field} *${v.type}`])}

        raw ${json}.RawMessage
    }

    // Kind returns the ${disc} of the set variant, or of an unknown part.
    func (u ${name}) Kind() string {
        switch {
        ${variants.map(
          (v) => code`
          case u.${v.field} != nil:
              return ${quote(v.value)}`,
        )}
        }
        ${head('string')}
        _ = ${json}.Unmarshal(u.raw, &head)
        return head.Kind
    }

    // Raw returns the JSON of a part of an unknown kind (nil for a known one).
    func (u ${name}) Raw() ${json}.RawMessage { return u.raw }

    // MarshalJSON encodes the set variant with its ${disc} filled in.
    func (u ${name}) MarshalJSON() ([]byte, error) {
        switch {
        ${variants.map(
          (v) => code`
          case u.${v.field} != nil:
              cp := *u.${v.field}
              cp.${v.discField} = ${quote(v.value)}
              return ${json}.Marshal(cp)`,
        )}
        case u.raw != nil:
            return u.raw, nil
        }
        return nil, ${errors}.New("ati: ${name} has no variant set")
    }

    // UnmarshalJSON decodes the variant its ${disc} names; an unknown ${disc} is kept as Raw.
    func (u *${name}) UnmarshalJSON(data []byte) error {
        ${head('*string')}
        if err := ${json}.Unmarshal(data, &head); err != nil {
            return err
        }
        if head.Kind == nil {
            return ${errors}.New("ati: ${name} without ${disc}")
        }
        *u = ${name}{}
        switch *head.Kind {
        ${variants.map(
          (v) => code`
          case ${quote(v.value)}:
              u.${v.field} = new(${v.type})
              return ${json}.Unmarshal(data, u.${v.field})`,
        )}
        }
        u.raw = append(${json}.RawMessage(nil), data...)
        return nil
    }
    ${variants.map(
      (v) => code`

      // New${name}${v.field} wraps v as a ${name}.
      func New${name}${v.field}(v ${v.type}) ${name} { return ${name}{${v.field}: &v} }`,
    )}
  `;
}

/** Go expression of the validation shape of a reference, or `nil` when encoding/json suffices. */
export function shapeExpr(ctx: GoTypes, ref: TypeRef): string {
  switch (ref.kind) {
    case 'array': {
      const items = shapeExpr(ctx, ref.items);
      return items === 'nil' ? 'nil' : `&shape{items: ${items}}`;
    }
    case 'ref': {
      const t = named(ctx, ref.name);
      return t.kind === 'enum' || (t.kind === 'union' && !t.discriminator) ? 'nil' : shapeVar(t);
    }
    default:
      return 'nil';
  }
}

/** The numeric range of a number or integer property (`minimum`/`maximum`), checked on decode. */
function rangeFields(p: { type: TypeRef; constraints: { minimum?: number; maximum?: number } }): string {
  if (p.type.kind !== 'primitive' || (p.type.type !== 'number' && p.type.type !== 'integer')) return '';
  const { minimum, maximum } = p.constraints;
  let out = '';
  if (minimum !== undefined) out += `, hasMin: true, min: ${minimum}`;
  if (maximum !== undefined) out += `, hasMax: true, max: ${maximum}`;
  return out;
}

export const shapeVar = (t: NamedType): string => `shape${goTypeName(t)}`;

export function shapeDecl(ctx: GoTypes, t: Exclude<NamedType, EnumType>): string {
  const v = shapeVar(t);
  if (t.kind === 'union') {
    if (!t.discriminator) return '';
    const entries = t.variants.map(
      (x) => `${quote(x.discriminatorValue ?? '')}: ${shapeVar(named(ctx, x.type))}`,
    );
    return `var ${v} = &shape{name: ${quote(t.name.wire)}, discriminator: ${quote(t.discriminator ?? '')}, variants: map[string]*shape{${entries.join(', ')}}}`;
  }
  return code`
    var ${v} = &shape{name: ${quote(t.name.wire)}, props: []prop{
        ${t.properties.map(
          (p) =>
            `{name: ${quote(p.name.wire)}, required: ${p.required}, nullable: ${p.nullable}, sub: ${shapeExpr(ctx, p.type)}${rangeFields(p)}},`,
        )}
    }}`;
}
