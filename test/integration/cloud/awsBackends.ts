// The two EC2 backends the AWS provider's integration suite runs against with the same test bodies:
// the local cloud (its demo world) and moto_server (an independent EC2 emulator, started empty and
// seeded here through the SDK with the same instances, groups and rules as the demo's
// eu-west-1 / us-east-1 of account "prod"). Each backend hands out shared config/credentials files,
// so the provider resolves identities through named profiles exactly as it does against AWS.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  AuthorizeSecurityGroupIngressCommand,
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
  type Image,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { XMLParser } from 'fast-xml-parser';
import { startMoto } from '../localcloud/motoServer';
import type { AwsSharedFiles } from '../../../src/cloud/aws/options';
import {
  startLocalCloud,
  type FaultRule,
  type LocalCloud,
  type RealismOptions,
} from '../../../src/localcloud/index';

export interface AwsBackend {
  name: 'local cloud' | 'moto';
  endpoint: string;
  regions: string[];
  sharedFiles: AwsSharedFiles;
  /** Profiles with full EC2 rights, one per account. */
  adminProfiles: string[];
  /** A profile allowed only ec2:Describe* (and STS). */
  readerProfile: string;
  /** Makes the backend check each principal's rights (moto checks none unless told to). */
  enforcePermissions(on: boolean): Promise<void>;
  /** Fault injection on EC2 actions; only the local cloud has it. */
  faults?: { add(rule: FaultRule): string; clear(): void };
  stop(): Promise<void>;
}

const OFFICE = '192.0.2.0/24';
const ANY4 = '0.0.0.0/0';
const ANY6 = '::/0';

interface ProfileSpec {
  name: string;
  key: string;
  secret: string;
  /** Resolve through `credential_process` (a program printing the keys) instead of static keys. */
  viaProcess?: boolean;
}

/** Shared credentials and config files as a user has them: static keys, or a credential process. */
function profilesFile(dir: string, profiles: ProfileSpec[]): AwsSharedFiles {
  const credentials = join(dir, 'credentials');
  const config = join(dir, 'config');
  const section = (p: ProfileSpec): string => {
    if (!p.viaProcess) return `[profile ${p.name}]\noutput = json\n`;
    const script = join(dir, `${p.name}-credentials.js`);
    writeFileSync(
      script,
      `console.log(JSON.stringify(${JSON.stringify({ Version: 1, AccessKeyId: p.key, SecretAccessKey: p.secret })}));\n`,
    );
    return `[profile ${p.name}]\ncredential_process = "${process.execPath}" "${script}"\n`;
  };
  writeFileSync(
    credentials,
    profiles
      .filter((p) => !p.viaProcess)
      .map((p) => `[${p.name}]\naws_access_key_id = ${p.key}\naws_secret_access_key = ${p.secret}\n`)
      .join('\n'),
  );
  writeFileSync(config, profiles.map(section).join('\n'));
  return { credentials, config };
}

export async function startLocalCloudBackend(realism: RealismOptions = {}): Promise<AwsBackend> {
  const cloud: LocalCloud = await startLocalCloud({ world: 'demo', realism });
  const dir = mkdtempSync(join(tmpdir(), 'jit-aws-lc-'));
  const principal = (name: string) => cloud.info.aws.principals.find((p) => p.name === name)!;
  const admins = ['alice', 'dev-alice'].map(principal);
  const reader = principal('reader');
  const sharedFiles = profilesFile(dir, [
    // The second account's profile resolves through credential_process, the first through static keys.
    ...admins.map((p, i) => ({
      name: p.profile,
      key: p.accessKeyId,
      secret: p.secretAccessKey,
      viaProcess: i === 1,
    })),
    { name: 'reader', key: reader.accessKeyId, secret: reader.secretAccessKey },
  ]);
  return {
    name: 'local cloud',
    endpoint: cloud.info.aws.endpoint,
    regions: cloud.info.aws.regions,
    sharedFiles,
    adminProfiles: admins.map((p) => p.profile),
    readerProfile: 'reader',
    enforcePermissions: async () => undefined,
    faults: {
      add: (rule) => cloud.realism.addFault({ cloud: 'aws', ...rule }),
      clear: () => cloud.realism.clearFaults(),
    },
    stop: async () => {
      await cloud.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------- moto

/** moto answers IAM on the same port; before permissions are enforced it reads only the signing scope. */
async function iam(endpoint: string, params: Record<string, string>): Promise<Record<string, unknown>> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAFIXTURE/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ ...params, Version: '2010-05-08' }).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`IAM ${params.Action} failed: ${text}`);
  return new XMLParser().parse(text) as Record<string, unknown>;
}

