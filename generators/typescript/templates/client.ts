/**
 * `src/generated/client.ts`: the resources the client exposes, one property per spec tag; and
 * `src/generated/resources/index.ts`: every generated resource type, for the package index.
 */
import { code } from '../../src/emit/template.ts';
import type { ApiModel } from '../../src/model/types.ts';
import { ts } from '../naming.ts';
import type { ResourceModule } from './resources.ts';

export function resourcesIndex(model: ApiModel, modules: ResourceModule[], header: string): string {
  const props = model.resources.map((r, i) => ({ prop: ts.member(r.name), mod: modules[i]! }));
  return code`
    ${header}
    import type { HttpCore } from '../core/http.js';
    import type { TokenCache } from '../core/token-cache.js';
    ${modules.map((m) => `import { ${m.className} } from './${m.file.replace(/\.ts$/, '.js')}';`)}

    /** The client's resources, one per spec tag, sharing one HTTP core and token cache. */
    export abstract class Resources {
      ${props.map((p) => `readonly ${p.prop}: ${p.mod.className};`)}

      constructor(core: HttpCore, cache: TokenCache | undefined) {
        ${props.map((p) => `this.${p.prop} = new ${p.mod.className}(core, cache);`)}
      }
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
