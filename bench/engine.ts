// bench/engine: the pure engine's two hot paths, against their targets.
//   classify 10,000 VMs, each with its own NIC NSG of 200 rules behind a shared subnet NSG
//                                                                 (target: well under 100 ms in total)
//   plan one access request on an NSG of 1,000 rules             (target: < 1 ms)
//
// The world is meant to look like a real subscription's: every NIC NSG has its own rules, most of
// them application rules (web 80/443 from the Internet, app and DB ports from the VNet or specific
// subnets, partner ranges, service tags, AzureLoadBalancer, UDP/ICMP, denies for SMB/RPC, IPv6, ASG
// destinations, outbound rules) and a handful about management ports: about 3.5% of inbound rules
// name 22/3389/5985/5986 (from offices, the bastion subnet or the VNet, denies from the Internet,
// very rarely one open to everybody) and about 1.5% cover every port (VNet, load balancer, deny-all).
// Each subnet NSG starts with a gate for the management ports: most turn the Internet away, one in
// eight admits three office ranges, one in eight (a DMZ) leaves it to the rules below, so only a
// minority of VMs are exposed. Some VMs are dual-stack, some carry Defender JIT's deny rule; rule
// objects have the varied shapes the Azure provider produces (optional fields only when set) and
// per-VM destination addresses. The printed world line gives the resulting shares and counts.
//
// Classification is timed three ways:
//   first  the very first classification in this process (code not yet optimised, every cache empty)
//   cold   a freshly generated world whose objects were never seen before (the string caches may be
//          warm from an earlier world: the same prefixes and port texts recur across refreshes)
//   warm   the same world's objects classified again: the NSGs are compiled already, the per-VM work
//          is redone (nothing is remembered per VM)
// and beside them a baseline from the same run: the time to merely read every rule's name and
// destination ports once, on a fresh world — the floor for any engine that looks at each rule (the
// world is about 1 GB of objects; reading them is bound by memory, not by the engine's logic).
// It also prints the heap the world takes and what classifying it leaves behind (compiled NSGs,
// text caches). Timings are printed, never asserted. Prints a table and one JSON line.
// Usage: npx tsc -p . && node out/bench/engine.js [--runs 7]
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { classify } from '../src/engine/classifier';
import { foundGrantsOf, policyOf } from '../src/engine/jitState';
import { vmKeyOf } from '../src/engine/metadata';
import type {
  AzureVmNetwork,
  JitPolicy,
  NetworkInterface,
  Nsg,
  NsgProtocol,
  SecurityRule,
} from '../src/engine/model';
import { planEnable, planRequest } from '../src/engine/planner';
import { applyPlanToNetwork } from '../src/engine/simulate';

const VMS = 10_000;
const VMS_PER_SUBNET = 250;
const RULES_PER_NSG = 200;
const RULES_PER_SUBNET_NSG = 60;
const BIG_NSG_RULES = 1_000;
const NOW = Date.UTC(2025, 0, 2, 10, 0, 0);
const SUB = '00000000-0000-0000-0000-000000000001';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Collects the previous world before a timed run, so its garbage is not charged to the next one. */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Small deterministic PRNG (mulberry32), so every run builds the same world. */
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

// ---------------------------------------------------------------- the world

interface Place {
  /** The VM's private IPv4 address (NIC NSGs) or the subnet's prefix (subnet NSGs). */
  target: string;
  subnet: string;
  /** The VNet's bastion subnet, where admins come from. */
  bastion: string;
  /** Set on the few dual-stack VMs. */
  targetV6?: string;
}

type Draw = () => number;
type RuleBody = Omit<SecurityRule, 'name' | 'priority' | 'direction'>;

const OFFICES = [
  '203.0.113.0/24',
  '198.51.100.0/26',
  '192.0.2.10',
  '52.174.20.0/24',
  '20.61.15.128/25',
  '81.2.69.160/27',
  '2001:db8:1234::/48',
];
const SERVICE_TAGS = ['AzureCloud', 'Storage.WestEurope', 'GatewayManager', 'AzureMonitor', 'Sql'];
const MANAGEMENT = ['22', '3389', '5985-5986', '5986'];
const WEB = ['80', '443', '8080-8090', '8443'];
const APP = ['8000', '8081', '9000-9100', '5672', '6443', '9200'];
const DB = ['1433', '5432', '3306', '6379', '27017'];
const PARTNERS = ['52.174.20.0/24', '20.61.15.128/25', '81.2.69.160/27', '198.51.100.64/26'];

