// The engine's domain model: what every other layer translates clouds into and out of.
// Times are epoch milliseconds and durations milliseconds; the engine never reads a clock.

export type Cloud = 'azure' | 'aws';

/** Protocol of a JIT port. `*` means TCP and UDP. */
export type JitProtocol = 'tcp' | 'udp' | '*';

export type PowerState = 'running' | 'starting' | 'stopping' | 'stopped' | 'deallocated' | 'unknown';
export type OsType = 'linux' | 'windows' | 'unknown';

/** Where a VM lives: an Azure subscription (+ resource group) or an AWS account (+ profile). */
export interface VmScope {
  /** Azure subscription id or AWS account id. */
  account: string;
  /** Display name of the subscription, or the AWS profile name. */
  accountName?: string;
  region: string;
  resourceGroup?: string;
}

export interface NetworkInterface {
  id: string;
  name?: string;
  primary: boolean;
  /** IPv4 and IPv6 private addresses, primary first. */
  privateIps: string[];
  publicIps: string[];
  // Azure
  nsgId?: string;
  subnetId?: string;
  subnetNsgId?: string;
  vnetId?: string;
  /** Address space of the VNet (and peered VNets): what the `VirtualNetwork` service tag stands for. */
  vnetAddressPrefixes?: string[];
  // AWS
  securityGroupIds?: string[];
  vpcId?: string;
  vpcCidrs?: string[];
}

export interface Vm {
  cloud: Cloud;
  /** ARM resource id, or EC2 instance id. */
  id: string;
  name: string;
  scope: VmScope;
  os: OsType;
  powerState: PowerState;
  /** Azure classic (ASM) VM: JIT does not apply. */
  classic?: boolean;
  interfaces: NetworkInterface[];
  tags?: Record<string, string>;
}

// ---------------------------------------------------------------- Azure NSG

export type NsgProtocol = 'Tcp' | 'Udp' | 'Icmp' | 'Esp' | 'Ah' | '*';
export type RuleDirection = 'Inbound' | 'Outbound';
export type RuleAccess = 'Allow' | 'Deny';

/** An NSG security rule with the service's singular and plural fields kept as they are. */
export interface SecurityRule {
  name: string;
  /** The service's version of the rule: writes send it as If-Match. (The rule's id is not kept: NSG id + name.) */
  etag?: string;
  priority: number;
  direction: RuleDirection;
  access: RuleAccess;
  protocol: NsgProtocol;
  sourceAddressPrefix?: string;
  sourceAddressPrefixes?: string[];
  sourcePortRange?: string;
  sourcePortRanges?: string[];
  destinationAddressPrefix?: string;
  destinationAddressPrefixes?: string[];
  destinationPortRange?: string;
  destinationPortRanges?: string[];
  /** Application security groups: recorded, not evaluated (a rule using them never matches an address). */
  sourceApplicationSecurityGroupIds?: string[];
  destinationApplicationSecurityGroupIds?: string[];
  description?: string;
}

export interface Nsg {
  id: string;
  name: string;
  location?: string;
  etag?: string;
  /** When true, rule changes re-evaluate existing flows: expiry would cut established connections. */
  flushConnection: boolean;
  securityRules: SecurityRule[];
  /** The read-only default rules; the engine supplies Azure's standard six when this is empty. */
  defaultSecurityRules: SecurityRule[];
}

// ---------------------------------------------------------------- Azure Firewall (classic rules)

export type FirewallProtocol = 'TCP' | 'UDP' | 'Any' | 'ICMP';

export interface FirewallNatRule {
  name: string;
  description?: string;
  protocols: FirewallProtocol[];
  sourceAddresses: string[];
  destinationAddresses: string[];
  destinationPorts: string[];
  translatedAddress: string;
  translatedPort: string;
}

export interface FirewallNatRuleCollection {
  name: string;
  priority: number;
  action: 'Dnat' | 'Snat';
  rules: FirewallNatRule[];
}

export interface FirewallNetworkRule {
  name: string;
  description?: string;
  protocols: FirewallProtocol[];
  sourceAddresses: string[];
  destinationAddresses: string[];
  destinationPorts: string[];
}

export interface FirewallNetworkRuleCollection {
  name: string;
  priority: number;
  action: 'Allow' | 'Deny';
  rules: FirewallNetworkRule[];
}

