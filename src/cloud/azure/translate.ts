// ARM resources -> the engine's model, and the engine's rules -> ARM request bodies.
// ARM resources reach us in two shapes: flattened by the SDK (`rule.priority`) and as raw wire JSON
// from Resource Graph (`rule.properties.priority`). `flat` reads either, so there is one translation.
import type {
  AzureFirewall,
  FirewallNatRule,
  FirewallNatRuleCollection,
  FirewallNetworkRule,
  FirewallNetworkRuleCollection,
  FirewallProtocol,
  NetworkInterface,
  Nsg,
  NsgProtocol,
  OsType,
  PowerState,
  SecurityRule,
  Vm,
} from '../../engine/model';
import { idKey, parentId, parseArmId } from './armIds';

/** Any ARM object: flattened by the SDK or nested under `properties` as on the wire. */
export type ArmLike = object;

interface SubResource {
  id?: string;
}

export interface ArmSecurityRule {
  name?: string;
  id?: string;
  etag?: string;
  description?: string;
  protocol?: string;
  sourcePortRange?: string;
  sourcePortRanges?: string[];
  destinationPortRange?: string;
  destinationPortRanges?: string[];
  sourceAddressPrefix?: string;
  sourceAddressPrefixes?: string[];
  destinationAddressPrefix?: string;
  destinationAddressPrefixes?: string[];
  sourceApplicationSecurityGroups?: SubResource[];
  destinationApplicationSecurityGroups?: SubResource[];
  access?: string;
  priority?: number;
  direction?: string;
}

interface ArmNsg {
  id?: string;
  name?: string;
  location?: string;
  etag?: string;
  flushConnection?: boolean;
  securityRules?: ArmLike[];
  defaultSecurityRules?: ArmLike[];
}

interface ArmIpConfiguration {
  primary?: boolean;
  privateIPAddress?: string;
  privateIPAddressVersion?: string;
  subnet?: SubResource;
  publicIPAddress?: SubResource;
}

interface ArmNic {
  id?: string;
  name?: string;
  primary?: boolean;
  networkSecurityGroup?: SubResource;
  ipConfigurations?: ArmLike[];
}

interface ArmSubnet {
  id?: string;
  networkSecurityGroup?: SubResource;
}

interface ArmVnet {
  id?: string;
  addressSpace?: { addressPrefixes?: string[] };
  subnets?: ArmLike[];
  virtualNetworkPeerings?: ArmLike[];
}

interface ArmPeering {
  remoteAddressSpace?: { addressPrefixes?: string[] };
}

interface ArmPublicIp {
  id?: string;
  ipAddress?: string;
}

interface ArmVm {
  id?: string;
  name?: string;
  location?: string;
  tags?: Record<string, string>;
  storageProfile?: { osDisk?: { osType?: string } };
  networkProfile?: { networkInterfaces?: ArmLike[] };
  instanceView?: { statuses?: { code?: string }[]; powerState?: { code?: string } };
  extended?: { instanceView?: { powerState?: { code?: string } } };
}

interface ArmNicReference {
  id?: string;
  primary?: boolean;
}

interface ArmFirewallIpConfiguration {
  privateIPAddress?: string;
  subnet?: SubResource;
  publicIPAddress?: SubResource;
}

export interface ArmNatRule {
  name?: string;
  description?: string;
  protocols?: string[];
  sourceAddresses?: string[];
  destinationAddresses?: string[];
  destinationPorts?: string[];
  translatedAddress?: string;
  translatedPort?: string;
}

interface ArmNetworkRule {
  name?: string;
  description?: string;
  protocols?: string[];
  sourceAddresses?: string[];
  destinationAddresses?: string[];
  destinationPorts?: string[];
}

interface ArmRuleCollection<R> {
  name?: string;
  priority?: number;
  action?: { type?: string };
  rules?: R[];
}

interface ArmFirewall {
  id?: string;
  name?: string;
  etag?: string;
  location?: string;
  ipConfigurations?: ArmLike[];
  firewallPolicy?: SubResource;
  natRuleCollections?: ArmLike[];
  networkRuleCollections?: ArmLike[];
}

/** The object with its `properties` lifted beside its envelope (id, name, etag, location, tags). */
export function flat<T>(resource: ArmLike): T {
  const r = resource as { properties?: object };
  return (r.properties ? { ...r, ...r.properties } : r) as T;
}

