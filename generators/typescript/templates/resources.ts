/**
 * `src/generated/resources/<resource>.ts`: one class per spec tag, one method per operation, and
 * the `<...>Params` interfaces of methods whose remaining arguments are not the body type. Every
 * method is the same call into the HTTP core (`APIResource._request`) with its descriptor, and
 * returns an `APIPromise` (awaited: the answer; `.withResponse()`: the answer, response and request id).
 */
import { code } from '../../src/emit/template.ts';
import { SpecModelError } from '../../src/model/index.ts';
import type { ApiModel, JsonValue, Operation, Param, Resource, TypeRef } from '../../src/model/types.ts';
import { ts, tsDoc, tsKey, tsPascal, tsStr } from '../naming.ts';
import { type CallShape, callShape, findType, nullableType, tsType, typeNames } from '../sdk.ts';

/** `agents` -> `Agent`: what a resource's query-parameter interfaces are named after. */
export const singular = (resource: Resource) => tsPascal(resource.name.words).replace(/s$/, '');

/** A param's type as an argument: the shorthand's plain value is accepted too. */
function argType(model: ApiModel, p: Param): string {
  const base = nullableType(model, p.type, p.nullable);
  return p.shorthand ? `${base} | ${p.shorthand.accepts}` : base;
}

/** The shorthand's JSON template as a TS expression: keys in SDK spelling, `{value}` -> `value`. */
function buildExpr(model: ApiModel, template: JsonValue, ref: TypeRef | undefined, value: string): string {
  if (typeof template === 'string') {
    if (template === '{value}') return value;
    if (template.includes('{value}')) return `${JSON.stringify(template)}.replaceAll('{value}', ${value})`;
    return JSON.stringify(template);
  }
  if (Array.isArray(template)) {
    const item = ref?.kind === 'array' ? ref.items : undefined;
    return `[${template.map((t) => buildExpr(model, t, item, value)).join(', ')}]`;
  }
  if (template === null || typeof template !== 'object') return JSON.stringify(template);
  // An object: its keys are wire keys of the ref'd type (or of any union member).
  const t = ref?.kind === 'ref' ? findType(model, ref.name) : undefined;
  const props =
    t?.kind === 'object'
      ? t.properties
      : t?.kind === 'union'
        ? t.variants.flatMap((v) => {
            const m = findType(model, v.type);
            return m.kind === 'object' ? m.properties : [];
          })
        : [];
  const entries = Object.entries(template).map(([key, v]) => {
    const p = props.find((x) => x.name.wire === key);
    const name = p ? ts.property(p.name) : key;
    return `${tsKey(name)}: ${buildExpr(model, v, p?.type, value)}`;
  });
  return `{ ${entries.join(', ')} }`;
}

/** The value sent for a param read from `expr`: its shorthand applied when it is a plain value. */
function sendValue(model: ApiModel, p: Param, expr: string): string {
  if (!p.shorthand) return expr;
  return `(typeof ${expr} === ${JSON.stringify(p.shorthand.accepts)} ? ${buildExpr(model, p.shorthand.builds, p.type, expr)} : ${expr})`;
}

/**
 * In a params object, a shorthand's plain value also has a key of its own: the key its template
 * puts the value at (A2A's `{ role: user, parts: [{ kind: text, text: "{value}" }] }` -> `text`),
 * so `{ text: 'hi' }` reads as it always has. The param itself becomes optional: either one does.
 */
function shorthandKey(template: JsonValue): string | undefined {
  if (Array.isArray(template)) {
    for (const t of template) {
      const key = shorthandKey(t);
      if (key) return key;
    }
  } else if (template && typeof template === 'object') {
    for (const [key, value] of Object.entries(template)) {
      if (value === '{value}') return key;
      const inner = shorthandKey(value);
      if (inner) return inner;
    }
  }
  return undefined;
}