async function motoUser(
  endpoint: string,
  name: string,
  actions: string[],
): Promise<{ key: string; secret: string }> {
  await iam(endpoint, { Action: 'CreateUser', UserName: name });
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] };
  await iam(endpoint, {
    Action: 'PutUserPolicy',
    UserName: name,
    PolicyName: 'jit',
    PolicyDocument: JSON.stringify(policy),
  });
  const out = (await iam(endpoint, { Action: 'CreateAccessKey', UserName: name })) as {
    CreateAccessKeyResponse: {
      CreateAccessKeyResult: { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };
    };
  };
  const key = out.CreateAccessKeyResponse.CreateAccessKeyResult.AccessKey;
  return { key: key.AccessKeyId, secret: key.SecretAccessKey };
}

function tcpFrom(cidr: string, from: number, to = from, description?: string): IpPermission {
  const range = cidr.includes(':')
    ? { Ipv6Ranges: [{ CidrIpv6: cidr, ...(description ? { Description: description } : {}) }] }
    : { IpRanges: [{ CidrIp: cidr, ...(description ? { Description: description } : {}) }] };
  return { IpProtocol: 'tcp', FromPort: from, ToPort: to, ...range };
}

interface InterfaceSpec {
  groups: string[];
  subnet?: string;
}

/** Builds one region of the scenario through the SDK, as a user would with the console or CLI. */
class MotoRegion {
  private images?: Image[];
  constructor(private readonly ec2: EC2Client) {}

  async vpc(cidr: string): Promise<{ vpc: string; subnets: string[] }> {
    const vpc = (await this.ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
    const base = cidr.split('.').slice(0, 2).join('.');
    const subnets: string[] = [];
    for (const n of [1, 2]) {
      const out = await this.ec2.send(
        new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `${base}.${n}.0/24` }),
      );
      subnets.push(out.Subnet!.SubnetId!);
    }
    return { vpc, subnets };
  }

  async group(vpc: string, name: string, description: string, rules: IpPermission[]): Promise<string> {
    const id = (
      await this.ec2.send(
        new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: name, Description: description }),
      )
    ).GroupId!;
    if (rules.length)
      await this.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: rules }));
    return id;
  }

  async instance(
    name: string,
    subnets: string[],
    interfaces: InterfaceSpec[],
    extra: { windows?: boolean } = {},
  ): Promise<string> {
    this.images ??= (await this.ec2.send(new DescribeImagesCommand({}))).Images ?? [];
    const image = this.images.find(
      (i) => (i.Platform?.toLowerCase() === 'windows') === (extra.windows ?? false),
    )!;
    // Groups per interface (not SecurityGroupIds): what the console does for a multi-interface launch.
    const out = await this.ec2.send(
      new RunInstancesCommand({
        ImageId: image.ImageId!,
        InstanceType: extra.windows ? 't3.large' : 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        NetworkInterfaces: interfaces.map((nic, i) => ({
          DeviceIndex: i,
          SubnetId: nic.subnet ?? subnets[0],
          Groups: nic.groups,
        })),
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: name }] }],
      }),
    );
    return out.Instances![0].InstanceId!;
  }
}

