// How EC2 shows each resource in XML (element names as the 2016-11-15 API and botocore's fixtures use).
import { groupName, instanceGroupIds, interfacesOf, rulesOf } from './resources';
import type {
  AwsRegionState,
  InstanceState,
  InstanceStateName,
  NetworkInterfaceState,
  SecurityGroupRuleState,
  SecurityGroupState,
  SubnetState,
  VpcState,
} from './state';
import { items, tagSet, type XmlNode } from './xml';

export interface ViewScope {
  region: AwsRegionState;
  regionName: string;
  accountId: string;
}

const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

const arn = (s: ViewScope, kind: string, id: string) =>
  `arn:aws:ec2:${s.regionName}:${s.accountId}:${kind}/${id}`;

/** EC2 reports "all protocols" rules with -1 ports in rule listings and without ports in IpPermissions. */
const portOf = (r: SecurityGroupRuleState, which: 'fromPort' | 'toPort') =>
  r[which] ?? (r.ipProtocol === '-1' ? -1 : undefined);

export function securityGroupRuleView(s: ViewScope, r: SecurityGroupRuleState): XmlNode {
  return {
    securityGroupRuleId: r.ruleId,
    groupId: r.groupId,
    groupOwnerId: s.accountId,
    isEgress: r.isEgress,
    ipProtocol: r.ipProtocol,
    fromPort: portOf(r, 'fromPort'),
    toPort: portOf(r, 'toPort'),
    cidrIpv4: r.cidrIpv4,
    cidrIpv6: r.cidrIpv6,
    prefixListId: r.prefixListId,
    referencedGroupInfo: r.referencedGroupId
      ? { groupId: r.referencedGroupId, userId: s.accountId }
      : undefined,
    description: r.description,
    tagSet: tagSet(r.tags),
    securityGroupRuleArn: arn(s, 'security-group-rule', r.ruleId),
  };
}

