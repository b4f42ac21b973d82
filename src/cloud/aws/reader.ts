// Reads EC2 into the engine's model: a whole region for the inventory (every Describe* in parallel,
// all pages), or one instance freshly (two rounds: the instance, then what its groups need).
import type { EC2Client, Filter, Instance } from '@aws-sdk/client-ec2';
import { TAG, decodeAwsRestore } from '../../engine/metadata';
import type { AwsVmNetwork, SecurityGroup, SgRule } from '../../engine/model';
import type { Plan } from '../../engine/operations';
import { errorCode } from './ec2Errors';
import { indexGroups, tagsOf, toNetworks, toSgRule, type AwsScopeRef, type Ec2Snapshot } from './translate';
import type { Ec2Sdk } from './writeCalls';

/** The most items EC2 returns per page for these calls. */
const PAGE_SIZE = 1000;

async function collect<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(items(page) ?? []));
  return out;
}

export async function readRegion(
  sdk: Ec2Sdk,
  client: EC2Client,
  scope: AwsScopeRef,
): Promise<AwsVmNetwork[]> {
  const config = { client, pageSize: PAGE_SIZE };
  const [instances, groups, rules, interfaces, vpcs] = await Promise.all([
    collect(sdk.paginateDescribeInstances(config, {}), (p) =>
      p.Reservations?.flatMap((r) => r.Instances ?? []),
    ),
    collect(sdk.paginateDescribeSecurityGroups(config, {}), (p) => p.SecurityGroups),
    collect(sdk.paginateDescribeSecurityGroupRules(config, {}), (p) => p.SecurityGroupRules),
    collect(sdk.paginateDescribeNetworkInterfaces(config, {}), (p) => p.NetworkInterfaces),
    collect(sdk.paginateDescribeVpcs(config, {}), (p) => p.Vpcs),
  ]);
  return toNetworks({ instances, groups, rules, interfaces, vpcs }, scope);
}

/**
 * One instance as the planner and the simulator need it: its network state, plus the groups this
 * tool's groups for it refer to without being attached (the shared originals its copies replace, the
 * groups its restore record puts back), so that a disable can be simulated before it is sent.
 */
export interface InstanceRead {
  network: AwsVmNetwork;
  related: SecurityGroup[];
  /** For each related group, every interface that uses it. */
  relatedInterfaces: Record<string, string[]>;
}

/** Undefined when the region has no such (live) instance. */
export async function readInstance(
  sdk: Ec2Sdk,
  client: EC2Client,
  scope: AwsScopeRef,
  instanceId: string,
): Promise<InstanceRead | undefined> {
  const config = { client, pageSize: PAGE_SIZE };
  const ownGroupsFilter: Filter[] = [{ Name: `tag:${TAG.vm}`, Values: [instanceId] }];
  const [instances, ownGroups] = await Promise.all([
    describeInstance(sdk, client, instanceId),
    collect(
      sdk.paginateDescribeSecurityGroups(config, { Filters: ownGroupsFilter }),
      (p) => p.SecurityGroups,
    ),
  ]);
  const instance = instances.find((i) => i.InstanceId === instanceId && i.State?.Name !== 'terminated');
  if (!instance) return undefined;

  const attached = new Set(
    (instance.NetworkInterfaces ?? []).flatMap((n) => (n.Groups ?? []).map((g) => g.GroupId!)),
  );
  const known = new Set(ownGroups.map((g) => g.GroupId!));
  const related = new Set<string>();
  for (const g of ownGroups) {
    const tags = tagsOf(g.Tags);
    if (tags[TAG.copyOf]) related.add(tags[TAG.copyOf]);
    for (const ids of Object.values(decodeAwsRestore(tags)?.interfaceGroups ?? {}))
      ids.forEach((id) => related.add(id));
  }
  for (const id of [...attached, ...known]) related.delete(id);
  const missing = [...attached, ...related].filter((id) => !known.has(id));
  const groupIds = [...new Set([...attached, ...known, ...related])];
  const vpcIds = [
    ...new Set((instance.NetworkInterfaces ?? []).map((n) => n.VpcId).filter((v): v is string => !!v)),
  ];
  const byGroup: Filter[] = [{ Name: 'group-id', Values: groupIds }];
  const none = Promise.resolve([]);
  const [otherGroups, rules, interfaces, vpcs] = await Promise.all([
    missing.length > 0 ? describeGroups(sdk, client, missing) : none,
    groupIds.length > 0
      ? collect(
          sdk.paginateDescribeSecurityGroupRules(config, { Filters: byGroup }),
          (p) => p.SecurityGroupRules,
        )
      : none,
    groupIds.length > 0
      ? collect(
          sdk.paginateDescribeNetworkInterfaces(config, { Filters: byGroup }),
          (p) => p.NetworkInterfaces,
        )
      : none,
    vpcIds.length > 0
      ? client.send(new sdk.DescribeVpcsCommand({ VpcIds: vpcIds })).then((o) => o.Vpcs ?? [])
      : none,
  ]);
  const snapshot: Ec2Snapshot = {
    instances: [instance],
    groups: [...ownGroups, ...otherGroups],
    rules,
    interfaces,
    vpcs,
  };
  const index = indexGroups(snapshot);
  const relatedGroups = [...related].map((id) => index.groups.get(id)).filter((g): g is SecurityGroup => !!g);
  return {
    network: toNetworks(snapshot, scope)[0],
    related: relatedGroups,
    relatedInterfaces: Object.fromEntries(relatedGroups.map((g) => [g.id, index.users.get(g.id) ?? []])),
  };
}

