// What a route handler gets and returns.
import type { AzurePrincipal } from '../shared/principals';
import type { Realism } from '../shared/realism';
import type { LroStore } from './lro';
import type { AzureWorldState } from './worldState';

export interface RequestContext {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
  world: AzureWorldState;
  principal: AzurePrincipal;
  /** https://127.0.0.1:PORT as the client addressed it (for async-operation URLs). */
  baseUrl: string;
  apiVersion: string;
  now: number;
  lro: LroStore;
  realism: Realism;
}

/** A body already serialized as JSON (large paged results, assembled from pre-serialized rows). */
export class SerializedJson {
  constructor(readonly text: string) {}
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
