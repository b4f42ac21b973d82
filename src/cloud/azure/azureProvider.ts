// The Azure CloudProvider: inventory from Resource Graph (per-subscription listing as the fallback),
// fresh ARM reads before any change, permission check, plan application with re-read/re-plan on
// conflicts, and verification against the writes' own answers (a re-read only when they look off).
// The same code serves Azure and the local cloud.
import type { AzureVmNetwork, Nsg, AzureFirewall } from '../../engine/model';
import { decodeAzureRule } from '../../engine/metadata';
import type { CloudOp, Plan } from '../../engine/operations';
import { ConflictError, PartialApplyError } from '../errors';
import type {
  CloudProvider,
  CloudScope,
  ExecuteOptions,
  ExecuteResult,
  Inventory,
  PlanFn,
  ScopeFailure,
} from '../provider';
import { idKey } from './armIds';
import { classifyFailure, statusOf } from './armErrors';
import { assembleInventory, type EstateParts } from './assemble';
import { type AppliedWrites, applyPlan, StepFailure } from './applyPlan';
import { type AzureConnection, AzureClients } from './clients';
import { type FreshNetwork, readVmNetwork, rereadResources } from './freshRead';
import { graphEstate } from './graphInventory';
import { GraphQuota } from './graphQuota';
import { listingEstate } from './listingInventory';
import { PermissionChecker, requiredActions } from './permissions';
import {
  backoffMs,
  DEFAULT_RETRY,
  realTiming,
  retryTransient,
  type RetryOptions,
  type Timing,
} from './retry';
import { identityFromToken } from './identity';
import { stateAfterWrites } from './writtenState';

export type InventorySource = 'auto' | 'resourceGraph' | 'listing';

export interface AzureProviderOptions extends AzureConnection {
  /** Subscriptions to cover; default: every subscription the credential can list. */
  subscriptions?: string[];
  /** `auto` (default): Resource Graph, falling back to per-subscription listing when it is forbidden or down. */
  inventorySource?: InventorySource;
  /** Who the calls are made as, recorded on grants; default: read from the token (upn, then oid). */
  identity?: string;
  /** LRO polling interval when the service sends no usable Retry-After; SDK default 2 s. */
  lroPollIntervalMs?: number;
  retry?: Partial<RetryOptions>;
  /** How long our own writes override Resource Graph's lagging view of the NSGs/firewalls they touched. Default 120 s. */
  indexLagMs?: number;
  /** Listing fallback: subscriptions listed at once. Default 8. */
  listingConcurrency?: number;
  timing?: Timing;
}

interface KnownWrite<T> {
  value: T;
  at: number;
}

export class AzureProvider implements CloudProvider {
  readonly cloud = 'azure' as const;
  readonly clients: AzureClients;
  private readonly permissions: PermissionChecker;
  private readonly graphQuota: GraphQuota;
  private readonly retry: RetryOptions;
  private readonly timing: Timing;
  private scopes?: Promise<CloudScope[]>;
  /** The NSGs and firewalls as our own writes left them, newer than Resource Graph's index for a while. */
  private readonly knownNsgs = new Map<string, KnownWrite<Nsg>>();
  private readonly knownFirewalls = new Map<string, KnownWrite<AzureFirewall>>();

  constructor(private readonly options: AzureProviderOptions) {
    this.clients = new AzureClients(options);
    this.permissions = new PermissionChecker(this.clients);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timing = options.timing ?? realTiming;
    this.graphQuota = new GraphQuota(this.timing);
  }

  /** Every HTTP call this provider has sent. */
  get calls(): number {
    return this.clients.counter.calls;
  }

  async whoAmI(): Promise<string> {
    if (this.options.identity) return this.options.identity;
    const token = await this.options.credential.getToken(
      this.options.scope ?? `${this.clients.endpoint}/.default`,
    );
    return identityFromToken(token?.token ?? '') ?? 'unknown';
  }

  async identities(): Promise<string[]> {
    return [await this.whoAmI()];
  }

  listScopes(): Promise<CloudScope[]> {
    this.scopes ??= this.loadScopes();
    this.scopes.catch(() => (this.scopes = undefined));
    return this.scopes;
  }

