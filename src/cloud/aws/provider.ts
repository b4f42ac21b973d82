// The AWS provider: EC2 security groups behind the CloudProvider interface, on the real SDK. The
// same code serves AWS, the local cloud and moto; only the endpoint and the credentials differ.
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { AwsVmNetwork, VmNetwork } from '../../engine/model';
import type { Plan } from '../../engine/operations';
import { SimulationError } from '../../engine/simulate';
import {
  ConflictError,
  EndpointUnreachableError,
  PartialApplyError,
  PermissionDeniedError,
  ThrottledError,
  VmNotFoundError,
} from '../errors';
import type {
  CloudProvider,
  CloudScope,
  ExecuteOptions,
  ExecuteResult,
  Inventory,
  InventoryItem,
  PlanFn,
  ScopeFailure,
} from '../provider';
import { applyPlan, ApplyFailure, checkPermissions } from './apply';
import { CallCounter, type CallTally } from './callCounter';
import { AwsClients } from './clients';
import { toProviderError } from './ec2Errors';
import { resolveOptions, type AwsProviderOptions, type ResolvedAwsOptions } from './options';
import { listProfiles } from './profiles';
import { readInstance, readRegion, rereadRules, rulesOnlyTargets, type InstanceRead } from './reader';
import type { AwsScopeRef } from './translate';
import { predict, verifyApplied } from './verifyApplied';
import { loadEc2Sdk, type Ec2Sdk } from './writeCalls';

/** One profile's account, as STS GetCallerIdentity reports it, or why it could not be resolved. */
interface Account {
  profile?: string;
  accountId?: string;
  arn?: string;
  error?: unknown;
}

/** What the cloud did differs from what the plan should have produced. */
export class VerificationError extends Error {
  constructor(
    readonly failures: string[],
    readonly after: VmNetwork,
  ) {
    super(
      `The change was applied but EC2 does not show the expected access (${failures.length} difference(s), e.g. ` +
        `${failures[0]}). The next sweep repairs what this tool wrote.`,
    );
    this.name = 'VerificationError';
  }
}

/** A plan the engine's simulator says EC2 would refuse: refused before anything was sent. */
export class PlanRefusedError extends Error {
  constructor(readonly reason: string) {
    super(`EC2 would refuse this change, so nothing was sent: ${reason}`);
    this.name = 'PlanRefusedError';
  }
}

const REPLAN_BACKOFF_MS = 200;
/** EC2 reads are eventually consistent: how long to keep re-reading before calling a result wrong. */
const CONSISTENCY_WAIT_MS = [250, 1000];

export class AwsProvider implements CloudProvider {
  readonly cloud = 'aws' as const;
  /** Every HTTP call made, by action (benchmarks, output channel). */
  readonly counter = new CallCounter();
  private readonly options: ResolvedAwsOptions;
  private readonly clients: AwsClients;
  private accountsPromise?: Promise<Account[]>;
  private readonly located = new Map<string, AwsScopeRef>();
  private sdk?: Promise<Ec2Sdk>;

  constructor(options: AwsProviderOptions) {
    this.options = resolveOptions(options);
    this.clients = new AwsClients(this.options, this.counter);
  }

  /** The caller's ARN for the account of `vmId` (or of the first profile): the requester on grants. */
  async whoAmI(vmId?: string): Promise<string> {
    const accounts = await this.accounts();
    const scope = vmId ? this.located.get(vmId) : undefined;
    const account =
      accounts.find((a) => a.arn && scope && a.profile === scope.profile) ?? accounts.find((a) => a.arn);
    if (!account) throw this.accountError(accounts[0]);
    return account.arn!;
  }

  async identities(): Promise<string[]> {
    const arns = (await this.accounts()).flatMap((a) => (a.arn ? [a.arn] : []));
    return [...new Set(arns)];
  }

  async listScopes(): Promise<CloudScope[]> {
    return (await this.scopeRefs()).map((s) => this.cloudScope(s));
  }

