// DescribeInstances, ModifyInstanceAttribute (security groups) and a minimal RunInstances (so that a
// scripted scenario can make instances on an empty emulator and on moto alike).
import ipaddr from 'ipaddr.js';
import { errors } from '../errors';
import { applyFilters, parseFilters, type FilterTable } from '../filters';
import { macFor, newId } from '../ids';
import { paginate } from '../pagination';
import type { QueryParams } from '../query';
import {
  defaultVpc,
  findInstance,
  findSubnet,
  groupName,
  instanceGroupIds,
  interfacesOf,
} from '../resources';
import type { AwsRegionState, InstanceState, NetworkInterfaceState, SubnetState } from '../state';
import { instanceView, reservationsView } from '../views';
import { items } from '../xml';
import { describe, mutate, type ActionContext, type ActionTable } from './context';
import { checkInterfaceGroups, prepareGroupChange } from './networkInterfaces';
import { tagsFromSpecifications } from './tags';

function instanceFilters(region: AwsRegionState): FilterTable<InstanceState> {
  const enis = (i: InstanceState) => interfacesOf(region, i.instanceId);
  const groups = (i: InstanceState) => instanceGroupIds(region, i.instanceId);
  return {
    'instance-id': (i) => i.instanceId,
    'instance-state-name': (i) => i.state,
    'instance-type': (i) => i.instanceType,
    'image-id': (i) => i.imageId,
    'availability-zone': (i) => i.availabilityZone,
    'vpc-id': (i) => i.vpcId,
    'subnet-id': (i) => i.subnetId,
    platform: (i) => i.platform,
    'reservation-id': (i) => i.reservationId,
    'key-name': (i) => i.keyName,
    'private-ip-address': (i) => enis(i)[0]?.privateIpAddress,
    'ip-address': (i) => enis(i)[0]?.publicIp,
    'instance.group-id': groups,
    'instance.group-name': (i) => groups(i).map((g) => groupName(region, g)),
    'network-interface.group-id': (i) => enis(i).flatMap((n) => n.groupIds),
    'network-interface.network-interface-id': (i) => enis(i).map((n) => n.networkInterfaceId),
    'network-interface.vpc-id': (i) => enis(i).map((n) => n.vpcId),
    'network-interface.subnet-id': (i) => enis(i).map((n) => n.subnetId),
    'network-interface.addresses.private-ip-address': (i) => enis(i).map((n) => n.privateIpAddress),
  };
}

