/** A spec the generators cannot turn into a model; `pointer` is the JSON pointer of the culprit. */
export class SpecModelError extends Error {
  constructor(
    message: string,
    readonly pointer: string,
  ) {
    super(`${pointer}: ${message}`);
    this.name = 'SpecModelError';
  }
}
