/**
 * Fault injection: what the SDKs' reliability tests need from a misbehaving gateway. A fault
 * matches one operation (by operationId) or every operation (`*`), for the next `times`
 * matching requests, or for a seeded `fraction` of them, or until cleared.
 */
export type FaultKind = 'latency' | 'status' | 'drop' | 'malformed' | 'wrong_type';

export const FAULT_KINDS: readonly FaultKind[] = ['latency', 'status', 'drop', 'malformed', 'wrong_type'];

export interface FaultSpec {
  /** An operationId of the spec, or `*` for every operation. */
  operation: string;
  kind: FaultKind;
  /** `latency`: delay before the normal answer, in milliseconds. */
  latencyMs?: number;
  /** `status`: the HTTP status to answer (an error envelope), e.g. 429, 500, 503. */
  status?: number;
  /** `status`: the `Retry-After` header value, in seconds (or an HTTP date). */
  retryAfter?: number | string;
  /** Applies to the next `times` matching requests, then removes itself. */
  times?: number;
  /** Applies to this fraction (0..1) of matching requests, drawn from a PRNG seeded by `seed`. */
  fraction?: number;
  /** Seed of the `fraction` draw (default 1), so a run is reproducible. */
  seed?: number;
  /** Alias of `latencyMs` (the `/__mock/faults` spelling). */
  latency_ms?: number;
  /** Alias of `retryAfter` (the `/__mock/faults` spelling). */
  retry_after?: number | string;
}

export interface Fault extends FaultSpec {
  id: string;
  /** How many requests this fault has hit. */
  hits: number;
}

export interface Faults {
  add(spec: FaultSpec): Fault;
  remove(id: string): boolean;
  clear(): void;
  list(): Fault[];
  /** The faults that hit this request, consuming `times` and PRNG draws (used by the pipeline). */
  take(operationId: string): Fault[];
}

/** mulberry32: a tiny deterministic PRNG, enough for reproducible fault fractions. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Throws a TypeError naming the first invalid field (snake_case names are the HTTP form). */
export function checkFaultSpec(spec: FaultSpec, operationIds: ReadonlySet<string>): void {
  const fail = (field: string, message: string) => {
    const error = new TypeError(`${field}: ${message}`);
    (error as TypeError & { field: string }).field = field;
    throw error;
  };
  if (typeof spec !== 'object' || spec === null) fail('body', 'must be an object');
  if (spec.operation !== '*' && !operationIds.has(spec.operation)) {
    fail('operation', `must be "*" or an operationId of the spec, got ${JSON.stringify(spec.operation)}`);
  }
  if (!FAULT_KINDS.includes(spec.kind)) fail('kind', `must be one of ${FAULT_KINDS.join(', ')}`);
  if (
    spec.kind === 'latency' &&
    !(Number.isInteger(spec.latencyMs) && spec.latencyMs! >= 0 && spec.latencyMs! <= 60_000)
  ) {
    fail('latency_ms', 'must be an integer from 0 to 60000 for a latency fault');
  }
  if (
    spec.kind === 'status' &&
    !(Number.isInteger(spec.status) && spec.status! >= 400 && spec.status! <= 599)
  ) {
    fail('status', 'must be an integer from 400 to 599 for a status fault');
  }
  if (
    spec.retryAfter !== undefined &&
    typeof spec.retryAfter !== 'number' &&
    typeof spec.retryAfter !== 'string'
  ) {
    fail('retry_after', 'must be a number of seconds or an HTTP date');
  }
  if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times > 0)) {
    fail('times', 'must be a positive integer');
  }
  if (
    spec.fraction !== undefined &&
    !(typeof spec.fraction === 'number' && spec.fraction >= 0 && spec.fraction <= 1)
  ) {
    fail('fraction', 'must be a number from 0 to 1');
  }
  if (spec.seed !== undefined && !Number.isInteger(spec.seed)) fail('seed', 'must be an integer');
}

export function createFaults(operationIds: ReadonlySet<string>): Faults {
  let faults: (Fault & { draw: () => number })[] = [];
  let counter = 0;
  return {
    add(input) {
      // Accept the HTTP spelling too, so a snake_case spec from a test fixture is not ignored.
      const { latency_ms, retry_after, ...rest } = input;
      const spec: FaultSpec = { ...rest };
      if (spec.latencyMs === undefined && latency_ms !== undefined) spec.latencyMs = latency_ms;
      if (spec.retryAfter === undefined && retry_after !== undefined) spec.retryAfter = retry_after;
      checkFaultSpec(spec, operationIds);
      counter += 1;
      const fault = { ...spec, id: `flt_${counter}`, hits: 0, draw: prng(spec.seed ?? 1) };
      faults.push(fault);
      const { draw: _, ...view } = fault;
      return view;
    },
    remove(id) {
      const before = faults.length;
      faults = faults.filter((f) => f.id !== id);
      return faults.length < before;
    },
    clear() {
      faults = [];
    },
    list: () => faults.map(({ draw: _, ...view }) => ({ ...view })),
    take(operationId) {
      const hit: Fault[] = [];
      for (const fault of faults) {
        if (fault.operation !== '*' && fault.operation !== operationId) continue;
        if (fault.fraction !== undefined && fault.draw() >= fault.fraction) continue;
        fault.hits += 1;
        hit.push(fault);
      }
      faults = faults.filter((f) => f.times === undefined || f.hits < f.times);
      return hit;
    },
  };
}
