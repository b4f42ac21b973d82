// The estate on screen: loads snapshots through the grant service, keeps who "me" is per cloud,
// applies grant events immediately and re-reads after every change. The tree, panel and status bar
// all render from here.
import * as vscode from 'vscode';
import type { Cloud, Grant } from '../../engine/model';
import type { EstateSnapshot, GrantEvent } from '../../grants/api';
import { Disposable } from '../lifecycle';
import type { ServiceHost } from '../services/serviceHost';
import { failureOf } from './failure';
import { applyGrantEvent } from './grantUpdates';
import type { EstateState } from './model';

export interface AccountsView {
  sandbox: boolean;
  azureSignedIn: boolean;
  awsProfiles: string[];
}

const RELOAD_DEBOUNCE_MS = 300;

export class Estate extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this._onDidChange.event;

  private _state: EstateState = { kind: 'idle' };
  private _accounts: AccountsView = { sandbox: false, azureSignedIn: false, awsProfiles: [] };
  private _accountsKnown = false;
  private loading?: Promise<void>;
  private refreshAgain = false;
  private reloadTimer?: NodeJS.Timeout;
  private generation = 0;

  constructor(
    private readonly host: ServiceHost,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(host.onGrantEvent((e) => this.onGrantEvent(e)));
    this._register(
      host.onDidChangeService(() => {
        this.generation++;
        this._state = { kind: 'idle' };
        this._onDidChange.fire();
      }),
    );
    this._register({ dispose: () => clearTimeout(this.reloadTimer) });
  }

  get state(): EstateState {
    return this._state;
  }

  get accounts(): AccountsView {
    return this._accounts;
  }

  /** False until the first load has looked at settings and the Azure sign-in. */
  get accountsKnown(): boolean {
    return this._accountsKnown;
  }

  get snapshot(): EstateSnapshot | undefined {
    return this._state.kind === 'loaded' ? this._state.snapshot : undefined;
  }

  /** Every active grant in view, anyone's. */
  get grants(): Grant[] {
    return this.snapshot?.vms.flatMap((v) => v.grants) ?? [];
  }

  readonly isMine = (g: Grant): boolean =>
    this._state.kind === 'loaded' && this._state.me[g.cloud]?.includes(g.requester) === true;

  /** Loads once; later calls wait for the same load. */
  async ensureLoaded(): Promise<EstateSnapshot | undefined> {
    if (this._state.kind === 'idle') await this.load(false);
    else if (this.loading) await this.loading;
    return this.snapshot;
  }

  load(refresh: boolean): Promise<void> {
    if (this.loading) {
      // A change landed while reading: read again once this read is done.
      this.refreshAgain ||= refresh;
      return this.loading;
    }
    const generation = this.generation;
    this.loading = this.doLoad(refresh, generation).finally(() => {
      this.loading = undefined;
      if (this.refreshAgain) {
        this.refreshAgain = false;
        void this.load(true);
      }
    });
    return this.loading;
  }

  private async doLoad(refresh: boolean, generation: number): Promise<void> {
    const plan = await this.host.currentPlan();
    this._accounts = {
      sandbox: plan.kind === 'sandbox',
      azureSignedIn: plan.kind === 'accounts' && plan.azure !== undefined,
      awsProfiles: plan.kind === 'accounts' ? (plan.aws?.profiles ?? []) : [],
    };
    this._accountsKnown = true;
    if (plan.kind === 'none') {
      this.setState({ kind: 'idle' }, generation);
      return;
    }
    if (this._state.kind !== 'loaded') this.setState({ kind: 'loading' }, generation);
    try {
      const service = await this.host.requireService();
      const snapshot = await service.snapshot({ refresh });
      const me: Partial<Record<Cloud, string[]>> = {};
      for (const cloud of new Set(snapshot.scopes.map((s) => s.cloud))) {
        me[cloud] = await service.identities(cloud).catch(() => undefined);
      }
      this.setState({ kind: 'loaded', snapshot, me }, generation);
    } catch (error) {
      this.log.error(`Loading the estate failed: ${(error as Error)?.message ?? error}`);
      this.setState({ kind: 'failed', failure: failureOf(error) }, generation);
    }
  }

  private setState(state: EstateState, generation: number): void {
    if (generation !== this.generation) return;
    this._state = state;
    this._onDidChange.fire();
  }

  private onGrantEvent(event: GrantEvent): void {
    if (this._state.kind === 'loaded') {
      const snapshot = applyGrantEvent(this._state.snapshot, event);
      if (snapshot !== this._state.snapshot) {
        this._state = { ...this._state, snapshot };
        this._onDidChange.fire();
      }
    }
    if (event.type !== 'expiring' && event.type !== 'error') this.scheduleReload();
  }

  /** Re-read after a change (debounced: one plan often emits several events). */
  scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.load(true), RELOAD_DEBOUNCE_MS);
  }
}
