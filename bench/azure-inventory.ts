// bench/azure-inventory: our inventory + classification (Resource Graph) against what editor
// integrations do today (list VMs per subscription, then GET each NIC, subnet and NSG), measured in
// the same run against the local cloud with per-call latency. Usage:
//   node out/bench/azure-inventory.js [--latency 30] [--worlds demo,50x200] [--concurrency 32]
import { AzureProvider, staticTokenCredential } from '../src/cloud/azure';
import { AzureClients } from '../src/cloud/azure/clients';
import { parentId, requireArmId } from '../src/cloud/azure/armIds';
import { assembleInventory, translateResources } from '../src/cloud/azure/assemble';
import { classify } from '../src/engine/classifier';
import type { InventoryItem } from '../src/cloud/provider';
import { startLocalCloud, type StartOptions } from '../src/localcloud/index';

interface Measured {
  calls: number;
  ms: number;
  statuses: Map<string, string>;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function statusesOf(items: InventoryItem[]): Map<string, string> {
  return new Map(items.map((i) => [i.vm.id.toLowerCase(), classify(i.network).status]));
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * The per-resource baseline: VMs (and firewalls) per subscription, then every NIC, subnet and NSG
 * read one by one, as each VM is expanded.
 */
async function baseline(
  clients: AzureClients,
  subscriptions: string[],
  concurrency: number,
): Promise<InventoryItem[]> {
  const perSubscription = await pool(subscriptions, concurrency, async (sub) => {
    const compute = await clients.computeClient(sub);
    const network = await clients.networkClient(sub);
    const vms = [];
    for await (const vm of compute.virtualMachines.listAll({ statusOnly: 'true' })) vms.push(vm);
    // Not what editors do, but without it the baseline could not classify VMs behind firewalls.
    const firewalls = [];
    for await (const fw of network.azureFirewalls.listAll()) firewalls.push(fw);
    return { vms, firewalls };
  });
  const vms = perSubscription.flatMap((s) => s.vms);
  const firewalls = perSubscription.flatMap((s) => s.firewalls);
  const get = async <T>(id: string, read: (rg: string, names: string[], sub: string) => Promise<T>) => {
    const ref = requireArmId(id);
    return read(ref.resourceGroup, ref.names, ref.subscription);
  };
  const perVm = await pool(vms, concurrency, async (vm) => {
    const nics = await Promise.all(
      (vm.networkProfile?.networkInterfaces ?? []).map((r) =>
        get(r.id!, async (rg, [name], sub) =>
          (await clients.networkClient(sub)).networkInterfaces.get(rg, name),
        ),
      ),
    );
    const subnetIds = nics.flatMap((n) =>
      (n.ipConfigurations ?? []).map((c) => c.subnet?.id).filter((id) => id !== undefined),
    );
    const subnets = await Promise.all(
      subnetIds.map((id) =>
        get(id, async (rg, [vnet, subnet], sub) =>
          (await clients.networkClient(sub)).subnets.get(rg, vnet, subnet),
        ),
      ),
    );
    const nsgIds = [
      ...nics.map((n) => n.networkSecurityGroup?.id),
      ...subnets.map((s) => s.networkSecurityGroup?.id),
    ];
    const nsgs = await Promise.all(
      nsgIds
        .filter((id) => id !== undefined)
        .map((id) =>
          get(id, async (rg, [name], sub) =>
            (await clients.networkClient(sub)).networkSecurityGroups.get(rg, name),
          ),
        ),
    );
    // A VNet shell carrying only the subnets read, so the shared translation can resolve subnet NSGs.
    const vnets = subnets.map((s) => ({ id: parentId(s.id!), subnets: [s] }));
    return assembleInventory(
      translateResources({ vms: [vm], nics, vnets, nsgs, firewalls, publicIps: [] }),
    )[0];
  });
  return perVm;
}

async function measure(fn: () => Promise<InventoryItem[]>, counter: () => number): Promise<Measured> {
  const before = counter();
  const start = process.hrtime.bigint();
  const items = await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { calls: counter() - before, ms, statuses: statusesOf(items) };
}

async function benchWorld(
  label: string,
  world: StartOptions['world'],
  latencyMs: number,
  concurrency: number,
) {
  const cloud = await startLocalCloud({ world, realism: { latencyMs } });
  try {
    const { endpoint, caPem, principals } = cloud.info.azure;
    const token = principals.find((p) => p.name === 'alice')!.token;
    const connection = { credential: staticTokenCredential(token), endpoint, caPem };
    const provider = new AzureProvider({ ...connection, inventorySource: 'resourceGraph' });
    const ours = await measure(
      async () => (await provider.inventory()).items,
      () => provider.calls,
    );
    const subscriptions = (await provider.listScopes()).map((s) => s.id);
    const clients = new AzureClients(connection);
    const theirs = await measure(
      () => baseline(clients, subscriptions, concurrency),
      () => clients.counter.calls,
    );
    const differing = [...theirs.statuses].filter(([id, s]) => ours.statuses.get(id) !== s).length;
    const count = (m: Measured, status: string) =>
      [...m.statuses.values()].filter((s) => s === status).length;
    console.log(
      JSON.stringify({
        world: label,
        latencyMs,
        vms: ours.statuses.size,
        ours: { calls: ours.calls, ms: Math.round(ours.ms) },
        baseline: { calls: theirs.calls, ms: Math.round(theirs.ms), concurrency },
        callRatio: +(theirs.calls / ours.calls).toFixed(1),
        timeRatio: +(theirs.ms / ours.ms).toFixed(1),
        sameClassifications: differing === 0 && theirs.statuses.size === ours.statuses.size,
        differing,
        classes: {
          unhealthy: count(ours, 'unhealthy'),
          healthy: count(ours, 'healthy'),
          notApplicable: count(ours, 'notApplicable'),
        },
      }),
    );
  } finally {
    await cloud.stop();
  }
}

async function main(): Promise<void> {
  const latencyMs = Number(arg('latency', '30'));
  const concurrency = Number(arg('concurrency', '32'));
  for (const w of arg('worlds', 'demo,50x200').split(',')) {
    if (w === 'demo') await benchWorld('demo', 'demo', latencyMs, concurrency);
    else {
      const [subscriptions, vmsPerSubscription] = w.split('x').map(Number);
      await benchWorld(w, { generate: { subscriptions, vmsPerSubscription } }, latencyMs, concurrency);
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