/** The groups that exist among `ids` (a related group may have been deleted since it was recorded). */
async function describeGroups(sdk: Ec2Sdk, client: EC2Client, ids: string[]) {
  try {
    return (await client.send(new sdk.DescribeSecurityGroupsCommand({ GroupIds: ids }))).SecurityGroups ?? [];
  } catch (error) {
    if (errorCode(error) !== 'InvalidGroup.NotFound') throw error;
    const out = await client.send(
      new sdk.DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: ids }] }),
    );
    return out.SecurityGroups ?? [];
  }
}

async function describeInstance(sdk: Ec2Sdk, client: EC2Client, instanceId: string): Promise<Instance[]> {
  try {
    const out = await client.send(new sdk.DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    return out.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
  } catch (error) {
    if (/^InvalidInstanceID\.(NotFound|Malformed)$/.test(errorCode(error) ?? '')) return [];
    throw error;
  }
}

/**
 * The groups whose rules are all a plan changes (authorize, revoke, and tags on rules of existing
 * groups), or undefined when it changes more (creates groups, moves interfaces, tags groups).
 */
export function rulesOnlyTargets(read: InstanceRead, plan: Plan): string[] | undefined {
  const groups = { ...read.network.groups, ...read.network.unattachedJitGroups };
  const ruleGroup = new Map(
    Object.values(groups).flatMap((g) => g.rules.map((r) => [r.ruleId, g.id] as const)),
  );
  const targets = new Set<string>();
  for (const op of plan.ops) {
    if (op.kind === 'aws.authorizeIngress' && typeof op.groupId === 'string' && groups[op.groupId])
      targets.add(op.groupId);
    else if (op.kind === 'aws.revokeIngress' && groups[op.groupId]) targets.add(op.groupId);
    else if (
      (op.kind === 'aws.tagResource' || op.kind === 'aws.untagResource') &&
      typeof op.resourceId === 'string' &&
      ruleGroup.has(op.resourceId)
    )
      targets.add(ruleGroup.get(op.resourceId)!);
    else return undefined;
  }
  return [...targets];
}

/** `read` with the rules of `groupIds` read again: one call, for plans that change nothing else. */
export async function rereadRules(
  sdk: Ec2Sdk,
  client: EC2Client,
  read: InstanceRead,
  groupIds: string[],
): Promise<InstanceRead> {
  const config = { client, pageSize: PAGE_SIZE };
  const rules = await collect(
    sdk.paginateDescribeSecurityGroupRules(config, { Filters: [{ Name: 'group-id', Values: groupIds }] }),
    (p) => p.SecurityGroupRules,
  );
  const fresh = new Map<string, SgRule[]>(groupIds.map((id) => [id, []]));
  for (const rule of rules) fresh.get(rule.GroupId!)?.push(toSgRule(rule));
  const network = structuredClone(read.network);
  for (const [id, list] of fresh) {
    const group = network.groups[id] ?? network.unattachedJitGroups?.[id];
    if (group) group.rules = list;
  }
  return { ...read, network };
}
