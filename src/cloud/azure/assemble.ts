// Builds each VM's network state (the engine's AzureVmNetwork) from resources read in bulk. Shared by
// the Resource Graph inventory, the per-subscription listing and the fresh read of one VM, so all
// three give the engine exactly the same picture.
import type { AzureFirewall, AzureVmNetwork, Nsg, Vm } from '../../engine/model';
import type { InventoryItem } from '../provider';
import { idKey } from './armIds';
import {
  type ArmLike,
  type NetworkLookups,
  flat,
  nicReferences,
  powerStateOf,
  publicIpIndex,
  subnetsOf,
  toFirewall,
  toInterface,
  toNsg,
  toVm,
} from './translate';

/** Raw ARM resources of one or more subscriptions (SDK-flattened or wire JSON). */
export interface ArmResources {
  /** VMs, with their instance view when the power state is wanted. */
  vms: ArmLike[];
  nics: ArmLike[];
  vnets: ArmLike[];
  nsgs: ArmLike[];
  firewalls: ArmLike[];
  publicIps: ArmLike[];
}

/** The translated estate: VMs with their interfaces, and the NSGs and firewalls they may reference. */
export interface EstateParts {
  vms: Vm[];
  nsgs: Nsg[];
  firewalls: AzureFirewall[];
}

function byId(resources: ArmLike[]): Map<string, ArmLike> {
  const index = new Map<string, ArmLike>();
  for (const r of resources) {
    const id = flat<{ id?: string }>(r).id;
    if (id) index.set(idKey(id), r);
  }
  return index;
}

export function lookupsFor(resources: Pick<ArmResources, 'vnets' | 'publicIps'>): NetworkLookups {
  const vnets = byId(resources.vnets);
  const subnets = byId(resources.vnets.flatMap(subnetsOf));
  const publicIps = publicIpIndex(resources.publicIps);
  return {
    publicIp: (id) => publicIps.get(idKey(id)),
    subnet: (id) => subnets.get(idKey(id)),
    vnet: (id) => vnets.get(idKey(id)),
  };
}

/** Translates raw resources; a VM whose NIC is missing from `nics` keeps only the NICs that were found. */
export function translateResources(resources: ArmResources): EstateParts {
  const lookups = lookupsFor(resources);
  const nics = byId(resources.nics);
  const vms = resources.vms.map((raw) => {
    const interfaces = nicReferences(raw)
      .map((ref) => {
        const nic = nics.get(idKey(ref.id));
        return nic ? toInterface(nic, ref.primary, lookups) : undefined;
      })
      .filter((nic) => nic !== undefined);
    return toVm(raw, interfaces, powerStateOf(raw));
  });
  return {
    vms,
    nsgs: resources.nsgs.map(toNsg),
    firewalls: resources.firewalls.map((f) => toFirewall(f, lookups.publicIp)),
  };
}

/** One VM's network: the NSGs on its NICs and their subnets, and the classic firewalls in its VNets. */
export function networkOf(vm: Vm, nsgs: Map<string, Nsg>, firewalls: AzureFirewall[]): AzureVmNetwork {
  const attached: Record<string, Nsg> = {};
  for (const nic of vm.interfaces) {
    for (const id of [nic.subnetNsgId, nic.nsgId]) {
      const nsg = id ? nsgs.get(idKey(id)) : undefined;
      if (id && nsg) attached[id] = nsg;
    }
  }
  const vnets = new Set(
    vm.interfaces
      .map((n) => n.vnetId)
      .filter((id) => id !== undefined)
      .map(idKey),
  );
  return {
    cloud: 'azure',
    vm,
    nsgs: attached,
    firewalls: firewalls.filter((f) => f.vnetId !== undefined && vnets.has(idKey(f.vnetId))),
  };
}

export function assembleInventory(parts: EstateParts): InventoryItem[] {
  const nsgs = new Map(parts.nsgs.map((n) => [idKey(n.id), n]));
  return parts.vms.map((vm) => ({ vm, network: networkOf(vm, nsgs, parts.firewalls) }));
}
