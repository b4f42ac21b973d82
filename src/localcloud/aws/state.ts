// The AWS half of a local-cloud world: plain JSON (save/load), per account per region, holding the
// resources the EC2 emulation serves. Rules are stored one per peer, the way EC2 itself keeps them
// (DescribeSecurityGroupRules); DescribeSecurityGroups regroups them into IpPermissions.
import type { AwsPrincipal } from '../shared/principals';
import { untouchedRegion } from './regionBuilder';

export type Tags = Record<string, string>;

export interface VpcState {
  vpcId: string;
  cidrBlock: string;
  isDefault: boolean;
  tags: Tags;
}

export interface SubnetState {
  subnetId: string;
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  defaultForAz: boolean;
  tags: Tags;
}

export interface SecurityGroupState {
  groupId: string;
  groupName: string;
  description: string;
  vpcId: string;
  tags: Tags;
}

export interface SecurityGroupRuleState {
  ruleId: string;
  groupId: string;
  isEgress: boolean;
  /** 'tcp' | 'udp' | 'icmp' | 'icmpv6' | '-1' or a protocol number, lower case as EC2 reports it. */
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  referencedGroupId?: string;
  prefixListId?: string;
  description?: string;
  tags: Tags;
}

export interface NetworkInterfaceState {
  networkInterfaceId: string;
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  description: string;
  macAddress: string;
  privateIpAddress: string;
  /** Public IPv4 address associated with the interface, if any. */
  publicIp?: string;
  ipv6Addresses: string[];
  groupIds: string[];
  attachment?: { attachmentId: string; instanceId: string; deviceIndex: number; attachTime: string };
  tags: Tags;
}

export type InstanceStateName =
  'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export interface InstanceState {
  instanceId: string;
  reservationId: string;
  imageId: string;
  instanceType: string;
  state: InstanceStateName;
  launchTime: string;
  availabilityZone: string;
  subnetId: string;
  vpcId: string;
  keyName?: string;
  /** 'windows' for Windows instances; absent for Linux, as EC2 reports it. */
  platform?: 'windows';
  tags: Tags;
}

export interface AwsRegionState {
  vpcs: VpcState[];
  subnets: SubnetState[];
  securityGroups: SecurityGroupState[];
  securityGroupRules: SecurityGroupRuleState[];
  networkInterfaces: NetworkInterfaceState[];
  instances: InstanceState[];
}

export interface AwsAccountState {
  accountId: string;
  /** The AWS CLI/SDK profile name users know this account by. */
  profile: string;
  regions: Record<string, AwsRegionState>;
}

export interface AwsWorldState {
  /** Regions the emulator reports in DescribeRegions. */
  regions: string[];
  principals: AwsPrincipal[];
  accounts: AwsAccountState[];
}

export function emptyAwsWorld(): AwsWorldState {
  return { regions: [], principals: [], accounts: [] };
}

/**
 * The mutable world the server works on. Callers hand out snapshots (deep copies) and load whole
 * worlds; the server reaches region state through `region()`.
 */
export class AwsWorld {
  private world: AwsWorldState;

  constructor(state: AwsWorldState = emptyAwsWorld()) {
    this.world = structuredClone(state);
  }

  get principals(): readonly AwsPrincipal[] {
    return this.world.principals;
  }

  get regionNames(): readonly string[] {
    return this.world.regions;
  }

  snapshot(): AwsWorldState {
    return structuredClone(this.world);
  }

  load(state: AwsWorldState): void {
    assertAwsWorldShape(state);
    this.world = structuredClone(state);
  }

  /** The region's resources in the account; a region never touched before has just its default VPC. */
  region(accountId: string, regionName: string): AwsRegionState {
    let account = this.world.accounts.find((a) => a.accountId === accountId);
    if (!account) {
      account = { accountId, profile: accountId, regions: {} };
      this.world.accounts.push(account);
    }
    return (account.regions[regionName] ??= untouchedRegion(accountId, regionName));
  }
}

function assertAwsWorldShape(s: AwsWorldState): void {
  if (!s || !Array.isArray(s.regions) || !Array.isArray(s.principals) || !Array.isArray(s.accounts)) {
    throw new Error('an AWS world needs regions[], principals[] and accounts[]');
  }
}
