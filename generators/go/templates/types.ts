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
import type {
  ApiModel,
  EnumType,
  NamedType,
  ObjectType,
  Property,
  TypeRef,
  UnionType,
} from '../../src/model/index.ts';
import { describe, doc, exported, lowerFirst, pascalWords, quote } from './naming.ts';

export interface GoTypes {
  model: ApiModel;
  byWire: Map<string, NamedType>;
  /** For a type without a description: the methods it is the body or answer of, for its doc. */
  roles?: Map<string, string[]>;
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

export function goTypeName(t: NamedType): string {
  return exported(t.name);
}

export function named(ctx: GoTypes, wire: string): NamedType {
  const t = ctx.byWire.get(wire);
  if (!t) throw new Error(`go emitter: unknown type ${wire}`);
  return t;
}

/** The Go type of a reference, before optional/nullable wrapping. */
export function goType(ctx: GoTypes, ref: TypeRef): string {
  switch (ref.kind) {
    case 'primitive':
      switch (ref.type) {
        case 'string':
          return ref.format === 'date-time' ? 'time.Time' : 'string';
        case 'integer':
          return 'int64';
        case 'number':
          return 'float64';
        case 'boolean':
          return 'bool';
      }
      throw new Error('unreachable');
    case 'array':
      return `[]${goType(ctx, ref.items)}`;
    case 'map':
      return `map[string]${goType(ctx, ref.values)}`;
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

export function goField(ctx: GoTypes, owner: ObjectType, p: Property): GoField {
  const base = goType(ctx, p.type);
  const collection = p.type.kind === 'array' || p.type.kind === 'map' || p.type.kind === 'any';
  let type = base;
  let omit = !p.required;
  if (p.nullable) {
    if (collection) type = base;
    else if (isObjectRef(ctx, p.type)) type = `*${base}`;
    else type = `Nullable[${base}]`;
  } else if (!p.required) {
    if (isObjectRef(ctx, p.type)) type = `*${base}`;
    else if (owner.usage.request && zeroIsMeaningful(p)) type = `*${base}`;
  }
  if (p.required) omit = false;
  const tag = `\`json:"${p.name.wire}${omit ? ',omitzero' : ''}"\``;
  return { name: exported(p.name), type, tag, prop: p };
}

function fieldDoc(p: Property, field: GoField): string {
  const text = p.description
    ? describe(field.name, p.description)
    : `${field.name} is the ${p.name.wire} member.`;
  const notes: string[] = [];
  if (p.required && p.nullable) notes.push('May be null.');
  if (!p.required && p.nullable) notes.push('May be absent or null.');
  if (!p.required && !p.nullable) notes.push('Optional.');
  if (p.default !== undefined) notes.push(`The gateway's default is ${JSON.stringify(p.default)}.`);
  if (p.secret) notes.push('A secret: never log it.');
  if (p.deprecated) notes.push('Deprecated: see the spec.');
  if (p.type.kind === 'map') notes.push('Keys and values pass through untouched.');
  return doc(`${text} ${notes.join(' ')}`.trim(), '\t');
}

export function emitObject(ctx: GoTypes, t: ObjectType): string {
  const name = goTypeName(t);
  const roles = ctx.roles?.get(t.name.wire);
  let out = doc(
    t.description
      ? `${name} is ${lowerFirst(t.description)}`
      : roles
        ? `${name} is ${roles.slice(0, 3).join(', ')}${roles.length > 3 ? ', and more' : ''}.`
        : `${name} is the spec's ${t.name.wire} schema.`,
  );
  out += `type ${name} struct {\n`;
  const fields = t.properties.map((p) => goField(ctx, t, p));
  for (const f of fields) {
    out += fieldDoc(f.prop, f);
    out += `\t${f.name} ${f.type} ${f.tag}\n`;
  }
  out += '}\n\n';
  const secrets = fields.filter((f) => f.prop.secret);
  for (const f of secrets) {
    if (f.type !== 'string')
      throw new Error(`go emitter: ${t.name.wire}.${f.prop.name.wire} is x-secret but not a string`);
  }
  if (secrets.length > 0) {
    // Printing a value with fmt (or a logger built on it) must not show its secrets.
    out += `// String prints the ${name} with its secret fields (${secrets.map((f) => f.name).join(', ')}) masked.\n`;
    out += `func (v ${name}) String() string {\n`;
    out += `\tcp := v\n`;
    for (const f of secrets) out += `\tif cp.${f.name} != "" {\n\t\tcp.${f.name} = "[redacted]"\n\t}\n`;
    out += `\ttype plain ${name}\n\treturn fmt.Sprintf("%+v", plain(cp))\n}\n\n`;
    out += `// GoString is String, so %#v masks the secrets too.\nfunc (v ${name}) GoString() string { return v.String() }\n\n`;
  }
  return out;
}

export function enumConst(t: EnumType, v: EnumType['values'][number]): string {
  return goTypeName(t) + pascalWords(v.name.words);
}

export function emitEnum(t: EnumType): string {
  const name = goTypeName(t);
  let out = doc(
    `${name} is ${lowerFirst(t.description ?? `the spec's ${t.name.wire} enum`)}${/[.!?]$/.test(t.description ?? '') ? '' : '.'} ` +
      'A value this SDK does not list (from a newer gateway) is kept as-is; IsKnown tells them apart.',
  );
  out += `type ${name} string\n\n`;
  out += `// ${name} values.\nconst (\n`;
  for (const v of t.values) {
    const c = enumConst(t, v);
    out += doc(`${c} is ${quote(v.value)}.${v.description ? ` ${v.description}` : ''}`, '\t');
    out += `\t${c} ${name} = ${quote(v.value)}\n`;
  }
  out += ')\n\n';
  out += `// IsKnown reports whether v is one of the ${name} values this SDK knows.\n`;
  out += `func (v ${name}) IsKnown() bool {\n\tswitch v {\n\tcase ${t.values.map((v) => enumConst(t, v)).join(', ')}:\n\t\treturn true\n\t}\n\treturn false\n}\n\n`;
  return out;
}

export function emitUnion(ctx: GoTypes, t: UnionType): string {
  const name = goTypeName(t);
  const disc = t.discriminator;
  if (!disc) throw new Error(`go emitter: union ${t.name.wire} needs a discriminator`);
  const variants = t.variants.map((v) => {
    if (!v.discriminatorValue)
      throw new Error(`go emitter: union ${t.name.wire} variant ${v.type} has no discriminator value`);
    const vt = named(ctx, v.type);
    if (vt.kind !== 'object') throw new Error(`go emitter: union variant ${v.type} is not an object`);
    const discProp = vt.properties.find((p) => p.name.wire === disc);
    if (!discProp) throw new Error(`go emitter: union variant ${v.type} lacks ${disc}`);
    return {
      field: pascalWords(v.discriminatorValue.split(/[^A-Za-z0-9]+/)),
      type: goTypeName(vt),
      value: v.discriminatorValue,
      discField: exported(discProp.name),
    };
  });
  let out = doc(
    `${name} is ${lowerFirst(t.description ?? `the spec's ${t.name.wire} union`)} Exactly one variant field is set; ` +
      `the ${quote(disc)} member on the wire says which. A part of a kind this SDK does not know decodes with every ` +
      'variant nil, keeps its JSON (Raw) and encodes back unchanged.',
  );
  out += `type ${name} struct {\n`;
  for (const v of variants)
    out += `\t// ${v.field} is set when ${disc} is ${quote(v.value)}.\n\t${v.field} *${v.type}\n`;
  out += '\n\traw json.RawMessage\n}\n\n';
  out += `// Kind returns the ${disc} of the set variant, or of an unknown part.\nfunc (u ${name}) Kind() string {\n\tswitch {\n`;
  for (const v of variants) out += `\tcase u.${v.field} != nil:\n\t\treturn ${quote(v.value)}\n`;
  out += `\t}\n\tvar head struct {\n\t\tKind string \`json:"${disc}"\`\n\t}\n\t_ = json.Unmarshal(u.raw, &head)\n\treturn head.Kind\n}\n\n`;
  out += `// Raw returns the JSON of a part of an unknown kind (nil for a known one).\nfunc (u ${name}) Raw() json.RawMessage { return u.raw }\n\n`;
  out += `// MarshalJSON encodes the set variant with its ${disc} filled in.\nfunc (u ${name}) MarshalJSON() ([]byte, error) {\n\tswitch {\n`;
  for (const v of variants)
    out += `\tcase u.${v.field} != nil:\n\t\tcp := *u.${v.field}\n\t\tcp.${v.discField} = ${quote(v.value)}\n\t\treturn json.Marshal(cp)\n`;
  out += `\tcase u.raw != nil:\n\t\treturn u.raw, nil\n\t}\n\treturn nil, errors.New("ati: ${name} has no variant set")\n}\n\n`;
  out += `// UnmarshalJSON decodes the variant its ${disc} names; an unknown ${disc} is kept as Raw.\nfunc (u *${name}) UnmarshalJSON(data []byte) error {\n`;
  out += `\tvar head struct {\n\t\tKind *string \`json:"${disc}"\`\n\t}\n\tif err := json.Unmarshal(data, &head); err != nil {\n\t\treturn err\n\t}\n`;
  out += `\tif head.Kind == nil {\n\t\treturn errors.New("ati: ${name} without ${disc}")\n\t}\n\t*u = ${name}{}\n\tswitch *head.Kind {\n`;
  for (const v of variants)
    out += `\tcase ${quote(v.value)}:\n\t\tu.${v.field} = new(${v.type})\n\t\treturn json.Unmarshal(data, u.${v.field})\n`;
  out += `\t}\n\tu.raw = append(json.RawMessage(nil), data...)\n\treturn nil\n}\n\n`;
  for (const v of variants) {
    out += `// New${name}${v.field} wraps v as a ${name}.\nfunc New${name}${v.field}(v ${v.type}) ${name} { return ${name}{${v.field}: &v} }\n\n`;
  }
  return out;
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
      return t.kind === 'enum' ? 'nil' : shapeVar(t);
    }
    default:
      return 'nil';
  }
}

export function shapeVar(t: NamedType): string {
  return `shape${goTypeName(t)}`;
}

export function emitShape(ctx: GoTypes, t: NamedType): string {
  if (t.kind === 'enum') return '';
  const v = shapeVar(t);
  if (t.kind === 'union') {
    const entries = t.variants.map(
      (x) => `${quote(x.discriminatorValue ?? '')}: ${shapeVar(named(ctx, x.type))}`,
    );
    return `var ${v} = &shape{name: ${quote(t.name.wire)}, discriminator: ${quote(t.discriminator ?? '')}, variants: map[string]*shape{${entries.join(', ')}}}\n`;
  }
  const props = t.properties.map(
    (p) =>
      `\t{name: ${quote(p.name.wire)}, required: ${p.required}, nullable: ${p.nullable}, sub: ${shapeExpr(ctx, p.type)}},\n`,
  );
  return `var ${v} = &shape{name: ${quote(t.name.wire)}, props: []prop{\n${props.join('')}}}\n`;
}
