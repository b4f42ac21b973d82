// ARM resource id helpers (ids are case-insensitive; names keep the case they were created with).
import { randomUUID } from 'node:crypto';

export function subscriptionScope(sub: string): string {
  return `/subscriptions/${sub}`;
}

export function resourceGroupId(sub: string, rg: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}`;
}

export function resourceId(sub: string, rg: string, ns: string, type: string, name: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/${ns}/${type}/${name}`;
}

export interface ParsedId {
  subscriptionId: string;
  resourceGroup: string;
  namespace: string;
  type: string;
  name: string;
}

export function parseResourceId(id: string): ParsedId | undefined {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)/i.exec(
    id,
  );
  if (!m) return undefined;
  return { subscriptionId: m[1], resourceGroup: m[2], namespace: m[3], type: m[4], name: m[5] };
}

export function newEtag(): string {
  return `W/"${randomUUID()}"`;
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}