  private async loadScopes(): Promise<CloudScope[]> {
    const client = await this.clients.subscriptions();
    const all: CloudScope[] = [];
    for await (const s of client.subscriptions.list()) {
      if (s.subscriptionId)
        all.push({ cloud: 'azure', id: s.subscriptionId, label: s.displayName ?? s.subscriptionId });
    }
    const wanted = this.options.subscriptions?.map((s) => s.toLowerCase());
    if (!wanted) return all;
    return wanted.map(
      (id) => all.find((s) => s.id.toLowerCase() === id) ?? { cloud: 'azure' as const, id, label: id },
    );
  }

  async inventory(options: { scopes?: string[]; signal?: AbortSignal } = {}): Promise<Inventory> {
    const { result, calls } = await this.clients.counter.measure(async () => {
      const all = await this.listScopes();
      const wanted = options.scopes?.map((s) => s.toLowerCase());
      const scopes = wanted ? all.filter((s) => wanted.includes(s.id.toLowerCase())) : all;
      const { parts, failures } = await this.estate(scopes, options.signal);
      return { scopes, items: assembleInventory(this.withKnownWrites(parts)), failures };
    });
    return { ...result, calls };
  }

  private async estate(
    scopes: CloudScope[],
    signal?: AbortSignal,
  ): Promise<{ parts: EstateParts; failures: ScopeFailure[] }> {
    const source = this.options.inventorySource ?? 'auto';
    if (source !== 'listing' && scopes.length > 0) {
      try {
        return {
          parts: await graphEstate(
            this.clients,
            this.graphQuota,
            scopes.map((s) => s.id),
            signal,
          ),
          failures: [],
        };
      } catch (error) {
        if (source === 'resourceGraph' || signal?.aborted) throw error;
        // Forbidden, missing or down: list per subscription instead.
      }
    }
    return this.listEstate(scopes, signal);
  }

  private async listEstate(
    scopes: CloudScope[],
    signal?: AbortSignal,
  ): Promise<{ parts: EstateParts; failures: ScopeFailure[] }> {
    const parts: EstateParts = { vms: [], nsgs: [], firewalls: [] };
    const failures: ScopeFailure[] = [];
    const queue = [...scopes];
    const worker = async () => {
      for (let scope = queue.shift(); scope; scope = queue.shift()) {
        try {
          const p = await listingEstate(this.clients, scope.id, signal);
          parts.vms.push(...p.vms);
          parts.nsgs.push(...p.nsgs);
          parts.firewalls.push(...p.firewalls);
        } catch (error) {
          failures.push({ scope, ...describeScopeFailure(error) });
        }
      }
    };
    await Promise.all(Array.from({ length: this.options.listingConcurrency ?? 8 }, worker));
    return { parts, failures };
  }

  /** Resource Graph lags our own writes: show what we know we wrote instead, for a while. */
  private withKnownWrites(parts: EstateParts): EstateParts {
    const fresh = <T>(known: Map<string, KnownWrite<T>>, id: string): T | undefined => {
      const entry = known.get(idKey(id));
      return entry && this.timing.now() - entry.at < (this.options.indexLagMs ?? 120_000)
        ? entry.value
        : undefined;
    };
    return {
      vms: parts.vms,
      nsgs: parts.nsgs.map((n) => fresh(this.knownNsgs, n.id) ?? n),
      firewalls: parts.firewalls.map((f) => fresh(this.knownFirewalls, f.id) ?? f),
    };
  }

  private remember(network: AzureVmNetwork): void {
    const at = this.timing.now();
    for (const nsg of Object.values(network.nsgs)) this.knownNsgs.set(idKey(nsg.id), { value: nsg, at });
    for (const fw of network.firewalls) this.knownFirewalls.set(idKey(fw.id), { value: fw, at });
  }

  async readNetwork(vmId: string): Promise<AzureVmNetwork> {
    return (await this.read(vmId)).network;
  }

  private read(vmId: string, signal?: AbortSignal) {
    return retryTransient(() => readVmNetwork(this.clients, vmId, signal), this.retry, this.timing, signal);
  }

  async execute(vmId: string, planFn: PlanFn, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    const { result, calls } = await this.clients.counter.measure(() =>
      this.executeCounted(vmId, planFn, options),
    );
    return { ...result, calls };
  }