  async inventory(options: { scopes?: string[]; signal?: AbortSignal } = {}): Promise<Inventory> {
    const { value, tally } = await this.counter.measure(async () => {
      const accounts = await this.accounts();
      const failures: ScopeFailure[] = accounts
        .filter((a) => a.error)
        .map((a) =>
          this.failure(
            { cloud: 'aws', id: `profile:${a.profile ?? 'default'}`, label: a.profile ?? 'default' },
            a.error,
          ),
        );
      const scopes = (await this.scopeRefs()).filter(
        (s) => !options.scopes || options.scopes.includes(scopeId(s)),
      );
      const items: InventoryItem[] = [];
      await mapBounded(scopes, this.options.concurrency, async (scope) => {
        if (options.signal?.aborted) return;
        try {
          const networks = await readRegion(await this.ec2Sdk(), await this.ec2(scope), scope);
          for (const network of networks) {
            this.located.set(network.vm.id, scope);
            items.push({ vm: network.vm, network });
          }
        } catch (error) {
          failures.push(
            this.failure(this.cloudScope(scope), this.mapError(error, 'DescribeInstances', scope)),
          );
        }
      });
      return { scopes: scopes.map((s) => this.cloudScope(s)), items, failures };
    });
    return { ...value, calls: tally.total };
  }

  async readNetwork(vmId: string): Promise<AwsVmNetwork> {
    return (await this.readFull(vmId)).network;
  }

  async execute(vmId: string, planFn: PlanFn, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    const { value, tally } = await this.counter.measure(() => this.executeCounted(vmId, planFn, options));
    return { ...value, calls: tally.total };
  }

  /** Calls made so far, per action. */
  get calls(): CallTally {
    return this.counter.overall;
  }

  dispose(): void {
    this.clients.dispose();
  }

  // ------------------------------------------------------------------ execute

  private async readFull(vmId: string): Promise<InstanceRead> {
    const known = this.located.get(vmId);
    if (known) {
      const read = await this.read(known, vmId);
      if (read) return read;
      this.located.delete(vmId);
    }
    const found = await this.find(vmId);
    if (!found) throw new VmNotFoundError(vmId);
    return found;
  }

  private async executeCounted(
    vmId: string,
    planFn: PlanFn,
    options: ExecuteOptions,
  ): Promise<Omit<ExecuteResult, 'calls'>> {
    let read = await this.readFull(vmId);
    const scope = this.located.get(vmId)!;
    const ec2 = await this.ec2(scope);
    const sdk = await this.ec2Sdk();
    const label = this.cloudScope(scope).label;
    const appliedEarlier: string[] = [];
    for (let attempt = 1; ; attempt++) {
      options.signal?.throwIfAborted();
      const before = read.network;
      const plan = planFn(before);
      if (plan.ops.length === 0) return { plan, before, after: before, created: {}, attempts: attempt };
      const predicted = this.predictOrRefuse(read, plan);
      try {
        await checkPermissions(sdk, ec2, plan, before, label);
      } catch (error) {
        throw this.mapError(error, 'DryRun', scope);
      }
      if (options.dryRun) return { plan, before, after: before, created: {}, attempts: attempt };
      options.onProgress?.(`Applying ${plan.ops.length} change(s) to ${vmId}`);
      let created: Record<string, string>;
      try {
        ({ created } = await applyPlan(sdk, ec2, plan, before, options.onProgress));
      } catch (error) {
        if (!(error instanceof ApplyFailure)) throw error;
        appliedEarlier.push(...error.applied);
        if (error.conflict && attempt <= this.options.maxReplans) {
          options.onProgress?.(
            `Someone else changed ${vmId} meanwhile (${error.message}); re-reading and re-planning`,
          );
          await sleep(REPLAN_BACKOFF_MS * attempt);
          read = await this.readFull(vmId);
          continue;
        }
        if (error.conflict && appliedEarlier.length === 0) throw new ConflictError(attempt);
        const cause = this.mapError(error.cause, error.action, scope);
        if (appliedEarlier.length === 0) throw cause;
        throw new PartialApplyError(appliedEarlier, error.failedStep, cause, true);
      }
      const after = await this.readVerified(vmId, read, predicted, plan);
      return { plan, before, after, created, attempts: attempt };
    }
  }

  private predictOrRefuse(read: InstanceRead, plan: Plan): VmNetwork {
    try {
      return predict(read, plan);
    } catch (error) {
      if (error instanceof SimulationError) throw new PlanRefusedError(error.message);
      throw error;
    }
  }

