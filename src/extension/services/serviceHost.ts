// Owns the grant service for the current connection plan. Nothing heavy loads at activation: the
// first caller of service() pays for the SDKs (or the local cloud) via a dynamic import, and a
// settings or sign-in change disposes the old service and builds the next one on demand.
import * as vscode from 'vscode';
import type { GrantEvent, GrantServiceApi } from '../../grants/api';
import { azureSessionSilently, MICROSOFT_PROVIDER, VsCodeSessionCredential } from '../accounts/azureSession';
import { Disposable } from '../lifecycle';
import { CONNECTION_KEYS, readSettings } from '../settings';
import type { BuiltService, LocalCloudSummary } from './buildService';
import { connectionPlan, samePlan, type ConnectionPlan } from './connectionPlan';

export class NotConfiguredError extends Error {
  constructor() {
    super(
      vscode.l10n.t(
        'No cloud account is configured. Sign in to Azure, add AWS profiles, or try the local sandbox.',
      ),
    );
    this.name = 'NotConfiguredError';
  }
}

export class ServiceHost extends Disposable {
  private readonly _onDidChangeService = this._register(new vscode.EventEmitter<void>());
  /** A new plan is in effect (settings or sign-in changed): views should reload. */
  readonly onDidChangeService = this._onDidChangeService.event;
  private readonly _onGrantEvent = this._register(new vscode.EventEmitter<GrantEvent>());
  readonly onGrantEvent = this._onGrantEvent.event;

  private azureSignedIn?: Promise<boolean>;
  private plan?: ConnectionPlan;
  private built?: Promise<BuiltService>;
  private resolved?: BuiltService;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (CONNECTION_KEYS.some((k) => e.affectsConfiguration(k))) this.invalidate();
      }),
    );
    this._register(
      vscode.authentication.onDidChangeSessions((e) => {
        if (e.provider.id === MICROSOFT_PROVIDER) {
          this.azureSignedIn = undefined;
          this.invalidate();
        }
      }),
    );
  }

  async currentPlan(): Promise<ConnectionPlan> {
    const s = readSettings();
    // Only ask the auth provider when the sandbox is off: the sandbox must not wait on it.
    const signedIn = s.sandboxEnabled ? false : await (this.azureSignedIn ??= this.checkAzure(s.azureTenant));
    return connectionPlan({ ...s, azureSignedIn: signedIn });
  }

  private async checkAzure(tenant: string): Promise<boolean> {
    return (await azureSessionSilently(tenant || undefined)) !== undefined;
  }

  /** The grant service for the current plan, or undefined when nothing is configured. */
  async service(): Promise<GrantServiceApi | undefined> {
    const plan = await this.currentPlan();
    if (plan.kind === 'none') return undefined;
    if (!this.built || !this.plan || !samePlan(plan, this.plan)) {
      this.disposeService();
      this.plan = plan;
      this.built = this.build(plan);
    }
    return (await this.built).service;
  }

  async requireService(): Promise<GrantServiceApi> {
    const service = await this.service();
    if (!service) throw new NotConfiguredError();
    return service;
  }

  /** The running local cloud's connection details (sandbox only). */
  get localCloud(): LocalCloudSummary | undefined {
    return this.resolved?.localCloud;
  }

  /** `jit` CLI arguments for the same clouds, once the service is built. */
  get cliArgs(): string[] | undefined {
    return this.resolved?.cliArgs;
  }

  get sandboxActive(): boolean {
    return this.plan?.kind === 'sandbox';
  }

  private async build(plan: ConnectionPlan): Promise<BuiltService> {
    const started = Date.now();
    const s = readSettings();
    const { buildService } = await import('./buildService');
    const built = await buildService(plan, {
      myIpServices: s.myIpServices,
      sweepIntervalMs: s.sweepIntervalMs,
      expiringSoonMs: s.warningThresholdMs,
      azureCredential: async () =>
        new VsCodeSessionCredential(plan.kind === 'accounts' ? plan.azure?.tenant : undefined),
      log: (line) => this.log.info(line),
    });
    const events = built.service.onEvent((e) => this._onGrantEvent.fire(e));
    this.resolved = {
      ...built,
      dispose: async () => {
        events.dispose();
        await built.dispose();
      },
    };
    this.log.info(`Connected (${plan.kind}) in ${Date.now() - started} ms`);
    return this.resolved;
  }

  invalidate(): void {
    this.disposeService();
    this._onDidChangeService.fire();
  }

  private disposeService(): void {
    const old = this.built;
    this.built = undefined;
    this.plan = undefined;
    this.resolved = undefined;
    void old
      ?.then(
        (b) => b.dispose(),
        () => undefined,
      )
      .then(undefined, (e: Error) => this.log.warn(`Stopping the previous connection failed: ${e.message}`));
  }

  /** Stops the service and, in the sandbox, the local cloud; resolves when both are down. */
  async shutdown(): Promise<void> {
    const built = this.built;
    this.dispose();
    await built?.then((b) => b.dispose()).catch(() => undefined);
  }

  override dispose(): void {
    this.disposeService();
    super.dispose();
  }
}
