// What the grant service offers its two front ends, the VS Code extension and the `jit` CLI.
// Both code against this interface; src/grants/grantService.ts implements it.
import type { Classification } from '../engine/classifier';
import type { Cloud, Grant, JitPolicy, PortSpec, Vm, VmNetwork } from '../engine/model';
import type { Plan } from '../engine/operations';
import type { CloudScope, ScopeFailure } from '../cloud/provider';

export interface ClassifiedVm {
  vm: Vm;
  network: VmNetwork;
  classification: Classification;
  /** The JIT policy reconstructed from the cloud, when JIT is enabled by this tool. */
  policy?: JitPolicy;
  /** Active grants on this VM (anyone's), from the cloud's own metadata. */
  grants: Grant[];
}

export interface EstateSnapshot {
  scopes: CloudScope[];
  vms: ClassifiedVm[];
  failures: ScopeFailure[];
  /** Epoch ms when the snapshot was taken. */
  takenAt: number;
}

export type SourceChoice = { kind: 'myIp' } | { kind: 'cidr'; cidr: string };

export interface RequestInput {
  vmId: string;
  ports: PortSpec[];
  source: SourceChoice;
  durationMs: number;
  justification?: string;
  /** Plan and check, write nothing. */
  dryRun?: boolean;
  /**
   * A source meaning "any address" (`*`, 0.0.0.0/0, ::/0) is refused unless the policy allows it AND
   * the user confirmed it explicitly (a modal in the extension, `--allow-any-source` in the CLI).
   */
  confirmAnySource?: boolean;
}

export interface OperationOutcome {
  plan: Plan;
  /** Warnings the user must see (flushConnection, source `*`, …). */
  warnings: string[];
  /** HTTP calls the operation took. */
  calls: number;
  dryRun: boolean;
}

export interface RequestOutcome extends OperationOutcome {
  grant: Grant;
}

export interface SweepReport {
  removed: Grant[];
  repaired: string[];
  failures: { vmId: string; message: string }[];
}

/** Typed events for the UI and the audit trail. */
export type GrantEvent =
  | { type: 'granted'; grant: Grant }
  | { type: 'extended'; grant: Grant }
  | { type: 'revoked'; grant: Grant; reason: 'user' | 'expired' | 'sweep' }
  | { type: 'policyChanged'; vmId: string; cloud: Cloud }
  | { type: 'expiring'; grant: Grant; msLeft: number }
  | { type: 'error'; operation: string; vmId?: string; message: string };

export interface Disposable {
  dispose(): void;
}

export interface GrantServiceApi {
  /** Every VM the configured providers can see, classified, with its policy and active grants. */
  snapshot(options?: { refresh?: boolean; signal?: AbortSignal }): Promise<EstateSnapshot>;
  /** The address "my IP" resolves to right now (for confirmation before a request). */
  detectMyIp(): Promise<string>;
  request(input: RequestInput): Promise<RequestOutcome>;
  extend(grant: Grant, durationMs: number): Promise<RequestOutcome>;
  revoke(grant: Grant): Promise<OperationOutcome>;
  enable(vmId: string, policy: JitPolicy, options?: { dryRun?: boolean }): Promise<OperationOutcome>;
  disable(vmId: string, options?: { dryRun?: boolean }): Promise<OperationOutcome>;
  sweep(): Promise<SweepReport>;
  /** Active grants everywhere the caller can see, mine and others'. */
  list(): Promise<Grant[]>;
  /**
   * The identity grants on a VM are recorded under: the one its account is reached with (AWS
   * profiles reach different accounts as different principals).
   */
  whoAmI(cloud: Cloud, vmId: string): Promise<string>;
  /** Every identity of the user in a cloud (one per AWS account reached): a grant under any is theirs. */
  identities(cloud: Cloud): Promise<string[]>;
  onEvent(listener: (event: GrantEvent) => void): Disposable;
  dispose(): void;
}
