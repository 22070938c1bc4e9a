// The mutator orval's generated operation functions call (see orval.config.mjs). It hands the
// request to the client's HTTP core, which the resource put into the per-call config.
import type { CallConfig, WireResponse } from './http.js';

export type RequestConfig = Omit<RequestInit, 'signal'> & CallConfig;

export const request = <T>(url: string, config: RequestConfig): Promise<T> =>
  config.core!.send(url, config) as Promise<WireResponse> as Promise<T>;

/** Headers passed to a generated operation as a plain record (the shared copy of orval's inline helper). */
export const getHeaders = (headers?: HeadersInit): Record<string, string> => {
  if (!headers) return {};
  if (headers instanceof Headers || Array.isArray(headers)) return Object.fromEntries(new Headers(headers));
  return headers as Record<string, string>;
};
