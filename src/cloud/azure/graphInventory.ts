// Inventory of every subscription at once through Azure Resource Graph: a handful of paged queries
// (VMs joined with their NICs and subnets, NSGs with their rules, VNets, firewalls, public IPs)
// instead of one call per resource. The queries page side by side within the user quota. The index
// lags writes by seconds: never plan from it (see freshRead.ts).
import type { NetworkInterface, Vm } from '../../engine/model';
import type { AzureClients } from './clients';
import {
  FIREWALLS_QUERY,
  NSGS_QUERY,
  PUBLIC_IPS_QUERY,
  VMS_QUERY,
  VNETS_QUERY,
  type FirewallRow,
  type NsgRow,
  type PublicIpRow,
  type VmRow,
  type VnetRow,
} from './graphQueries';
import type { EstateParts } from './assemble';
import { idKey, parentId, parseArmId } from './armIds';
import type { GraphQuota } from './graphQuota';
import { powerStateFromCode, toFirewall, toNsg, vnetAddressPrefixes } from './translate';

/** Resource Graph returns at most 1,000 rows per page. */
const PAGE_SIZE = 1000;
/** Subscriptions per query, as the Azure CLI batches them. */
const SUBSCRIPTION_BATCH = 1000;

type HeadersLike = { get(name: string): string | undefined };

/** Every row of a query over the given subscriptions, following `$skipToken` page by page. */
async function queryAll<Row>(
  clients: AzureClients,
  quota: GraphQuota,
  query: string,
  subscriptions: string[],
  signal?: AbortSignal,
): Promise<Row[]> {
  const graph = await clients.graph();
  const rows: Row[] = [];
  for (let i = 0; i < subscriptions.length; i += SUBSCRIPTION_BATCH) {
    const batch = subscriptions.slice(i, i + SUBSCRIPTION_BATCH);
    let skipToken: string | undefined;
    do {
      await quota.acquire(signal);
      let headers: HeadersLike | undefined;
      try {
        const page = await graph.resources(
          {
            subscriptions: batch,
            query,
            options: { top: PAGE_SIZE, resultFormat: 'objectArray', ...(skipToken ? { skipToken } : {}) },
          },
          { abortSignal: signal, onResponse: (response) => (headers = response.headers) },
        );
        for (const row of page.data as Row[]) rows.push(row);
        skipToken = page.skipToken;
      } catch (error) {
        headers ??= (error as { response?: { headers?: HeadersLike } }).response?.headers;
        throw error;
      } finally {
        quota.release(headers);
      }
    } while (skipToken);
  }
  return rows;
}

/** Graph's `tostring(null)` is ''; the model says absent. */
function present(value: string | undefined | null): string | undefined {
  return value ? value : undefined;
}

/** Rows grouped by a key, in first-seen order. */
function groupBy<T>(items: T[], keyOf: (item: T) => string | undefined): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

/** What the rows reference by id: public IP addresses and VNet address spaces (lower-cased ids). */
interface RowLookups {
  publicIps: Map<string, string>;
  vnetPrefixes: Map<string, string[]>;
}

function toVms(rows: VmRow[], lookups: RowLookups): Vm[] {
  return groupBy(rows, (r) => idKey(r.id)).map((vmRows) => {
    const first = vmRows[0];
    const nics = groupBy(vmRows, (r) => present(r.nicId));
    const interfaces = nics.map((nicRows) => toInterface(nicRows, nics.length, lookups));
    interfaces.sort((a, b) => Number(b.primary) - Number(a.primary));
    const os = first.osType?.toLowerCase();
    return {
      cloud: 'azure' as const,
      id: first.id,
      name: first.name,
      scope: {
        account: first.subscriptionId,
        region: first.location,
        resourceGroup: first.resourceGroup ?? parseArmId(first.id)?.resourceGroup,
      },
      os: os === 'linux' || os === 'windows' ? os : 'unknown',
      powerState: powerStateFromCode(present(first.powerState)),
      interfaces,
    };
  });
}

function toInterface(rows: VmRow[], nicCount: number, lookups: RowLookups): NetworkInterface {
  const first = rows[0];
  const subnetId = present(rows.find((r) => present(r.subnetId))?.subnetId);
  const nic: NetworkInterface = {
    id: first.nicId,
    name: first.nicId.split('/').pop(),
    primary: first.primaryNic === true || nicCount === 1,
    privateIps: rows.map((r) => present(r.privateIp)).filter((ip) => ip !== undefined),
    publicIps: rows
      .map((r) => (present(r.publicIpId) ? lookups.publicIps.get(idKey(r.publicIpId)) : undefined))
      .filter((ip) => ip !== undefined),
  };
  const nsgId = present(first.nicNsgId);
  const subnetNsgId = present(rows.find((r) => present(r.subnetNsgId))?.subnetNsgId);
  if (nsgId) nic.nsgId = nsgId;
  if (subnetId) {
    nic.subnetId = subnetId;
    nic.vnetId = parentId(subnetId);
    const prefixes = lookups.vnetPrefixes.get(idKey(nic.vnetId));
    if (prefixes) nic.vnetAddressPrefixes = prefixes;
  }
  if (subnetNsgId) nic.subnetNsgId = subnetNsgId;
  return nic;
}

/**
 * The estate of the given subscriptions from five paged Resource Graph queries run side by side
 * (within the user quota `quota` tracks).
 */
export async function graphEstate(
  clients: AzureClients,
  quota: GraphQuota,
  subscriptions: string[],
  signal?: AbortSignal,
): Promise<EstateParts> {
  const all = <Row>(query: string) => queryAll<Row>(clients, quota, query, subscriptions, signal);
  // The two long queries first, so their page chains start at once.
  const [vmRows, nsgRows, vnetRows, firewallRows, ipRows] = await Promise.all([
    all<VmRow>(VMS_QUERY),
    all<NsgRow>(NSGS_QUERY),
    all<VnetRow>(VNETS_QUERY),
    all<FirewallRow>(FIREWALLS_QUERY),
    all<PublicIpRow>(PUBLIC_IPS_QUERY),
  ]);
  const publicIps = new Map<string, string>();
  for (const row of ipRows) if (present(row.ipAddress)) publicIps.set(idKey(row.id), row.ipAddress);
  const vnetPrefixes = new Map(vnetRows.map((row) => [idKey(row.id), vnetAddressPrefixes(row)]));
  const lookupIp = (id: string) => publicIps.get(idKey(id));
  return {
    vms: toVms(vmRows, { publicIps, vnetPrefixes }),
    nsgs: nsgRows.map(toNsg),
    firewalls: firewallRows.map((row) => {
      const policyId = present(row.firewallPolicyId);
      return toFirewall({ ...row, firewallPolicy: policyId ? { id: policyId } : undefined }, lookupIp);
    }),
  };
}
