// Finding resources in a region by id, with EC2's not-found errors, and the relations between them
// (an instance's interfaces, the interfaces using a group).
import { errors } from './errors';
import type {
  AwsRegionState,
  InstanceState,
  NetworkInterfaceState,
  SecurityGroupRuleState,
  SecurityGroupState,
  SubnetState,
  VpcState,
} from './state';

export function findGroup(region: AwsRegionState, groupId: string): SecurityGroupState {
  if (!groupId.startsWith('sg-')) throw errors.groupIdMalformed(groupId);
  const group = region.securityGroups.find((g) => g.groupId === groupId);
  if (!group) throw errors.groupNotFound(groupId);
  return group;
}

/** A group given by GroupId, or by GroupName in the default VPC (EC2's rule for name-only calls). */
export function findGroupByIdOrName(
  region: AwsRegionState,
  groupId?: string,
  groupName?: string,
): SecurityGroupState {
  if (groupId) return findGroup(region, groupId);
  if (!groupName) throw errors.missingParameter('GroupId');
  const vpc = defaultVpc(region);
  const group = region.securityGroups.find((g) => g.groupName === groupName && g.vpcId === vpc.vpcId);
  if (!group) throw errors.groupNotFound(groupName);
  return group;
}

export function findInstance(region: AwsRegionState, instanceId: string): InstanceState {
  const instance = region.instances.find((i) => i.instanceId === instanceId);
  if (!instance) throw errors.instanceNotFound(instanceId);
  return instance;
}

export function findInterface(region: AwsRegionState, interfaceId: string): NetworkInterfaceState {
  const eni = region.networkInterfaces.find((n) => n.networkInterfaceId === interfaceId);
  if (!eni) throw errors.interfaceNotFound(interfaceId);
  return eni;
}

export function findVpc(region: AwsRegionState, vpcId: string): VpcState {
  const vpc = region.vpcs.find((v) => v.vpcId === vpcId);
  if (!vpc) throw errors.vpcNotFound(vpcId);
  return vpc;
}

export function findSubnet(region: AwsRegionState, subnetId: string): SubnetState {
  const subnet = region.subnets.find((s) => s.subnetId === subnetId);
  if (!subnet) throw errors.subnetNotFound(subnetId);
  return subnet;
}

export function defaultVpc(region: AwsRegionState): VpcState {
  const vpc = region.vpcs.find((v) => v.isDefault);
  if (!vpc) throw errors.noDefaultVpc();
  return vpc;
}

/** The instance's interfaces, primary (device index 0) first. */
export function interfacesOf(region: AwsRegionState, instanceId: string): NetworkInterfaceState[] {
  return region.networkInterfaces
    .filter((n) => n.attachment?.instanceId === instanceId)
    .sort((a, b) => (a.attachment?.deviceIndex ?? 0) - (b.attachment?.deviceIndex ?? 0));
}

export function rulesOf(region: AwsRegionState, groupId: string): SecurityGroupRuleState[] {
  return region.securityGroupRules.filter((r) => r.groupId === groupId);
}

export function groupName(region: AwsRegionState, groupId: string): string | undefined {
  return region.securityGroups.find((g) => g.groupId === groupId)?.groupName;
}

/** Every security group attached to any of the instance's interfaces, without repeats. */
export function instanceGroupIds(region: AwsRegionState, instanceId: string): string[] {
  return [...new Set(interfacesOf(region, instanceId).flatMap((n) => n.groupIds))];
}
