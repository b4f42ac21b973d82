// The EC2 calls that carry out each plan operation, written once and used twice: with DryRun for the
// permission check before anything changes, and for real.
import type { EC2Client, IpPermission, Tag } from '@aws-sdk/client-ec2';
import type { SgRule } from '../../engine/model';
import type { CloudOp, GroupId } from '../../engine/operations';

export type Ec2Sdk = typeof import('@aws-sdk/client-ec2');

export function loadEc2Sdk(): Promise<Ec2Sdk> {
  return import('@aws-sdk/client-ec2');
}

/** One EC2 call of an operation. `run` returns the id of a group it created, if any. */
export interface WriteCall {
  /** EC2 action (IAM name without `ec2:`). */
  action: string;
  run(ec2: EC2Client, dryRun: boolean): Promise<string | undefined>;
}

/** Turns a plan's placeholder into a real group id (created earlier, or a stand-in for DryRun). */
export type ResolveGroup = (id: GroupId) => string;

function toTags(tags: Record<string, string>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function toIpPermission(rule: SgRule): IpPermission {
  const description = rule.description ? { Description: rule.description } : {};
  return {
    IpProtocol: rule.ipProtocol,
    ...(rule.ipProtocol !== '-1' && rule.fromPort !== undefined ? { FromPort: rule.fromPort } : {}),
    ...(rule.ipProtocol !== '-1' && rule.toPort !== undefined ? { ToPort: rule.toPort } : {}),
    ...(rule.cidrIpv4 ? { IpRanges: [{ CidrIp: rule.cidrIpv4, ...description }] } : {}),
    ...(rule.cidrIpv6 ? { Ipv6Ranges: [{ CidrIpv6: rule.cidrIpv6, ...description }] } : {}),
    ...(rule.prefixListId ? { PrefixListIds: [{ PrefixListId: rule.prefixListId, ...description }] } : {}),
    ...(rule.referencedGroupId
      ? { UserIdGroupPairs: [{ GroupId: rule.referencedGroupId, ...description }] }
      : {}),
  };
}

/**
 * Rules go out in as few calls as EC2 allows: one per direction and per distinct tag set (a call's
 * TagSpecifications apply to every rule it creates).
 */
function authorizeCalls(sdk: Ec2Sdk, groupId: string, rules: SgRule[]): WriteCall[] {
  const batches = new Map<string, { egress: boolean; tags: Record<string, string>; rules: SgRule[] }>();
  for (const rule of rules) {
    const tags = rule.tags ?? {};
    const key = JSON.stringify([rule.isEgress, Object.entries(tags).sort()]);
    const batch = batches.get(key) ?? { egress: rule.isEgress, tags, rules: [] };
    batch.rules.push(rule);
    batches.set(key, batch);
  }
  return [...batches.values()].map((batch) => {
    const input = {
      GroupId: groupId,
      IpPermissions: batch.rules.map(toIpPermission),
      ...(Object.keys(batch.tags).length > 0
        ? { TagSpecifications: [{ ResourceType: 'security-group-rule' as const, Tags: toTags(batch.tags) }] }
        : {}),
    };
    return batch.egress
      ? {
          action: 'AuthorizeSecurityGroupEgress',
          run: async (ec2, DryRun) => {
            await ec2.send(new sdk.AuthorizeSecurityGroupEgressCommand({ ...input, DryRun }));
            return undefined;
          },
        }
      : {
          action: 'AuthorizeSecurityGroupIngress',
          run: async (ec2, DryRun) => {
            await ec2.send(new sdk.AuthorizeSecurityGroupIngressCommand({ ...input, DryRun }));
            return undefined;
          },
        };
  });
}

function single(action: string, send: (ec2: EC2Client, dryRun: boolean) => Promise<unknown>): WriteCall[] {
  return [
    {
      action,
      run: async (ec2, dryRun) => {
        await send(ec2, dryRun);
        return undefined;
      },
    },
  ];
}

export function writeCallsFor(sdk: Ec2Sdk, op: CloudOp, resolve: ResolveGroup): WriteCall[] {
  switch (op.kind) {
    case 'aws.createGroup':
      return [
        {
          action: 'CreateSecurityGroup',
          run: async (ec2, DryRun) => {
            const out = await ec2.send(
              new sdk.CreateSecurityGroupCommand({
                GroupName: op.name,
                Description: op.description,
                ...(op.vpcId ? { VpcId: op.vpcId } : {}),
                TagSpecifications: [{ ResourceType: 'security-group', Tags: toTags(op.tags) }],
                DryRun,
              }),
            );
            return out.GroupId;
          },
        },
      ];
    case 'aws.authorizeIngress':
      return authorizeCalls(sdk, resolve(op.groupId), op.rules);
    case 'aws.revokeIngress':
      return single('RevokeSecurityGroupIngress', (ec2, DryRun) =>
        ec2.send(
          new sdk.RevokeSecurityGroupIngressCommand({
            GroupId: op.groupId,
            SecurityGroupRuleIds: op.ruleIds,
            DryRun,
          }),
        ),
      );
    case 'aws.setInterfaceGroups':
      return single('ModifyNetworkInterfaceAttribute', (ec2, DryRun) =>
        ec2.send(
          new sdk.ModifyNetworkInterfaceAttributeCommand({
            NetworkInterfaceId: op.interfaceId,
            Groups: op.groupIds.map(resolve),
            DryRun,
          }),
        ),
      );
    case 'aws.tagResource':
      return single('CreateTags', (ec2, DryRun) =>
        ec2.send(
          new sdk.CreateTagsCommand({ Resources: [resolve(op.resourceId)], Tags: toTags(op.tags), DryRun }),
        ),
      );
    case 'aws.untagResource':
      return single('DeleteTags', (ec2, DryRun) =>
        ec2.send(
          new sdk.DeleteTagsCommand({
            Resources: [op.resourceId],
            Tags: op.keys.map((Key) => ({ Key })),
            DryRun,
          }),
        ),
      );
    case 'aws.deleteGroup':
      return single('DeleteSecurityGroup', (ec2, DryRun) =>
        ec2.send(new sdk.DeleteSecurityGroupCommand({ GroupId: op.groupId, DryRun })),
      );
    default:
      throw new Error(`The AWS provider cannot carry out a "${op.kind}" operation.`);
  }
}
