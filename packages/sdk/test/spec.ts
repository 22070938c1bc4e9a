import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const spec = parse(readFileSync(new URL('../../../spec/openapi.yaml', import.meta.url), 'utf8'));

export interface SpecOperation {
  operationId: string;
  method: string;
  path: string;
  /** Documented error statuses. */
  errors: number[];
  public: boolean;
}

export const specOperations: SpecOperation[] = Object.entries(spec.paths).flatMap(
  ([path, item]: [string, any]) =>
    Object.entries(item)
      .filter(([method]) => method !== 'parameters')
      .map(([method, op]: [string, any]) => ({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        errors: Object.keys(op.responses)
          .map(Number)
          .filter((s) => s >= 400),
        public: Array.isArray(op.security) && op.security.length === 0,
      })),
);
