// Finding things in the world, with the service's 404s when they are not there.
import { resourceGroupId, resourceId } from '../armIds';
import { errors } from '../errors';
import { key, type ArmResource, type ArmSubscription, type AzureWorldState } from '../worldState';

export function requireSubscription(world: AzureWorldState, sub: string): ArmSubscription {
  const s = world.subscriptions.find((x) => x.subscriptionId.toLowerCase() === sub.toLowerCase());
  if (!s) throw errors.subscriptionNotFound(sub);
  return s;
}

export function requireResourceGroup(world: AzureWorldState, sub: string, rg: string): ArmResource {
  requireSubscription(world, sub);
  const g = world.resourceGroups[key(resourceGroupId(sub, rg))];
  if (!g) throw errors.resourceGroupNotFound(rg);
  return g;
}

export function findResource(
  world: AzureWorldState,
  sub: string,
  rg: string,
  ns: string,
  type: string,
  name: string,
): ArmResource | undefined {
  return world.resources[key(resourceId(sub, rg, ns, type, name))];
}

export function requireResource(
  world: AzureWorldState,
  sub: string,
  rg: string,
  ns: string,
  type: string,
  name: string,
): ArmResource {
  requireResourceGroup(world, sub, rg);
  const r = findResource(world, sub, rg, ns, type, name);
  if (!r) throw errors.resourceNotFound(`${ns}/${type}`, name, rg);
  return r;
}

/** Resources of one type under a scope prefix (a subscription or resource group id). */
export function listResources(
  world: AzureWorldState,
  scope: string,
  ns: string,
  type: string,
): ArmResource[] {
  const prefix = `${scope.toLowerCase()}/`;
  const wanted = `${ns}/${type}`.toLowerCase();
  return Object.entries(world.resources)
    .filter(([k, r]) => k.startsWith(prefix) && r.type.toLowerCase() === wanted)
    .map(([, r]) => r);
}

export function childArray(parent: ArmResource, prop: string): ArmResource[] {
  const props = (parent.properties ??= {});
  const list = props[prop];
  if (Array.isArray(list)) return list as ArmResource[];
  const fresh: ArmResource[] = [];
  props[prop] = fresh;
  return fresh;
}