/** Regroups one-peer rules into EC2's IpPermissions: one permission per protocol and port range. */
function ipPermissions(s: ViewScope, rules: SecurityGroupRuleState[]): XmlNode[] {
  const byKey = new Map<string, SecurityGroupRuleState[]>();
  for (const r of rules) {
    const key = `${r.ipProtocol}/${r.fromPort}/${r.toPort}`;
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  return [...byKey.values()].map((group) => {
    const [first] = group;
    return {
      ipProtocol: first.ipProtocol,
      fromPort: first.fromPort,
      toPort: first.toPort,
      groups: items(
        group
          .filter((r) => r.referencedGroupId)
          .map((r) => ({ description: r.description, groupId: r.referencedGroupId, userId: s.accountId })),
      ),
      ipRanges: items(
        group.filter((r) => r.cidrIpv4).map((r) => ({ cidrIp: r.cidrIpv4, description: r.description })),
      ),
      ipv6Ranges: items(
        group.filter((r) => r.cidrIpv6).map((r) => ({ cidrIpv6: r.cidrIpv6, description: r.description })),
      ),
      prefixListIds: items(
        group
          .filter((r) => r.prefixListId)
          .map((r) => ({ prefixListId: r.prefixListId, description: r.description })),
      ),
    };
  });
}

export function securityGroupView(s: ViewScope, g: SecurityGroupState): XmlNode {
  const rules = rulesOf(s.region, g.groupId);
  return {
    ownerId: s.accountId,
    groupId: g.groupId,
    groupName: g.groupName,
    groupDescription: g.description,
    vpcId: g.vpcId,
    securityGroupArn: arn(s, 'security-group', g.groupId),
    ipPermissions: items(
      ipPermissions(
        s,
        rules.filter((r) => !r.isEgress),
      ),
    ),
    ipPermissionsEgress: items(
      ipPermissions(
        s,
        rules.filter((r) => r.isEgress),
      ),
    ),
    tagSet: tagSet(g.tags),
  };
}

function groupSet(s: ViewScope, groupIds: string[]): XmlNode | '' {
  return items(groupIds.map((groupId) => ({ groupId, groupName: groupName(s.region, groupId) })));
}

function privateDnsName(s: ViewScope, ip: string): string {
  return `ip-${ip.replaceAll('.', '-')}.${s.regionName}.compute.internal`;
}

function association(n: NetworkInterfaceState): XmlNode | undefined {
  return n.publicIp ? { publicIp: n.publicIp, publicDnsName: '', ipOwnerId: 'amazon' } : undefined;
}

function attachmentView(s: ViewScope, n: NetworkInterfaceState, withInstance: boolean): XmlNode | undefined {
  const a = n.attachment;
  if (!a) return undefined;
  return {
    attachmentId: a.attachmentId,
    instanceId: withInstance ? a.instanceId : undefined,
    instanceOwnerId: withInstance ? s.accountId : undefined,
    deviceIndex: a.deviceIndex,
    status: 'attached',
    attachTime: a.attachTime,
    deleteOnTermination: a.deviceIndex === 0,
    networkCardIndex: 0,
  };
}

function interfaceBody(s: ViewScope, n: NetworkInterfaceState, withInstance: boolean): XmlNode {
  return {
    networkInterfaceId: n.networkInterfaceId,
    subnetId: n.subnetId,
    vpcId: n.vpcId,
    description: n.description,
    ownerId: s.accountId,
    status: n.attachment ? 'in-use' : 'available',
    macAddress: n.macAddress,
    privateIpAddress: n.privateIpAddress,
    privateDnsName: privateDnsName(s, n.privateIpAddress),
    sourceDestCheck: true,
    groupSet: groupSet(s, n.groupIds),
    attachment: attachmentView(s, n, withInstance),
    association: association(n),
    privateIpAddressesSet: items([
      {
        privateIpAddress: n.privateIpAddress,
        privateDnsName: privateDnsName(s, n.privateIpAddress),
        primary: true,
        association: association(n),
      },
    ]),
    ipv6AddressesSet: items(n.ipv6Addresses.map((ipv6Address) => ({ ipv6Address }))),
    interfaceType: 'interface',
  };
}

export function networkInterfaceView(s: ViewScope, n: NetworkInterfaceState): XmlNode {
  return {
    ...interfaceBody(s, n, true),
    availabilityZone: n.availabilityZone,
    requesterManaged: false,
    tagSet: tagSet(n.tags),
  };
}

export function instanceView(s: ViewScope, i: InstanceState): XmlNode {
  const enis = interfacesOf(s.region, i.instanceId);
  const primary = enis[0];
  const running = i.state === 'running';
  return {
    instanceId: i.instanceId,
    imageId: i.imageId,
    instanceState: { code: STATE_CODES[i.state], name: i.state },
    privateDnsName: primary ? privateDnsName(s, primary.privateIpAddress) : '',
    dnsName: '',
    reason: i.state === 'stopped' ? `User initiated (${i.launchTime})` : '',
    keyName: i.keyName,
    amiLaunchIndex: 0,
    productCodes: '',
    instanceType: i.instanceType,
    launchTime: i.launchTime,
    placement: { availabilityZone: i.availabilityZone, groupName: '', tenancy: 'default' },
    platform: i.platform,
    monitoring: { state: 'disabled' },
    subnetId: i.subnetId,
    vpcId: i.vpcId,
    privateIpAddress: primary?.privateIpAddress,
    ipAddress: running ? primary?.publicIp : undefined,
    groupSet: groupSet(s, instanceGroupIds(s.region, i.instanceId)),
    architecture: 'x86_64',
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    blockDeviceMapping: '',
    virtualizationType: 'hvm',
    tagSet: tagSet(i.tags),
    hypervisor: 'xen',
    networkInterfaceSet: items(enis.map((n) => interfaceBody(s, n, false))),
    ebsOptimized: false,
    platformDetails: i.platform === 'windows' ? 'Windows' : 'Linux/UNIX',
  };
}

/** Instances grouped into their reservations, keeping the order of first appearance. */
export function reservationsView(s: ViewScope, instances: InstanceState[]): XmlNode[] {
  const byReservation = new Map<string, InstanceState[]>();
  for (const i of instances)
    byReservation.set(i.reservationId, [...(byReservation.get(i.reservationId) ?? []), i]);
  return [...byReservation].map(([reservationId, list]) => ({
    reservationId,
    ownerId: s.accountId,
    groupSet: '',
    instancesSet: items(list.map((i) => instanceView(s, i))),
  }));
}

export function vpcView(s: ViewScope, v: VpcState): XmlNode {
  return {
    vpcId: v.vpcId,
    ownerId: s.accountId,
    state: 'available',
    cidrBlock: v.cidrBlock,
    cidrBlockAssociationSet: items([
      {
        cidrBlock: v.cidrBlock,
        associationId: `vpc-cidr-assoc-${v.vpcId.slice(4)}`,
        cidrBlockState: { state: 'associated' },
      },
    ]),
    dhcpOptionsId: 'default',
    instanceTenancy: 'default',
    isDefault: v.isDefault,
    tagSet: tagSet(v.tags),
  };
}

export function subnetView(s: ViewScope, n: SubnetState): XmlNode {
  return {
    subnetId: n.subnetId,
    subnetArn: arn(s, 'subnet', n.subnetId),
    state: 'available',
    ownerId: s.accountId,
    vpcId: n.vpcId,
    cidrBlock: n.cidrBlock,
    availableIpAddressCount: 4091,
    availabilityZone: n.availabilityZone,
    defaultForAz: n.defaultForAz,
    mapPublicIpOnLaunch: n.defaultForAz,
    tagSet: tagSet(n.tags),
  };
}
