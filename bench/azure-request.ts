// bench/azure-request: calls and wall time from "request" to "open and verified", against the
// minimum possible (one rule PUT per NSG in the path plus its long-running-operation polling and the
// SDK's final GET). The fresh read before planning is reported on its own: any correct tool needs it
// (Resource Graph lags writes), so it is not part of the ratio. Prints a table and one JSON line.
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

type Kind = 'write' | 'poll' | 'permission' | 'read';

/** What each served call was for, from its method and path. */
function kindOf(e: TrafficEntry): Kind {
  if (e.method !== 'GET') return 'write';
  if (/\/operations\/|\/operationResults\//i.test(e.path)) return 'poll';
  if (/Microsoft\.Authorization\/permissions/i.test(e.path)) return 'permission';
  return 'read';
}

/** The SDK ends each PUT's long-running operation with a GET of the resource written. */
function isLroFinalGet(e: TrafficEntry, writes: TrafficEntry[]): boolean {
  return (
    e.method === 'GET' &&
    writes.some((w) => w.method === 'PUT' && w.path.toLowerCase() === e.path.toLowerCase())
  );
}

interface Row {
  vm: string;
  request: number;
  verified: boolean;
  ms: number;
  /** Reads before the first write: the fresh read of the VM's network (the index lags writes). */
  freshRead: number;
  /** Permission checks (cached per NSG for the provider's lifetime). */
  permission: number;
  writes: number;
  polls: number;
  lroFinalGets: number;
  /** Any other read after the first write (a verify re-read). */
  extraReads: number;
  /** From the first write to "open and verified". */
  requestCalls: number;
  /** The writes, their polls and their final GETs. */
  minimum: number;
  ratio: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const latencyMs = Number(arg('latency', '30'));
  const requests = Number(arg('requests', '5'));
  const cloud = await startLocalCloud({ world: 'demo', realism: { latencyMs } });
  const rows: Row[] = [];
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
        const firstWrite = served.findIndex((e) => kindOf(e) === 'write');
        const before = served.slice(0, firstWrite);
        const after = served.slice(firstWrite);
        const count = (entries: TrafficEntry[], kind: Kind) =>
          entries.filter((e) => kindOf(e) === kind).length;
        const writeEntries = after.filter((e) => kindOf(e) === 'write');
        const lroFinalGets = after.filter(
          (e) => kindOf(e) === 'read' && isLroFinalGet(e, writeEntries),
        ).length;
        const writes = writeEntries.length;
        const polls = count(after, 'poll');
        const extraReads = count(after, 'read') - lroFinalGets;
        const minimum = writes + polls + lroFinalGets;
        const requestCalls = minimum + extraReads + count(after, 'permission');
        rows.push({
          vm: name,
          request: i + 1,
          verified: failures.length === 0 && result.calls === served.length,
          ms: Math.round(ms),
          freshRead: count(before, 'read'),
          permission: count(served, 'permission'),
          writes,
          polls,
          lroFinalGets,
          extraReads,
          requestCalls,
          minimum,
          ratio: +(requestCalls / minimum).toFixed(2),
        });
        await provider.execute(vmId, (net) => planRevoke(net, grant));
      }
    }
  } finally {
    await cloud.stop();
  }
  console.table(rows);
  const ratios = rows.map((r) => r.ratio);
  console.log(
    JSON.stringify({
      bench: 'azure-request',
      latencyMs,
      requests: rows.length,
      allVerified: rows.every((r) => r.verified),
      ratio: { max: Math.max(...ratios), median: median(ratios) },
      requestCalls: { median: median(rows.map((r) => r.requestCalls)) },
      minimum: { median: median(rows.map((r) => r.minimum)) },
      freshReadCalls: { median: median(rows.map((r) => r.freshRead)) },
      ms: { best: Math.min(...rows.map((r) => r.ms)), median: median(rows.map((r) => r.ms)) },
      rows,
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
