// The one place that builds AWS SDK clients: per (profile, region) EC2 clients and per-profile STS
// clients, with the endpoint override, bounded retries and the call-counting middleware. The SDK
// modules are imported lazily so that activating the extension never loads them.
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { STSClient } from '@aws-sdk/client-sts';
import type { fromIni } from '@aws-sdk/credential-providers';
import type { CallCounter } from './callCounter';
import type { ResolvedAwsOptions } from './options';

type CredentialProvider = ReturnType<typeof fromIni>;
type Identity = Awaited<ReturnType<CredentialProvider>>;

/** Refresh credentials this long before they expire. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

/** Middleware name on every client's stack; exported so tests can find it. */
export const CALL_COUNTER_MIDDLEWARE = 'jitVmAccessCallCounter';

/** Property set on a failed call's error: the EC2/STS action it made. */
export const FAILED_ACTION = Symbol('jitVmAccessFailedAction');

export class AwsClients {
  private readonly ec2Clients = new Map<string, Promise<EC2Client>>();
  private readonly stsClients = new Map<string, Promise<STSClient>>();
  private readonly credentials = new Map<string, Promise<CredentialProvider>>();

  constructor(
    private readonly options: ResolvedAwsOptions,
    private readonly counter: CallCounter,
  ) {}

  ec2(profile: string | undefined, region: string): Promise<EC2Client> {
    const key = `${profile ?? ''}\u0000${region}`;
    let client = this.ec2Clients.get(key);
    if (!client) {
      client = this.buildEc2(profile, region);
      this.ec2Clients.set(key, client);
    }
    return client;
  }

  sts(profile: string | undefined): Promise<STSClient> {
    const key = profile ?? '';
    let client = this.stsClients.get(key);
    if (!client) {
      client = this.buildSts(profile);
      this.stsClients.set(key, client);
    }
    return client;
  }

  dispose(): void {
    for (const client of [...this.ec2Clients.values(), ...this.stsClients.values()]) {
      client.then((c) => c.destroy()).catch(() => undefined);
    }
    this.ec2Clients.clear();
    this.stsClients.clear();
  }

  private async buildEc2(profile: string | undefined, region: string): Promise<EC2Client> {
    const { EC2Client } = await import('@aws-sdk/client-ec2');
    const client = new EC2Client({
      ...this.common(),
      region,
      credentials: await this.credentialsFor(profile),
    });
    client.middlewareStack.add(this.counting(), COUNTER_PLACEMENT);
    return client;
  }

  private async buildSts(profile: string | undefined): Promise<STSClient> {
    const { STSClient } = await import('@aws-sdk/client-sts');
    const client = new STSClient({
      ...this.common(),
      region: this.options.regions[0],
      credentials: await this.credentialsFor(profile),
    });
    client.middlewareStack.add(this.counting(), COUNTER_PLACEMENT);
    return client;
  }

  private common() {
    return {
      ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
      maxAttempts: this.options.maxAttempts,
      retryMode: this.options.retryMode,
      requestHandler: {
        requestTimeout: this.options.requestTimeoutMs,
        connectionTimeout: this.options.requestTimeoutMs,
      },
    };
  }

  /** One credential source per profile, shared by every region's client (one SSO/assume-role per profile). */
  private credentialsFor(profile: string | undefined): Promise<CredentialProvider> {
    const key = profile ?? '';
    let provider = this.credentials.get(key);
    if (!provider) {
      provider = this.buildCredentials(profile);
      this.credentials.set(key, provider);
    }
    return provider;
  }

  private async buildCredentials(profile: string | undefined): Promise<CredentialProvider> {
    const { fromIni, fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
    const files = this.options.sharedFiles;
    // Inner STS/SSO clients of assume-role and SSO profiles talk to the same endpoint as we do.
    const clientConfig = {
      region: this.options.regions[0],
      ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
    };
    const init = {
      ...(files.credentials ? { filepath: files.credentials } : {}),
      ...(files.config ? { configFilepath: files.config } : {}),
      ...(this.options.mfaCodeProvider ? { mfaCodeProvider: this.options.mfaCodeProvider } : {}),
      clientConfig,
    };
    const source = profile === undefined ? fromNodeProviderChain(init) : fromIni({ ...init, profile });
    return shareCredentials(source);
  }

  /** Counts each HTTP call against the provider's tallies. */
  private counting() {
    const counter = this.counter;
    return <A, R>(next: (args: A) => Promise<R>, context: { commandName?: string }) =>
      async (args: A): Promise<R> => {
        const action = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        counter.record(action);
        try {
          return await next(args);
        } catch (error) {
          // Lets error messages name the action that failed (e.g. the missing IAM permission).
          if (error && typeof error === 'object')
            (error as { [FAILED_ACTION]?: string })[FAILED_ACTION] ??= action;
          throw error;
        }
      };
  }
}

// Inside the retry middleware, so every attempt counts as the HTTP call it is.
const COUNTER_PLACEMENT = {
  step: 'finalizeRequest',
  priority: 'low',
  name: CALL_COUNTER_MIDDLEWARE,
} as const;

/** Caches the identity until shortly before it expires; a failure is not cached. */
function shareCredentials(source: CredentialProvider): CredentialProvider {
  let cached: Promise<Identity> | undefined;
  let expiresAt = Infinity;
  return () => {
    if (!cached || Date.now() > expiresAt - EXPIRY_MARGIN_MS) {
      const pending = source();
      cached = pending;
      expiresAt = Infinity;
      pending.then(
        (identity) => {
          expiresAt = identity.expiration?.getTime() ?? Infinity;
        },
        () => {
          if (cached === pending) cached = undefined;
        },
      );
    }
    return cached;
  };
}
