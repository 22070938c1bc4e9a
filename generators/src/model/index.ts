/**
 * The language-neutral model of the spec. `modelFromFile(path)` validates the OpenAPI document
 * and returns an `ApiModel` (see `types.ts` for its shape); emitters never read the raw spec.
 */
export { buildModel, loadSpec, modelFromFile, SpecModelError } from './build.ts';
export { camel, identifier, kebab, makeName, pascal, screamingSnake, snake, splitWords } from './casing.ts';
export { findOperation, findType, typeOf } from './lookup.ts';
export type * from './types.ts';
