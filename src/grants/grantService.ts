// The grant service: the one place both front ends (the VS Code extension and the `jit` CLI) go
// through to see the estate and to request, extend, revoke, enable, disable and sweep. Every input
// check and every policy check happens before the first cloud write; the cloud's own metadata is the
// source of truth (the snapshot cache only speeds up display); expiry is enforced by per-grant timers
// while a process runs and by sweeps (anyone's expired grants) when none did.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CloudProvider, ExecuteResult } from '../cloud/provider';
import { VmNotFoundError } from '../cloud/errors';
import { classify } from '../engine/classifier';
import { foundGrantsOf, policyOf } from '../engine/jitState';
import type { AccessRequest, Cloud, Grant, JitPolicy, VmNetwork } from '../engine/model';
import type { Plan } from '../engine/operations';
import type {
  ClassifiedVm,
  Disposable,
  EstateSnapshot,
  GrantEvent,
  GrantServiceApi,
  OperationOutcome,
  RequestInput,
  RequestOutcome,
  SweepReport,
} from './api';
import type { AuditAction, AuditRecord, AuditSink } from './audit';
import { systemClock, type Clock, type TimerHandle } from './clock';
import { GrantNotFoundError, GrantVerificationError, JitNotEnabledError } from './errors';
import { GrantEvents } from './events';
import { ExpiryScheduler } from './expiryScheduler';
import type { DetectedIp, MyIpSource } from './myIp';
import { checkRequestInput, enforcePolicy, resolveSource, type ResolvedSource } from './policyEnforcement';
import { planDisable, planEnable, planExtend, planRequest, planRevoke, planSweep } from '../engine/planner';
import { sweepTargets, verifyWrittenGrant } from './verification';

export interface GrantServiceSettings {
  /** Warn (event `expiring`) this long before a tracked grant expires; 0 = never. */
  expiringSoonMs: number;
  /** Sweep every so often once started; 0 = only at start and on demand. */
  sweepIntervalMs: number;
  /** Sweep when start() is called. */
  sweepOnStart: boolean;
  /** Which grants get an expiry timer in this process: the caller's own, everyone's, or none. */
  expiryTimers: 'mine' | 'all' | 'none';
  /** How long a snapshot serves display before snapshot() reads the clouds again. */
  snapshotMaxAgeMs: number;
  /**
   * A grant with fewer rules than its metadata says may still be being written by another process:
   * a sweep repairs it only if it is still incomplete after this long.
   */
  incompleteSettleMs: number;
  /** The machine name recorded in the audit trail. */
  host: string;
}

export const DEFAULT_SETTINGS: GrantServiceSettings = {
  expiringSoonMs: 5 * 60_000,
  sweepIntervalMs: 5 * 60_000,
  sweepOnStart: true,
  expiryTimers: 'mine',
  snapshotMaxAgeMs: 60_000,
  incompleteSettleMs: 10_000,
  host: hostname(),
};

export interface GrantServiceOptions {
  /** At most one provider per cloud. */
  providers: CloudProvider[];
  /** "My IP" for requests with source `myIp`. */
  myIp: MyIpSource;
  audit?: AuditSink;
  clock?: Clock;
  settings?: Partial<GrantServiceSettings>;
}

export class GrantService implements GrantServiceApi {
  private readonly providers = new Map<Cloud, CloudProvider>();
  private readonly clock: Clock;
  private readonly settings: GrantServiceSettings;
  private readonly events = new GrantEvents();
  private readonly scheduler: ExpiryScheduler;
  private readonly identityLists = new Map<Cloud, Promise<string[]>>();
  private cached?: EstateSnapshot;
  private sweepTimer?: TimerHandle;
  private sweeping?: Promise<SweepReport>;
  private disposed = false;

  constructor(private readonly options: GrantServiceOptions) {
    for (const p of options.providers) {
      if (this.providers.has(p.cloud))
        throw new Error(`Two ${p.cloud} providers were given; pass one per cloud.`);
      this.providers.set(p.cloud, p);
    }
    this.clock = options.clock ?? systemClock;
    this.settings = { ...DEFAULT_SETTINGS, ...options.settings };
    this.scheduler = new ExpiryScheduler({
      clock: this.clock,
      expiringSoonMs: this.settings.expiringSoonMs,
      onExpiring: (grant, msLeft) => this.events.emit({ type: 'expiring', grant, msLeft }),
      onExpired: (grant) => this.expire(grant),
    });
  }

