// The AWS demo world: two accounts (profiles) in two regions, with instances covering every branch of
// the AWS JIT decision tree and the awkward cases the provider must handle. Public addresses come from
// the documentation ranges (203.0.113.0/24 for instances, 192.0.2.0/24 as the "office").
import type { AwsAccountState, AwsWorldState } from '../aws/state';
import { AwsRegionBuilder, awsPrincipal, tcpFrom } from '../aws/regionBuilder';

export const AWS_DEMO_REGIONS = ['eu-west-1', 'us-east-1'];
export const AWS_DEMO_ACCOUNTS = {
  prod: { accountId: '111122223333', profile: 'contoso-prod' },
  dev: { accountId: '444455556666', profile: 'contoso-dev' },
};
const OFFICE = '192.0.2.0/24';
const ANY4 = '0.0.0.0/0';
const ANY6 = '::/0';

function prodEuWest(): AwsRegionBuilder {
  const b = new AwsRegionBuilder(AWS_DEMO_ACCOUNTS.prod.accountId, 'eu-west-1');
  b.vpc('default', '172.31.0.0/16', true);
  const vpc = b.vpc('prod-vpc', '10.20.0.0/16');
  const webSsh = b.group(vpc, 'web-ssh-open', 'Web servers: HTTPS and SSH from anywhere', [
    tcpFrom(ANY4, 443, 443, 'HTTPS'),
    tcpFrom(ANY4, 22, 22, 'SSH from anywhere (legacy)'),
  ]);
  const rdpV6 = b.group(vpc, 'rdp-open-ipv6', 'Windows admin: RDP from any IPv6', [
    tcpFrom(ANY6, 3389, 3389, 'RDP'),
  ]);
  const office = b.group(vpc, 'office-ssh', 'SSH from the office only', [tcpFrom(OFFICE, 22, 22, 'Office')]);
  const app = b.group(vpc, 'app-internal', 'App traffic inside the VPC', [tcpFrom('10.20.0.0/16', 8080)]);
  const fleet = b.group(
    vpc,
    'fleet-shared',
    'Shared by the worker fleet (exposes SSH)',
    [tcpFrom(ANY4, 22, 22, 'SSH for the fleet'), tcpFrom('10.20.0.0/16', 9100, 9100, 'metrics')],
    { Team: 'platform' },
  );
  const winrm = b.group(vpc, 'mgmt-winrm', 'WinRM from anywhere', [tcpFrom(ANY4, 5985, 5986, 'WinRM')]);
  const extra = ['monitoring', 'logging', 'backup'].map((name) =>
    b.group(vpc, name, `${name} agents`, [tcpFrom('10.20.0.0/16', 9000 + name.length)]),
  );
  b.instance({ name: 'web-1', vpc, interfaces: [{ groups: [webSsh], publicIp: '203.0.113.10' }] });
  b.instance({
    name: 'win-admin-1',
    vpc,
    platform: 'windows',
    instanceType: 't3.large',
    interfaces: [{ groups: [rdpV6], publicIp: '203.0.113.11', ipv6: '2001:db8:20::11' }],
  });
  b.instance({ name: 'bastion-office', vpc, interfaces: [{ groups: [office], publicIp: '203.0.113.12' }] });
  b.instance({ name: 'app-1', vpc, interfaces: [{ groups: [app] }] });
  for (const n of [1, 2, 3]) {
    b.instance({
      name: `worker-${n}`,
      vpc,
      interfaces: [{ groups: [fleet], publicIp: `203.0.113.${20 + n}` }],
    });
  }
  const [, subnetB] = b.subnets(vpc);
  b.instance({
    name: 'dual-nic-gateway',
    vpc,
    interfaces: [{ groups: [app] }, { groups: [winrm], subnet: subnetB, publicIp: '203.0.113.30' }],
  });
  b.instance({
    name: 'five-groups',
    vpc,
    interfaces: [{ groups: [app, office, ...extra], publicIp: '203.0.113.31' }],
  });
  b.instance({ name: 'stopped-legacy', vpc, state: 'stopped', interfaces: [{ groups: [webSsh] }] });
  return b;
}

function prodUsEast(): AwsRegionBuilder {
  const b = new AwsRegionBuilder(AWS_DEMO_ACCOUNTS.prod.accountId, 'us-east-1');
  const vpc = b.vpc('default', '172.31.0.0/16', true);
  const api = b.group(vpc, 'api-ssh-v4-v6', 'API: SSH from anywhere over IPv4 and IPv6', [
    tcpFrom(ANY4, 22),
    tcpFrom(ANY6, 22),
    tcpFrom(ANY4, 443),
  ]);
  b.instance({ name: 'api-east-1', vpc, interfaces: [{ groups: [api], publicIp: '203.0.113.40' }] });
  b.instance({ name: 'batch-east-1', vpc, interfaces: [{ groups: [b.defaultGroup(vpc)] }] });
  return b;
}

function devEuWest(): AwsRegionBuilder {
  const b = new AwsRegionBuilder(AWS_DEMO_ACCOUNTS.dev.accountId, 'eu-west-1');
  const vpc = b.vpc('default', '172.31.0.0/16', true);
  const devSsh = b.group(vpc, 'dev-ssh-open', 'Developer boxes: SSH from anywhere', [tcpFrom(ANY4, 22)]);
  const devRdp = b.group(vpc, 'dev-rdp-office', 'RDP from the office', [tcpFrom(OFFICE, 3389)]);
  b.instance({ name: 'dev-box-1', vpc, interfaces: [{ groups: [devSsh], publicIp: '203.0.113.50' }] });
  b.instance({
    name: 'dev-win-1',
    vpc,
    platform: 'windows',
    interfaces: [{ groups: [devRdp], publicIp: '203.0.113.51' }],
  });
  return b;
}

function devUsEast(): AwsRegionBuilder {
  const b = new AwsRegionBuilder(AWS_DEMO_ACCOUNTS.dev.accountId, 'us-east-1');
  const vpc = b.vpc('default', '172.31.0.0/16', true);
  const rdp = b.group(vpc, 'sandbox-rdp-open', 'Sandbox: RDP from anywhere', [tcpFrom(ANY4, 3389)]);
  b.instance({
    name: 'sandbox-win-1',
    vpc,
    platform: 'windows',
    interfaces: [{ groups: [rdp], publicIp: '203.0.113.60' }],
  });
  return b;
}

function account(ids: { accountId: string; profile: string }, builders: AwsRegionBuilder[]): AwsAccountState {
  return { ...ids, regions: Object.fromEntries(builders.map((b) => [b.regionName, b.state])) };
}

export function awsDemoWorld(): AwsWorldState {
  const { prod, dev } = AWS_DEMO_ACCOUNTS;
  return {
    regions: [...AWS_DEMO_REGIONS],
    principals: [
      awsPrincipal('alice', prod.accountId, prod.profile, ['ec2:*']),
      awsPrincipal('bob', prod.accountId, prod.profile, ['ec2:*']),
      awsPrincipal('reader', prod.accountId, prod.profile, ['ec2:Describe*']),
      awsPrincipal('dev-alice', dev.accountId, dev.profile, ['ec2:*']),
    ],
    accounts: [account(prod, [prodEuWest(), prodUsEast()]), account(dev, [devEuWest(), devUsEast()])],
  };
}
