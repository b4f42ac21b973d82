// bench/engine: the pure engine's two hot paths, against their targets.
//   classify 10,000 VMs, each behind its own NSG of 200 rules (target: < 100 ms in total)
//   plan one access request on an NSG of 1,000 rules            (target: < 1 ms)
// Worlds are built outside the timed part, fresh for every repetition (the evaluator caches compiled
// NSGs per object, so reusing a world would time a warm cache). Prints a table and one JSON line.
// Usage: npx tsc -p . && node out/bench/engine.js [--runs 7]
import { classify } from '../src/engine/classifier';
import { vmKeyOf } from '../src/engine/metadata';
import type { AzureVmNetwork, JitPolicy, Nsg, NsgProtocol, SecurityRule } from '../src/engine/model';
import { planEnable, planRequest } from '../src/engine/planner';
import { applyPlanToNetwork } from '../src/engine/simulate';

const VMS = 10_000;
const RULES_PER_NSG = 200;
const BIG_NSG_RULES = 1_000;
const NOW = Date.UTC(2025, 0, 2, 10, 0, 0);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Small deterministic PRNG (mulberry32), so every run times the same worlds. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PORTS = ['22', '80', '443', '3389', '5985-5986', '8000-8100', '1433', '*'];
const SOURCES = ['*', 'Internet', 'VirtualNetwork', '10.0.0.0/8', '203.0.113.0/24', '198.51.100.7'];
const PROTOCOLS: NsgProtocol[] = ['Tcp', 'Tcp', 'Udp', '*'];

function randomRules(count: number, rand: () => number): SecurityRule[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const rules: SecurityRule[] = [];
  for (let i = 0; i < count; i++) {
    const plural = rand() < 0.3;
    rules.push({
      name: `rule-${i}`,
      priority: 200 + i * 3,
      direction: 'Inbound',
      access: rand() < 0.7 ? 'Allow' : 'Deny',
      protocol: pick(PROTOCOLS),
      sourcePortRange: '*',
      ...(plural
        ? { sourceAddressPrefixes: ['10.1.0.0/16', `172.16.${i % 250}.0/24`] }
        : { sourceAddressPrefix: pick(SOURCES) }),
      destinationAddressPrefix: rand() < 0.5 ? '*' : `10.0.${i % 250}.0/24`,
      ...(plural ? { destinationPortRanges: [pick(PORTS), '9000'] } : { destinationPortRange: pick(PORTS) }),
    });
  }
  return rules;
}

function azureNet(i: number, rules: SecurityRule[]): AzureVmNetwork {
  const base = `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg${i % 50}/providers`;
  const nsg: Nsg = {
    id: `${base}/Microsoft.Network/networkSecurityGroups/nsg-${i}`,
    name: `nsg-${i}`,
    flushConnection: false,
    securityRules: rules,
    defaultSecurityRules: [],
  };
  return {
    cloud: 'azure',
    vm: {
      cloud: 'azure',
      id: `${base}/Microsoft.Compute/virtualMachines/vm-${i}`,
      name: `vm-${i}`,
      scope: {
        account: '00000000-0000-0000-0000-000000000001',
        region: 'westeurope',
        resourceGroup: `rg${i % 50}`,
      },
      os: 'linux',
      powerState: 'running',
      interfaces: [
        {
          id: `${base}/Microsoft.Network/networkInterfaces/nic-${i}`,
          primary: true,
          privateIps: [`10.0.${(i >> 8) & 255}.${i & 255 || 4}`],
          publicIps: [],
          nsgId: nsg.id,
          vnetId: `${base}/Microsoft.Network/virtualNetworks/vnet`,
          vnetAddressPrefixes: ['10.0.0.0/8'],
        },
      ],
    },
    nsgs: { [nsg.id]: nsg },
    firewalls: [],
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function benchClassify(runs: number): number {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const rand = prng(42 + r);
    const nets = Array.from({ length: VMS }, (_, i) => azureNet(i, randomRules(RULES_PER_NSG, rand)));
    const t0 = performance.now();
    for (const net of nets) classify(net);
    times.push(performance.now() - t0);
  }
  return median(times);
}

function benchPlan(runs: number): number {
  const rand = prng(7);
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const rules = randomRules(BIG_NSG_RULES, rand).map((x, i) => ({ ...x, priority: 300 + i * 3 }));
    const net = azureNet(1, rules);
    const policy: JitPolicy = {
      vmId: net.vm.id,
      ports: [22, 3389].map((port) => ({
        port,
        protocol: 'tcp',
        allowedSourcePrefixes: ['*'],
        maxDurationMs: 3 * 3_600_000,
      })),
      requireJustification: false,
    };
    const enabled = applyPlanToNetwork(net, planEnable(net, policy));
    const request = {
      vmId: net.vm.id,
      ports: [{ port: 22, protocol: 'tcp' as const }],
      source: '203.0.113.7/32',
      durationMs: 3_600_000,
      requester: `bench-${vmKeyOf(String(r))}@example.com`,
    };
    const t0 = performance.now();
    planRequest(enabled, request, NOW + r);
    times.push(performance.now() - t0);
  }
  return median(times);
}

const runs = arg('runs', 7);
const classifyMs = benchClassify(runs);
const planMs = benchPlan(Math.max(runs, 101));
const rows = [
  { measure: `classify ${VMS} VMs (NSGs of ${RULES_PER_NSG} rules)`, medianMs: classifyMs, targetMs: 100 },
  { measure: `plan one request (NSG of ${BIG_NSG_RULES} rules)`, medianMs: planMs, targetMs: 1 },
];
console.log('measure'.padEnd(48), 'median ms'.padStart(10), 'target ms'.padStart(10), ' met');
for (const r of rows) {
  console.log(
    r.measure.padEnd(48),
    r.medianMs.toFixed(3).padStart(10),
    `< ${r.targetMs}`.padStart(10),
    r.medianMs < r.targetMs ? ' yes' : ' NO',
  );
}
console.log(
  JSON.stringify({
    bench: 'engine',
    runs,
    classifyMs: Number(classifyMs.toFixed(3)),
    classifyTargetMs: 100,
    planRequestMs: Number(planMs.toFixed(4)),
    planRequestTargetMs: 1,
  }),
);