function pick<T>(rand: Draw, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)];
}

/** A fresh copy of a string, as a JSON parser would hand it over (not the interned literal). */
function fresh(text: string): string {
  return text.length === 0 ? text : `${text.slice(0, 1)}${text.slice(1)}`;
}

function body(
  access: 'Allow' | 'Deny',
  protocol: NsgProtocol,
  sources: readonly string[],
  ports: readonly string[],
  destinations: readonly string[],
  extra: Partial<SecurityRule> = {},
): RuleBody {
  // The provider keeps the plural field only when the service filled it.
  const src =
    sources.length > 1
      ? { sourceAddressPrefixes: sources.map(fresh) }
      : { sourceAddressPrefix: fresh(sources[0]) };
  const dst =
    destinations.length === 0
      ? {}
      : destinations.length > 1
        ? { destinationAddressPrefixes: destinations.map(fresh) }
        : { destinationAddressPrefix: fresh(destinations[0]) };
  const prt =
    ports.length > 1
      ? { destinationPortRanges: ports.map(fresh) }
      : { destinationPortRange: fresh(ports[0]) };
  return { access, protocol, ...src, sourcePortRange: '*', ...dst, ...prt, ...extra };
}

/** One inbound rule from the pool of common patterns, aimed at `place`. */
function inboundRule(place: Place, rand: Draw): RuleBody {
  const own = (): string[] => {
    const r = rand();
    if (place.targetV6 && r < 0.1) return [place.target, place.targetV6];
    return r < 0.5 ? [place.target] : r < 0.7 ? [place.subnet] : r < 0.85 ? ['*'] : ['VirtualNetwork'];
  };
  const r = rand();
  // Management ports (about 3.5% of inbound rules name one): from offices, the bastion subnet or the
  // VNet, denies from the Internet, and very rarely one open to everybody.
  if (r < 0.012) return body('Allow', 'Tcp', [pick(rand, OFFICES)], [pick(rand, MANAGEMENT)], own());
  if (r < 0.022)
    return body(
      'Allow',
      'Tcp',
      [pick(rand, [place.bastion, 'VirtualNetwork'])],
      [pick(rand, MANAGEMENT)],
      own(),
    );
  if (r < 0.027) {
    const offices = [pick(rand, OFFICES), pick(rand, OFFICES), pick(rand, OFFICES)];
    return body('Allow', 'Tcp', offices, ['22', '3389', pick(rand, WEB)], own());
  }
  if (r < 0.034) return body('Deny', 'Tcp', [pick(rand, ['Internet', '*'])], [pick(rand, MANAGEMENT)], own());
  if (r < 0.035)
    return body(
      'Allow',
      'Tcp',
      [pick(rand, ['Internet', '*', '0.0.0.0/0', 'Any'])],
      [pick(rand, MANAGEMENT)],
      own(),
    );
  // Every port (about 1.5%): the VNet, the load balancer's probes, a deny-all near the bottom.
  if (r < 0.041) return body('Allow', '*', ['VirtualNetwork'], ['*'], ['VirtualNetwork']);
  if (r < 0.045) return body('Allow', '*', ['AzureLoadBalancer'], ['*'], ['*']);
  if (r < 0.05)
    return body('Deny', '*', ['*'], ['*'], own(), { sourcePortRange: pick(rand, ['*', '1024-65535']) });
  // Application traffic: the bulk of a real NSG.
  if (r < 0.25) return body('Allow', 'Tcp', [pick(rand, ['*', 'Internet'])], [pick(rand, WEB)], own());
  if (r < 0.27)
    return body('Allow', 'Tcp', [pick(rand, ['2001:db8:1234::/48', '::/0'])], [pick(rand, WEB)], ['*']);
  if (r < 0.52)
    return body('Allow', 'Tcp', [pick(rand, ['VirtualNetwork', place.subnet])], [pick(rand, APP)], own());
  if (r < 0.66)
    return body(
      'Allow',
      'Tcp',
      [place.subnet, pick(rand, ['10.200.0.0/16', '10.201.4.0/22'])],
      [pick(rand, DB)],
      own(),
    );
  if (r < 0.74) return body('Allow', 'Tcp', [pick(rand, PARTNERS)], [pick(rand, [...WEB, ...APP])], own());
  if (r < 0.82)
    return body(
      'Allow',
      'Tcp',
      [pick(rand, SERVICE_TAGS)],
      [pick(rand, ['443', '65200-65535', '1433'])],
      own(),
    );
  if (r < 0.87)
    return body(
      'Deny',
      pick(rand, ['Tcp', '*'] as const),
      [pick(rand, ['Internet', '45.33.0.0/16'])],
      [pick(rand, ['445', '135-139', '1433'])],
      own(),
    );
  if (r < 0.92) return body('Allow', 'Udp', ['*'], [pick(rand, ['53', '123', '500', '4500'])], own());
  if (r < 0.94) return body('Allow', 'Icmp', ['*'], ['*'], own());
  return body('Allow', 'Tcp', ['VirtualNetwork'], [pick(rand, [...APP, ...DB])], [], {
    destinationApplicationSecurityGroupIds: [
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/asg-db`,
    ],
  });
}

function outboundRule(rand: Draw): RuleBody {
  return body(
    pick(rand, ['Allow', 'Deny'] as const),
    'Tcp',
    ['VirtualNetwork'],
    [pick(rand, [...WEB, ...APP])],
    [pick(rand, ['Internet', 'Storage', '*'])],
  );
}

/** Priorities 100 and 101 are kept for the subnet NSGs' gate rules. */
const FIRST_DRAWN_PRIORITY = 102;

/** `count` distinct priorities in 102-4096, in random order (the service lists rules by name, not priority). */
function priorities(count: number, rand: Draw): number[] {
  const all = Array.from({ length: 4097 - FIRST_DRAWN_PRIORITY }, (_, i) => FIRST_DRAWN_PRIORITY + i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rand() * (all.length - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, count);
}

function nsgRules(place: Place, count: number, rand: Draw, defenderJit: boolean): SecurityRule[] {
  const inboundPriorities = priorities(count, rand);
  const rules: SecurityRule[] = [];
  for (let i = 0; i < count; i++) {
    const inbound = rand() < 0.85;
    const name = `${inbound ? 'in' : 'out'}-rule-${i}`;
    const b = inbound ? inboundRule(place, rand) : outboundRule(rand);
    rules.push({
      name,
      etag: `W/"${Math.floor(rand() * 1e9).toString(16)}"`,
      priority: inbound ? inboundPriorities[i] : 100 + i,
      direction: inbound ? 'Inbound' : 'Outbound',
      ...b,
      ...(rand() < 0.3 ? { description: `Ticket ${Math.floor(rand() * 10_000)}` } : {}),
    });
  }
  if (defenderJit) {
    // What Defender's JIT leaves behind: a deny for the management ports at the bottom of the range.
    const name = `SecurityCenter-JITRule_${Math.floor(rand() * 1e9)}_B2C5F8`;
    rules[0] = {
      name,
      priority: 4096,
      direction: 'Inbound',
      ...body('Deny', '*', ['*'], ['22', '3389'], [place.target]),
      description: `MDC JIT Network Access rule for policy 'default' of VM '${place.target}'.`,
    };
  }
  return rules;
}

/**
 * What a subnet NSG does about the management ports at the top of its list (priorities 100, 101):
 * most subnets turn the Internet away, one in eight lets the offices in, and one in eight (a DMZ)
 * leaves it to the rules below and the NIC NSGs.
 */
function subnetGate(s: number): SecurityRule[] {
  const gate = (name: string, priority: number, b: RuleBody): SecurityRule => ({
    name,
    priority,
    direction: 'Inbound',
    ...b,
  });
  const denyInternet = (priority: number): SecurityRule =>
    gate(
      'deny-mgmt-internet',
      priority,
      body('Deny', 'Tcp', ['Internet'], ['22', '3389', '5985-5986'], ['*']),
    );
  if (s % 8 === 0) return [];
  if (s % 8 === 4) {
    const offices = OFFICES.slice(0, 3);
    return [
      gate('allow-mgmt-offices', 100, body('Allow', 'Tcp', offices, ['22', '3389', '5985-5986'], ['*'])),
      denyInternet(101),
    ];
  }
  return [denyInternet(100)];
}

function nsgOf(id: string, rules: SecurityRule[]): Nsg {
  return {
    id,
    name: id.slice(id.lastIndexOf('/') + 1),
    flushConnection: false,
    securityRules: rules,
    defaultSecurityRules: [],
  };
}

function bastionOf(s: number): string {
  return `10.${s >> 2}.254.0/26`;
}

/** A fresh world: every object (and every dynamic string) new, the content the same for a given seed. */
function buildWorld(seed: number): AzureVmNetwork[] {
  const rand = prng(seed);
  const subnetCount = Math.ceil(VMS / VMS_PER_SUBNET);
  const subnetNsgs: Nsg[] = [];
  for (let s = 0; s < subnetCount; s++) {
    const id = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-subnet-${s}`;
    const prefix = `10.${s >> 2}.${s & 3}.0/24`;
    const place = { target: prefix, subnet: prefix, bastion: bastionOf(s) };
    const gate = subnetGate(s);
    const rules = nsgRules(place, RULES_PER_SUBNET_NSG - gate.length, rand, false);
    subnetNsgs.push(nsgOf(id, [...gate, ...rules]));
  }
  const nets: AzureVmNetwork[] = [];
  for (let i = 0; i < VMS; i++) {
    const s = Math.floor(i / VMS_PER_SUBNET);
    const rg = `/subscriptions/${SUB}/resourceGroups/rg-app-${i % 50}/providers`;
    const nsgId = `${rg}/Microsoft.Network/networkSecurityGroups/vm-${i}-nsg`;
    const ip = `10.${s >> 2}.${s & 3}.${4 + (i % VMS_PER_SUBNET)}`;
    const ipv6 = i % 30 === 0 ? `fd00:db8:${s}::${(4 + (i % VMS_PER_SUBNET)).toString(16)}` : undefined;
    const subnet = `10.${s >> 2}.${s & 3}.0/24`;
    const place: Place = { target: ip, subnet, bastion: bastionOf(s), targetV6: ipv6 };
    const own = nsgOf(nsgId, nsgRules(place, RULES_PER_NSG, rand, i % 20 === 0));
    const subnetNsg = subnetNsgs[s];
    const nic: NetworkInterface = {
      id: `${rg}/Microsoft.Network/networkInterfaces/vm-${i}-nic`,
      primary: true,
      privateIps: ipv6 ? [ip, ipv6] : [ip],
      publicIps: i % 3 === 0 ? [`20.${i >> 8}.${i & 255}.7`] : [],
      nsgId,
      subnetId: `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-${s >> 2}/subnets/s${s & 3}`,
      subnetNsgId: subnetNsg.id,
      vnetId: `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-${s >> 2}`,
      vnetAddressPrefixes: ipv6 ? [`10.${s >> 2}.0.0/16`, `fd00:db8:${s}::/48`] : [`10.${s >> 2}.0.0/16`],
    };
    nets.push({
      cloud: 'azure',
      vm: {
        cloud: 'azure',
        id: `${rg}/Microsoft.Compute/virtualMachines/vm-${i}`,
        name: `vm-${i}`,
        scope: { account: SUB, region: 'westeurope', resourceGroup: `rg-app-${i % 50}` },
        os: i % 4 === 0 ? 'windows' : 'linux',
        powerState: i % 25 === 0 ? 'deallocated' : 'running',
        interfaces: [nic],
      },
      nsgs: { [nsgId]: own, [subnetNsg.id]: subnetNsg },
      firewalls: [],
    });
  }
  return nets;
}

// ---------------------------------------------------------------- timing

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeClassify(nets: readonly AzureVmNetwork[]): number {
  collectGarbage();
  const t0 = performance.now();
  for (const net of nets) classify(net);
  return performance.now() - t0;
}

/** What the inventory reads beside each classification: the VM's JIT policy and grants. */
function timeJitState(nets: readonly AzureVmNetwork[]): number {
  collectGarbage();
  const t0 = performance.now();
  for (const net of nets) {
    policyOf(net);
    foundGrantsOf(net);
  }
  return performance.now() - t0;
}

/** The baseline's work on one NSG: every rule's name (for JIT rules) and destination ports, read once. */
function readRules(nsg: Nsg): number {
  let looked = 0;
  for (const rule of nsg.securityRules) {
    const ports = rule.destinationPortRange ?? rule.destinationPortRanges?.[0] ?? '';
    looked += rule.name.charCodeAt(0) + ports.charCodeAt(0);
  }
  return looked;
}

/** The baseline: what any engine pays to look at every rule once, visiting each NSG once as classification does. */
function readEveryRule(nets: readonly AzureVmNetwork[]): number {
  const seen = new Set<Nsg>();
  let looked = 0;
  for (const net of nets) {
    for (const id in net.nsgs) {
      const nsg = net.nsgs[id];
      if (seen.has(nsg)) continue;
      seen.add(nsg);
      looked += readRules(nsg);
    }
  }
  if (looked === 0) throw new Error('no rule was read'); // the result is used: the reads cannot be skipped
  return looked;
}

function timeReadEveryRule(nets: readonly AzureVmNetwork[]): number {
  for (let i = 0; i < 20; i++) readEveryRule(nets.slice(0, 200)); // optimised first, as classify is by then
  collectGarbage();
  const t0 = performance.now();
  readEveryRule(nets);
  return performance.now() - t0;
}

interface ClassifyTimes {
  first: number;
  cold: number[];
  warm: number[];
  baseline: number[];
  /** Policy and grants of every VM, right after the cold classification (as the inventory reads them). */
  jitState: number[];
  heap: Heap;
  /** What one classification of the world produces (counted outside the timed runs). */
  output: {
    inboundRules: number;
    /** Inbound TCP rules naming a management port (22, 3389, 5985, 5986; '*' ports not counted). */
    managementRules: number;
    /** Inbound TCP rules for every port ('*'), which a management-port walk also visits. */
    allPortRules: number;
    unhealthy: number;
    exposedVms: number;
    exposures: number;
    sourceCidrs: number;
  };
}

const MANAGEMENT_PORTS = [22, 3389, 5985, 5986];

function portTexts(r: SecurityRule): string[] {
  return r.destinationPortRanges ?? (r.destinationPortRange ? [r.destinationPortRange] : []);
}

function namesManagementPort(r: SecurityRule): boolean {
  return portTexts(r).some((t) => {
    if (t === '*') return false;
    const [lo, hi = lo] = t.split('-').map(Number);
    return MANAGEMENT_PORTS.some((p) => p >= lo && p <= hi);
  });
}

function outputOf(nets: readonly AzureVmNetwork[]): ClassifyTimes['output'] {
  const output = {
    inboundRules: 0,
    managementRules: 0,
    allPortRules: 0,
    unhealthy: 0,
    exposedVms: 0,
    exposures: 0,
    sourceCidrs: 0,
  };
  const nsgs = new Set(nets.flatMap((n) => Object.values(n.nsgs)));
  for (const nsg of nsgs) {
    const inbound = nsg.securityRules.filter((r) => r.direction === 'Inbound');
    const tcp = inbound.filter((r) => r.protocol === 'Tcp' || r.protocol === '*');
    output.inboundRules += inbound.length;
    output.managementRules += tcp.filter(namesManagementPort).length;
    output.allPortRules += tcp.filter((r) => portTexts(r).includes('*')).length;
  }
  for (const net of nets) {
    const c = classify(net);
    if (c.status === 'unhealthy') output.unhealthy++;
    if (c.exposures.length > 0) output.exposedVms++;
    output.exposures += c.exposures.length;
    for (const e of c.exposures) output.sourceCidrs += e.sources.length;
  }
  return output;
}

interface Heap {
  /** The world's objects (what the providers would hand over). */
  worldMb: number;
  /** What classifying every VM once leaves behind: the compiled NSGs and the text caches. */
  engineMb: number;
}

function heapMb(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

function measureHeap(): Heap {
  const empty = heapMb();
  const world = buildWorld(42);
  const built = heapMb();
  for (const net of world) classify(net);
  const classified = heapMb();
  if (world.length !== VMS) throw new Error('the world was not kept while measured');
  return { worldMb: built - empty, engineMb: classified - built };
}

function benchClassify(runs: number): ClassifyTimes {
  const first = timeClassify(buildWorld(42));
  const heap = measureHeap();
  const cold: number[] = [];
  const warm: number[] = [];
  const baseline: number[] = [];
  const jitState: number[] = [];
  let world: AzureVmNetwork[] = [];
  for (let r = 0; r < runs; r++) {
    world = buildWorld(42);
    cold.push(timeClassify(world));
    jitState.push(timeJitState(world));
    warm.push(timeClassify(world));
    if (r < 3) baseline.push(timeReadEveryRule(buildWorld(42)));
  }
  return { first, cold, warm, baseline, jitState, heap, output: outputOf(world) };
}

function benchPlan(runs: number): number[] {
  const rand = prng(7);
  const times: number[] = [];
  // The classification worlds (about 1 GB) are garbage by now: collected first, so that their
  // marking is not charged to the plans.
  collectGarbage();
  for (let r = 0; r < runs; r++) {
    const ip = '10.0.1.4';
    const nsgId = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/big`;
    const place = { target: ip, subnet: '10.0.1.0/24', bastion: bastionOf(0) };
    const rules = nsgRules(place, BIG_NSG_RULES, rand, false).map((x, i) => ({
      ...x,
      priority: 300 + i * 3,
    }));
    const nic: NetworkInterface = {
      id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic`,
      primary: true,
      privateIps: [ip],
      publicIps: [],
      nsgId,
      vnetAddressPrefixes: ['10.0.0.0/16'],
    };
    const net: AzureVmNetwork = {
      cloud: 'azure',
      vm: {
        cloud: 'azure',
        id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm`,
        name: 'vm',
        scope: { account: SUB, region: 'westeurope', resourceGroup: 'rg' },
        os: 'linux',
        powerState: 'running',
        interfaces: [nic],
      },
      nsgs: { [nsgId]: nsgOf(nsgId, rules) },
      firewalls: [],
    };
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
  return times;
}

const runs = Math.max(5, arg('runs', 7));
const classifyTimes = benchClassify(runs);
const planTimes = benchPlan(Math.max(runs, 101));
const what = `${VMS} VMs (own NSG of ${RULES_PER_NSG} rules + subnet NSG)`;
const rows: Array<{ key: string; measure: string; ms: number; best: number; target?: number }> = [
  {
    key: 'classifyFirstMs',
    measure: `classify ${what}, first`,
    ms: classifyTimes.first,
    best: classifyTimes.first,
    target: 100,
  },
  {
    key: 'classifyColdMs',
    measure: `classify ${what}, cold`,
    ms: median(classifyTimes.cold),
    best: Math.min(...classifyTimes.cold),
    target: 100,
  },
  {
    key: 'classifyWarmMs',
    measure: `classify ${what}, warm`,
    ms: median(classifyTimes.warm),
    best: Math.min(...classifyTimes.warm),
    target: 100,
  },
  {
    key: 'jitStateMs',
    measure: `read the JIT policy and grants of ${VMS} VMs (after classifying)`,
    ms: median(classifyTimes.jitState),
    best: Math.min(...classifyTimes.jitState),
  },
  {
    key: 'readEveryRuleMs',
    measure: 'baseline: read every rule name and port once (fresh world)',
    ms: median(classifyTimes.baseline),
    best: Math.min(...classifyTimes.baseline),
  },
  {
    key: 'planRequestMs',
    measure: `plan one request (NSG of ${BIG_NSG_RULES} rules)`,
    ms: median(planTimes),
    best: Math.min(...planTimes),
    target: 1,
  },
];
console.log(
  'measure'.padEnd(66),
  'median ms'.padStart(10),
  'best ms'.padStart(10),
  'target ms'.padStart(10),
  ' met',
);
for (const r of rows) {
  console.log(
    r.measure.padEnd(66),
    r.ms.toFixed(3).padStart(10),
    r.best.toFixed(3).padStart(10),
    (r.target === undefined ? '' : `< ${r.target}`).padStart(10),
    r.target === undefined ? '' : r.ms < r.target ? ' yes' : ' NO',
  );
}
const ratio = (ms: number): string => (ms / median(classifyTimes.baseline)).toFixed(1);
console.log(
  `classification against the baseline: cold ${ratio(median(classifyTimes.cold))}x, warm ${ratio(median(classifyTimes.warm))}x`,
);
function percent(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1)}%`;
}

const out = classifyTimes.output;
console.log(
  `world: ${VMS} VMs, ${out.inboundRules} inbound rules in ${VMS + Math.ceil(VMS / VMS_PER_SUBNET)} NSGs ` +
    `(${percent(out.managementRules, out.inboundRules)} name a management port, ${percent(out.allPortRules, out.inboundRules)} cover every port); ` +
    `one classification: ${out.unhealthy} unhealthy, ${out.exposedVms} VMs exposed, ` +
    `${out.exposures} exposures listing ${out.sourceCidrs} source CIDRs`,
);
const { heap } = classifyTimes;
console.log(
  `heap: the world ${heap.worldMb.toFixed(0)} MB; kept by the engine after classifying it ${heap.engineMb.toFixed(1)} MB ` +
    `(${percent(heap.engineMb, heap.worldMb)} of the world)`,
);
const json: Record<string, unknown> = {
  bench: 'engine',
  runs,
  ...out,
  worldHeapMb: Number(heap.worldMb.toFixed(1)),
  engineHeapMb: Number(heap.engineMb.toFixed(1)),
};
for (const r of rows) {
  json[r.key] = Number(r.ms.toFixed(3));
  if (r.target !== undefined) json[r.key.replace(/Ms$/, 'TargetMs')] = r.target;
}
console.log(JSON.stringify(json));