function aliasOf(p: Param, rest: Param[]): string | undefined {
  const key = p.shorthand ? shorthandKey(p.shorthand.builds) : undefined;
  return key && !rest.some((x) => ts.property(x.name) === key) ? key : undefined;
}

function paramsInterface(model: ApiModel, name: string, rest: Param[]): string {
  return code`
    export interface ${name} {
      ${rest.map((p) => {
        const alias = aliasOf(p, rest);
        return code`
          ${tsDoc(p.description)}
          ${tsKey(ts.property(p.name))}${p.required && !alias ? '' : '?'}: ${argType(model, p)};
          ${alias && tsDoc(`The plain ${p.shorthand!.accepts} form of \`${ts.property(p.name)}\` (give one of the two).`)}
          ${alias && `${tsKey(alias)}?: ${p.shorthand!.accepts};`}
        `.trimEnd();
      })}
    }
  `;
}

/** The object literal of the given params: positional ones by variable, the rest spread or picked. */
function objectOf(model: ApiModel, shape: CallShape, obj: string, which: Param[], spread: boolean): string {
  const parts: string[] = [];
  if (spread) parts.push(`...${obj}`);
  for (const p of which) {
    const positional = shape.positional.includes(p);
    if (spread && !positional && !p.shorthand) continue;
    const alias = positional ? undefined : aliasOf(p, shape.rest);
    const own = `${obj}.${ts.property(p.name)}`;
    const from = positional ? ts.variable(p.name) : alias ? `(${own} ?? ${obj}.${alias})` : own;
    const key = ts.property(p.name);
    const value = sendValue(model, p, from);
    parts.push(value === key ? key : `${tsKey(key)}: ${value}`);
  }
  if (spread && parts.length === 1) return obj;
  return `{ ${parts.join(', ')} }`;
}

