/**
 * Model classes: immutable objects with builders, `Optional` getters for optional fields, a strict
 * `fromJson` and a `toJson` in wire form; open enums (a known constant or the raw value); unions
 * as interfaces their variants implement.
 */
import { code } from '../../src/emit/template.ts';
import type { EnumType, ObjectType, Property, UnionType } from '../../src/model/index.ts';
import { accessor, constantName, javadoc, memberName, quote, typeName } from '../naming.ts';
import { decodeExpr, encodeExpr, type JavaCtx, javaType, named } from './types.ts';

const isBool = (p: Property) => p.type.kind === 'primitive' && p.type.type === 'boolean';
const constOf = (p: Property) => (p.type.kind === 'primitive' ? p.type.const : undefined);
const literal = (v: string | number | boolean) => (typeof v === 'string' ? quote(v) : String(v));

/** Which unions each variant type belongs to (it implements their interfaces). */
export function unionsOf(ctx: JavaCtx, wire: string): string[] {
  return ctx.model.types
    .filter((t): t is UnionType => t.kind === 'union' && t.variants.some((v) => v.type === wire))
    .map((t) => typeName(t.name));
}

function fieldDoc(p: Property): string {
  let text = p.description ?? p.name.wire;
  if (!/[.!?]$/.test(text)) text += '.';
  if (p.secret) text += ' A secret: masked in toString().';
  return text;
}

