// One scripted sequence of real @aws-sdk/client-ec2 calls, run against any EC2 endpoint (moto_server or
// the local cloud) starting from a region that has only its default VPC. Each step returns a projection
// of the response (or the error code and HTTP status) with every generated id replaced by the label the
// scenario gave it, so two endpoints' transcripts can be compared step by step.
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DeleteSecurityGroupCommand,
  DeleteTagsCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  type EC2Client,
  type IpPermission,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';

export type Outcome = { ok: unknown } | { error: string; status?: number };

/** Ids the scenario created, by label; the transcript shows labels instead of ids. */
class Labels {
  private readonly byLabel = new Map<string, string>();
  private readonly byId = new Map<string, string>();

  set(label: string, id: string | undefined): string {
    if (!id) throw new Error(`no id for ${label}`);
    this.byLabel.set(label, id);
    this.byId.set(id, label);
    return id;
  }

  get(label: string): string {
    const id = this.byLabel.get(label);
    if (!id) throw new Error(`no id labelled ${label}`);
    return id;
  }

  /** Replaces known ids by their labels, and any other generated id or account by a placeholder. */
  normalise(value: unknown): unknown {
    if (typeof value === 'string') {
      if (this.byId.has(value)) return `<${this.byId.get(value)}>`;
      if (/^(sg|sgr|i|eni|vpc|subnet|r)-[0-9a-f]+$/.test(value)) return `<unlabelled ${value.split('-')[0]}>`;
      if (/^\d{12}$/.test(value)) return '<account>';
      return value;
    }
    if (Array.isArray(value)) return value.map((v) => this.normalise(v));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.normalise(v)]));
    }
    return value;
  }
}

interface Step {
  name: string;
  run(c: EC2Client, l: Labels): Promise<unknown>;
}

const tcp = (port: number, ranges: string[], descr?: string): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  IpRanges: ranges.filter((r) => !r.includes(':')).map((CidrIp) => ({ CidrIp, Description: descr })),
  Ipv6Ranges: ranges.filter((r) => r.includes(':')).map((CidrIpv6) => ({ CidrIpv6, Description: descr })),
});

const ruleView = (r: SecurityGroupRule) => ({
  GroupId: r.GroupId,
  IsEgress: r.IsEgress,
  IpProtocol: r.IpProtocol,
  FromPort: r.FromPort,
  ToPort: r.ToPort,
  Peer: r.CidrIpv4 ?? r.CidrIpv6 ?? r.ReferencedGroupInfo?.GroupId,
  Description: r.Description,
  Tags: (r.Tags ?? []).map((t) => `${t.Key}=${t.Value}`).sort(),
});
const sortRules = (rules: SecurityGroupRule[] = []) =>
  rules.map(ruleView).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

async function createGroup(c: EC2Client, l: Labels, label: string): Promise<string> {
  const out = await c.send(
    new CreateSecurityGroupCommand({
      GroupName: `jit-${label}`,
      Description: `scenario ${label}`,
      VpcId: l.get('vpc'),
    }),
  );
  return l.set(label, out.GroupId);
}

async function countPages(fetchPage: (token?: string) => Promise<{ n: number; next?: string }>) {
  const sizes: number[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    sizes.push(page.n);
    token = page.next;
  } while (token && sizes.length < 50);
  return { pages: sizes.length, total: sizes.reduce((a, b) => a + b, 0) };
}