  /**
   * Background duties of a long-lived process (the extension, `jit sweep --watch`): sweep now and
   * periodically, and arm expiry timers for the grants found. One-shot CLI commands do not call it.
   */
  async start(): Promise<void> {
    if (this.settings.sweepOnStart) await this.sweepReporting();
    await this.armTimers();
    this.scheduleSweep();
  }

  onEvent(listener: (event: GrantEvent) => void): Disposable {
    return this.events.on(listener);
  }

  dispose(): void {
    this.disposed = true;
    this.sweepTimer?.cancel();
    this.scheduler.dispose();
    this.events.clear();
  }

  whoAmI(cloud: Cloud, vmId: string): Promise<string> {
    return this.provider(cloud).whoAmI(vmId);
  }

  identities(cloud: Cloud): Promise<string[]> {
    let list = this.identityLists.get(cloud);
    if (!list) {
      list = this.provider(cloud).identities();
      this.identityLists.set(cloud, list);
      list.catch(() => this.identityLists.delete(cloud));
    }
    return list;
  }

  async detectMyIp(): Promise<string> {
    return (await this.myIpDetails()).cidr;
  }

  /** detectMyIp with where the answer came from and any warning, for the confirmation prompt. */
  myIpDetails(signal?: AbortSignal): Promise<DetectedIp> {
    return this.options.myIp.detect(signal);
  }

  /** The grants this process is enforcing expiry for (the extension's status bar). */
  trackedGrants(): Grant[] {
    return this.scheduler.tracked();
  }

  // ---------------------------------------------------------------- reading

  async snapshot(options: { refresh?: boolean; signal?: AbortSignal } = {}): Promise<EstateSnapshot> {
    const now = this.clock.now();
    if (!options.refresh && this.cached && now - this.cached.takenAt < this.settings.snapshotMaxAgeMs) {
      return this.cached;
    }
    const parts = await Promise.all(
      [...this.providers.values()].map((p) => p.inventory(options.signal ? { signal: options.signal } : {})),
    );
    const snapshot: EstateSnapshot = {
      scopes: parts.flatMap((p) => p.scopes),
      failures: parts.flatMap((p) => p.failures),
      vms: parts.flatMap((p) => p.items.map((item) => classified(item.network))),
      takenAt: now,
    };
    this.cached = snapshot;
    return snapshot;
  }

  async list(): Promise<Grant[]> {
    const now = this.clock.now();
    const snapshot = await this.snapshot({ refresh: true });
    return snapshot.vms.flatMap((v) => v.grants).filter((g) => g.expiresAt > now);
  }

  // ---------------------------------------------------------------- writing

  async request(input: RequestInput): Promise<RequestOutcome> {
    const provider = this.providerForVm(input.vmId);
    const checked = checkRequestInput(input);
    let source: ResolvedSource | undefined;
    let requester = '';
    let vmName: string | undefined;
    try {
      source = await resolveSource(input, () => this.options.myIp.detect());
      const before = await provider.readNetwork(input.vmId);
      vmName = before.vm.name;
      requester = await this.whoAmI(provider.cloud, before.vm.id);
      const policy = policyOf(before);
      if (!policy) throw new JitNotEnabledError(before.vm.name);
      const request: AccessRequest = {
        vmId: before.vm.id,
        ports: checked.ports,
        source: source.cidr,
        durationMs: checked.durationMs,
        requester,
        ...(checked.justification ? { justification: checked.justification } : {}),
      };
      const enforced = enforcePolicy(request, policy, source, input);
      let planned: Grant | undefined;
      const result = await provider.execute(
        request.vmId,
        (net) => {
          const p = planRequest(net, enforced.request, this.clock.now());
          planned = p.grant;
          return p.plan;
        },
        { dryRun: input.dryRun === true },
      );
      if (!input.dryRun) await this.verifyOrUndo(provider, result, planned!);
      const grant = input.dryRun ? planned! : this.grantAfter(result, planned!);
      const warnings = unique([...source.warnings, ...enforced.warnings, ...result.plan.warnings]);
      const outcome: RequestOutcome = { ...outcomeOf(result, input.dryRun), warnings, grant };
      if (!input.dryRun) {
        this.invalidate();
        this.trackIfMine(grant, [requester]);
        this.events.emit({ type: 'granted', grant });
      }
      await this.audit('request', requester, {
        grant,
        result: input.dryRun ? 'dry-run' : 'ok',
        ...(input.justification ? { why: input.justification } : {}),
      });
      return outcome;
    } catch (e) {
      await this.failed('request', requester, e, {
        cloud: provider.cloud,
        vmId: input.vmId,
        ...(vmName ? { vmName } : {}),
        ports: checked.ports.map((p) => `${p.port}/${p.protocol}`),
        ...(source ? { source: source.cidr } : {}),
        ...(input.justification ? { why: input.justification } : {}),
      });
      throw e;
    }
  }

