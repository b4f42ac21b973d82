// The rows of each query the project sends to Resource Graph (recognised by its tag line), computed
// from the world the way the KQL in src/cloud/azure/graphQueries.ts would. The world's resources are
// indexed by type and subscription once per world version, so each query is one pass over its own
// resource type with map lookups for the joins.
import {
  FIREWALLS_QUERY_TAG,
  NSGS_QUERY_TAG,
  PUBLIC_IPS_QUERY_TAG,
  VMS_QUERY_TAG,
  VNETS_QUERY_TAG,
  type FirewallRow,
  type NsgRow,
  type PublicIpRow,
  type VmRow,
  type VnetRow,
} from '../../cloud/azure/graphQueries';
import { parseResourceId } from './armIds';
import type { ArmResource, AzureWorldState } from './worldState';
import { worldVersion } from './worldVersion';

type Row = { id: string } & Record<string, unknown>;

interface Indexed {
  resource: ArmResource;
  /** Lower-cased subscription id. */
  sub: string;
  common: { id: string; name: string; resourceGroup: string; subscriptionId: string };
}

interface WorldIndex {
  version: number;
  /** By lower-cased resource type. */
  byType: Map<string, Indexed[]>;
  /** Subnet id (lower-cased) -> the id of its NSG ('' when none). */
  subnetNsg: Map<string, string>;
}

const indexes = new WeakMap<AzureWorldState, WorldIndex>();

function indexOf(world: AzureWorldState): WorldIndex {
  const version = worldVersion(world);
  const cached = indexes.get(world);
  if (cached?.version === version) return cached;
  const byType = new Map<string, Indexed[]>();
  const subnetNsg = new Map<string, string>();
  for (const resource of Object.values(world.resources)) {
    const type = resource.type.toLowerCase();
    const p = parseResourceId(resource.id);
    const entry: Indexed = {
      resource,
      sub: (p?.subscriptionId ?? '').toLowerCase(),
      // Resource Graph reports resource groups lower-cased.
      common: {
        id: resource.id,
        name: resource.name,
        resourceGroup: (p?.resourceGroup ?? '').toLowerCase(),
        subscriptionId: p?.subscriptionId ?? '',
      },
    };
    const ofThisType = byType.get(type);
    if (ofThisType) ofThisType.push(entry);
    else byType.set(type, [entry]);
    if (type === 'microsoft.network/virtualnetworks')
      for (const s of (props(resource).subnets as unknown[] | undefined) ?? [])
        subnetNsg.set(refId(s).toLowerCase(), refId(props(s).networkSecurityGroup));
  }
  const index = { version, byType, subnetNsg };
  indexes.set(world, index);
  return index;
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
type Props = Record<string, unknown>;
const props = (v: unknown): Props => (v as { properties?: Props } | undefined)?.properties ?? {};
const refId = (v: unknown): string => str((v as { id?: unknown } | undefined)?.id);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

type Evaluate = (w: AzureWorldState, index: WorldIndex, subs: Set<string>) => Row[];

function ofType(index: WorldIndex, type: string, subs: Set<string>): Indexed[] {
  return (index.byType.get(type) ?? []).filter((e) => subs.has(e.sub));
}

function vmRows(w: AzureWorldState, index: WorldIndex, subs: Set<string>): Row[] {
  const rows: Row[] = [];
  for (const { resource: vm, common } of ofType(index, 'microsoft.compute/virtualmachines', subs)) {
    const vp = props(vm);
    const base = {
      ...common,
      location: str(vm.location),
      osType: str((vp.storageProfile as { osDisk?: { osType?: string } } | undefined)?.osDisk?.osType),
      powerState: w.powerStates[vm.id.toLowerCase()] ?? 'PowerState/running',
    };
    const nicRefs = list(
      (vp.networkProfile as { networkInterfaces?: unknown } | undefined)?.networkInterfaces,
    );
    for (const ref of nicRefs) {
      const nicId = refId(ref).toLowerCase();
      const nic = w.resources[nicId];
      const primary = props(ref).primary;
      const nicPart = { nicId, primaryNic: typeof primary === 'boolean' ? primary : null };
      const ipcs = nic ? list(props(nic).ipConfigurations) : [];
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
          subnetNsgId: index.subnetNsg.get(subnetId) ?? '',
        } satisfies VmRow);
      }
    }
  }
  return rows;
}

function nsgRows(_w: AzureWorldState, index: WorldIndex, subs: Set<string>): Row[] {
  return ofType(index, 'microsoft.network/networksecuritygroups', subs).map(
    ({ resource: r, common }) =>
      ({
        ...common,
        location: str(r.location),
        etag: str(r.etag),
        flushConnection: props(r).flushConnection === true,
        securityRules: list(props(r).securityRules),
      }) satisfies NsgRow,
  );
}

function firewallRows(_w: AzureWorldState, index: WorldIndex, subs: Set<string>): Row[] {
  return ofType(index, 'microsoft.network/azurefirewalls', subs).map(({ resource: r, common }) => {
    const p = props(r);
    return {
      ...common,
      location: str(r.location),
      etag: str(r.etag),
      firewallPolicyId: refId(p.firewallPolicy),
      networkRuleCollections: list(p.networkRuleCollections),
      natRuleCollections: list(p.natRuleCollections),
      applicationRuleCollections: list(p.applicationRuleCollections),
      ipConfigurations: list(p.ipConfigurations),
    } satisfies FirewallRow;
  });
}

function publicIpRows(_w: AzureWorldState, index: WorldIndex, subs: Set<string>): Row[] {
  return ofType(index, 'microsoft.network/publicipaddresses', subs).map(
    ({ resource: r, common }) =>
      ({
        ...common,
        ipAddress: str(props(r).ipAddress),
        attachedTo: refId(props(r).ipConfiguration),
      }) satisfies PublicIpRow,
  );
}

function vnetRows(_w: AzureWorldState, index: WorldIndex, subs: Set<string>): Row[] {
  return ofType(index, 'microsoft.network/virtualnetworks', subs).map(
    ({ resource: r, common }) =>
      ({
        ...common,
        addressSpace: (props(r).addressSpace as VnetRow['addressSpace'] | undefined) ?? {},
        virtualNetworkPeerings: list(props(r).virtualNetworkPeerings),
      }) satisfies VnetRow,
  );
}

const EVALUATORS: Record<string, Evaluate> = {
  [VMS_QUERY_TAG]: vmRows,
  [NSGS_QUERY_TAG]: nsgRows,
  [FIREWALLS_QUERY_TAG]: firewallRows,
  [PUBLIC_IPS_QUERY_TAG]: publicIpRows,
  [VNETS_QUERY_TAG]: vnetRows,
};

export function isKnownQuery(tag: string): boolean {
  return tag in EVALUATORS;
}

/**
 * Every row of the tagged query over the given (lower-cased) subscriptions, each serialized as JSON:
 * rows outlive the request in a snapshot while writes edit the world in place, and pages are then
 * assembled from the texts without serializing again.
 */
export function queryRows(tag: string, world: AzureWorldState, subs: Set<string>): string[] {
  return EVALUATORS[tag](world, indexOf(world), subs).map((row) => JSON.stringify(row));
}
