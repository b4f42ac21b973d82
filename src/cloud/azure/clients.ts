// The one place SDK clients are built. Endpoint, credential and TLS trust are the only things that
// differ between Azure and the local cloud. SDK modules load on first use (`await import`) so that
// the extension's activation does not pay for them.
import type { TokenCredential } from '@azure/core-auth';
import type { NetworkManagementClient } from '@azure/arm-network';
import type { ComputeManagementClient } from '@azure/arm-compute';
import type { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { AuthorizationManagementClient } from '@azure/arm-authorization';
import type { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { CallCounter } from './callCounter';

export const AZURE_PUBLIC_ENDPOINT = 'https://management.azure.com';

export interface AzureConnection {
  credential: TokenCredential;
  /** ARM endpoint; the local cloud's `https://127.0.0.1:PORT`. Default: Azure public cloud. */
  endpoint?: string;
  /** Extra certificate authority (PEM) to trust: the local cloud's self-signed certificate. */
  caPem?: string;
  /** Token scope; default `https://management.azure.com/.default`. */
  scope?: string;
  /** The SDK's own retries of 5xx, 429 and dropped connections (defaults: 3 retries from 1 s). */
  sdkRetry?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

export class AzureClients {
  readonly counter = new CallCounter();
  readonly endpoint: string;
  private readonly network = new Map<string, Promise<NetworkManagementClient>>();
  private readonly compute = new Map<string, Promise<ComputeManagementClient>>();
  private readonly authorization = new Map<string, Promise<AuthorizationManagementClient>>();
  private graphClient?: Promise<ResourceGraphClient>;
  private subscriptionClient?: Promise<SubscriptionClient>;

  constructor(private readonly connection: AzureConnection) {
    this.endpoint = (connection.endpoint ?? AZURE_PUBLIC_ENDPOINT).replace(/\/+$/, '');
  }

  /** Options every client shares: endpoint, scope, TLS trust and the call counter. */
  private options() {
    const scope = this.connection.scope ?? `${AZURE_PUBLIC_ENDPOINT}/.default`;
    return {
      endpoint: this.endpoint,
      credentials: { scopes: [scope] },
      credentialScopes: [scope],
      ...(this.connection.caPem ? { tlsOptions: { ca: this.connection.caPem } } : {}),
      ...(this.connection.sdkRetry ? { retryOptions: this.connection.sdkRetry } : {}),
      additionalPolicies: [{ policy: this.counter.policy, position: 'perRetry' as const }],
    };
  }

  networkClient(subscription: string): Promise<NetworkManagementClient> {
    return cached(this.network, subscription, async () => {
      const { NetworkManagementClient } = await import('@azure/arm-network');
      return new NetworkManagementClient(this.connection.credential, subscription, this.options());
    });
  }

  computeClient(subscription: string): Promise<ComputeManagementClient> {
    return cached(this.compute, subscription, async () => {
      const { ComputeManagementClient } = await import('@azure/arm-compute');
      return new ComputeManagementClient(this.connection.credential, subscription, this.options());
    });
  }

  authorizationClient(subscription: string): Promise<AuthorizationManagementClient> {
    return cached(this.authorization, subscription, async () => {
      const { AuthorizationManagementClient } = await import('@azure/arm-authorization');
      return new AuthorizationManagementClient(this.connection.credential, subscription, this.options());
    });
  }

  graph(): Promise<ResourceGraphClient> {
    this.graphClient ??= import('@azure/arm-resourcegraph').then(
      ({ ResourceGraphClient }) => new ResourceGraphClient(this.connection.credential, this.options()),
    );
    return this.graphClient;
  }

  subscriptions(): Promise<SubscriptionClient> {
    this.subscriptionClient ??= import('@azure/arm-resources-subscriptions').then(
      ({ SubscriptionClient }) => new SubscriptionClient(this.connection.credential, this.options()),
    );
    return this.subscriptionClient;
  }
}

function cached<T>(map: Map<string, Promise<T>>, key: string, create: () => Promise<T>): Promise<T> {
  const k = key.toLowerCase();
  let value = map.get(k);
  if (!value) {
    value = create();
    map.set(k, value);
  }
  return value;
}
