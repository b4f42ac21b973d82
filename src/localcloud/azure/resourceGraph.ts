// Resource Graph for the queries the project sends (recognised by their tag line): an equivalent
// evaluation over the world, with the real response shape, page size and $skipToken paging.
import {
  FIREWALLS_QUERY_TAG,
  NSGS_QUERY_TAG,
  PUBLIC_IPS_QUERY_TAG,
  VMS_QUERY_TAG,
  type FirewallRow,
  type NsgRow,
  type PublicIpRow,
  type VmRow,
} from '../../cloud/azure/graphQueries';
import { parseResourceId } from './armIds';
import type { Reply, RequestContext } from './context';
import { ArmError } from './errors';
import { defaultSecurityRules } from './securityRules';
import type { ArmResource, AzureWorldState } from './worldState';

export const MAX_PAGE_ROWS = 1000;
const DEFAULT_PAGE_ROWS = 100;
/** About 15 queries per 5 seconds per user. */
export const GRAPH_QUOTA = { capacity: 15, refillPerSecond: 3 };

type Row = { id: string } & Record<string, unknown>;
const EVALUATORS: Record<string, (w: AzureWorldState, subs: Set<string>) => Row[]> = {
  [VMS_QUERY_TAG]: vmRows,
  [NSGS_QUERY_TAG]: nsgRows,
  [FIREWALLS_QUERY_TAG]: firewallRows,
  [PUBLIC_IPS_QUERY_TAG]: publicIpRows,
};

interface QueryRequest {
  subscriptions?: string[];
  managementGroups?: string[];
  query?: string;
  options?: { $top?: number; $skip?: number; $skipToken?: string; resultFormat?: string };
}

