// fast-check generators of whole worlds (several VMs sharing NSGs or security groups), JIT policies,
// access requests and the probes used to compare reachability, for the planner's safety properties.
import fc from 'fast-check';
import { evaluateVm } from '../../../src/engine/evaluator';
import type {
  AccessRequest,
  JitPolicy,
  JitPortPolicy,
  NetworkInterface,
  Nsg,
  NsgProtocol,
  SecurityGroup,
  SecurityRule,
  SgRule,
  Vm,
} from '../../../src/engine/model';
import { emptyWorld, networkOf, type World } from '../../../src/engine/simulate';
import { SUB } from './builders';

const PORTS = ['21', '22', '23', '80', '443', '3389', '5985', '5986', '53'];
const PORT_RANGES = ['20-25', '3000-4000', '5980-5990', '1-1024', '0-65535'];
const CIDRS = [
  '10.0.1.4',
  '10.0.1.5',
  '10.0.1.0/24',
  '10.0.0.0/16',
  '203.0.113.0/24',
  '203.0.113.7/32',
  '198.51.100.0/24',
  '2001:db8::/32',
];
const TAGS = ['*', 'Internet', 'VirtualNetwork', 'AzureLoadBalancer'];

export const PROBE_SOURCES = [
  '203.0.113.7',
  '203.0.113.8',
  '203.0.113.20',
  '198.51.100.1',
  '10.0.1.4',
  '8.8.8.8',
  '2001:db8::1',
  '2001:db8:1::1',
];
export const PROBE_PORTS = [21, 22, 23, 53, 80, 3389, 3390, 5985, 5986];

const prefixFields = (field: 'source' | 'destination') =>
  fc.oneof(
    fc.constantFrom(...TAGS, ...CIDRS).map((p) => ({ [`${field}AddressPrefix`]: p })),
    fc
      .uniqueArray(fc.constantFrom(...CIDRS), { minLength: 2, maxLength: 3 })
      .map((ps) => ({ [`${field}AddressPrefixes`]: ps })),
  );

const portFields = fc.oneof(
  fc.constantFrom('*', ...PORTS, ...PORT_RANGES).map((p) => ({ destinationPortRange: p })),
  fc
    .uniqueArray(fc.constantFrom(...PORTS, ...PORT_RANGES), { minLength: 2, maxLength: 3 })
    .map((ps) => ({ destinationPortRanges: ps })),
);

function ruleArb(
  name: string,
  priority: number,
  direction: 'Inbound' | 'Outbound',
): fc.Arbitrary<SecurityRule> {
  return fc
    .record({
      access: fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Deny'),
      protocol: fc.constantFrom<NsgProtocol>('Tcp', 'Tcp', 'Udp', '*', 'Icmp'),
      src: prefixFields('source'),
      dst: prefixFields('destination'),
      ports: portFields,
    })
    .map(({ access, protocol, src, dst, ports }) => ({
      name,
      priority,
      direction,
      access,
      protocol,
      sourcePortRange: '*',
      ...src,
      ...dst,
      ...ports,
    }));
}

const priorityArb = fc.oneof(
  fc.integer({ min: 100, max: 110 }),
  fc.integer({ min: 4088, max: 4096 }),
  fc.integer({ min: 100, max: 4096 }),
);

