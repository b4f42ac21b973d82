// Applies a grant event to the snapshot on screen at once, before the re-read that follows it
// lands, so the tree, panel and status bar react without waiting for the cloud.
import type { EstateSnapshot, GrantEvent } from '../../grants/api';

export function applyGrantEvent(snapshot: EstateSnapshot, event: GrantEvent): EstateSnapshot {
  if (event.type !== 'granted' && event.type !== 'extended' && event.type !== 'revoked') return snapshot;
  const { grant } = event;
  return {
    ...snapshot,
    vms: snapshot.vms.map((v) => {
      if (v.vm.id !== grant.vmId) return v;
      const others = v.grants.filter((g) => g.id !== grant.id);
      return { ...v, grants: event.type === 'revoked' ? others : [...others, grant] };
    }),
  };
}