  async extend(grant: Grant, durationMs: number): Promise<RequestOutcome> {
    const provider = this.provider(grant.cloud);
    const requester = await this.whoAmI(grant.cloud, grant.vmId).catch(() => '');
    try {
      const before = await provider.readNetwork(grant.vmId);
      const current = this.findGrant(before, grant);
      const policy = policyOf(before);
      if (!policy) throw new JitNotEnabledError(before.vm.name);
      const newExpiry =
        enforcePolicy(
          {
            vmId: current.vmId,
            ports: current.ports,
            source: current.source,
            durationMs,
            requester: current.requester,
            ...(current.justification ? { justification: current.justification } : {}),
          },
          policy,
          undefined,
          { confirmAnySource: true },
        ).request.durationMs + this.clock.now();
      const result = await provider.execute(grant.vmId, (net) =>
        planExtend(net, this.findGrant(net, current), newExpiry, this.clock.now()),
      );
      const extended = this.grantAfter(result, {
        ...current,
        expiresAt: Math.floor(newExpiry / 1000) * 1000,
      });
      this.invalidate();
      this.trackIfMine(extended, [requester]);
      this.events.emit({ type: 'extended', grant: extended });
      await this.audit('extend', requester, { grant: extended, result: 'ok' });
      return { ...outcomeOf(result, false), grant: extended };
    } catch (e) {
      await this.failed('extend', requester, e, grantFields(grant));
      throw e;
    }
  }

  async revoke(grant: Grant): Promise<OperationOutcome> {
    return this.removeGrant(grant, 'user');
  }

  async enable(
    vmId: string,
    policy: JitPolicy,
    options: { dryRun?: boolean } = {},
  ): Promise<OperationOutcome> {
    return this.changePolicy('enable', vmId, options, (net) =>
      planEnable(net, { ...policy, vmId: net.vm.id }),
    );
  }

  async disable(vmId: string, options: { dryRun?: boolean } = {}): Promise<OperationOutcome> {
    return this.changePolicy('disable', vmId, options, (net) => planDisable(net));
  }

