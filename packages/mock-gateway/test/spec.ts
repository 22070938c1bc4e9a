/** The spec, read straight from `spec/openapi.yaml`, for the mock's drift checks. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export interface SpecOperation {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  pattern: RegExp;
  statuses: number[];
  success: number;
  public: boolean;
  bodyRequired: boolean | null;
  pathParams: string[];
  secretFields: string[];
}

const specPath = fileURLToPath(new URL('../../../spec/openapi.yaml', import.meta.url));
export const spec = parse(readFileSync(specPath, 'utf8')) as any;

function resolve(ref: any): any {
  if (!ref?.$ref) return ref;
  return ref.$ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node: any, key: string) => node[key], spec);
}

export const specOperations: SpecOperation[] = Object.entries<any>(spec.paths).flatMap(([path, item]) =>
  Object.entries<any>(item)
    .filter(([method]) => ['get', 'post', 'delete', 'put', 'patch'].includes(method))
    .map(([method, op]) => {
      const statuses = Object.keys(op.responses).map(Number);
      const bodySchema = resolve(op.requestBody?.content?.['application/json']?.schema);
      return {
        operationId: op.operationId,
        method: method.toUpperCase() as SpecOperation['method'],
        path,
        pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`),
        statuses,
        success: statuses.find((s) => s < 300)!,
        // Public: the operation's security alternatives include `{}` (no key needed).
        public: Array.isArray(op.security) && op.security.some((s: object) => Object.keys(s).length === 0),
        bodyRequired: op.requestBody ? op.requestBody.required === true : null,
        pathParams: (item.parameters ?? []).map((p: any) => resolve(p).name),
        secretFields: Object.entries<any>(bodySchema?.properties ?? {})
          .filter(([, prop]) => prop['x-secret'] === true)
          .map(([name]) => name),
      };
    }),
);

export function specOperationFor(method: string, path: string): SpecOperation | undefined {
  const pathname = path.split('?')[0]!;
  return specOperations.find((op) => op.method === method && op.pattern.test(pathname));
}
