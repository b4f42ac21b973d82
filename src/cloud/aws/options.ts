// What the AWS provider is configured with. Endpoint and credentials are the only things that differ
// between real AWS, the local cloud and moto.

export interface AwsSharedFiles {
  /** Shared credentials file; default `AWS_SHARED_CREDENTIALS_FILE` or ~/.aws/credentials. */
  credentials?: string;
  /** Shared config file; default `AWS_CONFIG_FILE` or ~/.aws/config. */
  config?: string;
}

export interface AwsProviderOptions {
  /** Regions to cover (from settings). At least one. */
  regions: string[];
  /**
   * Named profiles of the shared config/credentials files, each resolved with the SDK's own chain
   * (static keys, SSO, assume-role, credential_process, web identity). Omitted: every profile the
   * files define, or the SDK's default chain when they define none.
   */
  profiles?: string[];
  /** EC2 and STS endpoint override: the local cloud or moto (`http://127.0.0.1:PORT`). */
  endpoint?: string;
  sharedFiles?: AwsSharedFiles;
  /** Asked for an MFA code when an assume-role profile requires one. */
  mfaCodeProvider?: (mfaSerial: string) => Promise<string>;
  /** SDK attempts per call, first included (throttling, 5xx, timeouts). Default 4. */
  maxAttempts?: number;
  /** The SDK's retry mode. Default 'standard'. */
  retryMode?: 'standard' | 'adaptive';
  /** Per-request socket timeout. Default 30 s. */
  requestTimeoutMs?: number;
  /** Account-region scopes listed at the same time. Default 4. */
  concurrency?: number;
  /** Re-read and re-plan this many times when a write conflicts with someone else's. Default 3. */
  maxReplans?: number;
}

export interface ResolvedAwsOptions extends Required<
  Omit<AwsProviderOptions, 'profiles' | 'endpoint' | 'mfaCodeProvider'>
> {
  profiles?: string[];
  endpoint?: string;
  mfaCodeProvider?: (mfaSerial: string) => Promise<string>;
}

export function resolveOptions(options: AwsProviderOptions): ResolvedAwsOptions {
  if (options.regions.length === 0) throw new Error('The AWS provider needs at least one region.');
  return {
    sharedFiles: {},
    maxAttempts: 4,
    retryMode: 'standard',
    requestTimeoutMs: 30_000,
    concurrency: 4,
    maxReplans: 3,
    ...options,
  };
}
