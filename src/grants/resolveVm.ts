// Turning what a user typed (a VM name, an ARM id, an instance id) into exactly one VM, or a precise
// error listing the candidates so the user can give the id instead.
import { VmNotFoundError } from '../cloud/errors';
import type { ClassifiedVm, EstateSnapshot } from './api';
import { AmbiguousVmError } from './errors';

function scopeLabel(v: ClassifiedVm): string {
  const s = v.vm.scope;
  return [v.vm.cloud, s.accountName ?? s.account, s.resourceGroup, s.region].filter(Boolean).join(' / ');
}

/**
 * Matches, in order: the id (case-insensitive, as ARM ids are), then `resourceGroup/name`, then the
 * name (case-insensitive). Several VMs with the matched name is an AmbiguousVmError.
 */
export function resolveVm(snapshot: EstateSnapshot, ref: string): ClassifiedVm {
  const wanted = ref.trim().toLowerCase();
  const byId = snapshot.vms.find((v) => v.vm.id.toLowerCase() === wanted);
  if (byId) return byId;
  const slash = wanted.lastIndexOf('/');
  const matches =
    slash > 0
      ? snapshot.vms.filter(
          (v) =>
            v.vm.name.toLowerCase() === wanted.slice(slash + 1) &&
            (v.vm.scope.resourceGroup ?? '').toLowerCase() === wanted.slice(0, slash),
        )
      : snapshot.vms.filter((v) => v.vm.name.toLowerCase() === wanted);
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new VmNotFoundError(ref);
  throw new AmbiguousVmError(
    ref,
    matches.map((v) => ({ id: v.vm.id, name: v.vm.name, scope: scopeLabel(v) })),
  );
}
