// The AWS half through the real SDK clients on the demo world: every decision-tree case present,
// EC2's real errors and messages (shared/docs/cloud-apis.md), principals, DryRun, paging, realism.
import assert from 'node:assert/strict';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
  type Instance,
} from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { awsDemoWorld } from '../../../src/localcloud/worlds/awsDemo';
import { generateAwsWorld } from '../../../src/localcloud/worlds/awsGenerator';
import { startLocalAws, type LocalAws } from './awsLocalHarness';

async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

const nameOf = (i: Instance) => i.Tags?.find((t) => t.Key === 'Name')?.Value;

describe('AWS local cloud: EC2 and STS through the real SDK', function () {
  this.timeout(30_000);
  let aws: LocalAws;
  let alice: EC2Client;
  let instances: Instance[];

  beforeEach(async () => {
    aws = await startLocalAws(awsDemoWorld());
    alice = aws.ec2('alice');
    const out = await alice.send(new DescribeInstancesCommand({}));
    instances = out.Reservations!.flatMap((r) => r.Instances!);
  });
  afterEach(() => aws.stop());

  const instance = (name: string) => instances.find((i) => nameOf(i) === name)!;

  it('identifies principals with STS and keeps accounts apart', async () => {
    const id = await aws.sts('reader').send(new GetCallerIdentityCommand({}));
    assert.equal(id.Account, '111122223333');
    assert.equal(id.Arn, 'arn:aws:iam::111122223333:user/reader');
    const dev = await aws.ec2('dev-alice').send(new DescribeInstancesCommand({}));
    const devNames = dev.Reservations!.flatMap((r) => r.Instances!.map(nameOf)).sort();
    assert.deepEqual(devNames, ['dev-box-1', 'dev-win-1']);
  });

  it('serves the demo world: two regions, shared group, two interfaces, five groups, a stopped instance', async () => {
    const regions = await alice.send(new DescribeRegionsCommand({}));
    assert.deepEqual(
      regions.Regions!.map((r) => r.RegionName),
      ['eu-west-1', 'us-east-1'],
    );
    assert.equal(instance('dual-nic-gateway').NetworkInterfaces!.length, 2);
    assert.equal(instance('five-groups').NetworkInterfaces![0].Groups!.length, 5);
    assert.equal(instance('stopped-legacy').State!.Name, 'stopped');
    const fleet = instance('worker-1').SecurityGroups![0].GroupId!;
    const sharing = await alice.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'instance.group-id', Values: [fleet] }] }),
    );
    assert.equal(sharing.Reservations!.length, 3);
    const east = await aws.ec2('alice', 'us-east-1').send(new DescribeInstancesCommand({}));
    assert.deepEqual(east.Reservations!.flatMap((r) => r.Instances!.map(nameOf)).sort(), [
      'api-east-1',
      'batch-east-1',
    ]);
  });

  it('pages DescribeInstances and DescribeSecurityGroupRules with MaxResults/NextToken', async () => {
    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await alice.send(new DescribeInstancesCommand({ MaxResults: 5, NextToken }));
      const ids = page.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId!));
      assert.ok(ids.length <= 5);
      seen.push(...ids);
      NextToken = page.NextToken;
    } while (NextToken);
    assert.deepEqual(seen.sort(), instances.map((i) => i.InstanceId!).sort());
    const first = await alice.send(new DescribeSecurityGroupRulesCommand({ MaxResults: 5 }));
    assert.equal(first.SecurityGroupRules!.length, 5);
    assert.ok(first.NextToken);
    const e = await failure(
      alice.send(new DescribeInstancesCommand({ MaxResults: 5, InstanceIds: [instances[0].InstanceId!] })),
    );
    assert.equal(e.name, 'InvalidParameterCombination');
  });

  it('refuses a duplicate rule with the real message', async () => {
    const web = instance('web-1').SecurityGroups![0].GroupId!;
    const e = await failure(
      alice.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: web,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        }),
      ),
    );
    assert.deepEqual(e, {
      name: 'InvalidPermission.Duplicate',
      message: 'the specified rule "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW" already exists',
      status: 400,
    });
  });

  it('enforces 5 groups per interface, the multi-interface rule and DependencyViolation', async () => {
    const five = instance('five-groups');
    const groups = five.NetworkInterfaces![0].Groups!.map((g) => g.GroupId!);
    const sixth = instance('web-1').SecurityGroups![0].GroupId!;
    const tooMany = await failure(
      alice.send(
        new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: five.NetworkInterfaces![0].NetworkInterfaceId!,
          Groups: [...groups, sixth],
        }),
      ),
    );
    assert.deepEqual(tooMany, {
      name: 'SecurityGroupsPerInterfaceLimitExceeded',
      message: 'The maximum number of security groups per interface has been reached.',
      status: 400,
    });
    const dual = instance('dual-nic-gateway');
    const multi = await failure(
      alice.send(new ModifyInstanceAttributeCommand({ InstanceId: dual.InstanceId!, Groups: [sixth] })),
    );
    assert.equal(multi.name, 'InvalidInstanceID');
    assert.match(multi.message, /Please specify an interface ID/);
    const attached = await failure(alice.send(new DeleteSecurityGroupCommand({ GroupId: sixth })));
    assert.deepEqual(attached, {
      name: 'DependencyViolation',
      message: `resource ${sixth} has a dependent object`,
      status: 400,
    });
  });

  it('names the VPC in InvalidGroup.Duplicate', async () => {
    const vpcId = instance('web-1').VpcId!;
    const e = await failure(
      alice.send(new CreateSecurityGroupCommand({ GroupName: 'office-ssh', Description: 'x', VpcId: vpcId })),
    );
    assert.deepEqual(e, {
      name: 'InvalidGroup.Duplicate',
      message: `The security group 'office-ssh' already exists for VPC '${vpcId}'`,
      status: 400,
    });
  });

  it('lets the reader describe but not write; DryRun says 412 for allowed and 403 for denied', async () => {
    const reader = aws.ec2('reader');
    const groups = await reader.send(new DescribeSecurityGroupsCommand({ DryRun: false }));
    assert.ok(groups.SecurityGroups!.length > 5);
    const vpcId = instance('web-1').VpcId!;
    const create = (c: EC2Client, DryRun: boolean) =>
      c.send(
        new CreateSecurityGroupCommand({ GroupName: 'jit-new', Description: 'x', VpcId: vpcId, DryRun }),
      );
    assert.deepEqual(await failure(create(reader, false)), {
      name: 'UnauthorizedOperation',
      message: 'You are not authorized to perform this operation.',
      status: 403,
    });
    assert.equal((await failure(create(reader, true))).status, 403);
    const dry = await failure(create(alice, true));
    assert.deepEqual(dry, {
      name: 'DryRunOperation',
      message: 'Request would have succeeded, but DryRun flag is set.',
      status: 412,
    });
    await create(alice, false); // the DryRun created nothing, so the real call succeeds
  });

  it('rejects an unknown access key and a wrong secret', async () => {
    const p = aws.principal('alice');
    const wrong = new EC2Client({
      endpoint: aws.server.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: p.accessKeyId, secretAccessKey: 'not-the-secret' },
      maxAttempts: 1,
    });
    assert.equal((await failure(wrong.send(new DescribeRegionsCommand({})))).name, 'SignatureDoesNotMatch');
    wrong.destroy();
    const unknown = new EC2Client({
      endpoint: aws.server.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: p.secretAccessKey },
      maxAttempts: 1,
    });
    assert.deepEqual(await failure(unknown.send(new DescribeRegionsCommand({}))), {
      name: 'AuthFailure',
      message: 'AWS was not able to validate the provided access credentials',
      status: 401,
    });
    unknown.destroy();
  });

  it('throttles with RequestLimitExceeded (503) when the scaled bucket is empty', async () => {
    aws.realism.set({ throttle: { scale: 0.02 } }); // describe bucket: 2 tokens, refill 0.4/s
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => alice.send(new DescribeRegionsCommand({}))),
    );
    const rejected = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    assert.ok(rejected.length >= 3, `expected throttling, got ${rejected.length} failures`);
    const e = rejected[0].reason as { name: string; $metadata: { httpStatusCode: number } };
    assert.equal(e.name, 'RequestLimitExceeded');
    assert.equal(e.$metadata.httpStatusCode, 503);
  });

  it('injects faults by action and logs traffic without secrets', async () => {
    aws.realism.addFault({
      cloud: 'aws',
      action: 'DescribeRegions',
      effect: { status: 500, code: 'InternalError', message: 'boom' },
    });
    assert.equal((await failure(alice.send(new DescribeRegionsCommand({})))).name, 'InternalError');
    await alice.send(new DescribeRegionsCommand({})); // the fault fired once (nth 1, times 1)
    const log = aws.traffic.entries({ action: 'DescribeRegions' });
    assert.deepEqual(
      log.map((e) => e.status),
      [500, 200],
    );
    assert.equal(log[1].principal, 'alice');
    assert.equal(log[1].requestHeaders?.authorization, 'Sanitized');
  });

  it('serves the admin endpoint state as JSON and generates large worlds', async () => {
    const state = (await (await fetch(`${aws.server.endpoint}/__admin/state`)).json()) as {
      accounts: unknown[];
    };
    assert.equal(state.accounts.length, 2);
    const big = generateAwsWorld({ accounts: 2, instancesPerRegion: 120, seed: 7 });
    const large = await startLocalAws(big);
    try {
      const admin = large.world.principals.find((p) => p.name.startsWith('admin-'))!.name;
      const out = await large.ec2(admin).send(new DescribeInstancesCommand({}));
      assert.equal(out.Reservations!.length, 120);
    } finally {
      await large.stop();
    }
  });
});
