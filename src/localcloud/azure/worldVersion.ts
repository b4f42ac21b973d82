// A counter per world object that moves on every change, so derived data (Resource Graph's indexes
// and result snapshots) can be reused until the world changes. Loading another world makes a new
// object, which starts again from 0.
import type { AzureWorldState } from './worldState';

const versions = new WeakMap<AzureWorldState, number>();

export function worldVersion(world: AzureWorldState): number {
  return versions.get(world) ?? 0;
}

/** Call after anything that may have changed the world (a write, a long-running operation completing). */
export function worldChanged(world: AzureWorldState): void {
  versions.set(world, worldVersion(world) + 1);
}
