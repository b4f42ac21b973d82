// Resource Graph for the queries the project sends (recognised by their tag line): the real response
// shape, page size and $skipToken paging. Like the real service, a query's result set is computed once
// and later pages are served from it by skip token, so the pages are consistent with each other and
// cheap; a first page reuses the result of the same query while the world has not changed.
import { SerializedJson, type Reply, type RequestContext } from './context';
import { ArmError } from './errors';
import { isKnownQuery, queryRows } from './graphRows';
import type { AzureWorldState } from './worldState';
import { worldVersion } from './worldVersion';

export const MAX_PAGE_ROWS = 1000;
const DEFAULT_PAGE_ROWS = 100;
/** About 15 queries per 5 seconds per user. */
export const GRAPH_QUOTA = { capacity: 15, refillPerSecond: 3 };
/** How long a result set stays available to its skip tokens after its last use. */
export const SNAPSHOT_TTL_MS = 60_000;

interface QueryRequest {
  subscriptions?: string[];
  managementGroups?: string[];
  query?: string;
  options?: { $top?: number; $skip?: number; $skipToken?: string; resultFormat?: string };
}

interface Snapshot {
  id: number;
  /** Query tag and subscriptions. */
  key: string;
  version: number;
  /** Each row as JSON text. */
  rows: string[];
  usedAt: number;
}

/** The result sets of one world: by id (for skip tokens) and the newest by query key. */
interface SnapshotStore {
  nextId: number;
  byId: Map<number, Snapshot>;
  latest: Map<string, Snapshot>;
}

const stores = new WeakMap<AzureWorldState, SnapshotStore>();

function storeOf(world: AzureWorldState): SnapshotStore {
  let store = stores.get(world);
  if (!store) {
    store = { nextId: 1, byId: new Map(), latest: new Map() };
    stores.set(world, store);
  }
  return store;
}

function evictExpired(store: SnapshotStore, now: number): void {
  for (const [id, snap] of store.byId) {
    if (now - snap.usedAt <= SNAPSHOT_TTL_MS) continue;
    store.byId.delete(id);
    if (store.latest.get(snap.key) === snap) store.latest.delete(snap.key);
  }
}

/** The current result set of the query: reused while the world is unchanged, else computed anew. */
function currentSnapshot(
  store: SnapshotStore,
  world: AzureWorldState,
  tag: string,
  subs: Set<string>,
  now: number,
): Snapshot {
  const key = `${tag}|${[...subs].sort().join(',')}`;
  const version = worldVersion(world);
  const latest = store.latest.get(key);
  if (latest?.version === version) return latest;
  const snap: Snapshot = { id: store.nextId++, key, version, rows: queryRows(tag, world, subs), usedAt: now };
  store.byId.set(snap.id, snap);
  store.latest.set(key, snap);
  return snap;
}

export function queryResources(ctx: RequestContext): Reply {
  const req = (ctx.body ?? {}) as QueryRequest;
  const query = typeof req.query === 'string' ? req.query : '';
  const tag = query.split('\n', 1)[0].trim();
  if (!isKnownQuery(tag)) throw invalidQuery();
  if (req.options?.resultFormat && req.options.resultFormat !== 'objectArray')
    throw invalidQuery('resultFormat table is not supported by the local cloud');
  const allSubs = ctx.world.subscriptions.map((s) => s.subscriptionId.toLowerCase());
  const subs = new Set(
    (req.subscriptions ?? allSubs).map((s) => s.toLowerCase()).filter((s) => allSubs.includes(s)),
  );
  const store = storeOf(ctx.world);
  evictExpired(store, ctx.now);
  const token = req.options?.$skipToken ? decodeSkipToken(req.options.$skipToken, tag) : undefined;
  // A token whose result set has expired is served from the current one (the real service would
  // fail it; the callers here page within seconds).
  const snap =
    (token && store.byId.get(token.snapshot)) ?? currentSnapshot(store, ctx.world, tag, subs, ctx.now);
  snap.usedAt = ctx.now;
  const rows = snap.rows;
  const pageSize = Math.min(Math.max(1, req.options?.$top ?? DEFAULT_PAGE_ROWS), MAX_PAGE_ROWS);
  const offset = token?.offset ?? req.options?.$skip ?? 0;
  const page = rows.slice(offset, offset + pageSize);
  const next = offset + page.length;
  const skipToken =
    next < rows.length ? encodeSkipToken({ offset: next, snapshot: snap.id }, tag) : undefined;
  const envelope = JSON.stringify({
    totalRecords: rows.length,
    count: page.length,
    resultTruncated: 'false',
    ...(skipToken ? { $skipToken: skipToken } : {}),
  });
  // The service's shape: the envelope, then the rows and facets.
  return {
    status: 200,
    body: new SerializedJson(`${envelope.slice(0, -1)},"data":[${page.join(',')}],"facets":[]}`),
  };
}

function invalidQuery(
  detail = 'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.',
): ArmError {
  return new ArmError(
    400,
    'BadRequest',
    'Please provide below info when asking for support: timestamp = <local>, correlationId = <local>.',
    [
      { code: 'InvalidQuery', message: detail },
      {
        code: 'UnsupportedQuery',
        message:
          'The local cloud answers only the queries in src/cloud/azure/graphQueries.ts (recognised by their tag line).',
      },
    ],
  );
}

interface SkipToken {
  offset: number;
  snapshot: number;
}

function encodeSkipToken(token: SkipToken, tag: string): string {
  return Buffer.from(JSON.stringify({ o: token.offset, s: token.snapshot, t: tag })).toString('base64');
}

function decodeSkipToken(token: string, tag: string): SkipToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as {
      o?: unknown;
      s?: unknown;
      t?: unknown;
    };
    if (typeof parsed.o === 'number' && typeof parsed.s === 'number' && parsed.t === tag)
      return { offset: parsed.o, snapshot: parsed.s };
  } catch {
    // fall through to the service's error
  }
  throw new ArmError(
    400,
    'BadRequest',
    'Please provide below info when asking for support: timestamp = <local>, correlationId = <local>.',
    [{ code: 'InvalidSkipToken', message: 'The skip token is invalid or does not match the query.' }],
  );
}
