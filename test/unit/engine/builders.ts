// Terse builders for engine tests: a VM, its NICs, NSGs, rules, firewalls and security groups.
// Shared by the evaluator/classifier/validation tests and the planner property tests: keep the
// signatures stable (add optional parameters only).
import type {
  AccessRequest,
  AwsVmNetwork,
  AzureFirewall,
  AzureVmNetwork,
  FirewallNatRule,
  FirewallNetworkRule,
  FirewallProtocol,
  JitPolicy,
  JitPortPolicy,
  NetworkInterface,
  Nsg,
  SecurityGroup,
  SecurityRule,
  SgRule,
  Vm,
} from '../../../src/engine/model';
import { DEFAULT_MAX_DURATION_MS } from '../../../src/engine/model';

export const SUB = '00000000-0000-0000-0000-000000000001';
export const RG = 'rg-test';

export function nsgId(name: string): string {
  return `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/networkSecurityGroups/${name}`;
}

export function vmId(name: string): string {
  return `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/${name}`;
}

/** Splits a port spec the way the service stores it: one value → singular field, several → plural. */
function portFields(
  ports: string | string[],
): Pick<SecurityRule, 'destinationPortRange' | 'destinationPortRanges'> {
  if (typeof ports === 'string') return { destinationPortRange: ports };
  return ports.length === 1 ? { destinationPortRange: ports[0] } : { destinationPortRanges: ports };
}

function sourceFields(
  source: string | string[],
): Pick<SecurityRule, 'sourceAddressPrefix' | 'sourceAddressPrefixes'> {
  if (typeof source === 'string') return { sourceAddressPrefix: source };
  return source.length === 1 ? { sourceAddressPrefix: source[0] } : { sourceAddressPrefixes: source };
}

function baseRule(name: string, priority: number): SecurityRule {
  return { name, priority, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourcePortRange: '*' };
}

/** An inbound Tcp rule from `*` to `*` on every port unless overridden. */
export function rule(name: string, priority: number, extra: Partial<SecurityRule> = {}): SecurityRule {
  return {
    ...baseRule(name, priority),
    sourceAddressPrefix: '*',
    destinationAddressPrefix: '*',
    destinationPortRange: '*',
    ...extra,
  };
}

/** Inbound Allow Tcp rule for `ports` (e.g. '22', '1000-2000', ['22','3389']) from `source`. */
export function allow(
  name: string,
  priority: number,
  ports: string | string[],
  source: string | string[] = '*',
  extra: Partial<SecurityRule> = {},
): SecurityRule {
  return {
    ...baseRule(name, priority),
    ...sourceFields(source),
    destinationAddressPrefix: '*',
    ...portFields(ports),
    ...extra,
  };
}

/** Inbound Deny Tcp rule for `ports` from `source`. */
export function deny(
  name: string,
  priority: number,
  ports: string | string[],
  source: string | string[] = '*',
  extra: Partial<SecurityRule> = {},
): SecurityRule {
  return allow(name, priority, ports, source, { access: 'Deny', ...extra });
}

/** An NSG with the given custom rules; default rules left empty (the engine supplies Azure's six). */
export function nsg(name: string, rules: SecurityRule[] = [], extra: Partial<Nsg> = {}): Nsg {
  return {
    id: nsgId(name),
    name,
    location: 'westeurope',
    flushConnection: false,
    securityRules: rules,
    defaultSecurityRules: [],
    ...extra,
  };
}

export interface AzureNicSpec {
  name?: string;
  /** Default '10.0.1.4'. */
  privateIps?: string[];
  publicIps?: string[];
  nicNsg?: Nsg;
  subnetNsg?: Nsg;
  /** Default ['10.0.0.0/16']. */
  vnetPrefixes?: string[];
  primary?: boolean;
}

export interface AzureVmSpec extends AzureNicSpec {
  name?: string;
  /** Several NICs; when given, the single-NIC fields above are ignored. */
  nics?: AzureNicSpec[];
  firewalls?: AzureFirewall[];
  powerState?: Vm['powerState'];
  classic?: boolean;
  os?: Vm['os'];
}

