// Building AWS worlds (demo and generated) with stable, EC2-shaped ids: VPCs come with their default
// subnets and default group, groups with EC2's default egress rule, instances with their interfaces.
import { createHash } from 'node:crypto';
import { macFor, seededId } from './ids';
import type { AwsPrincipal } from '../shared/principals';
import type {
  AwsRegionState,
  InstanceStateName,
  SecurityGroupRuleState,
  SecurityGroupState,
  SubnetState,
  Tags,
  VpcState,
} from './state';

export type RuleSpec = Omit<SecurityGroupRuleState, 'ruleId' | 'groupId' | 'isEgress' | 'tags'> & {
  tags?: Tags;
};

/** An inbound TCP rule from one IPv4 or IPv6 range. */
export function tcpFrom(cidr: string, fromPort: number, toPort = fromPort, description?: string): RuleSpec {
  return {
    ipProtocol: 'tcp',
    fromPort,
    toPort,
    ...(cidr.includes(':') ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
    description,
  };
}

export interface InterfaceSpec {
  groups: SecurityGroupState[];
  subnet?: SubnetState;
  publicIp?: string;
  ipv6?: string;
}

export interface InstanceSpec {
  name: string;
  vpc: VpcState;
  interfaces: InterfaceSpec[];
  state?: InstanceStateName;
  platform?: 'windows';
  instanceType?: string;
  launchTime?: string;
  tags?: Tags;
}

function emptyRegion(): AwsRegionState {
  return {
    vpcs: [],
    subnets: [],
    securityGroups: [],
    securityGroupRules: [],
    networkInterfaces: [],
    instances: [],
  };
}

/** What a region looks like before anyone touched it: EC2 gives every region a default VPC. */
export function untouchedRegion(accountId: string, regionName: string): AwsRegionState {
  const b = new AwsRegionBuilder(accountId, regionName);
  b.vpc('default', '172.31.0.0/16', true);
  return b.state;
}

export class AwsRegionBuilder {
  readonly state: AwsRegionState = emptyRegion();
  private ruleCount = 0;
  private ipCount = new Map<string, number>();

  constructor(
    private readonly seed: string,
    readonly regionName: string,
  ) {}

  private id(prefix: Parameters<typeof seededId>[0], name: string): string {
    return seededId(prefix, `${this.seed}/${this.regionName}/${name}`);
  }

  /** A VPC with a subnet in zones a and b and its default security group. */
  vpc(name: string, cidrBlock: string, isDefault = false): VpcState {
    const vpc: VpcState = {
      vpcId: this.id('vpc', name),
      cidrBlock,
      isDefault,
      tags: isDefault ? {} : { Name: name },
    };
    this.state.vpcs.push(vpc);
    const [a, b, c] = cidrBlock.split('.');
    ['a', 'b'].forEach((zone, n) => {
      this.state.subnets.push({
        subnetId: this.id('subnet', `${name}/${zone}`),
        vpcId: vpc.vpcId,
        cidrBlock: isDefault ? `${a}.${b}.${n * 16}.0/20` : `${a}.${b}.${Number(c) + n}.0/24`,
        availabilityZone: `${this.regionName}${zone}`,
        defaultForAz: isDefault,
        tags: isDefault ? {} : { Name: `${name}-${zone}` },
      });
    });
    const dflt = this.group(vpc, 'default', `default VPC security group`, []);
    this.rule(dflt, { ipProtocol: '-1', referencedGroupId: dflt.groupId });
    return vpc;
  }

  subnets(vpc: VpcState): SubnetState[] {
    return this.state.subnets.filter((s) => s.vpcId === vpc.vpcId);
  }

  defaultGroup(vpc: VpcState): SecurityGroupState {
    return this.state.securityGroups.find((g) => g.vpcId === vpc.vpcId && g.groupName === 'default')!;
  }

  group(
    vpc: VpcState,
    groupName: string,
    description: string,
    inbound: RuleSpec[],
    tags: Tags = {},
  ): SecurityGroupState {
    const group: SecurityGroupState = {
      groupId: this.id('sg', `${vpc.vpcId}/${groupName}`),
      groupName,
      description,
      vpcId: vpc.vpcId,
      tags,
    };
    this.state.securityGroups.push(group);
    for (const r of inbound) this.rule(group, r);
    this.rule(group, { ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' }, true);
    return group;
  }

  rule(group: SecurityGroupState, spec: RuleSpec, isEgress = false): void {
    this.state.securityGroupRules.push({
      ...spec,
      ruleId: this.id('sgr', `${group.groupId}/${this.ruleCount++}`),
      groupId: group.groupId,
      isEgress,
      tags: spec.tags ?? {},
    });
  }

  instance(spec: InstanceSpec): void {
    const instanceId = this.id('i', spec.name);
    const [primarySubnet] = this.subnets(spec.vpc);
    const launchTime = spec.launchTime ?? '2025-01-15T09:30:00.000Z';
    spec.interfaces.forEach((nic, deviceIndex) => {
      const subnet = nic.subnet ?? primarySubnet;
      const networkInterfaceId = this.id('eni', `${spec.name}/${deviceIndex}`);
      this.state.networkInterfaces.push({
        networkInterfaceId,
        subnetId: subnet.subnetId,
        vpcId: spec.vpc.vpcId,
        availabilityZone: subnet.availabilityZone,
        description: deviceIndex === 0 ? '' : `${spec.name} secondary interface`,
        macAddress: macFor(networkInterfaceId),
        privateIpAddress: this.nextIp(subnet),
        publicIp: nic.publicIp,
        ipv6Addresses: nic.ipv6 ? [nic.ipv6] : [],
        groupIds: nic.groups.map((g) => g.groupId),
        attachment: {
          attachmentId: this.id('eni-attach', `${spec.name}/${deviceIndex}`),
          instanceId,
          deviceIndex,
          attachTime: launchTime,
        },
        tags: {},
      });
    });
    this.state.instances.push({
      instanceId,
      reservationId: this.id('r', spec.name),
      imageId: spec.platform === 'windows' ? 'ami-0c2b0d3fb02824d92' : 'ami-0a8e758f5e873d1c1',
      instanceType: spec.instanceType ?? 't3.micro',
      state: spec.state ?? 'running',
      launchTime,
      availabilityZone: primarySubnet.availabilityZone,
      subnetId: (spec.interfaces[0]?.subnet ?? primarySubnet).subnetId,
      vpcId: spec.vpc.vpcId,
      keyName: spec.platform === 'windows' ? undefined : 'ops',
      platform: spec.platform,
      tags: { Name: spec.name, ...spec.tags },
    });
  }

  private nextIp(subnet: SubnetState): string {
    const n = (this.ipCount.get(subnet.subnetId) ?? 9) + 1;
    this.ipCount.set(subnet.subnetId, n);
    const [a, b, c] = subnet.cidrBlock.split('.');
    return `${a}.${b}.${Number(c) + Math.floor(n / 250)}.${n % 250}`;
  }
}

/** A demo principal with stable, AWS-shaped (but obviously local) credentials. */
export function awsPrincipal(
  name: string,
  accountId: string,
  profile: string,
  allowedActions: string[],
): AwsPrincipal {
  const hash = createHash('sha256').update(`jit-localcloud/${accountId}/${name}`).digest();
  const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const keyTail = [...hash.subarray(0, 16)].map((b) => base32[b % 32]).join('');
  return {
    name,
    accessKeyId: `AKIA${keyTail}`,
    secretAccessKey: hash.toString('base64').slice(0, 40).replace(/[+/=]/g, 'x'),
    accountId,
    profile,
    allowedActions,
  };
}
