// What every resource method returns: a Promise of the answer (plain `await` is unchanged) that
// also gives the HTTP response and the gateway's request id of the same call, without a second
// request: `const { data, response, requestId } = await client.agents.get(id).withResponse()`
// (openai-node's `.withResponse()`).
import { type MarkedResponse, RAW_HEADERS } from './fast-path.js';

/** The answer of a call with the HTTP response it came in. */
export interface WithResponse<T> {
  /** The answer, as `await` gives it. */
  data: T;
  /**
   * The HTTP response (status, statusText, headers). Its body has been read already: the answer
   * is `data`. For a token `tokens.issue` answered from its cache, the response that fetched it.
   */
  response: Response;
  /** The gateway's id of the request (its `X-Request-Id` header), undefined when it sent none. */
  requestId: string | undefined;
}

/** What the resource layer resolves with: the answer and the response as fetch gave it (not exported by the package). */
export interface RawAnswer<T> {
  data: T;
  response: Response;
  requestId: string | undefined;
}

/**
 * A Promise of an operation's answer with `.withResponse()`. The request is sent when the method
 * is called (as with any Promise), once, whichever of `await` and `.withResponse()` reads it.
 */
export class APIPromise<T> extends Promise<T> {
  readonly #raw: Promise<RawAnswer<T>>;
  #data: Promise<T> | undefined;

  /** @internal */
  constructor(raw: Promise<RawAnswer<T>>) {
    // The base Promise is never used: then/catch/finally read the call's own promise.
    super((resolve) => resolve(undefined as T));
    this.#raw = raw;
  }

  // `then` of a derived promise (`promise.then(...)`) gives a plain Promise.
  static override get [Symbol.species]() {
    return Promise;
  }

  /** The answer together with the HTTP response and the gateway's request id (`X-Request-Id`). */
  withResponse(): Promise<WithResponse<T>> {
    return this.#raw.then(({ data, response, requestId }) => ({
      data,
      response: withHeaders(response),
      requestId,
    }));
  }

  #parsed(): Promise<T> {
    this.#data ??= this.#raw.then((raw) => raw.data);
    return this.#data;
  }

  // biome-ignore lint/suspicious/noThenProperty: a Promise subclass is a thenable by design.
  override then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#parsed().then(onfulfilled, onrejected);
  }

  override catch<R = never>(onrejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.#parsed().catch(onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.#parsed().finally(onfinally);
  }
}

/**
 * The Node transport's fast path leaves a 2xx answer's headers as the raw name/value list it got
 * (building Headers costs more than the rest of a call): they become a Response here, only for
 * the callers who ask.
 */
function withHeaders(response: Response): Response {
  const raw = (response as MarkedResponse)[RAW_HEADERS];
  if (!raw) return response;
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return new Response(null, { status: response.status, statusText: response.statusText, headers });
}
