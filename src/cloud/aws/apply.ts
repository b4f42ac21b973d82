// Carrying out a plan on EC2: a DryRun of every write first (nothing changes unless all are allowed),
// then the writes in order, with each created group's real id replacing its placeholder.
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { AwsVmNetwork } from '../../engine/model';
import type { CloudOp, GroupId, Plan } from '../../engine/operations';
import { PermissionDeniedError } from '../errors';
import {
  isDryRunSuccess,
  isPermissionDenied,
  isConflict,
  errorCode,
  InterfaceGroupLimitError,
} from './ec2Errors';
import { writeCallsFor, type Ec2Sdk, type WriteCall } from './writeCalls';

/** DryRun checks sent at once. */
const DRY_RUN_PARALLELISM = 8;

function isRef(id: GroupId): id is { ref: string } {
  return typeof id !== 'string';
}

/**
 * For the DryRun of a call on a group the plan has not created yet, an existing group of the same
 * instance stands in: the permission asked is the same action in the same account and region.
 */
function standInGroup(network: AwsVmNetwork): string {
  const attached = network.vm.interfaces.flatMap((n) => n.securityGroupIds ?? []);
  const id = attached[0] ?? Object.keys(network.groups)[0];
  if (!id) throw new Error(`Instance ${network.vm.id} has no security group to check permissions against.`);
  return id;
}

/**
 * Asks EC2 whether every write of the plan would be allowed. Throws PermissionDeniedError naming
 * every missing action; other DryRun answers are left for the real call to meet.
 */
export async function checkPermissions(
  sdk: Ec2Sdk,
  ec2: EC2Client,
  plan: Plan,
  network: AwsVmNetwork,
  scope: string,
): Promise<void> {
  const standIn = standInGroup(network);
  const resolve = (id: GroupId) => (isRef(id) ? standIn : id);
  const calls = plan.ops.flatMap((op) => writeCallsFor(sdk, op, resolve));
  const missing = new Set<string>();
  let next = 0;
  const worker = async () => {
    while (next < calls.length) {
      const call = calls[next++];
      try {
        await call.run(ec2, true);
      } catch (error) {
        if (isDryRunSuccess(error)) continue;
        if (isPermissionDenied(error)) missing.add(`ec2:${call.action}`);
        else if (!isIgnorableDryRunAnswer(error)) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(DRY_RUN_PARALLELISM, calls.length) }, worker));
  if (missing.size > 0) throw new PermissionDeniedError([...missing].sort(), scope);
}

/** A DryRun that got past the permission check but failed validation: the real call will say why. */
function isIgnorableDryRunAnswer(error: unknown): boolean {
  const code = errorCode(error) ?? '';
  return (
    isConflict(error) ||
    code.startsWith('Invalid') ||
    (code.endsWith('LimitExceeded') && code !== 'RequestLimitExceeded')
  );
}

/** Thrown when a write fails: what took effect before it, and why it failed. */
export class ApplyFailure extends Error {
  constructor(
    readonly applied: string[],
    readonly failedStep: string,
    readonly action: string,
    override readonly cause: unknown,
    readonly created: Record<string, string>,
  ) {
    super(`${failedStep}: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'ApplyFailure';
  }

  get conflict(): boolean {
    return isConflict(this.cause);
  }
}

export interface ApplyResult {
  /** Real group ids by the plan's placeholder refs. */
  created: Record<string, string>;
  applied: string[];
}

export async function applyPlan(
  sdk: Ec2Sdk,
  ec2: EC2Client,
  plan: Plan,
  network: AwsVmNetwork,
  onProgress?: (message: string) => void,
): Promise<ApplyResult> {
  const created: Record<string, string> = {};
  const applied: string[] = [];
  const resolve = (id: GroupId): string => {
    if (!isRef(id)) return id;
    const real = created[id.ref];
    if (!real) throw new Error(`The plan uses group "${id.ref}" before creating it.`);
    return real;
  };
  for (const [index, op] of plan.ops.entries()) {
    const step = plan.preview[index] ?? describeOp(op);
    let call: WriteCall | undefined;
    try {
      for (call of writeCallsFor(sdk, op, resolve)) {
        const id = await call.run(ec2, false);
        if (op.kind === 'aws.createGroup' && id) created[op.ref] = id;
      }
    } catch (error) {
      const cause = explainLimit(error, op, network);
      throw new ApplyFailure(applied, step, call?.action ?? op.kind, cause, created);
    }
    applied.push(step);
    onProgress?.(step);
  }
  return { created, applied };
}

function explainLimit(error: unknown, op: CloudOp, network: AwsVmNetwork): unknown {
  if (errorCode(error) !== 'SecurityGroupsPerInterfaceLimitExceeded' || op.kind !== 'aws.setInterfaceGroups')
    return error;
  const current = network.vm.interfaces.find((n) => n.id === op.interfaceId)?.securityGroupIds?.length ?? 0;
  return new InterfaceGroupLimitError(op.interfaceId, current);
}

function describeOp(op: CloudOp): string {
  return `${op.kind} ${JSON.stringify(op).slice(0, 200)}`;
}
