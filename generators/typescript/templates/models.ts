/** `src/generated/models.ts`: the camelCase types of the SDK surface, one per named model type. */
import { code } from '../../src/emit/template.ts';
import type { ApiModel, NamedType, TypeRef } from '../../src/model/types.ts';
import { ts, tsDoc, tsKey } from '../naming.ts';
import { isInlineEnum, nullableType, tsType } from '../sdk.ts';

/** Free-form maps the spec names (`Metadata`): kept as aliases, as the SDK has always exported them. */
function mapAliases(model: ApiModel): string[] {
  const seen = new Set<string>();
  const visit = (ref: TypeRef) => {
    if (ref.kind === 'array') visit(ref.items);
    else if (ref.kind === 'map') {
      if (ref.alias) seen.add(ref.alias);
      visit(ref.values);
    }
  };
  for (const t of model.types) if (t.kind === 'object') for (const p of t.properties) visit(p.type);
  for (const op of model.operations) {
    for (const p of op.params) visit(p.type);
    if (op.response.type) visit(op.response.type);
  }
  return [...seen];
}

function declaration(model: ApiModel, t: NamedType): string | undefined {
  // The error envelope surfaces as AgentTrustError's fields; inline enums stay inline.
  if (t.name.wire === model.errorEnvelope || isInlineEnum(t)) return undefined;
  const name = ts.type(t.name);
  switch (t.kind) {
    case 'enum':
      return code`
        ${tsDoc(t.description)}
        export type ${name} = ${t.values.map((v) => JSON.stringify(v.value)).join(' | ') || 'string'};
      `;
    case 'union':
      return code`
        ${tsDoc(t.description)}
        export type ${name} = ${t.variants.map((v) => tsType(model, { kind: 'ref', name: v.type })).join(' | ')};
      `;
    case 'object':
      return code`
        ${tsDoc(t.description)}
        export interface ${name} {
          ${t.properties.map((p) =>
            code`
              ${tsDoc(p.description)}
              ${tsKey(ts.property(p.name))}${p.required ? '' : '?'}: ${nullableType(model, p.type, p.nullable)};
            `.trimEnd(),
          )}
        }
      `;
  }
}

export function modelsModule(model: ApiModel, header: string): string {
  const aliases = mapAliases(model).map(
    (alias) => code`
      /** Free-form user data; keys and values pass through every SDK untouched. */
      export type ${alias} = Record<string, unknown>;
    `,
  );
  const decls = model.types.map((t) => declaration(model, t)).filter((d): d is string => d !== undefined);
  return `${header}\n${[...aliases, ...decls].join('\n\n')}\n`;
}