const VNET_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/vnet-test`;

function azureNic(vmName: string, spec: AzureNicSpec, index: number): NetworkInterface {
  const name = spec.name ?? `${vmName}-nic${index}`;
  return {
    id: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/networkInterfaces/${name}`,
    name,
    primary: spec.primary ?? index === 0,
    privateIps: spec.privateIps ?? [`10.0.1.${4 + index}`],
    publicIps: spec.publicIps ?? [],
    nsgId: spec.nicNsg?.id,
    subnetId: `${VNET_ID}/subnets/default`,
    subnetNsgId: spec.subnetNsg?.id,
    vnetId: VNET_ID,
    vnetAddressPrefixes: spec.vnetPrefixes ?? ['10.0.0.0/16'],
  };
}

/** One Azure VM's network: NIC NSG and/or subnet NSG, optional firewalls; defaults to one NIC 10.0.1.4. */
export function azureVm(spec: AzureVmSpec = {}): AzureVmNetwork {
  const name = spec.name ?? 'vm1';
  const nicSpecs = spec.nics ?? [spec];
  const nsgs: Record<string, Nsg> = {};
  for (const n of nicSpecs) {
    if (n.nicNsg) nsgs[n.nicNsg.id] = n.nicNsg;
    if (n.subnetNsg) nsgs[n.subnetNsg.id] = n.subnetNsg;
  }
  return {
    cloud: 'azure',
    vm: {
      cloud: 'azure',
      id: vmId(name),
      name,
      scope: { account: SUB, region: 'westeurope', resourceGroup: RG },
      os: spec.os ?? 'linux',
      powerState: spec.powerState ?? 'running',
      classic: spec.classic,
      interfaces: nicSpecs.map((n, i) => azureNic(name, n, i)),
    },
    nsgs,
    firewalls: spec.firewalls ?? [],
  };
}

/** A classic DNAT rule: `publicIp:port` → `translatedAddress:translatedPort`. */
export function dnatRule(
  name: string,
  frontend: { publicIp: string; port: string },
  backend: { address: string; port: string },
  sources: string[] = ['*'],
  protocols: FirewallProtocol[] = ['TCP'],
): FirewallNatRule {
  return {
    name,
    protocols,
    sourceAddresses: sources,
    destinationAddresses: [frontend.publicIp],
    destinationPorts: [frontend.port],
    translatedAddress: backend.address,
    translatedPort: backend.port,
  };
}

export function networkRule(
  name: string,
  destinations: string[],
  ports: string[],
  sources: string[] = ['*'],
  protocols: FirewallProtocol[] = ['TCP'],
): FirewallNetworkRule {
  return {
    name,
    protocols,
    sourceAddresses: sources,
    destinationAddresses: destinations,
    destinationPorts: ports,
  };
}

