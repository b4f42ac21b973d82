// DescribeSecurityGroups, CreateSecurityGroup, DeleteSecurityGroup.
import { errors } from '../errors';
import { applyFilters, parseFilters, type FilterTable } from '../filters';
import { newId } from '../ids';
import { paginate } from '../pagination';
import { defaultVpc, findGroup, findGroupByIdOrName, findVpc, rulesOf } from '../resources';
import type { AwsRegionState, SecurityGroupRuleState, SecurityGroupState } from '../state';
import { items, tagSet } from '../xml';
import { securityGroupView } from '../views';
import { describe, mutate, type ActionTable } from './context';
import { tagsFromSpecifications } from './tags';

const GROUPS_PER_REGION = 2500;
const NAME_MAX = 255;

function groupFilters(region: AwsRegionState, accountId: string): FilterTable<SecurityGroupState> {
  const rules = (g: SecurityGroupState, egress: boolean) =>
    rulesOf(region, g.groupId).filter((r) => r.isEgress === egress);
  const permission =
    (egress: boolean, read: (r: SecurityGroupRuleState) => string | number | undefined) =>
    (g: SecurityGroupState) =>
      rules(g, egress).map(read);
  const table: FilterTable<SecurityGroupState> = {
    description: (g) => g.description,
    'group-id': (g) => g.groupId,
    'group-name': (g) => g.groupName,
    'owner-id': () => accountId,
    'vpc-id': (g) => g.vpcId,
  };
  for (const [prefix, egress] of [
    ['ip-permission', false],
    ['egress.ip-permission', true],
  ] as const) {
    table[`${prefix}.cidr`] = permission(egress, (r) => r.cidrIpv4);
    table[`${prefix}.ipv6-cidr`] = permission(egress, (r) => r.cidrIpv6);
    table[`${prefix}.from-port`] = permission(egress, (r) => r.fromPort);
    table[`${prefix}.to-port`] = permission(egress, (r) => r.toPort);
    table[`${prefix}.protocol`] = permission(egress, (r) => r.ipProtocol);
    table[`${prefix}.group-id`] = permission(egress, (r) => r.referencedGroupId);
    table[`${prefix}.prefix-list-id`] = permission(egress, (r) => r.prefixListId);
  }
  return table;
}

export const securityGroupActions: ActionTable = {
  DescribeSecurityGroups: describe((ctx) => {
    const { params, region } = ctx;
    const ids = params.list('GroupId');
    const names = params.list('GroupName');
    let groups = region.securityGroups;
    if (ids.length) groups = ids.map((id) => findGroup(region, id));
    if (names.length) groups = names.map((name) => findGroupByIdOrName(region, undefined, name));
    groups = applyFilters(groups, parseFilters(params), groupFilters(region, ctx.accountId), (g) => g.tags);
    const page = paginate(groups, params, {
      min: 5,
      max: 1000,
      exclusiveWith: { param: 'GroupId', label: 'groupIds' },
    });
    return {
      securityGroupInfo: items(page.items.map((g) => securityGroupView(ctx, g))),
      nextToken: page.nextToken,
    };
  }),

  CreateSecurityGroup: mutate((ctx) => {
    const { params, region } = ctx;
    const name = params.get('GroupName');
    const description = params.get('GroupDescription');
    if (!name) throw errors.missingParameter('GroupName');
    if (description === undefined) throw errors.missingParameter('GroupDescription');
    if (name.length > NAME_MAX)
      throw errors.invalidParameterValue(
        `Value (${name}) for parameter GroupName is invalid. Length exceeds maximum of ${NAME_MAX}`,
      );
    if (name.toLowerCase().startsWith('sg-')) {
      throw errors.invalidParameterValue(
        `Value (${name}) for parameter GroupName is invalid. Group names may not be in the format sg-*.`,
      );
    }
    const vpcId = params.get('VpcId');
    const vpc = vpcId ? findVpc(region, vpcId) : defaultVpc(region);
    if (name === 'default') throw errors.groupReserved(name);
    if (region.securityGroups.some((g) => g.vpcId === vpc.vpcId && g.groupName === name)) {
      throw errors.groupDuplicate(name, vpc.vpcId);
    }
    if (region.securityGroups.length >= GROUPS_PER_REGION) throw errors.groupsPerVpcLimit(vpc.vpcId);
    const tags = tagsFromSpecifications(params, 'security-group');
    return () => {
      const group = createGroup(region, { groupName: name, description, vpcId: vpc.vpcId, tags });
      return {
        return: true,
        groupId: group.groupId,
        tagSet: tagSet(tags),
        securityGroupArn: securityGroupView(ctx, group).securityGroupArn,
      };
    };
  }),

  DeleteSecurityGroup: mutate(({ params, region }) => {
    const group = findGroupByIdOrName(region, params.get('GroupId'), params.get('GroupName'));
    if (group.groupName === 'default') throw errors.cannotDeleteDefault(group.groupId);
    const attached = region.networkInterfaces.some((n) => n.groupIds.includes(group.groupId));
    const referenced = region.securityGroupRules.some(
      (r) => r.referencedGroupId === group.groupId && r.groupId !== group.groupId,
    );
    if (attached || referenced) throw errors.dependencyViolation(group.groupId);
    return () => {
      region.securityGroups = region.securityGroups.filter((g) => g !== group);
      region.securityGroupRules = region.securityGroupRules.filter((r) => r.groupId !== group.groupId);
      return { return: true, groupId: group.groupId };
    };
  }),
};

/** A new group with the egress rule EC2 gives every new VPC group (all traffic to anywhere). */
export function createGroup(
  region: AwsRegionState,
  g: Omit<SecurityGroupState, 'groupId'> & { groupId?: string },
  ruleId: () => string = () => newId('sgr'),
): SecurityGroupState {
  const group: SecurityGroupState = { ...g, groupId: g.groupId ?? newId('sg') };
  region.securityGroups.push(group);
  region.securityGroupRules.push({
    ruleId: ruleId(),
    groupId: group.groupId,
    isEgress: true,
    ipProtocol: '-1',
    cidrIpv4: '0.0.0.0/0',
    tags: {},
  });
  return group;
}
