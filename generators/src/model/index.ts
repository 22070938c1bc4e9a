/**
 * The language-neutral model of the spec. `modelFromFile(path)` validates the OpenAPI document
 * and returns an `ApiModel` (see `types.ts` for its shape); emitters never read the raw spec.
 */
export { buildModel, loadSpec, modelFromFile, SpecModelError } from './build';
export { camel, identifier, kebab, makeName, pascal, screamingSnake, snake, splitWords } from './casing';
export { findOperation, findType, typeOf } from './lookup';
export type * from './types';