/** A classic-rule firewall with one DNAT collection (priority 100) and/or one network collection (200). */
export function firewall(
  name: string,
  rules: { nat?: FirewallNatRule[]; network?: FirewallNetworkRule[]; networkAction?: 'Allow' | 'Deny' } = {},
  extra: Partial<AzureFirewall> = {},
): AzureFirewall {
  return {
    id: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/azureFirewalls/${name}`,
    name,
    vnetId: VNET_ID,
    publicIps: ['20.50.60.70'],
    privateIp: '10.0.255.4',
    natRuleCollections: rules.nat?.length
      ? [{ name: 'nat', priority: 100, action: 'Dnat', rules: rules.nat }]
      : [],
    networkRuleCollections: rules.network?.length
      ? [{ name: 'net', priority: 200, action: rules.networkAction ?? 'Allow', rules: rules.network }]
      : [],
    ...extra,
  };
}

/**
 * One ingress rule. `ports`: a single port, [from, to], or 'all' (protocol -1). `peer`: a CIDR
 * (v4 or v6, detected by ':'), a prefix list id ('pl-…') or a referenced group id ('sg-…').
 */
export function ingress(
  ports: number | [number, number] | 'all',
  peer: string,
  extra: Partial<SgRule> = {},
): SgRule {
  const portFieldsAws: Partial<SgRule> =
    ports === 'all'
      ? { ipProtocol: '-1' }
      : typeof ports === 'number'
        ? { ipProtocol: 'tcp', fromPort: ports, toPort: ports }
        : { ipProtocol: 'tcp', fromPort: ports[0], toPort: ports[1] };
  const peerFields: Partial<SgRule> = peer.startsWith('pl-')
    ? { prefixListId: peer }
    : peer.startsWith('sg-')
      ? { referencedGroupId: peer }
      : peer.includes(':')
        ? { cidrIpv6: peer }
        : { cidrIpv4: peer };
  return { isEgress: false, ipProtocol: 'tcp', ...portFieldsAws, ...peerFields, ...extra };
}

let ruleCounter = 0;
export function securityGroup(
  id: string,
  rules: SgRule[] = [],
  extra: Partial<SecurityGroup> = {},
): SecurityGroup {
  return {
    id,
    name: extra.name ?? id,
    vpcId: 'vpc-1',
    description: 'test group',
    ownerId: '123456789012',
    tags: {},
    rules: rules.map((r) => ({
      ruleId: r.ruleId ?? `sgr-${(++ruleCounter).toString(16).padStart(17, '0')}`,
      ...r,
    })),
    ...extra,
  };
}

export interface AwsEniSpec {
  id?: string;
  privateIps?: string[];
  publicIps?: string[];
  groups: SecurityGroup[];
}

export interface AwsVmSpec {
  id?: string;
  name?: string;
  /** Groups of the single (primary) interface; ignored when `interfaces` is given. */
  groups?: SecurityGroup[];
  privateIps?: string[];
  interfaces?: AwsEniSpec[];
  prefixLists?: Record<string, string[]>;
  powerState?: Vm['powerState'];
}

/** One EC2 instance's network; defaults to one interface 172.31.0.10. */
export function awsVm(spec: AwsVmSpec = {}): AwsVmNetwork {
  const id = spec.id ?? 'i-0123456789abcdef0';
  const enis = spec.interfaces ?? [{ groups: spec.groups ?? [], privateIps: spec.privateIps }];
  const groups: Record<string, SecurityGroup> = {};
  const groupInterfaces: Record<string, string[]> = {};
  const interfaces: NetworkInterface[] = enis.map((e, i) => {
    const eniId = e.id ?? `eni-${i}${id.slice(2)}`;
    for (const g of e.groups) {
      groups[g.id] = g;
      (groupInterfaces[g.id] ??= []).push(eniId);
    }
    return {
      id: eniId,
      primary: i === 0,
      privateIps: e.privateIps ?? [`172.31.0.${10 + i}`],
      publicIps: e.publicIps ?? [],
      securityGroupIds: e.groups.map((g) => g.id),
      vpcId: 'vpc-1',
      vpcCidrs: ['172.31.0.0/16'],
    };
  });
  return {
    cloud: 'aws',
    vm: {
      cloud: 'aws',
      id,
      name: spec.name ?? 'web-1',
      scope: { account: '123456789012', region: 'eu-west-1' },
      os: 'linux',
      powerState: spec.powerState ?? 'running',
      interfaces,
    },
    groups,
    groupInterfaces,
    prefixLists: spec.prefixLists,
  };
}

/** A policy for `vmId` with one entry per port (tcp, source '*', 3 h unless overridden). */
export function jitPolicy(
  vmIdValue: string,
  ports: Array<number | Partial<JitPortPolicy>> = [22, 3389],
  extra: Partial<JitPolicy> = {},
): JitPolicy {
  return {
    vmId: vmIdValue,
    ports: ports.map((p) => ({
      port: 22,
      protocol: 'tcp',
      allowedSourcePrefixes: ['*'],
      maxDurationMs: DEFAULT_MAX_DURATION_MS,
      ...(typeof p === 'number' ? { port: p } : p),
    })),
    requireJustification: false,
    ...extra,
  };
}

/** A request for port 22/tcp from 203.0.113.7 for 1 h unless overridden. */
export function accessRequest(vmIdValue: string, extra: Partial<AccessRequest> = {}): AccessRequest {
  return {
    vmId: vmIdValue,
    ports: [{ port: 22, protocol: 'tcp' }],
    source: '203.0.113.7',
    durationMs: 3_600_000,
    requester: 'alice@example.com',
    ...extra,
  };
}