  /** Removes every expired grant anyone left, and finishes or undoes interrupted operations. */
  sweep(): Promise<SweepReport> {
    // Concurrent callers (timer, command, start) share one sweep.
    this.sweeping ??= this.runSweep().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  // ---------------------------------------------------------------- internals

  private provider(cloud: Cloud): CloudProvider {
    const p = this.providers.get(cloud);
    if (!p) throw new Error(`No ${cloud === 'azure' ? 'Azure' : 'AWS'} connection is configured.`);
    return p;
  }

  /** EC2 instance ids look like i-0123…; everything else is an ARM resource id. */
  private providerForVm(vmId: string): CloudProvider {
    if (/^i-[0-9a-f]{8,17}$/.test(vmId)) return this.provider('aws');
    if (vmId.toLowerCase().startsWith('/subscriptions/')) return this.provider('azure');
    throw new VmNotFoundError(vmId);
  }

  private findGrant(net: VmNetwork, grant: Grant): Grant {
    const found = foundGrantsOf(net).find((f) => f.grant.id === grant.id)?.grant;
    if (!found) throw new GrantNotFoundError(`${grant.id} on ${net.vm.name}`);
    return found;
  }

  /** The grant as found in the state re-read after applying (AWS rule ids exist only then). */
  private grantAfter(result: ExecuteResult, planned: Grant): Grant {
    const found = foundGrantsOf(result.after).find((f) => f.grant.id === planned.id)?.grant;
    return found ? { ...found, createdAt: planned.createdAt ?? this.clock.now() } : planned;
  }

  /**
   * The engine checks the re-read state against the grant as planned; a grant that opened the wrong
   * thing (or is not fully there) is removed at once, and the request fails saying so.
   */
  private async verifyOrUndo(provider: CloudProvider, result: ExecuteResult, planned: Grant): Promise<void> {
    const problems = verifyWrittenGrant(result, planned);
    if (problems.length === 0) return;
    const undone = await provider
      .execute(planned.vmId, (net) => {
        const current = foundGrantsOf(net).find((f) => f.grant.id === planned.id)?.grant;
        return current ? planRevoke(net, current) : { ops: [], preview: [], warnings: [] };
      })
      .then(
        () => 'and was removed again',
        (e: unknown) => `and removing it failed (${(e as Error).message}); \`jit sweep\` removes it`,
      );
    throw new GrantVerificationError(planned, `The grant did not verify ${undone}: ${problems.join(' ')}`);
  }

  private async removeGrant(grant: Grant, reason: 'user' | 'expired'): Promise<OperationOutcome> {
    const provider = this.provider(grant.cloud);
    const who = await this.whoAmI(grant.cloud, grant.vmId).catch(() => '');
    try {
      const result = await provider.execute(grant.vmId, (net) => {
        const current = foundGrantsOf(net).find((f) => f.grant.id === grant.id)?.grant;
        if (!current) throw new GrantNotFoundError(`${grant.id} on ${net.vm.name}`);
        return planRevoke(net, current);
      });
      this.scheduler.untrack(grant);
      this.invalidate();
      this.events.emit({ type: 'revoked', grant, reason });
      await this.audit(reason === 'user' ? 'revoke' : 'expire', who, { grant, result: 'ok' });
      return outcomeOf(result, false);
    } catch (e) {
      if (e instanceof GrantNotFoundError && reason === 'expired') {
        // Someone (a sweep elsewhere, the user in the portal) already removed it: the goal is met.
        this.scheduler.untrack(grant);
        this.events.emit({ type: 'revoked', grant, reason });
        return { plan: { ops: [], preview: [], warnings: [] }, warnings: [], calls: 0, dryRun: false };
      }
      await this.failed(reason === 'user' ? 'revoke' : 'expire', who, e, grantFields(grant));
      throw e;
    }
  }

  private async expire(grant: Grant): Promise<void> {
    await this.removeGrant(grant, 'expired');
  }

  private async changePolicy(
    action: 'enable' | 'disable',
    vmId: string,
    options: { dryRun?: boolean },
    plan: (net: VmNetwork) => Plan,
  ): Promise<OperationOutcome> {
    const provider = this.providerForVm(vmId);
    const who = await this.whoAmI(provider.cloud, vmId).catch(() => '');
    try {
      const result = await provider.execute(vmId, plan, { dryRun: options.dryRun === true });
      if (!options.dryRun) {
        this.invalidate();
        this.events.emit({ type: 'policyChanged', vmId: result.before.vm.id, cloud: provider.cloud });
      }
      await this.audit(action, who, {
        cloud: provider.cloud,
        vmId: result.before.vm.id,
        vmName: result.before.vm.name,
        result: options.dryRun ? 'dry-run' : 'ok',
      });
      return outcomeOf(result, options.dryRun);
    } catch (e) {
      await this.failed(action, who, e, { cloud: provider.cloud, vmId });
      throw e;
    }
  }

  private async runSweep(): Promise<SweepReport> {
    const report: SweepReport = { removed: [], repaired: [], failures: [] };
    const snapshot = await this.snapshot({ refresh: true });
    for (const failure of snapshot.failures) {
      report.failures.push({ vmId: failure.scope.id, message: failure.message });
    }
    const needsWork = (net: VmNetwork) => planSweep([net], this.clock.now()).ops.length > 0;
    const candidates = snapshot.vms.filter((v) => needsWork(v.network));
    if (candidates.some((v) => sweepTargets(v.network, this.clock.now()).incomplete.length > 0)) {
      // A grant with parts missing may be another process's request still being written: look again
      // after a real (not wall-clock) pause, which also keeps a one-shot process alive meanwhile.
      await sleep(this.settings.incompleteSettleMs);
    }
    for (const { vm } of candidates) {
      const provider = this.provider(vm.cloud);
      const who = await this.whoAmI(vm.cloud, vm.id).catch(() => '');
      let targets: ReturnType<typeof sweepTargets> = { expired: [], incomplete: [] };
      try {
        const result = await provider.execute(vm.id, (net) => {
          targets = sweepTargets(net, this.clock.now());
          return planSweep([net], this.clock.now());
        });
        for (const grant of [...targets.expired, ...targets.incomplete]) {
          const expired = targets.expired.includes(grant);
          if (expired) report.removed.push(grant);
          else report.repaired.push(`${vm.name}: removed grant ${grant.id}, only partly written`);
          this.scheduler.untrack(grant);
          this.events.emit({ type: 'revoked', grant, reason: 'sweep' });
          await this.audit('sweep', who, {
            grant,
            result: 'ok',
            ...(expired ? {} : { why: 'incomplete grant' }),
          });
        }
        if (targets.expired.length === 0 && targets.incomplete.length === 0 && result.plan.ops.length > 0) {
          report.repaired.push(...result.plan.preview.map((line) => `${vm.name}: ${line}`));
          await this.audit('sweep', who, {
            cloud: vm.cloud,
            vmId: vm.id,
            vmName: vm.name,
            result: 'ok',
            why: `finished an interrupted change: ${result.plan.preview.join('; ')}`,
          });
        }
      } catch (e) {
        report.failures.push({ vmId: vm.id, message: (e as Error).message });
        await this.failed('sweep', who, e, { cloud: vm.cloud, vmId: vm.id, vmName: vm.name });
      }
    }
    if (report.removed.length || report.repaired.length) this.invalidate();
    return report;
  }

  private async sweepReporting(): Promise<void> {
    try {
      await this.sweep();
    } catch (e) {
      this.events.emit({ type: 'error', operation: 'sweep', message: (e as Error).message });
    }
  }

  private scheduleSweep(): void {
    if (this.disposed || this.settings.sweepIntervalMs <= 0) return;
    this.sweepTimer = this.clock.setTimer(async () => {
      await this.sweepReporting();
      this.scheduleSweep();
    }, this.settings.sweepIntervalMs);
  }

  private async armTimers(): Promise<void> {
    if (this.settings.expiryTimers === 'none') return;
    try {
      const snapshot = await this.snapshot();
      for (const v of snapshot.vms) {
        for (const g of v.grants) {
          this.trackIfMine(g, await this.identities(g.cloud).catch(() => []));
        }
      }
    } catch (e) {
      this.events.emit({ type: 'error', operation: 'snapshot', message: (e as Error).message });
    }
  }

  private trackIfMine(grant: Grant, me: readonly string[]): void {
    const mode = this.settings.expiryTimers;
    if (mode === 'all' || (mode === 'mine' && me.includes(grant.requester))) {
      this.scheduler.track(grant);
    }
  }

  private invalidate(): void {
    this.cached = undefined;
  }

  private async audit(
    action: AuditAction,
    who: string,
    fields: Partial<AuditRecord> & { grant?: Grant; result: AuditRecord['result'] },
  ): Promise<void> {
    const { grant, ...rest } = fields;
    const record: AuditRecord = {
      at: new Date(this.clock.now()).toISOString(),
      who,
      action,
      host: this.settings.host,
      ...(grant ? grantFields(grant) : {}),
      ...(grant && grant.requester !== who ? { grantRequester: grant.requester } : {}),
      ...rest,
    };
    try {
      await this.options.audit?.write(record);
    } catch (e) {
      this.events.emit({
        type: 'error',
        operation: 'audit',
        message: `Audit trail not written: ${(e as Error).message}`,
      });
    }
  }

  private async failed(
    action: AuditAction,
    who: string,
    error: unknown,
    fields: Partial<AuditRecord>,
  ): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.events.emit({
      type: 'error',
      operation: action,
      ...(fields.vmId ? { vmId: fields.vmId } : {}),
      message,
    });
    await this.audit(action, who, { ...fields, result: 'failed', error: message });
  }
}

function classified(network: VmNetwork): ClassifiedVm {
  const policy = policyOf(network);
  return {
    vm: network.vm,
    network,
    classification: classify(network),
    ...(policy ? { policy } : {}),
    grants: foundGrantsOf(network).map((f) => f.grant),
  };
}

function outcomeOf(result: ExecuteResult, dryRun: boolean | undefined): OperationOutcome {
  return { plan: result.plan, warnings: result.plan.warnings, calls: result.calls, dryRun: dryRun === true };
}

function grantFields(grant: Grant): Partial<AuditRecord> {
  return {
    cloud: grant.cloud,
    vmId: grant.vmId,
    vmName: grant.vmName,
    grantId: grant.id,
    ports: grant.ports.map((p) => `${p.port}/${p.protocol}`),
    source: grant.source,
    expiresAt: new Date(grant.expiresAt).toISOString(),
    ...(grant.justification ? { why: grant.justification } : {}),
  };
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