export interface AzureFirewall {
  id: string;
  name: string;
  etag?: string;
  location?: string;
  /** The VNet the firewall is deployed in; VMs in that VNet count as protected by it. */
  vnetId?: string;
  publicIps: string[];
  privateIp?: string;
  /** Set when the firewall is managed by Azure Firewall Manager: JIT does not apply. */
  firewallPolicyId?: string;
  natRuleCollections: FirewallNatRuleCollection[];
  networkRuleCollections: FirewallNetworkRuleCollection[];
}

// ---------------------------------------------------------------- AWS security groups

/** One security group rule as EC2 reports it (DescribeSecurityGroupRules): a single peer each. */
export interface SgRule {
  ruleId?: string;
  isEgress: boolean;
  /** 'tcp' | 'udp' | 'icmp' | 'icmpv6' | '-1' (all) or an IP protocol number as a string. */
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  prefixListId?: string;
  referencedGroupId?: string;
  description?: string;
  tags?: Record<string, string>;
}

export interface SecurityGroup {
  id: string;
  name: string;
  vpcId?: string;
  description: string;
  ownerId?: string;
  tags: Record<string, string>;
  rules: SgRule[];
}

// ---------------------------------------------------------------- Network state of one VM

/** Everything the engine needs to reason about one Azure VM's inbound reachability. */
export interface AzureVmNetwork {
  cloud: 'azure';
  vm: Vm;
  /** Every NSG on the VM's NICs and their subnets, by id. */
  nsgs: Record<string, Nsg>;
  /** Classic firewalls in front of the VM (same VNet). */
  firewalls: AzureFirewall[];
}

/** Everything the engine needs to reason about one EC2 instance's inbound reachability. */
export interface AwsVmNetwork {
  cloud: 'aws';
  vm: Vm;
  /** Every group attached to any of the instance's interfaces, by id. */
  groups: Record<string, SecurityGroup>;
  /** For each attached group, the ids of every network interface (of any instance) that uses it. */
  groupInterfaces: Record<string, string[]>;
  /** CIDRs of managed prefix lists referenced by rules; an unknown list is treated as "any address". */
  prefixLists?: Record<string, string[]>;
  /**
   * Groups tagged by JIT VM Access for this instance (`jit-vm-access:vm`) but attached to none of its
   * interfaces — left by an interrupted enable/disable; the provider finds them by tag so a sweep can
   * repair. Not used for reachability.
   */
  unattachedJitGroups?: Record<string, SecurityGroup>;
}

export type VmNetwork = AzureVmNetwork | AwsVmNetwork;

// ---------------------------------------------------------------- JIT policy and grants

export interface JitPortPolicy {
  port: number;
  protocol: JitProtocol;
  /** CIDRs (v4/v6) a request may come from; ['*'] means any source (allowed only with a warning). */
  allowedSourcePrefixes: string[];
  /** 5 minutes to 24 hours. */
  maxDurationMs: number;
}

export interface JitPolicy {
  vmId: string;
  ports: JitPortPolicy[];
  requireJustification: boolean;
}

export const DEFAULT_JIT_PORTS: readonly number[] = [22, 3389, 5985, 5986];
export const MIN_DURATION_MS = 5 * 60_000;
export const MAX_DURATION_MS = 24 * 3_600_000;
export const DEFAULT_MAX_DURATION_MS = 3 * 3_600_000;

export interface PortSpec {
  port: number;
  protocol: JitProtocol;
}

/** What a user asks for. */
export interface AccessRequest {
  vmId: string;
  ports: PortSpec[];
  /** A CIDR (a single address is normalised to /32 or /128 by validation). */
  source: string;
  durationMs: number;
  requester: string;
  justification?: string;
}

/** Where one piece of a grant lives in the cloud. */
export type GrantRuleRef =
  | { kind: 'nsgRule'; nsgId: string; ruleName: string }
  | { kind: 'firewallNatRule'; firewallId: string; collection: string; ruleName: string }
  | { kind: 'sgRule'; groupId: string; ruleId: string };

/** Where to connect when access goes through a firewall's DNAT instead of the VM's own address. */
export interface ConnectEndpoint {
  port: number;
  host: string;
  hostPort: number;
}

/** An active grant, as found in (or about to be written to) the cloud. */
export interface Grant {
  /** Short stable id shared by every rule of the grant. */
  id: string;
  cloud: Cloud;
  vmId: string;
  vmName: string;
  ports: PortSpec[];
  source: string;
  requester: string;
  justification?: string;
  /** Known only when the grant was made by this tool in a way that records it. */
  createdAt?: number;
  expiresAt: number;
  rules: GrantRuleRef[];
  connect?: ConnectEndpoint[];
}
