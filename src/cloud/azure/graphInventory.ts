// Inventory of every subscription at once through Azure Resource Graph: a handful of paged queries
// (VMs joined with their NICs and subnets, NSGs with their rules, firewalls, public IPs) instead of
// one call per resource. The index lags writes by seconds: never plan from it (see freshRead.ts).
import type { NetworkInterface, Vm } from '../../engine/model';
import type { AzureClients } from './clients';
import {
  FIREWALLS_QUERY,
  NSGS_QUERY,
  PUBLIC_IPS_QUERY,
  VMS_QUERY,
  type FirewallRow,
  type NsgRow,
  type PublicIpRow,
  type VmRow,
} from './graphQueries';
import type { EstateParts } from './assemble';
import { idKey, parentId, parseArmId } from './armIds';
import { powerStateFromCode, toFirewall, toNsg } from './translate';

/** Resource Graph returns at most 1,000 rows per page. */
const PAGE_SIZE = 1000;
/** Subscriptions per query, as the Azure CLI batches them. */
const SUBSCRIPTION_BATCH = 1000;

/** Every row of a query over the given subscriptions, following `$skipToken` page by page. */
async function queryAll<Row>(
  clients: AzureClients,
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
      const page = await graph.resources(
        {
          subscriptions: batch,
          query,
          options: { top: PAGE_SIZE, resultFormat: 'objectArray', ...(skipToken ? { skipToken } : {}) },
        },
        { abortSignal: signal },
      );
      rows.push(...(page.data as Row[]));
      skipToken = page.skipToken;
    } while (skipToken);
  }
  return rows;
}

/** Graph's `tostring(null)` is ''; the model says absent. */
function present(value: string | undefined | null): string | undefined {
  return value ? value : undefined;
}

function toVms(rows: VmRow[], publicIps: Map<string, string>): Vm[] {
  const byVm = new Map<string, VmRow[]>();
  for (const row of rows) {
    const key = idKey(row.id);
    byVm.set(key, [...(byVm.get(key) ?? []), row]);
  }
  return [...byVm.values()].map((vmRows) => {
    const first = vmRows[0];
    const nics = new Map<string, VmRow[]>();
    for (const row of vmRows) {
      if (!present(row.nicId)) continue;
      nics.set(row.nicId, [...(nics.get(row.nicId) ?? []), row]);
    }
    const interfaces = [...nics.values()].map((nicRows) => toInterface(nicRows, nics.size, publicIps));
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

function toInterface(rows: VmRow[], nicCount: number, publicIps: Map<string, string>): NetworkInterface {
  const first = rows[0];
  const subnetId = present(rows.find((r) => present(r.subnetId))?.subnetId);
  const nic: NetworkInterface = {
    id: first.nicId,
    name: first.nicId.split('/').pop(),
    primary: first.primaryNic === true || nicCount === 1,
    privateIps: rows.map((r) => present(r.privateIp)).filter((ip) => ip !== undefined),
    publicIps: rows
      .map((r) => (present(r.publicIpId) ? publicIps.get(idKey(r.publicIpId)) : undefined))
      .filter((ip) => ip !== undefined),
  };
  const nsgId = present(first.nicNsgId);
  const subnetNsgId = present(rows.find((r) => present(r.subnetNsgId))?.subnetNsgId);
  if (nsgId) nic.nsgId = nsgId;
  if (subnetId) {
    nic.subnetId = subnetId;
    nic.vnetId = parentId(subnetId);
  }
  if (subnetNsgId) nic.subnetNsgId = subnetNsgId;
  return nic;
}

/** The estate of the given subscriptions from four paged Resource Graph queries run side by side. */
export async function graphEstate(
  clients: AzureClients,
  subscriptions: string[],
  signal?: AbortSignal,
): Promise<EstateParts> {
  const [vmRows, nsgRows, firewallRows, ipRows] = await Promise.all([
    queryAll<VmRow>(clients, VMS_QUERY, subscriptions, signal),
    queryAll<NsgRow>(clients, NSGS_QUERY, subscriptions, signal),
    queryAll<FirewallRow>(clients, FIREWALLS_QUERY, subscriptions, signal),
    queryAll<PublicIpRow>(clients, PUBLIC_IPS_QUERY, subscriptions, signal),
  ]);
  const publicIps = new Map<string, string>();
  for (const row of ipRows) if (present(row.ipAddress)) publicIps.set(idKey(row.id), row.ipAddress);
  const lookupIp = (id: string) => publicIps.get(idKey(id));
  return {
    vms: toVms(vmRows, publicIps),
    nsgs: nsgRows.map(toNsg),
    firewalls: firewallRows.map((row) => {
      const policyId = present(row.firewallPolicyId);
      return toFirewall({ ...row, firewallPolicy: policyId ? { id: policyId } : undefined }, lookupIp);
    }),
  };
}
