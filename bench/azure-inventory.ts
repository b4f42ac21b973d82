// bench/azure-inventory: our inventory + classification (Resource Graph) against what editor
// integrations do today (list VMs per subscription, then GET each NIC, subnet and NSG), measured in
// the same run against the local cloud with per-call latency. Ours runs `--runs` times, each with a
// new provider; the first run also pays for the local cloud computing its Resource Graph result sets
// (later runs reuse them while the world is unchanged). Prints a table and one JSON line. Usage:
//   node out/bench/azure-inventory.js [--latency 30] [--worlds demo,50x200] [--concurrency 32] [--runs 3]
import { AzureProvider, staticTokenCredential } from '../src/cloud/azure';
import { AzureClients } from '../src/cloud/azure/clients';
import { parentId, requireArmId } from '../src/cloud/azure/armIds';
import { assembleInventory, translateResources } from '../src/cloud/azure/assemble';
import { classify } from '../src/engine/classifier';
import type { InventoryItem } from '../src/cloud/provider';
import { startLocalCloud, type StartOptions } from '../src/localcloud/index';

interface Measured {
  calls: number;
  /** Inventory and classification, wall time. */
  ms: number;
  inventoryMs: number;
  classifyMs: number;
  statuses: Map<string, string>;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
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

const elapsedMs = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function measure(fn: () => Promise<InventoryItem[]>, counter: () => number): Promise<Measured> {
  const before = counter();
  const start = process.hrtime.bigint();
  const items = await fn();
  const inventoryMs = elapsedMs(start);
  const classifying = process.hrtime.bigint();
  const statuses = new Map(items.map((i) => [i.vm.id.toLowerCase(), classify(i.network).status]));
  const classifyMs = elapsedMs(classifying);
  return { calls: counter() - before, ms: elapsedMs(start), inventoryMs, classifyMs, statuses };
}

const round = (ms: number) => Math.round(ms);

async function benchWorld(
  label: string,
  world: StartOptions['world'],
  latencyMs: number,
  concurrency: number,
  runs: number,
) {
  const cloud = await startLocalCloud({ world, realism: { latencyMs } });
  try {
    const { endpoint, caPem, principals } = cloud.info.azure;
    const token = principals.find((p) => p.name === 'alice')!.token;
    const connection = { credential: staticTokenCredential(token), endpoint, caPem };
    const oursRuns: Measured[] = [];
    let subscriptions: string[] = [];
    for (let run = 0; run < runs; run++) {
      const provider = new AzureProvider({ ...connection, inventorySource: 'resourceGraph' });
      oursRuns.push(
        await measure(
          async () => (await provider.inventory()).items,
          () => provider.calls,
        ),
      );
      subscriptions = (await provider.listScopes()).map((s) => s.id);
    }
    const clients = new AzureClients(connection);
    const theirs = await measure(
      () => baseline(clients, subscriptions, concurrency),
      () => clients.counter.calls,
    );
    const ours = oursRuns[0];
    const sorted = [...oursRuns].sort((a, b) => a.ms - b.ms);
    const best = sorted[0];
    const typical = sorted[Math.floor(sorted.length / 2)];
    const differing = [...theirs.statuses].filter(([id, s]) => ours.statuses.get(id) !== s).length;
    const same =
      differing === 0 &&
      theirs.statuses.size === ours.statuses.size &&
      oursRuns.every((r) => [...r.statuses].every(([id, s]) => ours.statuses.get(id) === s));
    const count = (m: Measured, status: string) =>
      [...m.statuses.values()].filter((s) => s === status).length;
    const row = (name: string, m: Measured) => ({
      path: name,
      calls: m.calls,
      ms: round(m.ms),
      inventoryMs: round(m.inventoryMs),
      classifyMs: round(m.classifyMs),
    });
    console.log(`\n${label}: ${ours.statuses.size} VMs, ${latencyMs} ms per call`);
    console.table([
      ...oursRuns.map((m, i) => row(`ours, run ${i + 1}`, m)),
      row(`baseline (per resource, ${concurrency} at once)`, theirs),
    ]);
    console.log(
      JSON.stringify({
        bench: 'azure-inventory',
        world: label,
        latencyMs,
        vms: ours.statuses.size,
        ours: {
          calls: ours.calls,
          firstRunMs: round(ours.ms),
          bestMs: round(best.ms),
          typicalMs: round(typical.ms),
          runsMs: oursRuns.map((m) => round(m.ms)),
          inventoryMs: oursRuns.map((m) => round(m.inventoryMs)),
          classifyMs: oursRuns.map((m) => round(m.classifyMs)),
        },
        baseline: { calls: theirs.calls, ms: round(theirs.ms), concurrency },
        callRatio: +(theirs.calls / ours.calls).toFixed(1),
        timeRatio: {
          firstRun: +(theirs.ms / ours.ms).toFixed(1),
          typical: +(theirs.ms / typical.ms).toFixed(1),
        },
        sameClassifications: same,
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
  const runs = Math.max(1, Number(arg('runs', '3')));
  for (const w of arg('worlds', 'demo,50x200').split(',')) {
    if (w === 'demo') await benchWorld('demo', 'demo', latencyMs, concurrency, runs);
    else {
      const [subscriptions, vmsPerSubscription] = w.split('x').map(Number);
      await benchWorld(w, { generate: { subscriptions, vmsPerSubscription } }, latencyMs, concurrency, runs);
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
