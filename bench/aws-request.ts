// bench/aws-request: calls and wall time from "request" to "open and verified" on EC2, against the
// minimum possible (one AuthorizeSecurityGroupIngress, one round trip). Runs the real provider and
// SDK against the local cloud with a configurable per-call latency (and, with --moto, moto_server).
//   npx tsc -p . && node out/bench/aws-request.js [--latency 40] [--runs 5] [--moto]
import { performance } from 'node:perf_hooks';
import { AwsProvider } from '../src/cloud/aws/provider';
import { grantsOf } from '../src/engine/jitState';
import type { AccessRequest } from '../src/engine/model';
import { planDisable, planEnable, planRequest, planRevoke } from '../src/engine/planner/index';
import { verifyGrant } from '../src/engine/verify';
import {
  startLocalCloudBackend,
  startMotoBackend,
  type AwsBackend,
} from '../test/integration/cloud/awsBackends';

const INSTANCE = 'api-east-1';
const HOUR = 3_600_000;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

interface Sample {
  wallMs: number;
  calls: number;
  byAction: Record<string, number>;
}

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}

async function bench(backend: AwsBackend, runs: number, latencyMs: number | undefined): Promise<void> {
  const provider = new AwsProvider({
    regions: backend.regions,
    endpoint: backend.endpoint,
    profiles: backend.adminProfiles,
    sharedFiles: backend.sharedFiles,
  });
  try {
    // As in the editor: the tree was loaded (inventory) and JIT is enabled before anyone requests.
    const inventory = await provider.inventory();
    const vmId = inventory.items.find((i) => i.vm.name === INSTANCE)!.vm.id;
    await provider.execute(vmId, (net) =>
      planEnable(net, {
        vmId,
        ports: [{ port: 22, protocol: 'tcp', allowedSourcePrefixes: ['*'], maxDurationMs: 3 * HOUR }],
        requireJustification: false,
      }),
    );
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      const now = Date.now();
      const request: AccessRequest = {
        vmId,
        ports: [{ port: 22, protocol: 'tcp' }],
        source: `198.51.100.${10 + i}/32`,
        durationMs: HOUR,
        requester: 'bench@example.com',
      };
      const before = { ...provider.calls.byAction };
      const t0 = performance.now();
      const result = await provider.execute(vmId, (net) => planRequest(net, request, now).plan);
      const grant = grantsOf(result.after).find((g) => g.source === request.source);
      const failures = grant ? verifyGrant(result.before, result.after, grant) : ['grant not found'];
      const wallMs = performance.now() - t0;
      if (failures.length) throw new Error(`request not verified: ${failures.join('; ')}`);
      samples.push({ wallMs, calls: result.calls, byAction: diff(provider.calls.byAction, before) });
      await provider.execute(vmId, (net) =>
        planRevoke(
          net,
          grantsOf(net).find((g) => g.source === request.source)!,
        ),
      );
    }
    await provider.execute(vmId, (net) => planDisable(net));
    const walls = samples.map((s) => s.wallMs).sort((a, b) => a - b);
    const median = walls[Math.floor(walls.length / 2)];
    const last = samples[samples.length - 1];
    console.log(
      JSON.stringify({
        bench: 'aws-request',
        backend: backend.name,
        latencyMsPerCall: latencyMs ?? null,
        runs,
        calls: last.calls,
        byAction: last.byAction,
        wallMs: {
          median: Math.round(median),
          min: Math.round(walls[0]),
          max: Math.round(walls[walls.length - 1]),
        },
        wallInCallLatencies: latencyMs ? Math.round((median / latencyMs) * 10) / 10 : null,
        minimum: { calls: 1, action: 'AuthorizeSecurityGroupIngress', wallMs: latencyMs ?? null },
      }),
    );
  } finally {
    provider.dispose();
  }
}

async function main(): Promise<void> {
  const runs = arg('runs', 5);
  const latencyMs = arg('latency', 40);
  const local = await startLocalCloudBackend({ latencyMs });
  try {
    await bench(local, runs, latencyMs);
  } finally {
    await local.stop();
  }
  if (process.argv.includes('--moto')) {
    const moto = await startMotoBackend();
    try {
      await bench(moto, runs, undefined);
    } finally {
      await moto.stop();
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
