// What a command acts on. A command gets a tree node (context menu, inline action), a grant id or
// VM id (panel buttons, status bar, other extensions, tests), or nothing (palette) — in which case
// the caller falls back to a picker over the candidates this module narrows down.
import type { Grant } from '../../engine/model';
import type { ClassifiedVm, EstateSnapshot } from '../../grants/api';
import type { TreeNode } from '../tree/nodes/treeNode';
import { GrantNode, PortNode, VmNode } from '../tree/nodes/vmNode';

export type VmFilter = 'any' | 'jitEnabled' | 'jitNotEnabled' | 'reachable';

export type Resolution<T> =
  { kind: 'resolved'; value: T } | { kind: 'pick'; candidates: T[] } | { kind: 'none' };

/** A VM reference: a node, a VM id or name, or `{ vmId }` (what the panel and tests pass). */
export function vmOfArgument(arg: unknown, snapshot: EstateSnapshot | undefined): ClassifiedVm | undefined {
  if (arg instanceof VmNode || arg instanceof PortNode || arg instanceof GrantNode) {
    return snapshot?.vms.find((v) => v.vm.id === arg.cvm.vm.id) ?? arg.cvm;
  }
  const key =
    typeof arg === 'string' ? arg : isObject(arg) && typeof arg.vmId === 'string' ? arg.vmId : undefined;
  if (!key || !snapshot) return undefined;
  const lower = key.toLowerCase();
  return (
    snapshot.vms.find((v) => v.vm.id.toLowerCase() === lower) ??
    onlyOne(snapshot.vms.filter((v) => v.vm.name.toLowerCase() === lower))
  );
}

export function matchesFilter(cvm: ClassifiedVm, filter: VmFilter): boolean {
  switch (filter) {
    case 'any':
      return true;
    case 'jitEnabled':
      return cvm.classification.jit.enabled;
    case 'jitNotEnabled':
      return !cvm.classification.jit.enabled && cvm.classification.status !== 'notApplicable';
    case 'reachable':
      return cvm.classification.jit.enabled || cvm.vm.interfaces.some((n) => n.publicIps.length > 0);
  }
}

export function resolveVm(
  arg: unknown,
  snapshot: EstateSnapshot | undefined,
  filter: VmFilter,
): Resolution<ClassifiedVm> {
  const direct = vmOfArgument(arg, snapshot);
  if (direct) return { kind: 'resolved', value: direct };
  const candidates = (snapshot?.vms ?? []).filter((v) => matchesFilter(v, filter));
  if (candidates.length === 0) return { kind: 'none' };
  return { kind: 'pick', candidates };
}

/**
 * A grant reference: a grant node, a grant id, `{ grantId }`, or a VM (node or id) whose grants are
 * the candidates. `mineOnly` narrows palette candidates to the caller's grants (Extend); Revoke may
 * act on anyone's grant the caller can see.
 */
export function resolveGrant(
  arg: unknown,
  snapshot: EstateSnapshot | undefined,
  grants: Grant[],
  options: { me?: (g: Grant) => boolean; mineOnly?: boolean } = {},
): Resolution<Grant> {
  if (arg instanceof GrantNode)
    return { kind: 'resolved', value: grants.find((g) => g.id === arg.grant.id) ?? arg.grant };
  const grantId =
    typeof arg === 'string'
      ? arg
      : isObject(arg) && typeof arg.grantId === 'string'
        ? arg.grantId
        : undefined;
  const byId = grantId ? grants.find((g) => g.id === grantId) : undefined;
  if (byId) return { kind: 'resolved', value: byId };
  const vm = vmOfArgument(arg, snapshot);
  let candidates = vm ? grants.filter((g) => g.vmId === vm.vm.id) : grants;
  if (options.mineOnly && options.me) candidates = candidates.filter(options.me);
  if (candidates.length === 0) return { kind: 'none' };
  if (candidates.length === 1 && vm) return { kind: 'resolved', value: candidates[0] };
  return { kind: 'pick', candidates: [...candidates].sort((a, b) => a.expiresAt - b.expiresAt) };
}

/** Whatever node a refresh was invoked on, or undefined for the whole tree. */
export function nodeOfArgument(arg: unknown): TreeNode | undefined {
  return isObject(arg) && typeof arg.id === 'string' && 'children' in arg
    ? (arg as unknown as TreeNode)
    : undefined;
}

function onlyOne<T>(items: T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
