// Permission check before any write: ask ARM's permissions API what the caller may do on each NSG or
// firewall the plan touches, and refuse — naming the missing action — before anything is sent.
// The answer is cached per resource for the provider's lifetime (role changes need a new session).
import type { CloudOp } from '../../engine/operations';
import { PermissionDeniedError } from '../errors';
import type { AzureClients } from './clients';
import { idKey, nameOf, requireArmId } from './armIds';

export const RULE_WRITE = 'Microsoft.Network/networkSecurityGroups/securityRules/write';
export const RULE_DELETE = 'Microsoft.Network/networkSecurityGroups/securityRules/delete';
export const FIREWALL_WRITE = 'Microsoft.Network/azureFirewalls/write';

interface Permission {
  actions?: string[];
  notActions?: string[];
}

/** The resource each Azure op writes to, and the action that needs. */
export function requiredActions(ops: CloudOp[]): Map<string, { resourceId: string; actions: Set<string> }> {
  const needs = new Map<string, { resourceId: string; actions: Set<string> }>();
  const need = (resourceId: string, action: string) => {
    const entry = needs.get(idKey(resourceId)) ?? { resourceId, actions: new Set<string>() };
    entry.actions.add(action);
    needs.set(idKey(resourceId), entry);
  };
  for (const op of ops) {
    switch (op.kind) {
      case 'azure.putRule':
        need(op.nsgId, RULE_WRITE);
        break;
      case 'azure.deleteRule':
        need(op.nsgId, RULE_DELETE);
        break;
      case 'azure.putFirewallNatRule':
      case 'azure.deleteFirewallNatRule':
        need(op.firewallId, FIREWALL_WRITE);
        break;
      default:
        throw new Error(`The Azure provider cannot apply "${op.kind}".`);
    }
  }
  return needs;
}

/** RBAC action patterns: `*` matches any run of characters, case-insensitively. */
function matches(pattern: string, action: string): boolean {
  const escaped = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 'i').test(action);
}

/** Allowed when one permission set grants the action and does not exclude it (ARM's own rule). */
export function isAllowed(permissions: Permission[], action: string): boolean {
  return permissions.some(
    (p) =>
      (p.actions ?? []).some((a) => matches(a, action)) &&
      !(p.notActions ?? []).some((n) => matches(n, action)),
  );
}

export class PermissionChecker {
  private readonly cache = new Map<string, Promise<Permission[]>>();

  constructor(private readonly clients: AzureClients) {}

  /** Throws PermissionDeniedError for the first resource missing an action the ops need. */
  async check(ops: CloudOp[], signal?: AbortSignal): Promise<void> {
    const needs = [...requiredActions(ops).values()];
    const granted = await Promise.all(needs.map((n) => this.permissionsOn(n.resourceId, signal)));
    needs.forEach((need, i) => {
      const missing = [...need.actions].filter((action) => !isAllowed(granted[i], action));
      if (missing.length > 0) throw new PermissionDeniedError(missing, nameOf(need.resourceId));
    });
  }

  private permissionsOn(resourceId: string, signal?: AbortSignal): Promise<Permission[]> {
    const key = idKey(resourceId);
    let cached = this.cache.get(key);
    if (!cached) {
      cached = this.list(resourceId, signal);
      this.cache.set(key, cached);
      cached.catch(() => this.cache.delete(key));
    }
    return cached;
  }

  /** NSGs and firewalls are top-level resources: no parent path. */
  private async list(resourceId: string, signal?: AbortSignal): Promise<Permission[]> {
    const ref = requireArmId(resourceId);
    const client = await this.clients.authorizationClient(ref.subscription);
    const out: Permission[] = [];
    const pages = client.permissions.listForResource(
      ref.resourceGroup,
      ref.provider,
      '',
      ref.types[0],
      ref.names[0],
      { abortSignal: signal },
    );
    for await (const permission of pages) out.push(permission);
    return out;
  }
}