export function nsgArb(name: string): fc.Arbitrary<Nsg> {
  return fc
    .record({
      inbound: fc.uniqueArray(priorityArb, { maxLength: 8 }),
      outbound: fc.uniqueArray(priorityArb, { maxLength: 3 }),
      flushConnection: fc.boolean(),
    })
    .chain(({ inbound, outbound, flushConnection }) =>
      fc
        .tuple(
          fc.tuple(...inbound.map((p, i) => ruleArb(`in-${i}`, p, 'Inbound'))),
          fc.tuple(...outbound.map((p, i) => ruleArb(`out-${i}`, p, 'Outbound'))),
        )
        .map(([ins, outs]) => ({
          id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/${name}`,
          name,
          flushConnection,
          securityRules: [...ins, ...outs],
          defaultSecurityRules: [],
        })),
    );
}

const VNET = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet`;

/** 1-3 Azure VMs in one subnet (shared subnet NSG or none), 1-2 NICs each, NIC NSGs possibly shared. */
export const azureWorldArb: fc.Arbitrary<World> = fc
  .record({
    nics: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 1, maxLength: 3 }),
    subnetNsg: fc.option(nsgArb('subnet-nsg'), { nil: undefined }),
    nicNsgs: fc.tuple(nsgArb('nic-nsg-0'), nsgArb('nic-nsg-1')),
    sameNames: fc.boolean(),
    choice: fc.array(fc.constantFrom<number | undefined>(undefined, 0, 1), { minLength: 6, maxLength: 6 }),
  })
  .map(({ nics, subnetNsg, nicNsgs, sameNames, choice }) => {
    const w = emptyWorld();
    if (subnetNsg) w.nsgs[subnetNsg.id] = subnetNsg;
    let k = 0;
    nics.forEach((count, i) => {
      const interfaces: NetworkInterface[] = [];
      for (let j = 0; j < count; j++, k++) {
        let pick = choice[k];
        if (i === 0 && j === 0 && pick === undefined && !subnetNsg) pick = 0; // the target VM needs an NSG
        const nicNsg = pick === undefined ? undefined : nicNsgs[pick];
        if (nicNsg) w.nsgs[nicNsg.id] = nicNsg;
        interfaces.push({
          id: `${VNET}-nic-${i}-${j}`,
          primary: j === 0,
          privateIps: [`10.0.1.${4 + k}`],
          publicIps: i === 0 ? [] : ['20.1.1.1'],
          nsgId: nicNsg?.id,
          subnetId: `${VNET}/subnets/default`,
          subnetNsgId: subnetNsg?.id,
          vnetId: VNET,
          vnetAddressPrefixes: ['10.0.0.0/16'],
        });
      }
      const vm: Vm = {
        cloud: 'azure',
        id: `/subscriptions/${SUB}/resourceGroups/rg${i}/providers/Microsoft.Compute/virtualMachines/${sameNames ? 'web' : `vm${i}`}`,
        name: sameNames ? 'web' : `vm${i}`,
        scope: { account: SUB, region: 'westeurope', resourceGroup: `rg${i}` },
        os: 'linux',
        powerState: 'running',
        interfaces,
      };
      w.vms[vm.id] = vm;
    });
    return w;
  });

const sgRuleArb: fc.Arbitrary<SgRule> = fc
  .record({
    proto: fc.constantFrom('tcp', 'tcp', 'udp', '-1'),
    ports: fc.oneof(
      fc.constantFrom(22, 80, 3389, 5986, 53).map((p) => [p, p] as const),
      fc.constantFrom([20, 25] as const, [0, 65535] as const, [3000, 4000] as const),
    ),
    peer: fc.constantFrom(
      { cidrIpv4: '0.0.0.0/0' },
      { cidrIpv4: '203.0.113.0/24' },
      { cidrIpv4: '10.0.0.0/8' },
      { cidrIpv6: '::/0' },
      { referencedGroupId: 'sg-a' },
    ),
  })
  .map(({ proto, ports, peer }) =>
    proto === '-1'
      ? { isEgress: false, ipProtocol: '-1', ...peer }
      : { isEgress: false, ipProtocol: proto, fromPort: ports[0], toPort: ports[1], ...peer },
  );

/** 1-3 instances, 1-2 interfaces each, 1-4 groups per interface out of a pool of 4 shared groups. */
export const awsWorldArb: fc.Arbitrary<World> = fc
  .record({
    groups: fc.array(fc.array(sgRuleArb, { maxLength: 6 }), { minLength: 4, maxLength: 4 }),
    interfaces: fc.array(
      fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }), {
        minLength: 1,
        maxLength: 2,
      }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(({ groups, interfaces }) => {
    const w = emptyWorld();
    groups.forEach((rules, g) => {
      const id = `sg-${'abcd'[g]}`;
      const seen = new Set<string>();
      const unique = rules.filter((r) => {
        const key = JSON.stringify(r);
        return !seen.has(key) && seen.add(key) !== undefined;
      });
      const group: SecurityGroup = {
        id,
        name: `group-${g}`,
        vpcId: 'vpc-1',
        description: `group ${g}`,
        tags: {},
        rules: [
          ...unique.map((r, i) => ({ ...r, ruleId: `sgr-${g}${i}` })),
          { ruleId: `sgr-${g}e`, isEgress: true, ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' },
        ],
      };
      w.groups[id] = group;
    });
    let k = 0;
    interfaces.forEach((enis, i) => {
      const id = `i-00000000000000${i}`;
      w.vms[id] = {
        cloud: 'aws',
        id,
        name: `web-${i}`,
        scope: { account: '123456789012', region: 'eu-west-1' },
        os: 'linux',
        powerState: 'running',
        interfaces: enis.map((gs, j) => ({
          id: `eni-${i}${j}`,
          primary: j === 0,
          privateIps: [`172.31.0.${10 + k++}`],
          publicIps: [],
          securityGroupIds: gs.map((g) => `sg-${'abcd'[g]}`),
          vpcId: 'vpc-1',
          vpcCidrs: ['172.31.0.0/16'],
        })),
      };
    });
    return w;
  });

const POLICY_PORTS: Pick<JitPortPolicy, 'port' | 'protocol'>[] = [
  { port: 22, protocol: 'tcp' },
  { port: 3389, protocol: 'tcp' },
  { port: 5986, protocol: 'tcp' },
  { port: 23, protocol: '*' },
  { port: 53, protocol: 'udp' },
];

export function policyArb(vmId: string): fc.Arbitrary<JitPolicy> {
  return fc
    .record({
      ports: fc.subarray(POLICY_PORTS, { minLength: 1, maxLength: 3 }),
      sources: fc.constantFrom<string[][]>(['*'], ['203.0.113.0/24', '2001:db8::/32']),
    })
    .map(({ ports, sources }) => ({
      vmId,
      ports: ports.map((p) => ({ ...p, allowedSourcePrefixes: sources, maxDurationMs: 3 * 3_600_000 })),
      requireJustification: false,
    }));
}

export function requestArb(policy: JitPolicy): fc.Arbitrary<AccessRequest> {
  const sources = ['203.0.113.7/32', '203.0.113.0/28', '2001:db8::/64'];
  if (policy.ports[0].allowedSourcePrefixes.includes('*')) sources.push('198.51.100.0/24');
  return fc
    .record({
      ports: fc.subarray(policy.ports, { minLength: 1 }),
      source: fc.constantFrom(...sources),
      durationMs: fc.integer({ min: 5 * 60_000, max: 3 * 3_600_000 }),
      justification: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
    })
    .map(({ ports, source, durationMs, justification }) => ({
      vmId: policy.vmId,
      ports: ports.map((p) => ({ port: p.port, protocol: p.protocol })),
      source,
      durationMs,
      requester: 'alice@example.com',
      ...(justification ? { justification } : {}),
    }));
}

/** Reachability of every VM in the world for every probe, keyed `vm|where|proto/port|source`. */
export function reachabilityOf(w: World): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const vmId of Object.keys(w.vms)) {
    const net = networkOf(w, vmId);
    for (const source of PROBE_SOURCES) {
      for (const port of PROBE_PORTS) {
        for (const protocol of ['tcp', 'udp'] as const) {
          for (const v of evaluateVm(net, { source, port, protocol })) {
            out.set(`${vmId}|${v.interfaceId}/${v.destination}|${protocol}/${port}|${source}`, v.allowed);
          }
        }
      }
    }
  }
  return out;
}