/** The demo world's prod account, eu-west-1 and us-east-1, rebuilt on moto. */
async function seedMoto(endpoint: string): Promise<void> {
  const client = (region: string) =>
    new EC2Client({
      endpoint,
      region,
      credentials: { accessKeyId: 'AKIAFIXTURE', secretAccessKey: 'fixture' },
    });
  const eu = client('eu-west-1');
  const r = new MotoRegion(eu);
  const { vpc, subnets } = await r.vpc('10.20.0.0/16');
  const webSsh = await r.group(vpc, 'web-ssh-open', 'Web servers: HTTPS and SSH from anywhere', [
    tcpFrom(ANY4, 443, 443, 'HTTPS'),
    tcpFrom(ANY4, 22, 22, 'SSH from anywhere (legacy)'),
  ]);
  const rdpV6 = await r.group(vpc, 'rdp-open-ipv6', 'Windows admin: RDP from any IPv6', [
    tcpFrom(ANY6, 3389, 3389, 'RDP'),
  ]);
  const office = await r.group(vpc, 'office-ssh', 'SSH from the office only', [
    tcpFrom(OFFICE, 22, 22, 'Office'),
  ]);
  const app = await r.group(vpc, 'app-internal', 'App traffic inside the VPC', [
    tcpFrom('10.20.0.0/16', 8080),
  ]);
  const fleet = await r.group(vpc, 'fleet-shared', 'Shared by the worker fleet (exposes SSH)', [
    tcpFrom(ANY4, 22, 22, 'SSH for the fleet'),
    tcpFrom('10.20.0.0/16', 9100, 9100, 'metrics'),
  ]);
  const winrm = await r.group(vpc, 'mgmt-winrm', 'WinRM from anywhere', [tcpFrom(ANY4, 5985, 5986, 'WinRM')]);
  const extra: string[] = [];
  for (const name of ['monitoring', 'logging', 'backup']) {
    extra.push(await r.group(vpc, name, `${name} agents`, [tcpFrom('10.20.0.0/16', 9000 + name.length)]));
  }
  await r.instance('web-1', subnets, [{ groups: [webSsh] }]);
  await r.instance('win-admin-1', subnets, [{ groups: [rdpV6] }], { windows: true });
  await r.instance('bastion-office', subnets, [{ groups: [office] }]);
  await r.instance('app-1', subnets, [{ groups: [app] }]);
  for (const n of [1, 2, 3]) await r.instance(`worker-${n}`, subnets, [{ groups: [fleet] }]);
  await r.instance('dual-nic-gateway', subnets, [{ groups: [app] }, { groups: [winrm], subnet: subnets[1] }]);
  await r.instance('five-groups', subnets, [{ groups: [app, office, ...extra] }]);
  const stopped = await r.instance('stopped-legacy', subnets, [{ groups: [webSsh] }]);
  await eu.send(new StopInstancesCommand({ InstanceIds: [stopped] }));

  const us = new MotoRegion(client('us-east-1'));
  const east = await us.vpc('172.31.0.0/16');
  const api = await us.group(east.vpc, 'api-ssh-v4-v6', 'API: SSH from anywhere over IPv4 and IPv6', [
    tcpFrom(ANY4, 22),
    tcpFrom(ANY6, 22),
    tcpFrom(ANY4, 443),
  ]);
  await us.instance('api-east-1', east.subnets, [{ groups: [api] }]);
  eu.destroy();
}

export async function startMotoBackend(): Promise<AwsBackend> {
  const moto = await startMoto();
  const dir = mkdtempSync(join(tmpdir(), 'jit-aws-moto-'));
  try {
    await seedMoto(moto.endpoint);
    const alice = await motoUser(moto.endpoint, 'alice', ['ec2:*', 'sts:*']);
    const reader = await motoUser(moto.endpoint, 'reader', ['ec2:Describe*', 'sts:GetCallerIdentity']);
    const sharedFiles = profilesFile(dir, [
      { name: 'moto-prod', ...alice },
      { name: 'reader', ...reader },
    ]);
    return {
      name: 'moto',
      endpoint: moto.endpoint,
      regions: ['eu-west-1', 'us-east-1'],
      sharedFiles,
      adminProfiles: ['moto-prod'],
      readerProfile: 'reader',
      // moto checks IAM policies once told how many unchecked calls to allow first (0 = none).
      enforcePermissions: async (on) => {
        await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: on ? '0' : 'inf' });
      },
      stop: async () => {
        await moto.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await moto.stop();
    throw error;
  }
}