export function objectDecl(ctx: JavaCtx, t: ObjectType, extraDoc?: string): string {
  const name = typeName(t.name);
  const props = t.properties
    .filter((p) => constOf(p) === undefined)
    .map((p) => (ctx.filled.has(`${t.name.wire}.${p.name.wire}`) ? { ...p, required: false } : p));
  const fixed = t.properties.filter((p) => constOf(p) !== undefined);
  const implementsList = ['JsonValue', ...unionsOf(ctx, t.name.wire)];
  const f = (p: Property) => memberName(p.name);
  const jt = (p: Property) => javaType(ctx, p.type);
  const tracked = (p: Property) => p.nullable;
  const extra = t.additionalProperties;

  const getters = props.map((p) => {
    const field = f(p);
    if (isBool(p)) {
      const dflt = typeof p.default === 'boolean' ? String(p.default) : 'false';
      const required = p.required && !p.nullable;
      return code`
        ${javadoc(fieldDoc(p), [`@return the value${required ? '' : `; ${dflt} when absent`}`])}
        public boolean ${accessor('is', field)}() {
            return ${required ? field : `${field} == null ? ${dflt} : ${field}`};
        }`;
    }
    if (p.required && !p.nullable) {
      const prim = javaType(ctx, p.type, false);
      return code`
        ${javadoc(fieldDoc(p), ['@return the value'])}
        public ${prim} ${accessor('get', field)}() {
            return ${field};
        }`;
    }
    return code`
      ${javadoc(fieldDoc(p), ['@return the value, when present (and not null)'])}
      public Optional<${jt(p)}> ${accessor('get', field)}() {
          return Optional.ofNullable(${field});
      }`;
  });

  const setters = props.map((p) => {
    const field = f(p);
    const setter = code`
      ${javadoc(fieldDoc(p), [`@param ${field} the value${p.nullable ? ' (null is sent as JSON null)' : ''}`, '@return this builder'])}
      public Builder ${field}(${p.nullable ? jt(p) : javaType(ctx, p.type, false)} ${field}) {
          this.${field} = ${field};${tracked(p) ? `\nthis.${field}Set = true;` : ''}
          return this;
      }`;
    const ref = p.type.kind === 'ref' ? named(ctx, p.type.name) : undefined;
    const enumSetter =
      ref?.kind === 'enum' &&
      code`
      ${javadoc(`${fieldDoc(p)} Given as its wire value.`, [`@param ${field} the wire value`, '@return this builder'])}
      public Builder ${field}(String ${field}) {
          return ${field}(${field} == null ? null : ${typeName(ref.name)}.of(${field}));
      }`;
    return [setter, enumSetter];
  });

  const required = props.filter((p) => p.required && !p.nullable);
  const decodeProps = props.map((p) => {
    const field = f(p);
    const v = `v${field.charAt(0).toUpperCase()}${field.slice(1)}`;
    const at = `${quote(`.${p.name.wire}`)}`;
    const dec = decodeExpr(ctx, p.type, v, `path + ${at}`);
    const c = p.constraints;
    const range =
      (c.minimum !== undefined || c.maximum !== undefined) &&
      p.type.kind === 'primitive' &&
      (p.type.type === 'number' || p.type.type === 'integer')
        ? `Json.range(b.${field}, path + ${at}, ${c.minimum === undefined ? 'null' : `${c.minimum}.0`}, ${c.maximum === undefined ? 'null' : `${c.maximum}.0`});`
        : '';
    return code`
      JsonNode ${v} = Json.member(o, ${quote(p.name.wire)}, path, ${String(p.required)}, ${String(p.nullable)});
      if (${v} != null) {
          b.${field}(${dec});${range ? `\n${range}` : ''}
      }${p.nullable ? ` else if (o.has(${quote(p.name.wire)})) {\n    b.${field}((${jt(p)}) null);\n}` : ''}`;
  });
  const decodeFixed = fixed.map(
    (p) => code`
      JsonNode v${f(p)} = Json.member(o, ${quote(p.name.wire)}, path, false, false);
      b.${f(p)}Present = v${f(p)} != null;
      if (v${f(p)} != null) {
          ${p.type.kind === 'primitive' && p.type.type === 'string' ? `Json.string(v${f(p)}, path + ${quote(`.${p.name.wire}`)});` : `Json.any(v${f(p)});`}
      }`,
  );
  const known = t.properties.map((p) => quote(p.name.wire));

  const encode = [
    ...t.properties
      .map((p) => props.find((x) => x.name === p.name) ?? p)
      .map((p) => {
        const k = constOf(p);
        const field = f(p);
        // A request always carries its constants; an answer only those the gateway sent.
        if (k !== undefined && t.usage.request)
          return `out.set(${quote(p.name.wire)}, Json.tree(${literal(k)}));`;
        if (k !== undefined)
          return code`
          if (${f(p)}Present) {
              out.set(${quote(p.name.wire)}, Json.tree(${literal(k)}));
          }`;
        if (p.generate === 'uuid')
          return `out.put(${quote(p.name.wire)}, ${field} != null ? ${field} : UUID.randomUUID().toString());`;
        const enc = encodeExpr(ctx, p.type, field);
        const put = `out.set(${quote(p.name.wire)}, ${field} == null ? Json.NODES.nullNode() : ${enc});`;
        if (p.nullable && p.required) return put;
        if (p.nullable)
          return code`
          if (${field}Set) {
              ${put}
          }`;
        return code`
        if (${field} != null) {
            out.set(${quote(p.name.wire)}, ${enc});
        }`;
      }),
    extra && 'additional.forEach((k, v) -> out.set(k, Json.tree(v)));',
  ];

  const show = props.map((p) => `"${f(p)}=" + ${p.secret ? `(${f(p)} == null ? "null" : "***")` : f(p)}`);
  const eqFields = [...props.map(f), ...(extra ? ['additional'] : [])];

  return code`
    ${javadoc(`${t.description ?? t.name.wire}${extraDoc ? ` ${extraDoc}` : ''} Immutable; build one with {@link #builder()}.`)}
    public final class ${name} implements ${implementsList.join(', ')} {
        ${props.map((p) => `private final ${jt(p)} ${f(p)};${tracked(p) ? `\nprivate final boolean ${f(p)}Set;` : ''}`)}
        ${extra && 'private final Map<String, Object> additional;'}
        ${fixed.map((p) => `private final boolean ${f(p)}Present;`)}

        private ${name}(Builder b) {
            ${props.map((p) => {
              const field = f(p);
              const copy =
                p.type.kind === 'array' || p.type.kind === 'map'
                  ? `b.${field} == null ? null : Json.copy(b.${field})`
                  : `b.${field}`;
              return `this.${field} = ${copy};${tracked(p) ? `\nthis.${field}Set = b.${field}Set;` : ''}`;
            })}
            ${extra && 'this.additional = Json.copy(b.additional);'}
            ${fixed.map((p) => `this.${f(p)}Present = b.${f(p)}Present;`)}
        }

        ${javadoc('A builder with no field set.', ['@return the builder'])}
        public static Builder builder() {
            return new Builder();
        }

        ${javadoc("A builder holding this value's fields.", ['@return the builder'])}
        public Builder toBuilder() {
            Builder b = new Builder();
            ${props.map((p) => `b.${f(p)} = ${f(p)};${tracked(p) ? `\nb.${f(p)}Set = ${f(p)}Set;` : ''}`)}
            ${extra && 'b.additional.putAll(additional);'}
            ${fixed.map((p) => `b.${f(p)}Present = ${f(p)}Present;`)}
            return b;
        }

        ${getters.map((g) => `\n${g}`)}
        ${
          extra &&
          code`

          ${javadoc('Keys the gateway sent that the spec does not list, kept so nothing is lost.', ['@return an unmodifiable map'])}
          public Map<String, Object> getAdditionalProperties() {
              return additional;
          }`
        }

        ${javadoc(`Decodes the wire form strictly: wrong types, missing required keys and nulls the spec does not allow fail.`, ['@param node the JSON value', '@param path its JSON path, for messages', '@return the value', '@throws Json.DecodeException when it does not match the spec'])}
        public static ${name} fromJson(JsonNode node, String path) {
            ObjectNode o = Json.object(node, path);
            Builder b = new Builder();
            ${decodeProps}
            ${decodeFixed}
            ${
              extra &&
              code`
              o.properties().forEach(e -> {
                  if (!KNOWN.contains(e.getKey())) {
                      b.additional.put(e.getKey(), Json.any(e.getValue()));
                  }
              });`
            }
            return b.buildDecoded();
        }
        ${extra && `\nprivate static final java.util.Set<String> KNOWN = java.util.Set.of(${known.join(', ')});`}

        ${javadoc("The wire form, with the gateway's keys.", ['@return the JSON object'])}
        @Override
        public JsonNode toJson() {
            ObjectNode out = Json.NODES.objectNode();
            ${encode}
            return out;
        }

        ${javadoc('Field-by-field equality.', ['@param other the other object', '@return whether equal'])}
        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof ${name})) {
                return false;
            }
            ${eqFields.length ? `${name} that = (${name}) other;` : ''}
            return ${eqFields.length ? eqFields.map((x) => `Objects.equals(${x}, that.${x})`).join('\n        && ') : 'true'};
        }

        ${javadoc('A hash of the fields.', ['@return the hash'])}
        @Override
        public int hashCode() {
            return Objects.hash(${eqFields.join(', ')});
        }

        ${javadoc('The fields, secrets masked.', ['@return the string form'])}
        @Override
        public String toString() {
            return "${name}{"${show.length ? ` + ${show.join(' + ", " + ')}` : ''} + "}";
        }

        ${javadoc(`Builds a {@link ${name}}.`)}
        public static final class Builder {
            ${props.map((p) => `private ${jt(p)} ${f(p)};${tracked(p) ? `\nprivate boolean ${f(p)}Set;` : ''}`)}
            ${extra && 'private final Map<String, Object> additional = new LinkedHashMap<>();'}
            ${fixed.map((p) => `private boolean ${f(p)}Present = true;`)}

            private Builder() {}
            ${setters.map((s) => `\n${s.filter(Boolean).join('\n\n')}`)}

            ${javadoc('Builds the value.', ['@return the value', `@throws id.agenttrust.sdk.exceptions.AgentTrustException VALIDATION_ERROR when a required field is missing`])}
            public ${name} build() {
                ${required.map(
                  (p) => code`
                  if (${f(p)} == null) {
                      throw Facts.validation(${quote(p.name.wire)}, ${quote(`${name}: ${p.name.wire} is required`)});
                  }`,
                )}
                return new ${name}(this);
            }

            private ${name} buildDecoded() {
                return new ${name}(this);
            }
        }
    }
  `;
}

export function enumDecl(t: EnumType): string {
  const name = typeName(t.name);
  return code`
    ${javadoc(`${t.description ?? t.name.wire} An open enum: a known constant, or the raw value the gateway sent (never an error).`)}
    public final class ${name} implements JsonValue {
        ${t.values.map(
          (v) => code`
          ${javadoc(v.description ?? `The value ${v.value}.`)}
          public static final ${name} ${constantName(v.name)} = new ${name}(${quote(v.value)}, true);
          `,
        )}
        private static final Map<String, ${name}> KNOWN = new LinkedHashMap<>();

        static {
            ${t.values.map((v) => `KNOWN.put(${quote(v.value)}, ${constantName(v.name)});`)}
        }

        private final String value;
        private final boolean known;

        private ${name}(String value, boolean known) {
            this.value = value;
            this.known = known;
        }

        ${javadoc('The constant for a wire value, or a new value for one the spec does not list.', ['@param value the wire value', '@return the value'])}
        public static ${name} of(String value) {
            ${name} k = KNOWN.get(Objects.requireNonNull(value, "value"));
            return k != null ? k : new ${name}(value, false);
        }

        ${javadoc('The values the spec lists.', ['@return the constants, in spec order'])}
        public static List<${name}> values() {
            return List.copyOf(KNOWN.values());
        }

        ${javadoc('The wire value.', ['@return the value'])}
        public String value() {
            return value;
        }

        ${javadoc('Whether the spec lists this value.', ['@return true for a known constant'])}
        public boolean isKnown() {
            return known;
        }

        ${javadoc('Decodes a wire value (any string).', ['@param node the JSON value', '@param path its path', '@return the value'])}
        public static ${name} fromJson(JsonNode node, String path) {
            return of(Json.string(node, path));
        }

        ${javadoc('The wire value as JSON.', ['@return the JSON string'])}
        @Override
        public JsonNode toJson() {
            return Json.NODES.textNode(value);
        }

        ${javadoc('Equal wire values are equal.', ['@param other the other object', '@return whether equal'])}
        @Override
        public boolean equals(Object other) {
            return other instanceof ${name} && ((${name}) other).value.equals(value);
        }

        ${javadoc("The wire value's hash.", ['@return the hash'])}
        @Override
        public int hashCode() {
            return value.hashCode();
        }

        ${javadoc('The wire value.', ['@return the value'])}
        @Override
        public String toString() {
            return value;
        }
    }
  `;
}

export function unionDecl(ctx: JavaCtx, t: UnionType): string {
  const name = typeName(t.name);
  const variants = t.variants.map((v) => ({ ...v, java: typeName(named(ctx, v.type).name) }));
  const body = t.discriminator
    ? code`
      ObjectNode o = Json.object(node, path);
      JsonNode kind = Json.member(o, ${quote(t.discriminator)}, path, true, false);
      String value = Json.string(kind, path + ${quote(`.${t.discriminator}`)});
      switch (value) {
          ${variants.map((v) => `case ${quote(v.discriminatorValue ?? v.type)}:\n    return ${v.java}.fromJson(node, path);`)}
          default:
              throw new Json.DecodeException(path + ${quote(`.${t.discriminator}`)}, "unknown variant " + value);
      }`
    : code`
      ${variants.map(
        (v) => code`
        try {
            return ${v.java}.fromJson(node, path);
        } catch (Json.DecodeException e) {
            // Not this variant; try the next one.
        }`,
      )}
      throw new Json.DecodeException(path, "matches none of ${variants.map((v) => v.java).join(', ')}");`;
  return code`
    ${javadoc(`${t.description ?? t.name.wire} One of: ${variants.map((v) => `{@link ${v.java}}`).join(', ')}.`)}
    public interface ${name} extends JsonValue {
        ${javadoc(`Decodes the variant${t.discriminator ? ` named by ${t.discriminator}` : ' that matches first'}.`, ['@param node the JSON value', '@param path its path', '@return the variant'])}
        static ${name} fromJson(JsonNode node, String path) {
            ${body}
        }
    }
  `;
}