  /**
   * Re-reads until the instance shows the predicted access (EC2 reads may lag writes briefly). A plan
   * that only changes rules of existing groups (request, extend, revoke, expire) re-reads just those.
   */
  private async readVerified(
    vmId: string,
    read: InstanceRead,
    predicted: VmNetwork,
    plan: Plan,
  ): Promise<VmNetwork> {
    const targets = rulesOnlyTargets(read, plan);
    const scope = this.located.get(vmId)!;
    const reread = async () => {
      if (!targets) return this.readNetwork(vmId);
      try {
        return (await rereadRules(await this.ec2Sdk(), await this.ec2(scope), read, targets)).network;
      } catch (error) {
        throw this.mapError(error, 'DescribeSecurityGroupRules', scope);
      }
    };
    let after = await reread();
    let failures = verifyApplied(read.network, predicted, after, plan);
    for (const wait of CONSISTENCY_WAIT_MS) {
      if (failures.length === 0) break;
      await sleep(wait);
      after = await reread();
      failures = verifyApplied(read.network, predicted, after, plan);
    }
    if (failures.length > 0) throw new VerificationError(failures, after);
    return after;
  }

  // ------------------------------------------------------------------ accounts, scopes, clients

  private accounts(): Promise<Account[]> {
    this.accountsPromise ??= this.resolveAccounts();
    return this.accountsPromise;
  }

  private async resolveAccounts(): Promise<Account[]> {
    const configured = this.options.profiles ?? (await listProfiles(this.options.sharedFiles));
    const profiles: (string | undefined)[] = configured.length > 0 ? configured : [undefined];
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const accounts = await Promise.all(
      profiles.map(async (profile): Promise<Account> => {
        try {
          const sts = await this.clients.sts(profile);
          const id = await sts.send(new GetCallerIdentityCommand({}));
          return { profile, accountId: id.Account, arn: id.Arn };
        } catch (error) {
          return { profile, error };
        }
      }),
    );
    // Two profiles for one account (say, two roles) would list it twice: the first profile wins.
    const seen = new Set<string>();
    return accounts.filter((a) => !a.accountId || (!seen.has(a.accountId) && seen.add(a.accountId)));
  }

  private async scopeRefs(): Promise<AwsScopeRef[]> {
    const accounts = await this.accounts();
    return accounts
      .filter((a) => a.accountId)
      .flatMap((a) =>
        this.options.regions.map((region) => ({ profile: a.profile, accountId: a.accountId!, region })),
      );
  }

  private cloudScope(scope: AwsScopeRef): CloudScope {
    return {
      cloud: 'aws',
      id: scopeId(scope),
      label: `${scope.profile ?? 'default'} (${scope.accountId}) ${scope.region}`,
    };
  }

  private ec2(scope: AwsScopeRef): Promise<EC2Client> {
    return this.clients.ec2(scope.profile, scope.region);
  }

  private ec2Sdk(): Promise<Ec2Sdk> {
    this.sdk ??= loadEc2Sdk();
    return this.sdk;
  }

  private async read(scope: AwsScopeRef, vmId: string): Promise<InstanceRead | undefined> {
    try {
      return await readInstance(await this.ec2Sdk(), await this.ec2(scope), scope, vmId);
    } catch (error) {
      throw this.mapError(error, 'DescribeInstances', scope);
    }
  }

  /** Looks for the instance in every scope (its id alone does not say which account and region). */
  private async find(vmId: string): Promise<InstanceRead | undefined> {
    let found: InstanceRead | undefined;
    let firstError: unknown;
    await mapBounded(await this.scopeRefs(), this.options.concurrency, async (scope) => {
      if (found) return;
      try {
        const network = await this.read(scope, vmId);
        if (network && !found) {
          found = network;
          this.located.set(vmId, scope);
        }
      } catch (error) {
        firstError ??= error;
      }
    });
    if (!found && firstError) throw firstError;
    return found;
  }

  private mapError(error: unknown, action: string, scope: AwsScopeRef): unknown {
    return toProviderError(error, {
      action,
      scope: this.cloudScope(scope).label,
      endpoint: this.options.endpoint ?? `ec2.${scope.region}.amazonaws.com`,
    });
  }

  private accountError(account: Account | undefined): Error {
    const why = account?.error instanceof Error ? account.error.message : 'no profile could be resolved';
    return new Error(`No AWS identity is available (${account?.profile ?? 'default chain'}): ${why}`);
  }

  private failure(scope: CloudScope, error: unknown): ScopeFailure {
    const message = error instanceof Error ? error.message : String(error);
    const kind: ScopeFailure['kind'] =
      error instanceof PermissionDeniedError
        ? 'permission'
        : error instanceof ThrottledError
          ? 'throttled'
          : error instanceof EndpointUnreachableError
            ? 'unreachable'
            : 'error';
    return { scope, kind, message };
  }
}

function scopeId(scope: AwsScopeRef): string {
  return `${scope.accountId}/${scope.region}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `fn` over `items` with at most `limit` at a time. */
async function mapBounded<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
