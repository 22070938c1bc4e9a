// The mutator orval's generated operation functions call (see orval.config.mjs). It hands the
// request to the client's HTTP core, which the resource put into the per-call config.
import type { CallConfig, WireResponse } from './http.js';

export type RequestConfig = Omit<RequestInit, 'signal'> & CallConfig;

export const request = <T>(url: string, config: RequestConfig): Promise<T> =>
  config.core!.send(url, config) as Promise<WireResponse> as Promise<T>;