export const STEPS: Step[] = [
  {
    name: 'default VPC',
    run: async (c, l) => {
      const out = await c.send(
        new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }),
      );
      l.set('vpc', out.Vpcs?.[0]?.VpcId);
      return out.Vpcs?.map((v) => ({ IsDefault: v.IsDefault, CidrBlock: v.CidrBlock, State: v.State }));
    },
  },
  {
    name: 'default subnets exist',
    run: async (c, l) => {
      const out = await c.send(
        new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }),
      );
      l.set('subnet', out.Subnets?.[0]?.SubnetId);
      return (out.Subnets?.length ?? 0) > 0;
    },
  },
  { name: 'create group A', run: async (c, l) => (await createGroup(c, l, 'A')).startsWith('sg-') },
  { name: 'create group A again', run: (c, l) => createGroup(c, l, 'A') },
  {
    name: 'create group (DryRun)',
    run: (c, l) =>
      c.send(
        new CreateSecurityGroupCommand({
          GroupName: 'dry',
          Description: 'd',
          VpcId: l.get('vpc'),
          DryRun: true,
        }),
      ),
  },
  {
    name: 'authorize SSH v4+v6 with description and rule tags',
    run: async (c, l) => {
      const out = await c.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: l.get('A'),
          IpPermissions: [tcp(22, ['0.0.0.0/0', '::/0'], 'jit ssh')],
          TagSpecifications: [
            { ResourceType: 'security-group-rule', Tags: [{ Key: 'jit', Value: 'grant-1' }] },
          ],
        }),
      );
      out.SecurityGroupRules?.forEach((r) => l.set(r.CidrIpv6 ? 'ruleV6' : 'ruleV4', r.SecurityGroupRuleId));
      return { Return: out.Return, rules: sortRules(out.SecurityGroupRules) };
    },
  },
  {
    name: 'authorize an existing rule',
    run: (c, l) =>
      c.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: l.get('A'),
          IpPermissions: [tcp(22, ['0.0.0.0/0'])],
        }),
      ),
  },
  {
    name: 'authorize (DryRun)',
    run: (c, l) =>
      c.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: l.get('A'),
          IpPermissions: [tcp(3389, ['192.0.2.0/24'])],
          DryRun: true,
        }),
      ),
  },
  {
    name: 'authorize RDP from an office range',
    run: async (c, l) =>
      (
        await c.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: l.get('A'),
            IpPermissions: [tcp(3389, ['192.0.2.0/24'])],
          }),
        )
      ).Return,
  },
  {
    name: 'describe rules of A (group-id filter)',
    run: async (c, l) =>
      sortRules(
        (
          await c.send(
            new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [l.get('A')] }] }),
          )
        ).SecurityGroupRules,
      ),
  },
  {
    name: 'describe rules by tag',
    run: async (c) =>
      sortRules(
        (
          await c.send(
            new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'tag:jit', Values: ['grant-1'] }] }),
          )
        ).SecurityGroupRules,
      ),
  },
  {
    name: 'describe group A',
    run: async (c, l) => {
      const [g] =
        (await c.send(new DescribeSecurityGroupsCommand({ GroupIds: [l.get('A')] }))).SecurityGroups ?? [];
      const perms = (list: IpPermission[] = []) =>
        list
          .map((p) => ({
            IpProtocol: p.IpProtocol,
            FromPort: p.FromPort,
            ToPort: p.ToPort,
            IpRanges: p.IpRanges,
            Ipv6Ranges: p.Ipv6Ranges,
            UserIdGroupPairs: p.UserIdGroupPairs,
          }))
          .sort((a, b) => (a.FromPort ?? -1) - (b.FromPort ?? -1));
      return {
        GroupName: g.GroupName,
        Description: g.Description,
        VpcId: g.VpcId,
        OwnerId: g.OwnerId,
        IpPermissions: perms(g.IpPermissions),
        IpPermissionsEgress: perms(g.IpPermissionsEgress),
      };
    },
  },
  {
    name: 'revoke the IPv6 SSH rule by permission',
    run: async (c, l) =>
      (
        await c.send(
          new RevokeSecurityGroupIngressCommand({ GroupId: l.get('A'), IpPermissions: [tcp(22, ['::/0'])] }),
        )
      ).Return,
  },
  {
    name: 'revoke a rule that does not exist',
    run: (c, l) =>
      c.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: l.get('A'),
          IpPermissions: [tcp(2222, ['0.0.0.0/0'])],
        }),
      ),
  },
  {
    name: 'revoke by rule id (DryRun)',
    run: (c, l) =>
      c.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: l.get('A'),
          SecurityGroupRuleIds: [l.get('ruleV4')],
          DryRun: true,
        }),
      ),
  },
  {
    name: 'revoke the IPv4 SSH rule by rule id',
    run: async (c, l) =>
      (
        await c.send(
          new RevokeSecurityGroupIngressCommand({
            GroupId: l.get('A'),
            SecurityGroupRuleIds: [l.get('ruleV4')],
          }),
        )
      ).Return,
  },
  {
    name: 'rules of A after revokes',
    run: async (c, l) =>
      sortRules(
        (
          await c.send(
            new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [l.get('A')] }] }),
          )
        ).SecurityGroupRules,
      ),
  },
  {
    name: 'authorize 60 IPv4 rules in group L',
    run: async (c, l) => {
      await createGroup(c, l, 'L');
      const ranges = Array.from({ length: 60 }, (_, i) => `10.${i}.0.0/16`);
      return (
        await c.send(
          new AuthorizeSecurityGroupIngressCommand({ GroupId: l.get('L'), IpPermissions: [tcp(22, ranges)] }),
        )
      ).Return;
    },
  },
  {
    name: 'the 61st IPv4 rule',
    run: (c, l) =>
      c.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: l.get('L'),
          IpPermissions: [tcp(22, ['10.200.0.0/16'])],
        }),
      ),
  },
  {
    name: 'an IPv6 rule in the full group (separate quota)',
    run: async (c, l) =>
      (
        await c.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: l.get('L'),
            IpPermissions: [tcp(22, ['2001:db8::/32'])],
          }),
        )
      ).Return,
  },
  {
    name: 'tag group A and find it by tag',
    run: async (c, l) => {
      await c.send(
        new CreateTagsCommand({
          Resources: [l.get('A')],
          Tags: [
            { Key: 'env', Value: 'test' },
            { Key: 'owner', Value: 'jit' },
          ],
        }),
      );
      const out = await c.send(
        new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag:env', Values: ['test'] }] }),
      );
      return out.SecurityGroups?.map((g) => ({
        GroupId: g.GroupId,
        Tags: g.Tags?.map((t) => `${t.Key}=${t.Value}`).sort(),
      }));
    },
  },
  {
    name: 'delete one tag',
    run: async (c, l) => {
      await c.send(new DeleteTagsCommand({ Resources: [l.get('A')], Tags: [{ Key: 'owner' }] }));
      const out = await c.send(
        new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag-key', Values: ['owner'] }] }),
      );
      return out.SecurityGroups?.length;
    },
  },
  {
    name: 'create tags (DryRun)',
    run: (c, l) =>
      c.send(
        new CreateTagsCommand({ Resources: [l.get('A')], Tags: [{ Key: 'k', Value: 'v' }], DryRun: true }),
      ),
  },
  {
    name: 'run a one-interface instance with group A',
    run: async (c, l) => {
      const out = await c.send(
        new RunInstancesCommand({
          ImageId: 'ami-12c6146b',
          MinCount: 1,
          MaxCount: 1,
          InstanceType: 't3.micro',
          SecurityGroupIds: [l.get('A')],
        }),
      );
      const [i] = out.Instances ?? [];
      l.set('i1', i.InstanceId);
      l.set('eni1', i.NetworkInterfaces?.[0]?.NetworkInterfaceId);
      return {
        state: i.State?.Name,
        groups: i.SecurityGroups?.map((g) => g.GroupId),
        interfaces: i.NetworkInterfaces?.length,
      };
    },
  },
  {
    name: 'set five groups on the interface',
    run: async (c, l) => {
      for (const g of ['G1', 'G2', 'G3', 'G4', 'G5', 'G6']) await createGroup(c, l, g);
      const Groups = ['A', 'G1', 'G2', 'G3', 'G4'].map((g) => l.get(g));
      return (
        await c.send(
          new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: l.get('eni1'), Groups }),
        )
      ).$metadata.httpStatusCode;
    },
  },
  {
    name: 'a sixth group on the interface',
    run: async (c, l) => {
      const Groups = ['A', 'G1', 'G2', 'G3', 'G4', 'G5'].map((g) => l.get(g));
      return (
        await c.send(
          new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: l.get('eni1'), Groups }),
        )
      ).$metadata.httpStatusCode;
    },
  },
  {
    name: 'modify interface groups (DryRun)',
    run: (c, l) =>
      c.send(
        new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: l.get('eni1'),
          Groups: [l.get('A')],
          DryRun: true,
        }),
      ),
  },
  {
    name: 'interfaces using G1 (group-id filter)',
    run: async (c, l) =>
      (
        await c.send(
          new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: [l.get('G1')] }] }),
        )
      ).NetworkInterfaces?.map((n) => n.NetworkInterfaceId),
  },
  {
    name: 'set the instance groups to A and G6 (one interface)',
    run: async (c, l) => {
      await c.send(
        new ModifyInstanceAttributeCommand({ InstanceId: l.get('i1'), Groups: [l.get('A'), l.get('G6')] }),
      );
      const out = await c.send(new DescribeInstancesCommand({ InstanceIds: [l.get('i1')] }));
      return out.Reservations?.[0]?.Instances?.[0]?.SecurityGroups?.map((g) =>
        String(l.normalise(g.GroupId)),
      ).sort();
    },
  },
  {
    name: 'instances by network-interface.group-id',
    run: async (c, l) =>
      (
        await c.send(
          new DescribeInstancesCommand({
            Filters: [{ Name: 'network-interface.group-id', Values: [l.get('G6')] }],
          }),
        )
      ).Reservations?.flatMap((r) => r.Instances?.map((i) => i.InstanceId)),
  },
  {
    name: 'delete group G6 while attached',
    run: (c, l) => c.send(new DeleteSecurityGroupCommand({ GroupId: l.get('G6') })),
  },
  {
    name: 'run a two-interface instance',
    run: async (c, l) => {
      const nic = (DeviceIndex: number) => ({
        DeviceIndex,
        SubnetId: l.get('subnet'),
        Groups: [l.get('G1')],
      });
      const out = await c.send(
        new RunInstancesCommand({
          ImageId: 'ami-12c6146b',
          MinCount: 1,
          MaxCount: 1,
          NetworkInterfaces: [nic(0), nic(1)],
        }),
      );
      l.set('i2', out.Instances?.[0]?.InstanceId);
      return out.Instances?.[0]?.NetworkInterfaces?.length;
    },
  },
  {
    name: 'set groups on the two-interface instance',
    run: (c, l) =>
      c.send(new ModifyInstanceAttributeCommand({ InstanceId: l.get('i2'), Groups: [l.get('A')] })),
  },
  {
    name: 'page through security groups (MaxResults 5)',
    run: (c) =>
      countPages(async (NextToken) => {
        const out = await c.send(new DescribeSecurityGroupsCommand({ MaxResults: 5, NextToken }));
        return { n: out.SecurityGroups?.length ?? 0, next: out.NextToken };
      }),
  },
  {
    name: 'page through rules of L (MaxResults 25)',
    run: (c, l) =>
      countPages(async (NextToken) => {
        const out = await c.send(
          new DescribeSecurityGroupRulesCommand({
            MaxResults: 25,
            NextToken,
            Filters: [{ Name: 'group-id', Values: [l.get('L')] }],
          }),
        );
        return { n: out.SecurityGroupRules?.length ?? 0, next: out.NextToken };
      }),
  },
  {
    name: 'delete group (DryRun)',
    run: (c, l) => c.send(new DeleteSecurityGroupCommand({ GroupId: l.get('L'), DryRun: true })),
  },
  {
    name: 'delete an unattached group',
    run: async (c, l) =>
      (await c.send(new DeleteSecurityGroupCommand({ GroupId: l.get('L') }))).$metadata.httpStatusCode,
  },
  {
    name: 'describe the deleted group',
    run: (c, l) => c.send(new DescribeSecurityGroupsCommand({ GroupIds: [l.get('L')] })),
  },
  {
    name: 'delete a group that never existed',
    run: (c) => c.send(new DeleteSecurityGroupCommand({ GroupId: 'sg-0123456789abcdef0' })),
  },
];

/** Runs every step in order; a failing call is recorded (code and status), not thrown. */
export async function runScenario(c: EC2Client): Promise<Map<string, Outcome>> {
  const labels = new Labels();
  const transcript = new Map<string, Outcome>();
  for (const step of STEPS) {
    try {
      transcript.set(step.name, { ok: labels.normalise(stripMetadata(await step.run(c, labels))) });
    } catch (e) {
      const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (!err.$metadata) throw e; // a bug in the scenario itself, not a service error
      transcript.set(step.name, { error: err.name ?? 'Unknown', status: err.$metadata.httpStatusCode });
    }
  }
  return transcript;
}

function stripMetadata(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && '$metadata' in v) {
    const rest = { ...(v as Record<string, unknown>) };
    delete rest.$metadata;
    return rest;
  }
  return v;
}
