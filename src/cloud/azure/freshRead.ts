// A fresh read of one VM's network state straight from ARM (Resource Graph lags writes by seconds):
// VM -> its NICs -> their VNets, NIC NSGs and public IPs -> subnet NSGs and the classic firewalls in
// those VNets -> the firewalls' public IPs. Each stage's reads run side by side.
import type { NetworkManagementClient, AzureFirewall as SdkFirewall } from '@azure/arm-network';
import type { AzureVmNetwork } from '../../engine/model';
import { VmNotFoundError } from '../errors';
import type { AzureClients } from './clients';
import { idKey, parentId, requireArmId, sameId } from './armIds';
import { networkOf, translateResources } from './assemble';
import { type ArmLike, flat, subnetsOf, toFirewall, toNsg } from './translate';
import { statusOf } from './armErrors';

export interface FreshNetwork {
  network: AzureVmNetwork;
  /** The firewalls as the SDK returned them: a DNAT change PUTs the whole resource back. */
  firewalls: Map<string, SdkFirewall>;
}

const FIREWALL_SUBNET = 'azurefirewallsubnet';

function unique(ids: (string | undefined)[]): string[] {
  const seen = new Map<string, string>();
  for (const id of ids) if (id && !seen.has(idKey(id))) seen.set(idKey(id), id);
  return [...seen.values()];
}

export async function readVmNetwork(
  clients: AzureClients,
  vmId: string,
  signal?: AbortSignal,
): Promise<FreshNetwork> {
  const vmRef = requireArmId(vmId);
  const options = { abortSignal: signal };
  const compute = await clients.computeClient(vmRef.subscription);
  const vm = await compute.virtualMachines
    .get(vmRef.resourceGroup, vmRef.names[0], { ...options, expand: 'instanceView' })
    .catch((e: unknown) => {
      throw statusOf(e) === 404 ? new VmNotFoundError(vmId) : e;
    });

  /** Reads the network resource `id` with the client of its own subscription. */
  const read = async <T>(
    id: string,
    op: (client: NetworkManagementClient, rg: string, name: string) => Promise<T>,
  ) => {
    const ref = requireArmId(id);
    return op(await clients.networkClient(ref.subscription), ref.resourceGroup, ref.names[0]);
  };

  const nicIds = unique((vm.networkProfile?.networkInterfaces ?? []).map((r) => r.id));
  const nics = await Promise.all(
    nicIds.map(async (id) => read(id, (c, rg, name) => c.networkInterfaces.get(rg, name, options))),
  );
  const configs = nics.flatMap((n) => n.ipConfigurations ?? []);
  const vnetIds = unique(configs.map((c) => (c.subnet?.id ? parentId(c.subnet.id) : undefined)));
  const nicPublicIpIds = unique(configs.map((c) => c.publicIPAddress?.id));

  const [vnets, nicNsgs, nicPublicIps] = await Promise.all([
    Promise.all(vnetIds.map((id) => read(id, (c, rg, name) => c.virtualNetworks.get(rg, name, options)))),
    Promise.all(
      unique(nics.map((n) => n.networkSecurityGroup?.id)).map((id) =>
        read(id, (c, rg, name) => c.networkSecurityGroups.get(rg, name, options)),
      ),
    ),
    Promise.all(
      nicPublicIpIds.map((id) => read(id, (c, rg, name) => c.publicIPAddresses.get(rg, name, options))),
    ),
  ]);

  const subnetNsgIds = unique(
    vnets
      .flatMap((v) => subnetsOf(v))
      .map((s) => flat<{ id?: string; networkSecurityGroup?: { id?: string } }>(s))
      .filter((s) => nics.some((n) => (n.ipConfigurations ?? []).some((c) => sameId(c.subnet?.id, s.id))))
      .map((s) => s.networkSecurityGroup?.id)
      .filter((id) => !nicNsgs.some((n) => sameId(n.id, id))),
  );
  const [subnetNsgs, firewalls] = await Promise.all([
    Promise.all(
      subnetNsgIds.map((id) => read(id, (c, rg, name) => c.networkSecurityGroups.get(rg, name, options))),
    ),
    readFirewalls(clients, vnets, vmRef.subscription, signal),
  ]);
  const firewallPublicIps = await Promise.all(
    unique(firewalls.flatMap((f) => (f.ipConfigurations ?? []).map((c) => c.publicIPAddress?.id))).map((id) =>
      read(id, (c, rg, name) => c.publicIPAddresses.get(rg, name, options)),
    ),
  );

  const parts = translateResources({
    vms: [vm],
    nics,
    vnets,
    nsgs: [...nicNsgs, ...subnetNsgs],
    firewalls,
    publicIps: [...nicPublicIps, ...firewallPublicIps],
  });
  const nsgs = new Map(parts.nsgs.map((n) => [idKey(n.id), n]));
  return {
    network: networkOf(parts.vms[0], nsgs, parts.firewalls),
    firewalls: new Map(firewalls.map((f) => [idKey(f.id ?? ''), f])),
  };
}

