// The default transport on runtimes other than Node: the platform's fetch. The Node build
// swaps this module for transport.node.ts (see tsup.config.ts).
export interface TransportOptions {
  /** False accepts any TLS certificate; only the Node transport can (fetch has no such switch). */
  verifyTls?: boolean;
}

export function defaultFetch(_options: TransportOptions = {}): typeof globalThis.fetch | undefined {
  return undefined;
}
