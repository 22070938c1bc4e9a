/** `agenttrustid/types.py`: one pydantic model per object, an OpenEnum per enum, a discriminated union per oneOf. */

import { code, oneLine } from '../../src/emit/template.ts';
import type {
  ApiModel,
  EnumType,
  NamedType,
  ObjectType,
  Property,
  TypeRef,
  UnionType,
} from '../../src/model/index.ts';
import { pyClass, pyDoc, pyEnumMember, pyField, pyStr } from '../naming.ts';

/** The Python type of a reference, for a response model or an argument. */
export function pyType(model: ApiModel, ref: TypeRef, prefix = ''): string {
  switch (ref.kind) {
    case 'primitive':
      // DateTime: a datetime read only from RFC 3339 text (see `_models.py`).
      if (ref.type === 'string') return ref.format === 'date-time' ? 'DateTime' : 'str';
      return { integer: 'int', number: 'float', boolean: 'bool' }[ref.type];
    case 'array':
      return `list[${pyType(model, ref.items, prefix)}]`;
    case 'map':
      return `dict[str, ${pyType(model, ref.values, prefix)}]`;
    case 'any':
      return 'Any';
    case 'ref': {
      const t = model.types.find((x) => x.name.wire === ref.name)!;
      return prefix + pyClass(t.name);
    }
  }
}

function docstring(text: string | undefined): string | false {
  const doc = pyDoc(text);
  return doc !== '' && code`"""${doc}"""`;
}

function field(model: ApiModel, p: Property): string {
  const name = pyField(p.name);
  const alias = name !== p.name.wire ? `alias=${pyStr(p.name.wire)}` : '';
  let annotation = pyType(model, p.type);
  let fallback: string | undefined;
  if (p.type.kind === 'primitive' && p.type.const !== undefined) {
    // Typed open (`str`) so that a newer constant never fails validation; defaulted so callers omit it.
    fallback = JSON.stringify(p.type.const);
  } else if (!p.required) {
    annotation = `${annotation} | None`;
    fallback = 'None';
  } else if (p.nullable) {
    annotation = `${annotation} | None`;
  }
  // The spec's numeric range (a `confidence` of 0..1): an answer outside it is INVALID_RESPONSE.
  const numeric = p.type.kind === 'primitive' && (p.type.type === 'number' || p.type.type === 'integer');
  const range = numeric
    ? [
        p.constraints.minimum !== undefined && `ge=${p.constraints.minimum}`,
        p.constraints.maximum !== undefined && `le=${p.constraints.maximum}`,
      ].filter(Boolean)
    : [];
  const value =
    alias || range.length > 0
      ? ` = Field(${[fallback !== undefined ? `default=${fallback}` : '', alias, ...range].filter(Boolean).join(', ')})`
      : fallback !== undefined
        ? ` = ${fallback}`
        : '';
  const doc = [oneLine(p.description), p.secret ? 'Secret: never logged or printed by the SDK.' : '']
    .filter(Boolean)
    .join(' ');
  return code`
    ${name}: ${annotation}${value}
    ${docstring(doc)}`;
}

/** The spec's length bounds of a property, as `(min, max)`: code points of a string (as JSON
 * Schema counts them), items of an array; undefined when it has none. */
function lengthBounds(p: Property): string | undefined {
  const text = p.type.kind === 'primitive' && p.type.type === 'string' && p.type.format !== 'date-time';
  const [low, high] = text
    ? [p.constraints.minLength, p.constraints.maxLength]
    : p.type.kind === 'array'
      ? [p.constraints.minItems, p.constraints.maxItems]
      : [undefined, undefined];
  if (!low && high === undefined) return undefined;
  return `(${low ?? 0}, ${high ?? 'None'})`;
}