  private async executeCounted(
    vmId: string,
    planFn: PlanFn,
    options: ExecuteOptions,
  ): Promise<Omit<ExecuteResult, 'calls'>> {
    const { signal, onProgress } = options;
    const applied: { line: string; op?: CloudOp }[] = [];
    for (let attempt = 1; ; attempt++) {
      const fresh = await this.read(vmId, signal);
      const plan = planFn(fresh.network);
      if (plan.ops.length > 0) await this.permissions.check(plan.ops, signal);
      if (options.dryRun || plan.ops.length === 0) {
        return { plan, before: fresh.network, after: fresh.network, created: {}, attempts: attempt };
      }
      let writes: AppliedWrites;
      try {
        writes = await applyPlan(
          {
            clients: this.clients,
            fresh,
            retry: this.retry,
            timing: this.timing,
            lroPollIntervalMs: this.options.lroPollIntervalMs,
            signal,
            onProgress,
          },
          plan,
        );
      } catch (error) {
        if (!(error instanceof StepFailure)) throw error;
        applied.push(...linesWithOps(plan, error.applied));
        const wait =
          classifyFailure(error.cause) === 'replan' && attempt < this.retry.maxPlans
            ? backoffMs(attempt, undefined, this.retry, this.timing.random)
            : undefined;
        if (wait !== undefined) {
          onProgress?.(
            `Conflict with a concurrent change; re-reading and planning again (attempt ${attempt + 1}).`,
          );
          await this.timing.sleep(wait, signal);
          continue;
        }
        throw this.failure(applied, error, attempt);
      }
      // The writes' own answers are the state to verify; after a conflict, or when they look off, read again.
      const after =
        (attempt === 1 ? stateAfterWrites(fresh.network, plan, writes) : undefined) ??
        (await this.reread(fresh, plan, signal));
      this.remember(after);
      return { plan, before: fresh.network, after, created: {}, attempts: attempt };
    }
  }

  /** The NSGs and firewalls the plan wrote, read again. */
  private async reread(fresh: FreshNetwork, plan: Plan, signal?: AbortSignal): Promise<AzureVmNetwork> {
    const touched = [...requiredActions(plan.ops).values()].map((n) => n.resourceId);
    const reread = await retryTransient(
      () => rereadResources(this.clients, fresh, touched, signal),
      this.retry,
      this.timing,
      signal,
    );
    return reread.network;
  }

  /** Nothing applied: the cause itself (a conflict that outlasted the re-plans says so). Else a partial apply. */
  private failure(applied: { line: string; op?: CloudOp }[], error: StepFailure, attempts: number): Error {
    if (applied.length === 0) {
      return classifyFailure(error.cause) === 'replan' ? new ConflictError(attempts) : asError(error.cause);
    }
    const repairable = applied.every((a) => a.op !== undefined && carriesMetadata(a.op));
    return new PartialApplyError(
      applied.map((a) => a.line),
      error.failedStep,
      error.cause,
      repairable,
    );
  }
}

/** The applied preview lines of a plan, paired with their operations. */
function linesWithOps(plan: Plan, lines: string[]): { line: string; op?: CloudOp }[] {
  return lines.map((line) => {
    const i = plan.preview.indexOf(line);
    return { line, op: i >= 0 ? plan.ops[i] : undefined };
  });
}

/** A write a sweep can find and finish or undo: it created or removed a rule that describes itself. */
function carriesMetadata(op: CloudOp): boolean {
  switch (op.kind) {
    case 'azure.putRule':
      return decodeAzureRule(op.rule)?.origin === 'jit-vm-access';
    case 'azure.putFirewallNatRule':
      return decodeAzureRule(op.rule)?.origin === 'jit-vm-access';
    case 'azure.deleteRule':
    case 'azure.deleteFirewallNatRule':
      return decodeAzureRule({ name: op.ruleName })?.origin === 'jit-vm-access';
    default:
      return false;
  }
}

function asError(cause: unknown): Error {
  return cause instanceof Error ? cause : new Error(String(cause));
}

function describeScopeFailure(error: unknown): Omit<ScopeFailure, 'scope'> {
  const message = asError(error).message;
  const status = statusOf(error);
  if (status === 401 || status === 403) return { kind: 'permission', message };
  if (status === 429) return { kind: 'throttled', message };
  if (status === undefined) return { kind: 'unreachable', message };
  return { kind: 'error', message };
}
