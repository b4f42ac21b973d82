// EC2 shapes → the engine's model. Pure functions over what Describe* calls return, shared by the
// inventory (a whole region at once) and the fresh read of one instance.
import type {
  Instance,
  InstanceNetworkInterface,
  NetworkInterface as Ec2NetworkInterface,
  SecurityGroup as Ec2SecurityGroup,
  SecurityGroupRule as Ec2SecurityGroupRule,
  Tag,
  Vpc,
} from '@aws-sdk/client-ec2';
import { TAG } from '../../engine/metadata';
import type {
  AwsVmNetwork,
  NetworkInterface,
  OsType,
  PowerState,
  SecurityGroup,
  SgRule,
  Vm,
} from '../../engine/model';

/** Where the instances being translated live. */
export interface AwsScopeRef {
  profile?: string;
  accountId: string;
  region: string;
}

/** Everything Describe* returned for a set of instances (a region, or one instance). */
export interface Ec2Snapshot {
  instances: Instance[];
  groups: Ec2SecurityGroup[];
  rules: Ec2SecurityGroupRule[];
  /** Every interface that uses one of `groups` (any instance's, or none's). */
  interfaces: Ec2NetworkInterface[];
  vpcs: Vpc[];
}

export function tagsOf(tags: Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

const POWER: Record<string, PowerState> = {
  pending: 'starting',
  running: 'running',
  stopping: 'stopping',
  'shutting-down': 'stopping',
  stopped: 'stopped',
};

function osOf(instance: Instance): OsType {
  const details = instance.PlatformDetails?.toLowerCase() ?? '';
  if (instance.Platform?.toLowerCase() === 'windows' || details.includes('windows')) return 'windows';
  // EC2 reports Platform only for Windows; its absence means Linux/UNIX.
  return 'linux';
}

export function toSgRule(rule: Ec2SecurityGroupRule): SgRule {
  const protocol = (rule.IpProtocol ?? '-1').toLowerCase();
  const allTraffic = protocol === '-1';
  const tags = tagsOf(rule.Tags);
  return {
    ...(rule.SecurityGroupRuleId ? { ruleId: rule.SecurityGroupRuleId } : {}),
    isEgress: rule.IsEgress === true,
    ipProtocol: protocol,
    ...(!allTraffic && rule.FromPort !== undefined ? { fromPort: rule.FromPort } : {}),
    ...(!allTraffic && rule.ToPort !== undefined ? { toPort: rule.ToPort } : {}),
    ...(rule.CidrIpv4 ? { cidrIpv4: rule.CidrIpv4 } : {}),
    ...(rule.CidrIpv6 ? { cidrIpv6: rule.CidrIpv6 } : {}),
    ...(rule.PrefixListId ? { prefixListId: rule.PrefixListId } : {}),
    ...(rule.ReferencedGroupInfo?.GroupId ? { referencedGroupId: rule.ReferencedGroupInfo.GroupId } : {}),
    ...(rule.Description ? { description: rule.Description } : {}),
    ...(Object.keys(tags).length > 0 ? { tags } : {}),
  };
}

export function toSecurityGroup(group: Ec2SecurityGroup, rules: SgRule[]): SecurityGroup {
  return {
    id: group.GroupId!,
    name: group.GroupName ?? group.GroupId!,
    ...(group.VpcId ? { vpcId: group.VpcId } : {}),
    description: group.Description ?? '',
    ...(group.OwnerId ? { ownerId: group.OwnerId } : {}),
    tags: tagsOf(group.Tags),
    rules,
  };
}

function vpcCidrs(vpc: Vpc | undefined): string[] {
  if (!vpc) return [];
  const v4 = (vpc.CidrBlockAssociationSet ?? [])
    .filter((a) => a.CidrBlockState?.State !== 'disassociated' && a.CidrBlock)
    .map((a) => a.CidrBlock!);
  const v6 = (vpc.Ipv6CidrBlockAssociationSet ?? [])
    .filter((a) => a.Ipv6CidrBlockState?.State !== 'disassociated' && a.Ipv6CidrBlock)
    .map((a) => a.Ipv6CidrBlock!);
  const all = v4.length > 0 ? v4 : vpc.CidrBlock ? [vpc.CidrBlock] : [];
  return [...all, ...v6];
}

function toInterface(eni: InstanceNetworkInterface, vpcs: Map<string, Vpc>): NetworkInterface {
  const privates = [...(eni.PrivateIpAddresses ?? [])].sort(
    (a, b) => Number(b.Primary ?? false) - Number(a.Primary ?? false),
  );
  const v4 = privates.map((p) => p.PrivateIpAddress!).filter(Boolean);
  if (v4.length === 0 && eni.PrivateIpAddress) v4.push(eni.PrivateIpAddress);
  const v6 = (eni.Ipv6Addresses ?? []).map((a) => a.Ipv6Address!).filter(Boolean);
  const publics = privates.map((p) => p.Association?.PublicIp).filter((ip): ip is string => !!ip);
  if (publics.length === 0 && eni.Association?.PublicIp) publics.push(eni.Association.PublicIp);
  return {
    id: eni.NetworkInterfaceId!,
    ...(eni.Description ? { name: eni.Description } : {}),
    primary: (eni.Attachment?.DeviceIndex ?? 0) === 0,
    privateIps: [...v4, ...v6],
    publicIps: publics,
    securityGroupIds: (eni.Groups ?? []).map((g) => g.GroupId!),
    ...(eni.VpcId ? { vpcId: eni.VpcId, vpcCidrs: vpcCidrs(vpcs.get(eni.VpcId)) } : {}),
  };
}

export function toVm(instance: Instance, scope: AwsScopeRef, vpcs: Map<string, Vpc>): Vm {
  const tags = tagsOf(instance.Tags);
  const enis = [...(instance.NetworkInterfaces ?? [])].sort(
    (a, b) => (a.Attachment?.DeviceIndex ?? 0) - (b.Attachment?.DeviceIndex ?? 0),
  );
  return {
    cloud: 'aws',
    id: instance.InstanceId!,
    name: tags.Name || instance.InstanceId!,
    scope: {
      account: scope.accountId,
      ...(scope.profile ? { accountName: scope.profile } : {}),
      region: scope.region,
    },
    os: osOf(instance),
    powerState: POWER[instance.State?.Name ?? ''] ?? 'unknown',
    interfaces: enis.map((e) => toInterface(e, vpcs)),
    tags,
  };
}

/** Groups (with their rules) and, for each group, every interface that uses it. */
export interface GroupIndex {
  groups: Map<string, SecurityGroup>;
  users: Map<string, string[]>;
}

export function indexGroups(snapshot: Ec2Snapshot): GroupIndex {
  const rulesByGroup = new Map<string, SgRule[]>();
  for (const r of snapshot.rules) {
    const list = rulesByGroup.get(r.GroupId!) ?? [];
    list.push(toSgRule(r));
    rulesByGroup.set(r.GroupId!, list);
  }
  const groups = new Map(
    snapshot.groups.map((g) => [g.GroupId!, toSecurityGroup(g, rulesByGroup.get(g.GroupId!) ?? [])]),
  );
  const users = new Map<string, Set<string>>();
  for (const eni of snapshot.interfaces) {
    for (const g of eni.Groups ?? []) {
      const set = users.get(g.GroupId!) ?? new Set<string>();
      set.add(eni.NetworkInterfaceId!);
      users.set(g.GroupId!, set);
    }
  }
  return { groups, users: new Map([...users].map(([id, set]) => [id, [...set].sort()])) };
}

/**
 * The network state of every live instance in the snapshot: the groups attached to its interfaces,
 * who else uses each of them, and this tool's groups for the instance that are attached nowhere
 * (left by an interrupted enable or disable), so the planner can reuse or remove them.
 */
export function toNetworks(snapshot: Ec2Snapshot, scope: AwsScopeRef): AwsVmNetwork[] {
  const vpcs = new Map(snapshot.vpcs.map((v) => [v.VpcId!, v]));
  const { groups, users } = indexGroups(snapshot);
  const ownedBy = new Map<string, SecurityGroup[]>();
  for (const g of groups.values()) {
    const owner = g.tags[TAG.vm];
    if (owner) ownedBy.set(owner, [...(ownedBy.get(owner) ?? []), g]);
  }
  const live = snapshot.instances.filter((i) => i.InstanceId && i.State?.Name !== 'terminated');
  return live.map((instance) => {
    const vm = toVm(instance, scope, vpcs);
    const network: AwsVmNetwork = { cloud: 'aws', vm, groups: {}, groupInterfaces: {} };
    for (const id of new Set(vm.interfaces.flatMap((n) => n.securityGroupIds ?? []))) {
      const group = groups.get(id);
      if (group) network.groups[id] = group;
      network.groupInterfaces[id] = users.get(id) ?? [];
    }
    for (const group of ownedBy.get(vm.id) ?? []) {
      if (!network.groups[group.id]) (network.unattachedJitGroups ??= {})[group.id] = group;
    }
    return network;
  });
}
