// Real @azure/arm-* clients pointed at a running local cloud: only endpoint, credential and TLS
// trust differ from production (the provider builds its clients the same way).
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import type { TokenCredential } from '@azure/core-auth';
import type { LocalCloud } from '../../../src/localcloud/index';

export function tokenCredential(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }) };
}

export function principalToken(cloud: LocalCloud, name: string): string {
  const p = cloud.info.azure.principals.find((x) => x.name === name);
  if (!p) throw new Error(`no principal ${name}`);
  return p.token;
}

export interface AzureClients {
  subscriptions: SubscriptionClient;
  compute: ComputeManagementClient;
  network: NetworkManagementClient;
  graph: ResourceGraphClient;
  authorization: AuthorizationManagementClient;
}

export function azureClients(
  cloud: LocalCloud,
  principal: string,
  subscriptionId: string,
  extra: { retryOptions?: { maxRetries?: number } } = {},
): AzureClients {
  const credential = tokenCredential(principalToken(cloud, principal));
  const endpoint = cloud.info.azure.endpoint;
  const options = { endpoint, tlsOptions: { ca: cloud.info.azure.caPem }, ...extra };
  return {
    subscriptions: new SubscriptionClient(credential, options),
    compute: new ComputeManagementClient(credential, subscriptionId, options),
    network: new NetworkManagementClient(credential, subscriptionId, options),
    graph: new ResourceGraphClient(credential, options),
    authorization: new AuthorizationManagementClient(credential, subscriptionId, {
      ...options,
      baseUri: endpoint,
    }),
  };
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
