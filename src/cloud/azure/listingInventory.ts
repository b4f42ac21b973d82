// Inventory without Resource Graph (forbidden or unavailable): per subscription, one paged list per
// resource type, so every NSG, NIC and VNet is read once however many VMs share it.
import type { AzureClients } from './clients';
import { type ArmResources, type EstateParts, translateResources } from './assemble';
import type { ArmLike } from './translate';
import { idKey } from './armIds';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The VM model and its power state come from two lists (`statusOnly` returns the runtime status). */
function withPowerState(vms: ArmLike[], statuses: ArmLike[]): ArmLike[] {
  const byId = new Map(
    statuses.map((s) => [
      idKey((s as { id?: string }).id ?? ''),
      (s as { instanceView?: unknown }).instanceView,
    ]),
  );
  return vms.map((vm) => {
    const instanceView = byId.get(idKey((vm as { id?: string }).id ?? ''));
    return instanceView ? { ...vm, instanceView } : vm;
  });
}

export async function listSubscriptionResources(
  clients: AzureClients,
  subscription: string,
  signal?: AbortSignal,
): Promise<ArmResources> {
  const [network, compute] = await Promise.all([
    clients.networkClient(subscription),
    clients.computeClient(subscription),
  ]);
  const options = { abortSignal: signal };
  const [vms, statuses, nics, vnets, nsgs, firewalls, publicIps] = await Promise.all([
    collect(compute.virtualMachines.listAll(options)),
    collect(compute.virtualMachines.listAll({ ...options, statusOnly: 'true' })),
    collect(network.networkInterfaces.listAll(options)),
    collect(network.virtualNetworks.listAll(options)),
    collect(network.networkSecurityGroups.listAll(options)),
    collect(network.azureFirewalls.listAll(options)),
    collect(network.publicIPAddresses.listAll(options)),
  ]);
  return { vms: withPowerState(vms, statuses), nics, vnets, nsgs, firewalls, publicIps };
}

/** The estate of one subscription from seven paged lists. */
export async function listingEstate(
  clients: AzureClients,
  subscription: string,
  signal?: AbortSignal,
): Promise<EstateParts> {
  return translateResources(await listSubscriptionResources(clients, subscription, signal));
}
