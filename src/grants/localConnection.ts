// Connecting to the local cloud (the sandbox, tests, `jit --local`): real Azure and AWS providers
// pointed at its loopback endpoints, signed in as one of its principals. Takes the LocalCloudInfo the
// local cloud prints (its type lives in cloud/: grants/ does not import localcloud/).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { AwsProvider } from '../cloud/aws/provider';
import { AzureProvider } from '../cloud/azure/azureProvider';
import type { LocalCloudInfo } from '../cloud/localCloudInfo';
import type { CloudProvider } from '../cloud/provider';
import { FixedIpSource, type MyIpSource } from './myIp';

/** The parts of the local cloud's ready line a connection needs. */
export type LocalCloudEndpoints = Pick<LocalCloudInfo, 'azure' | 'aws' | 'admin'>;

/**
 * The client address the sandbox pretends the user has (a documentation address): the local cloud
 * is on loopback, where no echo service could see a meaningful "my IP".
 */
export const LOCAL_CLOUD_MY_IP = '203.0.113.10';

export interface LocalConnection {
  providers: CloudProvider[];
  myIp: MyIpSource;
  principal: string;
  dispose(): void;
}

/** A bearer token that never expires, as the local cloud's principals use. */
function staticToken(token: string): TokenCredential {
  return {
    getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
}

export function parseLocalCloudInfo(text: string): LocalCloudEndpoints {
  let info: LocalCloudEndpoints;
  try {
    info = JSON.parse(text) as LocalCloudEndpoints;
  } catch {
    throw new Error(
      'The local cloud description is not JSON: give the line `jit local-cloud` printed, or a file holding it.',
    );
  }
  if (!info?.azure?.endpoint || !info?.aws?.endpoint || !Array.isArray(info.azure.principals)) {
    throw new Error(
      'The local cloud description lacks its azure/aws endpoints: give the line `jit local-cloud` printed.',
    );
  }
  return info;
}

export function connectLocalCloud(
  info: LocalCloudEndpoints,
  options: { principal?: string; clouds?: ('azure' | 'aws')[] } = {},
): LocalConnection {
  const name = options.principal ?? 'alice';
  const clouds = options.clouds ?? ['azure', 'aws'];
  const providers: CloudProvider[] = [];
  if (clouds.includes('azure')) {
    const p = info.azure.principals.find((x) => x.name === name);
    if (!p)
      throw new Error(
        `The local cloud has no Azure principal "${name}" (has: ${info.azure.principals.map((x) => x.name).join(', ')}).`,
      );
    providers.push(
      new AzureProvider({
        credential: staticToken(p.token),
        endpoint: info.azure.endpoint,
        caPem: info.azure.caPem,
        identity: name,
      }),
    );
  }
  let awsFiles: string | undefined;
  if (clouds.includes('aws')) {
    const p = info.aws.principals.find((x) => x.name === name);
    if (!p)
      throw new Error(
        `The local cloud has no AWS principal "${name}" (has: ${info.aws.principals.map((x) => x.name).join(', ')}).`,
      );
    // The AWS provider resolves credentials the way users have them: named profiles in shared files.
    // Private temporary files keep the sandbox apart from the user's own ~/.aws.
    awsFiles = mkdtempSync(join(tmpdir(), 'jit-local-aws-'));
    const credentials = join(awsFiles, 'credentials');
    const config = join(awsFiles, 'config');
    writeFileSync(
      credentials,
      `[${p.profile}]\naws_access_key_id = ${p.accessKeyId}\naws_secret_access_key = ${p.secretAccessKey}\n`,
      { mode: 0o600 },
    );
    writeFileSync(config, `[profile ${p.profile}]\nregion = ${info.aws.regions[0]}\n`, { mode: 0o600 });
    providers.push(
      new AwsProvider({
        regions: info.aws.regions,
        profiles: [p.profile],
        endpoint: info.aws.endpoint,
        sharedFiles: { credentials, config },
      }),
    );
  }
  return {
    providers,
    myIp: new FixedIpSource(LOCAL_CLOUD_MY_IP, 'local cloud sandbox'),
    principal: name,
    dispose: () => {
      if (awsFiles) rmSync(awsFiles, { recursive: true, force: true });
    },
  };
}
