/**
 * `src/generated/client.ts`: the resources the client exposes, one property per spec tag, and the
 * methods that live on the client itself (`x-sdk-root`: `client.health()`); and
 * `src/generated/resources/index.ts`: every generated resource type, for the package index.
 */
import { code } from '../../src/emit/template.ts';
import { SpecModelError } from '../../src/model/index.ts';
import type { ApiModel, Resource } from '../../src/model/types.ts';
import { ts } from '../naming.ts';
import { callShape, typeNames } from '../sdk.ts';
import { method, type ResourceModule } from './resources.ts';

export function resourcesIndex(
  model: ApiModel,
  resources: Resource[],
  modules: ResourceModule[],
  header: string,
): string {
  const props = resources.map((r, i) => ({ prop: ts.member(r.name), mod: modules[i]! }));
  const roots = model.operations.filter((o) => o.root);
  const shapes = roots.map((op) => [op, callShape(model, op, '')] as const);
  const imports = new Set<string>();
  for (const [op, shape] of shapes) {
    // The client has no params interfaces of its own: a root method's arguments are positional.
    if (shape.rest.length > 0)
      throw new SpecModelError(
        'an x-sdk-root method takes positional arguments only (list them in x-sdk-args)',
        `#/paths/${op.path.replace(/~/g, '~0').replace(/\//g, '~1')}/${op.method.toLowerCase()}`,
      );
    for (const p of shape.positional) typeNames(model, p.type, imports);
    if (!shape.void) typeNames(model, shape.returns, imports);
  }
  return code`
    ${header}
    import type { APIPromise } from '../core/api-promise.js';
    import type { HttpCore, RequestOptions } from '../core/http.js';
    import { APIResource } from '../core/resource.js';
    import type { TokenCache } from '../core/token-cache.js';
    ${imports.size > 0 && `import type { ${[...imports].sort().join(', ')} } from './models.js';`}
    ${roots.length > 0 && `import { operations } from './operations.js';`}
    ${modules.map((m) => `import { ${m.className} } from './${m.file.replace(/\.ts$/, '.js')}';`)}

    ${roots.length > 0 && `const { ${roots.map((o) => o.id).join(', ')} } = operations;`}

    /** The client's resources, one per spec tag, sharing one HTTP core and token cache. */
    export abstract class Resources extends APIResource {
      ${props.map((p) => `readonly ${p.prop}: ${p.mod.className};`)}

      constructor(core: HttpCore, cache: TokenCache | undefined) {
        super(core, cache);
        ${props.map((p) => `this.${p.prop} = new ${p.mod.className}(core, cache);`)}
      }

      ${shapes.map(([op, shape]) => `${method(model, op, shape)}\n`)}
    }
  `;
}

export function resourceTypesIndex(modules: ResourceModule[], header: string): string {
  const exports = modules.map(
    (m) =>
      `export type { ${[m.className, ...m.types].join(', ')} } from './${m.file.replace(/^resources\//, '').replace(/\.ts$/, '.js')}';`,
  );
  return [header, ...exports].join('\n');
}