const PROTOCOLS: Record<string, NsgProtocol> = {
  tcp: 'Tcp',
  udp: 'Udp',
  icmp: 'Icmp',
  esp: 'Esp',
  ah: 'Ah',
  '*': '*',
};

function nonEmpty<T>(values: T[] | undefined): T[] | undefined {
  return values && values.length > 0 ? values : undefined;
}

export function toSecurityRule(resource: ArmLike): SecurityRule {
  // Like `flat`, without building the merged object: this runs for every rule of every NSG.
  const envelope = resource as ArmSecurityRule & { properties?: ArmSecurityRule };
  const r = envelope.properties ?? envelope;
  const rule: SecurityRule = {
    name: envelope.name ?? '',
    priority: r.priority ?? 0,
    direction: r.direction?.toLowerCase() === 'outbound' ? 'Outbound' : 'Inbound',
    access: r.access?.toLowerCase() === 'deny' ? 'Deny' : 'Allow',
    protocol: PROTOCOLS[(r.protocol ?? '*').toLowerCase()] ?? '*',
  };
  // The service returns empty plural arrays beside the singular field: keep only what carries a value.
  // The rule's id is left out: it is the NSG's id and the name, and millions of them weigh.
  const optional: Partial<SecurityRule> = {
    etag: envelope.etag,
    description: r.description,
    sourceAddressPrefix: r.sourceAddressPrefix,
    sourceAddressPrefixes: nonEmpty(r.sourceAddressPrefixes),
    sourcePortRange: r.sourcePortRange,
    sourcePortRanges: nonEmpty(r.sourcePortRanges),
    destinationAddressPrefix: r.destinationAddressPrefix,
    destinationAddressPrefixes: nonEmpty(r.destinationAddressPrefixes),
    destinationPortRange: r.destinationPortRange,
    destinationPortRanges: nonEmpty(r.destinationPortRanges),
    sourceApplicationSecurityGroupIds: nonEmpty(ids(r.sourceApplicationSecurityGroups)),
    destinationApplicationSecurityGroupIds: nonEmpty(ids(r.destinationApplicationSecurityGroups)),
  };
  return { ...rule, ...withoutUndefined(optional) };
}

function ids(refs: SubResource[] | undefined): string[] | undefined {
  return refs?.map((r) => r.id).filter((id): id is string => id !== undefined);
}

/** The object without its undefined fields (a plain loop: this runs for every rule of every NSG). */
function withoutUndefined<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out;
}

export function toNsg(resource: ArmLike): Nsg {
  const n = flat<ArmNsg>(resource);
  return {
    id: n.id ?? '',
    name: n.name ?? '',
    ...withoutUndefined({ location: n.location, etag: n.etag }),
    flushConnection: n.flushConnection === true,
    securityRules: (n.securityRules ?? []).map(toSecurityRule),
    defaultSecurityRules: (n.defaultSecurityRules ?? []).map(toSecurityRule),
  };
}

/** The SDK body for a rule PUT: the engine's rule minus what the service owns (id, etag). */
export function toArmSecurityRule(rule: SecurityRule): ArmSecurityRule {
  return withoutUndefined({
    name: rule.name,
    description: rule.description,
    protocol: rule.protocol,
    access: rule.access,
    priority: rule.priority,
    direction: rule.direction,
    sourcePortRange: rule.sourcePortRange,
    sourcePortRanges: rule.sourcePortRanges,
    destinationPortRange: rule.destinationPortRange,
    destinationPortRanges: rule.destinationPortRanges,
    sourceAddressPrefix: rule.sourceAddressPrefix,
    sourceAddressPrefixes: rule.sourceAddressPrefixes,
    destinationAddressPrefix: rule.destinationAddressPrefix,
    destinationAddressPrefixes: rule.destinationAddressPrefixes,
    sourceApplicationSecurityGroups: rule.sourceApplicationSecurityGroupIds?.map((id) => ({ id })),
    destinationApplicationSecurityGroups: rule.destinationApplicationSecurityGroupIds?.map((id) => ({ id })),
  });
}

// ---------------------------------------------------------------- VMs and interfaces