function objectClass(model: ApiModel, t: ObjectType): string {
  const consts = t.properties.filter((p) => p.type.kind === 'primitive' && p.type.const !== undefined);
  const secrets = t.properties.filter((p) => p.secret);
  // Optional and not nullable: a \`null\` from the gateway is spec-invalid (None stays the "absent" value).
  // A free-form value (\`any\`) is any JSON, null included.
  const notNull = t.properties.filter(
    (p) =>
      !p.required &&
      !p.nullable &&
      p.type.kind !== 'any' &&
      !(p.type.kind === 'primitive' && p.type.const !== undefined),
  );
  // Checked on answers only (as __not_null__): a caller's own model is the caller's business.
  const lengths = t.properties.flatMap((p) => {
    const bounds = lengthBounds(p);
    return bounds ? [[p, bounds] as const] : [];
  });
  return code`
    class ${pyClass(t.name)}(BaseModel):
        ${docstring(oneLine(t.description) || `${pyClass(t.name)} (wire form of the spec's ${t.name.wire}).`)}

        ${notNull.length > 0 && `__not_null__: ClassVar[frozenset[str]] = frozenset((${notNull.map((p) => `${pyStr(pyField(p.name))},`).join(' ')}))`}
        ${lengths.length > 0 && `__lengths__: ClassVar[dict[str, tuple[int, int | None]]] = {${lengths.map(([p, b]) => `${pyStr(pyField(p.name))}: ${b},`).join(' ')}}`}
        ${consts.length > 0 && `__const_fields__: ClassVar[tuple[str, ...]] = (${consts.map((p) => `${pyStr(pyField(p.name))},`).join(' ')})`}
        ${t.properties.map((p) => field(model, p))}
        ${
          secrets.length > 0 &&
          code`

          def __repr_args__(self) -> Any:
              # Secret fields are shown as '***' in repr() and str().
              for name, value in super().__repr_args__():
                  yield name, ("***" if name in (${secrets.map((p) => `${pyStr(pyField(p.name))},`).join(' ')}) and value else value)`
        }
  `;
}

function enumClass(t: EnumType): string {
  const seen = new Map<string, number>();
  return code`
    class ${pyClass(t.name)}(OpenEnum):
        ${docstring(`${oneLine(t.description) || `${pyClass(t.name)}.`} Unknown values are kept as new members, never an error.`)}

        ${t.values.map((v) => {
          let member = pyEnumMember(v.name);
          const n = seen.get(member) ?? 0;
          seen.set(member, n + 1);
          if (n > 0) member = `${member}_${n + 1}`;
          return code`
            ${member} = ${pyStr(v.value)}
            ${docstring(oneLine(v.description))}`;
        })}
  `;
}

function unionAlias(model: ApiModel, t: UnionType): string {
  const name = pyClass(t.name);
  const variants = t.variants.map((v) => pyType(model, { kind: 'ref', name: v.type }));
  const doc = docstring(oneLine(t.description));
  if (t.discriminator && t.variants.every((v) => v.discriminatorValue !== undefined)) {
    const known = t.variants.map((v) => pyStr(v.discriminatorValue!)).join(', ');
    return code`
      ${name} = Annotated[
          Union[
              ${t.variants.map((v, i) => `Annotated[${variants[i]}, Tag(${pyStr(v.discriminatorValue!)})],`)}
              Annotated[UnknownVariant, Tag("__unknown__")],
          ],
          Discriminator(discriminate(${pyStr(t.discriminator)}, frozenset({${known}}))),
      ]
      ${doc}`;
  }
  return code`
    ${name} = Union[${variants.join(', ')}]
    ${doc}`;
}

export function typesModule(model: ApiModel, header: string): string {
  const byKind = <K extends NamedType['kind']>(kind: K) =>
    model.types.filter((t): t is Extract<NamedType, { kind: K }> => t.kind === kind);
  const objects = byKind('object');
  return code`
    ${header}
    """The models of every schema in the spec: responses are validated into them, and callers may
    pass them (or plain dicts with wire keys) as arguments."""

    from __future__ import annotations

    from typing import Annotated, Any, ClassVar, Union

    from pydantic import Discriminator, Field, Tag

    from ._models import BaseModel, DateTime, OpenEnum, UnknownVariant, discriminate

    __all__ = [
        ${[...model.types.map((t) => `${pyStr(pyClass(t.name))},`), '"UnknownVariant",']}
    ]


    ${byKind('enum').map((t) => `${enumClass(t)}\n\n`)}
    ${objects.map((t) => `${objectClass(model, t)}\n\n`)}
    ${byKind('union').map((t) => `${unionAlias(model, t)}\n`)}

    ${objects.map((t) => `${pyClass(t.name)}.model_rebuild()`)}
  `;
}
