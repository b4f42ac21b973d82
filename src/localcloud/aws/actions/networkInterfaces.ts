// DescribeNetworkInterfaces, ModifyNetworkInterfaceAttribute, and the group replacement both it and
// ModifyInstanceAttribute perform.
import { errors } from '../errors';
import { applyFilters, parseFilters, type FilterTable } from '../filters';
import { paginate } from '../pagination';
import { findGroup, findInterface } from '../resources';
import type { AwsRegionState, NetworkInterfaceState } from '../state';
import { networkInterfaceView } from '../views';
import { items } from '../xml';
import { describe, mutate, type ActionTable } from './context';

/** Real EC2 default quota (adjustable up to 16); ours is fixed at the default. */
export const GROUPS_PER_INTERFACE = 5;

const INTERFACE_FILTERS: FilterTable<NetworkInterfaceState> = {
  'network-interface-id': (n) => n.networkInterfaceId,
  'group-id': (n) => n.groupIds,
  'vpc-id': (n) => n.vpcId,
  'subnet-id': (n) => n.subnetId,
  'availability-zone': (n) => n.availabilityZone,
  description: (n) => n.description,
  status: (n) => (n.attachment ? 'in-use' : 'available'),
  'private-ip-address': (n) => n.privateIpAddress,
  'addresses.private-ip-address': (n) => n.privateIpAddress,
  'association.public-ip': (n) => n.publicIp,
  'attachment.instance-id': (n) => n.attachment?.instanceId,
  'attachment.device-index': (n) => n.attachment?.deviceIndex,
  'mac-address': (n) => n.macAddress,
};

/** Checks the groups for an interface in `vpcId` (exist, same VPC, within quota); returns them without repeats. */
export function checkInterfaceGroups(
  region: AwsRegionState,
  vpcId: string,
  interfaceId: string,
  groupIds: string[],
): string[] {
  if (!groupIds.length) throw errors.missingParameter('SecurityGroupId');
  const unique = [...new Set(groupIds)];
  for (const id of unique) {
    if (findGroup(region, id).vpcId !== vpcId) throw errors.differentNetworks(id, interfaceId);
  }
  if (unique.length > GROUPS_PER_INTERFACE) throw errors.groupsPerInterfaceLimit();
  return unique;
}

/** Checks a new group list for an interface and returns the function that applies it. */
export function prepareGroupChange(
  region: AwsRegionState,
  eni: NetworkInterfaceState,
  groupIds: string[],
): () => void {
  const unique = checkInterfaceGroups(region, eni.vpcId, eni.networkInterfaceId, groupIds);
  return () => {
    eni.groupIds = unique;
  };
}

export const networkInterfaceActions: ActionTable = {
  DescribeNetworkInterfaces: describe((ctx) => {
    const { params, region } = ctx;
    const ids = params.list('NetworkInterfaceId');
    let enis = ids.length ? ids.map((id) => findInterface(region, id)) : region.networkInterfaces;
    enis = applyFilters(enis, parseFilters(params), INTERFACE_FILTERS, (n) => n.tags);
    const page = paginate(enis, params, {
      min: 5,
      max: 1000,
      exclusiveWith: { param: 'NetworkInterfaceId', label: 'networkInterfaceIds' },
    });
    return {
      networkInterfaceSet: items(page.items.map((n) => networkInterfaceView(ctx, n))),
      nextToken: page.nextToken,
    };
  }),

  ModifyNetworkInterfaceAttribute: mutate(({ params, region }) => {
    const id = params.get('NetworkInterfaceId');
    if (!id) throw errors.missingParameter('NetworkInterfaceId');
    const eni = findInterface(region, id);
    const groupIds = params.list('SecurityGroupId');
    const description = params.get('Description.Value');
    if (!groupIds.length && description === undefined) {
      throw errors.missingParameter('SecurityGroupId');
    }
    const applyGroups = groupIds.length ? prepareGroupChange(region, eni, groupIds) : undefined;
    return () => {
      applyGroups?.();
      if (description !== undefined) eni.description = description;
      return { return: true };
    };
  }),
};