export function powerStateFromCode(code: string | undefined): PowerState {
  const state = code?.toLowerCase().replace(/^powerstate\//, '');
  switch (state) {
    case 'running':
    case 'starting':
    case 'stopping':
    case 'stopped':
    case 'deallocated':
      return state;
    case 'deallocating':
      return 'stopping';
    default:
      return 'unknown';
  }
}

/** Power state from a VM with its instance view (ARM `$expand=instanceView`, or Resource Graph's `extended`). */
export function powerStateOf(resource: ArmLike): PowerState {
  const vm = flat<ArmVm>(resource);
  const fromGraph = vm.extended?.instanceView?.powerState?.code;
  const fromStatuses = vm.instanceView?.statuses?.find((s) =>
    s.code?.toLowerCase().startsWith('powerstate/'),
  )?.code;
  return powerStateFromCode(fromGraph ?? vm.instanceView?.powerState?.code ?? fromStatuses);
}

function osTypeOf(vm: ArmVm): OsType {
  const os = vm.storageProfile?.osDisk?.osType?.toLowerCase();
  return os === 'linux' || os === 'windows' ? os : 'unknown';
}

/** Lookups the interface translation needs: what a NIC references but does not contain. */
export interface NetworkLookups {
  publicIp(id: string): string | undefined;
  subnet(id: string): ArmLike | undefined;
  vnet(id: string): ArmLike | undefined;
}

/** The VNet's own address space and its peers': what the `VirtualNetwork` service tag covers. */
export function vnetAddressPrefixes(resource: ArmLike): string[] {
  const v = flat<ArmVnet>(resource);
  const own = v.addressSpace?.addressPrefixes ?? [];
  const peered = (v.virtualNetworkPeerings ?? []).flatMap(
    (p) => flat<ArmPeering>(p).remoteAddressSpace?.addressPrefixes ?? [],
  );
  return [...own, ...peered];
}

export function subnetsOf(resource: ArmLike): ArmLike[] {
  return flat<ArmVnet>(resource).subnets ?? [];
}

export function toInterface(
  resource: ArmLike,
  primaryOnVm: boolean,
  lookups: NetworkLookups,
): NetworkInterface {
  const nic = flat<ArmNic>(resource);
  const configs = (nic.ipConfigurations ?? []).map((c) => flat<ArmIpConfiguration>(c));
  configs.sort((a, b) => Number(b.primary === true) - Number(a.primary === true));
  const subnetId = configs.find((c) => c.subnet?.id)?.subnet?.id;
  const vnetId = subnetId ? parentId(subnetId) : undefined;
  const subnet = subnetId ? lookups.subnet(subnetId) : undefined;
  const vnet = vnetId ? lookups.vnet(vnetId) : undefined;
  const publicIps = configs
    .map((c) => (c.publicIPAddress?.id ? lookups.publicIp(c.publicIPAddress.id) : undefined))
    .filter((ip): ip is string => ip !== undefined);
  return {
    id: nic.id ?? '',
    ...withoutUndefined({ name: nic.name }),
    primary: primaryOnVm,
    privateIps: configs.map((c) => c.privateIPAddress).filter((ip): ip is string => ip !== undefined),
    publicIps,
    ...withoutUndefined({
      nsgId: nic.networkSecurityGroup?.id,
      subnetId,
      subnetNsgId: subnet ? flat<ArmSubnet>(subnet).networkSecurityGroup?.id : undefined,
      vnetId,
      vnetAddressPrefixes: vnet ? vnetAddressPrefixes(vnet) : undefined,
    }),
  };
}

/** The VM's NIC references, primary first (a single NIC is primary even when not marked). */
export function nicReferences(resource: ArmLike): { id: string; primary: boolean }[] {
  const refs = (flat<ArmVm>(resource).networkProfile?.networkInterfaces ?? [])
    .map((r) => flat<ArmNicReference>(r))
    .filter((r): r is ArmNicReference & { id: string } => r.id !== undefined);
  return refs
    .map((r) => ({ id: r.id, primary: r.primary === true || refs.length === 1 }))
    .sort((a, b) => Number(b.primary) - Number(a.primary));
}

export function toVm(resource: ArmLike, interfaces: NetworkInterface[], powerState: PowerState): Vm {
  const vm = flat<ArmVm>(resource);
  const id = vm.id ?? '';
  const parsed = parseArmId(id);
  return {
    cloud: 'azure',
    id,
    name: vm.name ?? '',
    scope: {
      account: parsed?.subscription ?? '',
      region: vm.location ?? '',
      ...withoutUndefined({ resourceGroup: parsed?.resourceGroup }),
    },
    os: osTypeOf(vm),
    powerState,
    interfaces,
    ...withoutUndefined({ tags: vm.tags }),
  };
}

// ---------------------------------------------------------------- Classic Azure Firewall

const FIREWALL_PROTOCOLS: Record<string, FirewallProtocol> = {
  tcp: 'TCP',
  udp: 'UDP',
  any: 'Any',
  icmp: 'ICMP',
};

function firewallProtocols(values: string[] | undefined): FirewallProtocol[] {
  return (values ?? []).map((p) => FIREWALL_PROTOCOLS[p.toLowerCase()]).filter((p) => p !== undefined);
}

function toNatRule(r: ArmNatRule): FirewallNatRule {
  return {
    name: r.name ?? '',
    ...withoutUndefined({ description: r.description }),
    protocols: firewallProtocols(r.protocols),
    sourceAddresses: r.sourceAddresses ?? [],
    destinationAddresses: r.destinationAddresses ?? [],
    destinationPorts: r.destinationPorts ?? [],
    translatedAddress: r.translatedAddress ?? '',
    translatedPort: r.translatedPort ?? '',
  };
}

function toNetworkRule(r: ArmNetworkRule): FirewallNetworkRule {
  return {
    name: r.name ?? '',
    ...withoutUndefined({ description: r.description }),
    protocols: firewallProtocols(r.protocols),
    sourceAddresses: r.sourceAddresses ?? [],
    destinationAddresses: r.destinationAddresses ?? [],
    destinationPorts: r.destinationPorts ?? [],
  };
}

export function toFirewall(resource: ArmLike, publicIp: (id: string) => string | undefined): AzureFirewall {
  const f = flat<ArmFirewall>(resource);
  const configs = (f.ipConfigurations ?? []).map((c) => flat<ArmFirewallIpConfiguration>(c));
  const subnetId = configs.find((c) => c.subnet?.id)?.subnet?.id;
  const natRuleCollections: FirewallNatRuleCollection[] = (f.natRuleCollections ?? []).map((c) => {
    const col = flat<ArmRuleCollection<ArmNatRule>>(c);
    return {
      name: col.name ?? '',
      priority: col.priority ?? 0,
      action: col.action?.type?.toLowerCase() === 'snat' ? 'Snat' : 'Dnat',
      rules: (col.rules ?? []).map(toNatRule),
    };
  });
  const networkRuleCollections: FirewallNetworkRuleCollection[] = (f.networkRuleCollections ?? []).map(
    (c) => {
      const col = flat<ArmRuleCollection<ArmNetworkRule>>(c);
      return {
        name: col.name ?? '',
        priority: col.priority ?? 0,
        action: col.action?.type?.toLowerCase() === 'deny' ? 'Deny' : 'Allow',
        rules: (col.rules ?? []).map(toNetworkRule),
      };
    },
  );
  return {
    id: f.id ?? '',
    name: f.name ?? '',
    ...withoutUndefined({
      etag: f.etag,
      location: f.location,
      vnetId: subnetId ? parentId(subnetId) : undefined,
      privateIp: configs.find((c) => c.privateIPAddress)?.privateIPAddress,
      firewallPolicyId: f.firewallPolicy?.id,
    }),
    publicIps: configs
      .map((c) => (c.publicIPAddress?.id ? publicIp(c.publicIPAddress.id) : undefined))
      .filter((ip): ip is string => ip !== undefined),
    natRuleCollections,
    networkRuleCollections,
  };
}

/** The SDK body of one classic DNAT rule. */
export function toArmNatRule(rule: FirewallNatRule): ArmNatRule {
  return withoutUndefined({
    name: rule.name,
    description: rule.description,
    protocols: rule.protocols,
    sourceAddresses: rule.sourceAddresses,
    destinationAddresses: rule.destinationAddresses,
    destinationPorts: rule.destinationPorts,
    translatedAddress: rule.translatedAddress,
    translatedPort: rule.translatedPort,
  });
}

/** Index of public IP resources by id (lower-cased), to their addresses. */
export function publicIpIndex(resources: ArmLike[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const resource of resources) {
    const p = flat<ArmPublicIp>(resource);
    if (p.id && p.ipAddress) index.set(idKey(p.id), p.ipAddress);
  }
  return index;
}
