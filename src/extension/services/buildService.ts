// Builds the grant service for a connection plan. Loaded with a dynamic import on first use, so the
// SDKs, the providers and the local cloud never weigh on activation. No `vscode` import: the
// Azure credential comes in from the caller.
import type { TokenCredential } from '@azure/core-auth';
import type { CloudProvider } from '../../cloud/provider';
import type { GrantServiceApi } from '../../grants/api';
import type { MyIpSource } from '../../grants/myIp';
import type { ConnectionPlan } from './connectionPlan';

export interface LocalCloudSummary {
  azureEndpoint: string;
  awsEndpoint: string;
  admin: string[];
  principal: string;
  /** The JSON line `jit --local` accepts. */
  infoJson: string;
}

export interface BuiltService {
  service: GrantServiceApi;
  localCloud?: LocalCloudSummary;
  /** Arguments that point the `jit` CLI at the same real clouds (for the ssh ProxyCommand); the sandbox adds `--local <file>`. */
  cliArgs: string[];
  dispose(): Promise<void>;
}

export interface BuildOptions {
  myIpServices: string[];
  sweepIntervalMs: number;
  expiringSoonMs: number;
  azureCredential: () => Promise<TokenCredential>;
  log: (line: string) => void;
}

export const SANDBOX_PRINCIPAL = 'alice';

export async function buildService(plan: ConnectionPlan, options: BuildOptions): Promise<BuiltService> {
  if (plan.kind === 'none') throw new Error('Nothing to connect to.');
  const { GrantService } = await import('../../grants/grantService');
  const settings = { sweepIntervalMs: options.sweepIntervalMs, expiringSoonMs: options.expiringSoonMs };

  if (plan.kind === 'sandbox') {
    const [{ startLocalCloud }, { connectLocalCloud }] = await Promise.all([
      import('../../localcloud/index'),
      import('../../grants/localConnection'),
    ]);
    const cloud = await startLocalCloud({ world: 'demo' });
    const connection = connectLocalCloud(cloud.info, { principal: SANDBOX_PRINCIPAL });
    const service = new GrantService({ providers: connection.providers, myIp: connection.myIp, settings });
    void service.start().catch((e: Error) => options.log(`Background sweep failed: ${e.message}`));
    const infoJson = JSON.stringify(cloud.info);
    options.log(
      `Local sandbox running: Azure ${cloud.info.azure.endpoint}, AWS ${cloud.info.aws.endpoint} (as ${SANDBOX_PRINCIPAL}); admin API ${cloud.info.admin.join(' ')}`,
    );
    return {
      service,
      localCloud: {
        azureEndpoint: cloud.info.azure.endpoint,
        awsEndpoint: cloud.info.aws.endpoint,
        admin: cloud.info.admin,
        principal: SANDBOX_PRINCIPAL,
        infoJson,
      },
      cliArgs: ['--principal', SANDBOX_PRINCIPAL],
      dispose: async () => {
        service.dispose();
        connection.dispose();
        await cloud.stop();
      },
    };
  }

  const providers: CloudProvider[] = [];
  const cliArgs: string[] = [];
  if (plan.azure) {
    const { AzureProvider } = await import('../../cloud/azure/azureProvider');
    const subscriptions = plan.azure.subscriptions;
    providers.push(
      new AzureProvider({
        credential: await options.azureCredential(),
        ...(subscriptions.length ? { subscriptions } : {}),
      }),
    );
    for (const s of subscriptions) cliArgs.push('--subscription', s);
  }
  if (plan.aws) {
    const { AwsProvider } = await import('../../cloud/aws/provider');
    providers.push(new AwsProvider({ regions: plan.aws.regions, profiles: plan.aws.profiles }));
    for (const p of plan.aws.profiles) cliArgs.push('--aws-profile', p);
    for (const r of plan.aws.regions) cliArgs.push('--aws-region', r);
  }
  const { EchoServiceIpSource } = await import('../../grants/myIp');
  const myIp: MyIpSource = new EchoServiceIpSource(
    options.myIpServices.length ? { urls: options.myIpServices } : {},
  );
  for (const url of options.myIpServices) cliArgs.push('--echo-url', url);
  const service = new GrantService({ providers, myIp, settings });
  void service.start().catch((e: Error) => options.log(`Background sweep failed: ${e.message}`));
  return {
    service,
    cliArgs,
    dispose: async () => service.dispose(),
  };
}
