// The planner's public face: one function per JIT action, for either cloud. Each returns a Plan
// (ordered cloud operations, a preview line per operation, warnings); nothing here talks to a cloud.
import { foundGrantsOf, policyOf } from '../jitState';
import type { AccessRequest, Grant, JitPolicy, VmNetwork } from '../model';
import type { Plan } from '../operations';
import {
  planAwsDisable,
  planAwsEnable,
  planAwsExtend,
  planAwsRepair,
  planAwsRequest,
  planAwsRevoke,
} from './awsPlanner';
import {
  type PlannedGrant,
  planAzureDisable,
  planAzureEnable,
  planAzureExtend,
  planAzureRequest,
  planAzureRevoke,
} from './azurePlanner';
import { PlanBuilder, PlanError, sameVm } from './common';

export { PlanError } from './common';
export type { PlannedGrant } from './azurePlanner';
export { AWS_GROUPS_PER_INTERFACE } from './awsPlanner';

function checkPolicyVm(net: VmNetwork, policy: JitPolicy): void {
  if (!sameVm(net.vm, policy.vmId))
    throw new PlanError(`The policy is for '${policy.vmId}', not for VM '${net.vm.id}'.`);
  if (policy.ports.length === 0) throw new PlanError('The JIT policy names no ports.');
}

/** Close the policy's ports for this VM only, and record the policy in the cloud. Idempotent. */
export function planEnable(net: VmNetwork, policy: JitPolicy): Plan {
  checkPolicyVm(net, policy);
  return net.cloud === 'azure' ? planAzureEnable(net, policy) : planAwsEnable(net, policy);
}

/** Undo enable exactly, removing every grant of ours for this VM too. */
export function planDisable(net: VmNetwork): Plan {
  return net.cloud === 'azure' ? planAzureDisable(net, foundGrantsOf(net)) : planAwsDisable(net);
}

/** Open exactly the requested ports from exactly the requested source to this VM until now + duration. */
export function planRequest(net: VmNetwork, req: AccessRequest, now: number): PlannedGrant {
  return net.cloud === 'azure' ? planAzureRequest(net, req, now) : planAwsRequest(net, req, now);
}

/** Move a grant's expiry; never beyond the policy's maximum duration counted from `now`. */
export function planExtend(net: VmNetwork, grant: Grant, newExpiry: number, now: number): Plan {
  const policy = policyOf(net);
  const max = Math.min(
    ...grant.ports.map((p) => policy?.ports.find((q) => q.port === p.port)?.maxDurationMs ?? 0),
  );
  if (!policy || newExpiry - now > max) {
    throw new PlanError(
      `Grant ${grant.id} cannot be extended beyond the policy maximum of ${Math.round(max / 60_000)} minutes from now.`,
    );
  }
  if (newExpiry <= now) throw new PlanError('The new expiry is in the past; revoke the grant instead.');
  return net.cloud === 'azure'
    ? planAzureExtend(net, grant, newExpiry)
    : planAwsExtend(net, grant, newExpiry);
}

export function planRevoke(net: VmNetwork, grant: Grant): Plan {
  return net.cloud === 'azure' ? planAzureRevoke(net, grant) : planAwsRevoke(grant);
}

/** Revoke every grant of ours for this VM that has expired at `now`. */
export function planExpire(net: VmNetwork, now: number): Plan {
  const b = new PlanBuilder();
  for (const { grant } of foundGrantsOf(net)) {
    if (grant.expiresAt <= now) {
      b.append(
        net.cloud === 'azure'
          ? planAzureRevoke(net, grant, 'expired grant')
          : planAwsRevoke(grant, 'expired grant'),
      );
    }
  }
  return b.build();
}

/**
 * From metadata alone, for every VM: remove expired grants; undo grants only partly written (fewer
 * parts found than recorded); finish an interrupted Azure enable (a deny rule missing on an NSG of the
 * path); undo or finish an interrupted AWS enable/disable. NSGs shared by several VMs appear in several
 * networks: each operation is emitted once.
 */
export function planSweep(nets: VmNetwork[], now: number): Plan {
  const b = new PlanBuilder();
  const seen = new Set<string>();
  const add = (plan: Plan) => {
    plan.ops.forEach((op, i) => {
      const key = JSON.stringify(op);
      if (seen.has(key)) return;
      seen.add(key);
      b.add(op, plan.preview[i]);
    });
    for (const w of plan.warnings) b.warn(w);
  };
  for (const net of nets) {
    try {
      if (net.cloud === 'aws') add(planAwsRepair(net));
      else {
        const policy = policyOf(net);
        if (policy) add(planAzureEnable(net, policy));
      }
    } catch (e) {
      // One VM that cannot be repaired must not stop the sweep of expired grants everywhere else.
      b.warn(`Could not repair JIT on '${net.vm.name}': ${e instanceof Error ? e.message : String(e)}`);
    }
    for (const { grant, expectedParts, foundParts } of foundGrantsOf(net)) {
      const why =
        grant.expiresAt <= now
          ? 'expired grant'
          : foundParts < expectedParts
            ? 'incomplete grant'
            : undefined;
      if (why) add(net.cloud === 'azure' ? planAzureRevoke(net, grant, why) : planAwsRevoke(grant, why));
    }
  }
  return b.build();
}
