/** The operations table against the spec itself: routes, public access, bodies, secrets. */
import { expect, it } from 'vitest';
import { createMockGateway } from '../src/index.js';
import { specOperations } from './spec.js';

const { operations } = createMockGateway();

it('serves exactly the operations of the spec, at their method and path', () => {
  const mine = operations.map((op) => `${op.operationId} ${op.method} ${op.path}`).sort();
  const theirs = specOperations.map((op) => `${op.operationId} ${op.method} ${op.path}`).sort();
  expect(mine).toEqual(theirs);
});

it.each(specOperations.map((op) => [op.operationId, op] as const))(
  '%s: access, body and secrets match the spec',
  (_, spec) => {
    const op = operations.find((o) => o.operationId === spec.operationId)!;
    expect(op.public ?? false).toBe(spec.public);
    expect(op.body !== undefined).toBe(spec.bodyRequired !== null);
    if (spec.bodyRequired !== null) expect(op.bodyRequired ?? false).toBe(spec.bodyRequired);
    expect([...(op.secretFields ?? [])].sort()).toEqual(spec.secretFields.sort());
    const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    expect(pathParams).toEqual(spec.pathParams);
    expect(op.params !== undefined).toBe(spec.pathParams.length > 0);
  },
);
