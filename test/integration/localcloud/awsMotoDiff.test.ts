// Differential test: the same scripted SDK sequence against moto_server (independent reference) and
// against the local cloud's EC2 emulation, compared step by step after normalising ids and accounts.
// Where ours follows real AWS and moto does not, the difference is listed below with its reason; the
// test checks both sides of every listed difference, so the table cannot go stale silently.
import assert from 'node:assert/strict';
import { EC2Client } from '@aws-sdk/client-ec2';
import { awsPrincipal } from '../../../src/localcloud/aws/regionBuilder';
import { startLocalAws, type LocalAws } from './awsLocalHarness';
import { startMoto, type MotoServer } from './motoServer';
import { runScenario, STEPS, type Outcome } from './motoScenario';

interface IntendedDifference {
  ours: Outcome;
  moto: Outcome;
  reason: string;
}

const err = (code: string, status = 400): Outcome => ({ error: code, status });

/** Error messages are not compared (moto's are generic); ours are checked against cloud-apis.md in awsEc2.test.ts. */
export const INTENDED_DIFFERENCES: Record<string, IntendedDifference> = {
  'an IPv6 rule in the full group (separate quota)': {
    ours: { ok: true },
    moto: err('RulesPerSecurityGroupLimitExceeded'),
    reason: 'AWS counts the 60-rule quota separately for IPv4 and IPv6 rules; moto counts them together.',
  },
  'a sixth group on the interface': {
    ours: err('SecurityGroupsPerInterfaceLimitExceeded'),
    moto: { ok: 200 },
    reason: 'AWS allows 5 groups per interface by default; moto accepts any number.',
  },
  'instances by network-interface.group-id': {
    ours: { ok: ['<i1>'] },
    moto: err('Error', 500),
    reason: 'A documented DescribeInstances filter the provider may use; moto 5.2.1 has not implemented it.',
  },
  'delete group G6 while attached': {
    ours: err('DependencyViolation'),
    moto: { ok: {} },
    reason: 'AWS refuses to delete a group an interface still uses; moto deletes it.',
  },
  'set groups on the two-interface instance': {
    ours: err('InvalidInstanceID'),
    moto: { ok: {} },
    reason:
      'AWS refuses ModifyInstanceAttribute GroupId.N on a multi-interface instance ("Please specify an interface ID"); moto applies it.',
  },
  'page through security groups (MaxResults 5)': {
    ours: { ok: { pages: 2, total: 9 } },
    moto: { ok: { pages: 1, total: 8 } },
    reason:
      'AWS pages DescribeSecurityGroups by MaxResults and moto ignores it; the totals differ because moto deleted the attached G6.',
  },
  'page through rules of L (MaxResults 25)': {
    ours: { ok: { pages: 3, total: 62 } },
    moto: { ok: { pages: 1, total: 61 } },
    reason:
      'AWS pages DescribeSecurityGroupRules and moto ignores MaxResults; the totals differ by the IPv6 rule moto refused.',
  },
};

const REGION = 'us-east-1';

describe('AWS local cloud vs moto_server (differential)', function () {
  this.timeout(90_000);
  let moto: MotoServer;
  let local: LocalAws;
  let ours: Map<string, Outcome>;
  let theirs: Map<string, Outcome>;

  before(async () => {
    moto = await startMoto();
    const p = awsPrincipal('diff', '123456789012', 'diff', ['ec2:*']);
    local = await startLocalAws({ regions: [REGION], principals: [p], accounts: [] });
    const motoClient = new EC2Client({
      endpoint: moto.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'AKIAMOTOREFERENCE000', secretAccessKey: 'moto' },
      maxAttempts: 1,
    });
    [theirs, ours] = await Promise.all([runScenario(motoClient), runScenario(local.ec2('diff', REGION))]);
    motoClient.destroy();
  });

  after(async () => {
    await local?.stop();
    await moto?.stop();
  });

  it('ran every step on both endpoints', () => {
    assert.equal(ours.size, STEPS.length);
    assert.equal(theirs.size, STEPS.length);
  });

  for (const step of STEPS) {
    const intended = INTENDED_DIFFERENCES[step.name];
    if (intended) {
      it(`${step.name}: intended difference (${intended.reason})`, () => {
        assert.deepEqual(ours.get(step.name), intended.ours, 'ours');
        assert.deepEqual(
          theirs.get(step.name),
          intended.moto,
          'moto (if moto now agrees with AWS, drop this entry)',
        );
      });
    } else {
      it(`${step.name}: same as moto`, () => {
        assert.deepEqual(ours.get(step.name), theirs.get(step.name));
      });
    }
  }

  it('lists only differences that belong to steps of the scenario', () => {
    const names = new Set(STEPS.map((s) => s.name));
    assert.deepEqual(
      Object.keys(INTENDED_DIFFERENCES).filter((n) => !names.has(n)),
      [],
    );
  });
});