/**
 * Classic firewalls sit in their VNet's `AzureFirewallSubnet`. ARM lists the IP configurations using a
 * subnet on the subnet itself, which names the firewall; when it does not, list the subscription's
 * firewalls and keep those in the VNet.
 */
async function readFirewalls(
  clients: AzureClients,
  vnets: ArmLike[],
  subscription: string,
  signal?: AbortSignal,
): Promise<SdkFirewall[]> {
  const options = { abortSignal: signal };
  const firewallSubnets = vnets
    .flatMap((v) => subnetsOf(v))
    .map((s) => flat<{ id?: string; name?: string; ipConfigurations?: { id?: string }[] }>(s))
    .filter((s) => s.name?.toLowerCase() === FIREWALL_SUBNET);
  if (firewallSubnets.length === 0) return [];
  const named = unique(
    firewallSubnets
      .flatMap((s) => s.ipConfigurations ?? [])
      .map((c) => c.id)
      .filter((id) => id !== undefined && /\/providers\/Microsoft\.Network\/azureFirewalls\//i.test(id))
      .map((id) => parentId(id as string)),
  );
  if (named.length > 0) {
    return Promise.all(
      named.map(async (id) => {
        const ref = requireArmId(id);
        return (await clients.networkClient(ref.subscription)).azureFirewalls.get(
          ref.resourceGroup,
          ref.names[0],
          options,
        );
      }),
    );
  }
  const network = await clients.networkClient(subscription);
  const all: SdkFirewall[] = [];
  for await (const f of network.azureFirewalls.listAll(options)) all.push(f);
  return all.filter((f) =>
    (f.ipConfigurations ?? []).some((c) => firewallSubnets.some((s) => sameId(s.id, c.subnet?.id))),
  );
}

/**
 * The VM's network with the given NSGs and firewalls read again: after our writes only they changed,
 * so the verify re-read need not walk VM -> NIC -> VNet again.
 */
export async function rereadResources(
  clients: AzureClients,
  fresh: FreshNetwork,
  resourceIds: string[],
  signal?: AbortSignal,
): Promise<FreshNetwork> {
  const options = { abortSignal: signal };
  const ids = unique(resourceIds);
  const isFirewall = (id: string) => /\/azureFirewalls\//i.test(id);
  const read = async <T>(
    id: string,
    op: (client: NetworkManagementClient, rg: string, name: string) => Promise<T>,
  ) => {
    const ref = requireArmId(id);
    return op(await clients.networkClient(ref.subscription), ref.resourceGroup, ref.names[0]);
  };
  const [nsgs, firewalls] = await Promise.all([
    Promise.all(
      ids
        .filter((id) => !isFirewall(id))
        .map((id) => read(id, (c, rg, name) => c.networkSecurityGroups.get(rg, name, options))),
    ),
    Promise.all(
      ids.filter(isFirewall).map((id) => read(id, (c, rg, name) => c.azureFirewalls.get(rg, name, options))),
    ),
  ]);
  const network = fresh.network;
  const nsgById = new Map(nsgs.map((n) => [idKey(n.id ?? ''), toNsg(n)]));
  const knownIps = new Map(network.firewalls.map((f) => [idKey(f.id), f.publicIps]));
  const fwById = new Map(
    firewalls.map((f) => {
      // A firewall's public addresses do not change with its rules: keep the ones already resolved.
      const translated = toFirewall(f, () => undefined);
      return [idKey(translated.id), { ...translated, publicIps: knownIps.get(idKey(translated.id)) ?? [] }];
    }),
  );
  return {
    network: {
      ...network,
      nsgs: Object.fromEntries(
        Object.entries(network.nsgs).map(([id, n]) => [id, nsgById.get(idKey(id)) ?? n]),
      ),
      firewalls: network.firewalls.map((f) => fwById.get(idKey(f.id)) ?? f),
    },
    firewalls: new Map([...fresh.firewalls, ...firewalls.map((f) => [idKey(f.id ?? ''), f] as const)]),
  };
}