export function method(model: ApiModel, op: Operation, shape: CallShape): string {
  const objName = shape.positional.some((p) => ts.variable(p.name) === 'params') ? 'args' : 'params';
  const optionalObj = shape.rest.every((p) => !p.required);
  const args = shape.positional.map(
    (p) => `${ts.variable(p.name)}${p.required ? '' : '?'}: ${argType(model, p)}`,
  );
  const objType = shape.wholeBody ?? shape.paramsType;
  if (objType) args.push(optionalObj ? `${objName}: ${objType} = {}` : `${objName}: ${objType}`);
  const optionsType = shape.cache?.kind === 'store' ? `${tsPascal(splitId(op.id))}Options` : 'RequestOptions';
  args.push(`options?: ${optionsType}`);

  const returns = shape.void || !shape.returns ? 'void' : tsType(model, shape.returns);

  const pathArgs = op.pathParams.map((p) =>
    shape.positional.includes(p) ? ts.variable(p.name) : `${objName}.${ts.property(p.name)}`,
  );
  const queryParams = op.queryParams;
  const bodyParams = op.params.filter((p) => p.location === 'body');
  const restQuery = shape.rest.filter((p) => p.location === 'query');
  const restBody = shape.rest.filter((p) => p.location === 'body');
  const restHeaders = shape.rest.filter((p) => p.location === 'header');

  let query = 'undefined';
  if (queryParams.length) {
    // The object holds only query params: it is the query as it is.
    query =
      objType &&
      restBody.length === 0 &&
      restHeaders.length === 0 &&
      restQuery.length === queryParams.length &&
      !queryParams.some((p) => p.shorthand)
        ? objName
        : objectOf(model, shape, objName, queryParams, false);
  }
  let body = 'undefined';
  if (op.body) {
    const aliased = shape.rest.some((p) => aliasOf(p, shape.rest));
    if (shape.wholeBody && !bodyParams.some((p) => p.shorthand)) body = objName;
    else if (restQuery.length === 0 && restHeaders.length === 0 && objType && !aliased)
      body = objectOf(model, shape, objName, bodyParams, true);
    else body = objectOf(model, shape, objName, bodyParams, false);
  }
  // Header arguments go by header name (`X-Agent-ID`); the core skips the undefined ones.
  const headers = op.headerParams.length
    ? `, { ${op.headerParams
        .map(
          (p) =>
            `${tsStr(p.name.wire)}: ${shape.positional.includes(p) ? ts.variable(p.name) : `${objName}.${ts.property(p.name)}`}`,
        )
        .join(', ')} }`
    : '';
  const doc = tsDoc(
    [
      op.description ?? op.summary,
      op.deprecated ? '@deprecated See the description for its replacement.' : '',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return code`
    ${doc}
    ${ts.member(op.name)}(${args.join(', ')}): APIPromise<${returns}> {
      return this._request(${op.id}, [${pathArgs.join(', ')}], ${query}, ${body}, options${headers});
    }
  `;
}

const splitId = (id: string) =>
  id
    .replace(/([A-Z])/g, ' $1')
    .toLowerCase()
    .trim()
    .split(/\s+/);

export interface ResourceModule {
  file: string;
  className: string;
  /** Exported names besides the class (params interfaces, per-operation options). */
  types: string[];
  source: string;
}

export function resourceModule(model: ApiModel, resource: Resource, header: string): ResourceModule {
  // `x-sdk-root` operations are methods of the client itself (client.ts), not of the resource.
  const ops = resource.operations
    .map((id) => model.operations.find((o) => o.id === id)!)
    .filter((o) => !o.root);
  const className = tsPascal(resource.name.words);
  const shapes = ops.map((op) => [op, callShape(model, op, singular(resource))] as const);

  const imports = new Set<string>();
  const interfaces = new Map<string, { source: string; op: Operation }>();
  const optionTypes: string[] = [];
  for (const [op, shape] of shapes) {
    for (const p of [...shape.positional, ...(shape.wholeBody ? [] : shape.rest)])
      typeNames(model, p.type, imports);
    if (!shape.void) typeNames(model, shape.returns, imports);
    if (shape.wholeBody) imports.add(shape.wholeBody);
    if (shape.paramsType) {
      const source = paramsInterface(model, shape.paramsType, shape.rest);
      const prior = interfaces.get(shape.paramsType);
      if (prior && prior.source !== source)
        throw new SpecModelError(
          `${prior.op.id} and ${op.id} both need a TypeScript '${shape.paramsType}' with different fields`,
          `#/paths ${op.id}`,
        );
      interfaces.set(shape.paramsType, { source, op });
    }
    const optOut = shape.cache?.kind === 'store' ? ts.property(shape.cache.optOut) : undefined;
    if (optOut) {
      const name = `${tsPascal(splitId(op.id))}Options`;
      optionTypes.push(code`
        export interface ${name} extends RequestOptions {
          /** \`false\` skips the cache for this call: always a new answer, not stored. */
          ${tsKey(optOut)}?: boolean;
        }
      `);
    }
  }
  const source = code`
    ${header}
    import type { APIPromise } from '../../core/api-promise.js';
    import type { RequestOptions } from '../../core/http.js';
    import { APIResource } from '../../core/resource.js';
    ${imports.size > 0 && `import type { ${[...imports].sort().join(', ')} } from '../models.js';`}
    import { operations } from '../operations.js';

    const { ${ops.map((o) => o.id).join(', ')} } = operations;

    ${[...interfaces.values()].map((i) => `${i.source}\n`)}
    ${optionTypes.map((o) => `${o}\n`)}
    ${tsDoc(resource.description)}
    export class ${className} extends APIResource {
      ${shapes.map(([op, shape]) => `${method(model, op, shape)}\n`)}
    }
  `;
  return {
    file: `resources/${resource.name.words.join('-')}.ts`,
    className,
    types: [...interfaces.keys(), ...optionTypes.map((o) => /interface (\w+)/.exec(o)![1]!)],
    source,
  };
}
