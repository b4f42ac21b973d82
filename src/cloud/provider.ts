// The one interface the grant service sees: each cloud turns its resources into the engine's model
// and carries out the engine's plans with its own concurrency control.
import type { Cloud, Vm, VmNetwork } from '../engine/model';
import type { Plan } from '../engine/operations';

/** An Azure subscription or an AWS account+region that inventory covers. */
export interface CloudScope {
  cloud: Cloud;
  /** Subscription id, or `${accountId}/${region}`. */
  id: string;
  /** Subscription display name, or `${profile} (${accountId}) ${region}`. */
  label: string;
}

/** One VM with the network state the engine needs to classify it. */
export interface InventoryItem {
  vm: Vm;
  network: VmNetwork;
}

/** A scope that could not be listed, with why (permission, throttling, unreachable endpoint). */
export interface ScopeFailure {
  scope: CloudScope;
  kind: 'permission' | 'throttled' | 'unreachable' | 'error';
  message: string;
}

export interface Inventory {
  scopes: CloudScope[];
  items: InventoryItem[];
  failures: ScopeFailure[];
  /** How many HTTP calls the inventory took (for benchmarks and the output channel). */
  calls: number;
}

/** Builds a plan from the freshly read state; called again after a conflict. */
export type PlanFn = (network: VmNetwork) => Plan;

export interface ExecuteOptions {
  /** Plan and check permissions, but write nothing. */
  dryRun?: boolean;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export interface ExecuteResult {
  /** The plan that was (or, on a dry run, would be) applied. */
  plan: Plan;
  before: VmNetwork;
  /** State re-read after applying (equal to `before` on a dry run). */
  after: VmNetwork;
  /** Ids the cloud assigned to what the plan created, by the plan's placeholder ref. */
  created: Record<string, string>;
  /** 1 when the first plan applied without conflict. */
  attempts: number;
  calls: number;
}

export interface CloudProvider {
  readonly cloud: Cloud;
  /**
   * Who the calls are made as (UPN, object id or ARN): the requester recorded on grants. With several
   * AWS accounts the identity differs per account, so the VM being changed may be named.
   */
  whoAmI(vmId?: string): Promise<string>;
  /** Every identity the calls can be made as (one per AWS account reached): grants recorded under any are the user's. */
  identities(): Promise<string[]>;
  listScopes(): Promise<CloudScope[]>;
  inventory(options?: { scopes?: string[]; signal?: AbortSignal }): Promise<Inventory>;
  /** A fresh read of one VM's network state, bypassing any index that lags behind writes. */
  readNetwork(vmId: string): Promise<VmNetwork>;
  /**
   * Reads the VM's state, plans, checks permission for every write in the plan, applies it in
   * order, re-reads. On a concurrency conflict it re-reads and re-plans (bounded, with backoff).
   */
  execute(vmId: string, plan: PlanFn, options?: ExecuteOptions): Promise<ExecuteResult>;
}
