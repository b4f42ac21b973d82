// ARM resource ids: parsing and the few derived ids the provider needs. ARM ids are
// case-insensitive, so comparisons and map keys use the lower-cased form.

export interface ArmId {
  subscription: string;
  resourceGroup: string;
  /** e.g. 'Microsoft.Network' */
  provider: string;
  /** Type segments below the provider, e.g. ['networkSecurityGroups', 'securityRules']. */
  types: string[];
  /** Name segments matching `types`. */
  names: string[];
}

/** Parses `/subscriptions/S/resourceGroups/G/providers/P/t1/n1[/t2/n2...]`; undefined when not that shape. */
export function parseArmId(id: string): ArmId | undefined {
  const parts = id.split('/').filter((p) => p.length > 0);
  if (parts.length < 8 || parts.length % 2 !== 0) return undefined;
  if (parts[0].toLowerCase() !== 'subscriptions' || parts[2].toLowerCase() !== 'resourcegroups')
    return undefined;
  if (parts[4].toLowerCase() !== 'providers') return undefined;
  const rest = parts.slice(6);
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    types.push(rest[i]);
    names.push(rest[i + 1]);
  }
  return { subscription: parts[1], resourceGroup: parts[3], provider: parts[5], types, names };
}

/** Like parseArmId, but a malformed id is a programming error (it came from the cloud or the engine). */
export function requireArmId(id: string): ArmId {
  const parsed = parseArmId(id);
  if (!parsed) throw new Error(`Not an Azure resource id: "${id}"`);
  return parsed;
}

/** The id of the resource one level up (a subnet's VNet, a rule's NSG). */
export function parentId(id: string): string {
  const parts = id.split('/');
  return parts.slice(0, parts.length - 2).join('/');
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

export function idKey(id: string): string {
  return id.toLowerCase();
}

/** The last segment of an id: the resource's name. */
export function nameOf(id: string): string {
  const parts = id.split('/');
  return parts[parts.length - 1];
}
