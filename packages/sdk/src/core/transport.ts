// The default transport on runtimes other than Node: the platform's fetch. The Node build
// swaps this module for transport.node.ts (see tsup.config.ts).
export function defaultFetch(): typeof globalThis.fetch | undefined {
  return undefined;
}