export function queryResources(ctx: RequestContext): Reply {
  const req = (ctx.body ?? {}) as QueryRequest;
  const query = typeof req.query === 'string' ? req.query : '';
  const tag = query.split('\n', 1)[0].trim();
  const evaluate = EVALUATORS[tag];
  if (!evaluate) throw invalidQuery();
  if (req.options?.resultFormat && req.options.resultFormat !== 'objectArray')
    throw invalidQuery('resultFormat table is not supported by the local cloud');
  const allSubs = ctx.world.subscriptions.map((s) => s.subscriptionId.toLowerCase());
  const subs = new Set(
    (req.subscriptions ?? allSubs).map((s) => s.toLowerCase()).filter((s) => allSubs.includes(s)),
  );
  const rows = evaluate(ctx.world, subs);
  const pageSize = Math.min(Math.max(1, req.options?.$top ?? DEFAULT_PAGE_ROWS), MAX_PAGE_ROWS);
  const offset = req.options?.$skipToken
    ? decodeSkipToken(req.options.$skipToken, tag)
    : (req.options?.$skip ?? 0);
  const page = rows.slice(offset, offset + pageSize);
  const next = offset + page.length;
  return {
    status: 200,
    body: {
      totalRecords: rows.length,
      count: page.length,
      resultTruncated: 'false',
      ...(next < rows.length ? { $skipToken: encodeSkipToken(next, tag) } : {}),
      data: page,
      facets: [],
    },
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

function encodeSkipToken(offset: number, tag: string): string {
  return Buffer.from(JSON.stringify({ o: offset, t: tag })).toString('base64');
}

function decodeSkipToken(token: string, tag: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { o?: unknown; t?: unknown };
    if (typeof parsed.o === 'number' && parsed.t === tag) return parsed.o;
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

function inScope(r: ArmResource, type: string, subs: Set<string>): boolean {
  return r.type.toLowerCase() === type && subs.has(parseResourceId(r.id)?.subscriptionId.toLowerCase() ?? '');
}

function common(r: ArmResource): { id: string; name: string; resourceGroup: string; subscriptionId: string } {
  const p = parseResourceId(r.id);
  // Resource Graph reports resource groups lower-cased.
  return {
    id: r.id,
    name: r.name,
    resourceGroup: (p?.resourceGroup ?? '').toLowerCase(),
    subscriptionId: p?.subscriptionId ?? '',
  };
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
type Props = Record<string, unknown>;
const props = (v: unknown): Props => (v as { properties?: Props } | undefined)?.properties ?? {};
const refId = (v: unknown): string => str((v as { id?: unknown } | undefined)?.id);

function vmRows(w: AzureWorldState, subs: Set<string>): Row[] {
  const subnetNsg = new Map<string, string>();
  for (const r of Object.values(w.resources))
    if (inScope(r, 'microsoft.network/virtualnetworks', subs))
      for (const s of (props(r).subnets as unknown[] | undefined) ?? [])
        subnetNsg.set(refId(s).toLowerCase(), refId(props(s).networkSecurityGroup));
  const rows: Row[] = [];
  for (const vm of Object.values(w.resources)) {
    if (!inScope(vm, 'microsoft.compute/virtualmachines', subs)) continue;
    const vp = props(vm);
    const base = {
      ...common(vm),
      location: str(vm.location),
      osType: str((vp.storageProfile as { osDisk?: { osType?: string } } | undefined)?.osDisk?.osType),
      powerState: w.powerStates[vm.id.toLowerCase()] ?? 'PowerState/running',
    };
    const nicRefs = ((vp.networkProfile as { networkInterfaces?: unknown[] } | undefined)
      ?.networkInterfaces ?? []) as unknown[];
    for (const ref of nicRefs) {
      const nicId = refId(ref).toLowerCase();
      const nic = w.resources[nicId];
      const primary = props(ref).primary;
      const nicPart = { nicId, primaryNic: typeof primary === 'boolean' ? primary : null };
      const ipcs = nic ? ((props(nic).ipConfigurations as unknown[] | undefined) ?? []) : [];
      if (ipcs.length === 0) {
        rows.push({
          ...base,
          ...nicPart,
          privateIp: '',
          publicIpId: '',
          subnetId: '',
          nicNsgId: '',
          subnetNsgId: '',
        } satisfies VmRow);
        continue;
      }
      for (const ipc of ipcs) {
        const ip = props(ipc);
        const subnetId = refId(ip.subnet).toLowerCase();
        rows.push({
          ...base,
          ...nicPart,
          privateIp: str(ip.privateIPAddress),
          publicIpId: refId(ip.publicIPAddress),
          subnetId,
          nicNsgId: refId(props(nic).networkSecurityGroup),
          subnetNsgId: subnetNsg.get(subnetId) ?? '',
        } satisfies VmRow);
      }
    }
  }
  return rows;
}

function nsgRows(w: AzureWorldState, subs: Set<string>): Row[] {
  return Object.values(w.resources)
    .filter((r) => inScope(r, 'microsoft.network/networksecuritygroups', subs))
    .map(
      (r) =>
        ({
          ...common(r),
          location: str(r.location),
          etag: str(r.etag),
          flushConnection: props(r).flushConnection === true,
          securityRules: (props(r).securityRules as unknown[] | undefined) ?? [],
          defaultSecurityRules: defaultSecurityRules(r.id, str(r.etag)),
        }) satisfies NsgRow,
    );
}

function firewallRows(w: AzureWorldState, subs: Set<string>): Row[] {
  return Object.values(w.resources)
    .filter((r) => inScope(r, 'microsoft.network/azurefirewalls', subs))
    .map((r) => {
      const p = props(r);
      const list = (k: string): unknown[] => (p[k] as unknown[] | undefined) ?? [];
      return {
        ...common(r),
        location: str(r.location),
        etag: str(r.etag),
        firewallPolicyId: refId(p.firewallPolicy),
        networkRuleCollections: list('networkRuleCollections'),
        natRuleCollections: list('natRuleCollections'),
        applicationRuleCollections: list('applicationRuleCollections'),
        ipConfigurations: list('ipConfigurations'),
      } satisfies FirewallRow;
    });
}

function publicIpRows(w: AzureWorldState, subs: Set<string>): Row[] {
  return Object.values(w.resources)
    .filter((r) => inScope(r, 'microsoft.network/publicipaddresses', subs))
    .map(
      (r) =>
        ({
          ...common(r),
          ipAddress: str(props(r).ipAddress),
          attachedTo: refId(props(r).ipConfiguration),
        }) satisfies PublicIpRow,
    );
}
