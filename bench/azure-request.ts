// bench/azure-request: calls and wall time from "request" to "open and verified", against the
// minimum possible (one rule PUT per NSG in the path plus its long-running-operation polling).
// Usage: node out/bench/azure-request.js [--latency 30] [--requests 5]
import { AzureProvider, staticTokenCredential } from '../src/cloud/azure';
import { grantsOf } from '../src/engine/jitState';
import type { VmNetwork } from '../src/engine/model';
import { planEnable, planRequest, planRevoke } from '../src/engine/planner';
import { verifyGrant } from '../src/engine/verify';
import { startLocalCloud, type TrafficEntry } from '../src/localcloud/index';

// NIC + subnet NSG, and subnet NSG only (the demo's firewall VM has no NSG, which enable requires).
const VMS = ['web-01', 'app-01'];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** What each served call was for, from its method and path. */
function kindOf(e: TrafficEntry): 'write' | 'poll' | 'permission' | 'read' {
  if (e.method !== 'GET') return 'write';
  if (/\/operations\/|\/operationResults\//i.test(e.path)) return 'poll';
  if (/Microsoft\.Authorization\/permissions/i.test(e.path)) return 'permission';
  return 'read';
}

async function main(): Promise<void> {
  const latencyMs = Number(arg('latency', '30'));
  const requests = Number(arg('requests', '5'));
  const cloud = await startLocalCloud({ world: 'demo', realism: { latencyMs } });
  try {
    const { endpoint, caPem, principals } = cloud.info.azure;
    const provider = new AzureProvider({
      credential: staticTokenCredential(principals.find((p) => p.name === 'alice')!.token),
      endpoint,
      caPem,
      identity: 'alice',
      lroPollIntervalMs: 50,
    });
    const all = (await provider.inventory()).items;
    for (const name of VMS) {
      const vmId = all.find((i) => i.vm.name === name)!.vm.id;
      const policy = {
        vmId,
        ports: [
          { port: 22, protocol: 'tcp' as const, allowedSourcePrefixes: ['*'], maxDurationMs: 3 * 3_600_000 },
        ],
        requireJustification: false,
      };
      await provider.execute(vmId, (net) => planEnable(net, policy));
      for (let i = 0; i < requests; i++) {
        const since = cloud.traffic.entries().length;
        const start = process.hrtime.bigint();
        let plannedId = '';
        const result = await provider.execute(vmId, (net: VmNetwork) => {
          const planned = planRequest(
            net,
            {
              vmId,
              ports: [{ port: 22, protocol: 'tcp' }],
              source: `203.0.113.${i + 1}/32`,
              durationMs: 3_600_000,
              requester: 'alice',
            },
            Date.now(),
          );
          plannedId = planned.grant.id;
          return planned.plan;
        });
        const grant = grantsOf(result.after).find((g) => g.id === plannedId)!;
        const failures = verifyGrant(result.before, result.after, grant);
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        const served = cloud.traffic.entries().slice(since);
        const by = { write: 0, poll: 0, permission: 0, read: 0 };
        for (const e of served) by[kindOf(e)]++;
        const writesNeeded = result.plan.ops.length;
        // The SDK's LRO for a PUT: the PUT, its status polls, and the final GET of the resource.
        const lroFinalGets = writesNeeded;
        const minimum = by.write + by.poll + lroFinalGets;
        const freshRead = by.read - lroFinalGets - writesNeeded; // the verify re-read reads each written NSG once
        console.log(
          JSON.stringify({
            vm: name,
            request: i + 1,
            verified: failures.length === 0,
            ms: Math.round(ms),
            calls: result.calls,
            minimum,
            ratio: +(result.calls / minimum).toFixed(2),
            breakdown: {
              writes: by.write,
              polls: by.poll,
              lroFinalGets,
              freshRead,
              permission: by.permission,
              verifyReread: writesNeeded,
            },
            ratioWithoutFreshRead: +((result.calls - freshRead) / minimum).toFixed(2),
          }),
        );
        await provider.execute(vmId, (net) => planRevoke(net, grant));
      }
    }
  } finally {
    await cloud.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