/** The next unused host address of the subnet (EC2 reserves the first four). */
function nextPrivateIp(region: AwsRegionState, subnet: SubnetState): string {
  const [base] = ipaddr.IPv4.parseCIDR(subnet.cidrBlock);
  const used = new Set(
    region.networkInterfaces.filter((n) => n.subnetId === subnet.subnetId).map((n) => n.privateIpAddress),
  );
  const start = base.toByteArray().reduce((acc, b) => acc * 256 + b, 0);
  for (let offset = 4; ; offset++) {
    const n = start + offset;
    const ip = [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
    if (!used.has(ip)) return ip;
  }
}

/** A public address from TEST-NET-2 (198.51.100.0/24), as documentation ranges stand in for real ones. */
function nextPublicIp(region: AwsRegionState): string {
  const used = new Set(region.networkInterfaces.map((n) => n.publicIp));
  for (let host = 1; host < 255; host++) if (!used.has(`198.51.100.${host}`)) return `198.51.100.${host}`;
  return '198.51.100.254';
}

function subnetFor(region: AwsRegionState, subnetId: string | undefined): SubnetState {
  if (subnetId) return findSubnet(region, subnetId);
  const vpc = defaultVpc(region);
  const subnet = region.subnets.find((s) => s.vpcId === vpc.vpcId && s.defaultForAz);
  if (!subnet) throw errors.noDefaultVpc();
  return subnet;
}

interface InterfaceSpec {
  deviceIndex: number;
  subnet: SubnetState;
  groupIds: string[];
  publicIp: boolean;
}

function interfaceSpecs(params: QueryParams, region: AwsRegionState): InterfaceSpec[] {
  const given = params.structs('NetworkInterface');
  const defaultGroups = (subnet: SubnetState, ids: string[]) => {
    if (ids.length) return ids;
    const group = region.securityGroups.find((g) => g.vpcId === subnet.vpcId && g.groupName === 'default');
    return group ? [group.groupId] : [];
  };
  if (!given.length) {
    const subnet = subnetFor(region, params.get('SubnetId'));
    return [
      {
        deviceIndex: 0,
        subnet,
        groupIds: defaultGroups(subnet, params.list('SecurityGroupId')),
        publicIp: subnet.defaultForAz,
      },
    ];
  }
  return given.map((n, i) => {
    const subnet = subnetFor(region, n.get('SubnetId'));
    return {
      deviceIndex: n.int('DeviceIndex') ?? i,
      subnet,
      groupIds: defaultGroups(subnet, n.list('SecurityGroupId')),
      publicIp: n.bool('AssociatePublicIpAddress'),
    };
  });
}

function launch(
  ctx: ActionContext,
  reservationId: string,
  specs: InterfaceSpec[],
  tags: Record<string, string>,
): InstanceState {
  const { params, region, now } = ctx;
  const primary = specs.find((s) => s.deviceIndex === 0) ?? specs[0];
  const instance: InstanceState = {
    instanceId: newId('i'),
    reservationId,
    imageId: params.get('ImageId') ?? '',
    instanceType: params.get('InstanceType') ?? 'm1.small',
    state: 'running',
    launchTime: now,
    availabilityZone: primary.subnet.availabilityZone,
    subnetId: primary.subnet.subnetId,
    vpcId: primary.subnet.vpcId,
    keyName: params.get('KeyName'),
    tags: { ...tags },
  };
  region.instances.push(instance);
  for (const spec of specs) {
    const networkInterfaceId = newId('eni');
    const eni: NetworkInterfaceState = {
      networkInterfaceId,
      subnetId: spec.subnet.subnetId,
      vpcId: spec.subnet.vpcId,
      availabilityZone: spec.subnet.availabilityZone,
      description: '',
      macAddress: macFor(networkInterfaceId),
      privateIpAddress: nextPrivateIp(region, spec.subnet),
      publicIp: spec.publicIp ? nextPublicIp(region) : undefined,
      ipv6Addresses: [],
      groupIds: spec.groupIds,
      attachment: {
        attachmentId: newId('eni-attach'),
        instanceId: instance.instanceId,
        deviceIndex: spec.deviceIndex,
        attachTime: now,
      },
      tags: {},
    };
    region.networkInterfaces.push(eni);
  }
  return instance;
}

export const instanceActions: ActionTable = {
  DescribeInstances: describe((ctx) => {
    const { params, region } = ctx;
    const ids = params.list('InstanceId');
    let instances = ids.length ? ids.map((id) => findInstance(region, id)) : region.instances;
    instances = applyFilters(instances, parseFilters(params), instanceFilters(region), (i) => i.tags);
    const page = paginate(instances, params, {
      min: 5,
      max: 1000,
      exclusiveWith: { param: 'InstanceId', label: 'instancesSet' },
    });
    return { reservationSet: items(reservationsView(ctx, page.items)), nextToken: page.nextToken };
  }),

  ModifyInstanceAttribute: mutate(({ params, region }) => {
    const id = params.get('InstanceId');
    if (!id) throw errors.missingParameter('InstanceId');
    const instance = findInstance(region, id);
    const groupIds = params.list('GroupId');
    if (!groupIds.length) {
      throw errors.invalidParameterCombination(
        'The local cloud supports ModifyInstanceAttribute for GroupId.N only.',
      );
    }
    const enis = interfacesOf(region, instance.instanceId);
    if (enis.length > 1) throw errors.instanceHasSeveralInterfaces(instance.instanceId);
    const apply = prepareGroupChange(region, enis[0], groupIds);
    return () => {
      apply();
      return { return: true };
    };
  }),

  RunInstances: mutate((ctx) => {
    const { params, region } = ctx;
    if (!params.get('ImageId')) throw errors.missingParameter('ImageId');
    const count = params.int('MaxCount') ?? params.int('MinCount') ?? 1;
    if (!(count >= 1 && count <= 20))
      throw errors.invalidParameterValue(`Invalid value '${count}' for MaxCount`);
    const specs = interfaceSpecs(params, region);
    for (const s of specs) s.groupIds = checkInterfaceGroups(region, s.subnet.vpcId, 'new', s.groupIds);
    const tags = tagsFromSpecifications(params, 'instance', true);
    return () => {
      const reservationId = newId('r');
      const launched = Array.from({ length: count }, () => launch(ctx, reservationId, specs, tags));
      return {
        reservationId,
        ownerId: ctx.accountId,
        groupSet: '',
        // EC2 answers RunInstances while the instances are still starting; later calls see them running.
        instancesSet: items(launched.map((i) => instanceView(ctx, { ...i, state: 'pending' }))),
      };
    };
  }, 'resource-intensive'),
};
