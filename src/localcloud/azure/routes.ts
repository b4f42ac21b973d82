// The route table: for each ARM operation served, its method, path pattern, the RBAC action the
// caller needs (checked before the handler runs) and whether it counts as a write for throttling.
import type { Reply, RequestContext } from './context';
import * as r from './handlers/reads';
import * as w from './handlers/writes';
import { getPermissions } from './handlers/permissions';
import { queryResources } from './resourceGraph';

export interface Route {
  method: string;
  pattern: RegExp;
  /** RBAC action required, from the captured groups; undefined = any authenticated caller. */
  action?: (m: string[]) => string;
  /** Scope reported in AuthorizationFailed (the request path by default). */
  handler: (ctx: RequestContext, m: string[]) => Reply;
  isWrite: boolean;
}

const SEG = '([^/]+)';
const SUB = `/subscriptions/${SEG}`;
const RG = `${SUB}/resourceGroups/${SEG}`;
const NET = `${RG}/providers/Microsoft\\.Network`;
const NSG = `${NET}/networkSecurityGroups/${SEG}`;
const p = (s: string): RegExp => new RegExp(`^${s}/?$`, 'i');
const nsgAction = (verb: string) => () => `Microsoft.Network/networkSecurityGroups/${verb}`;
const ruleAction = (verb: string) => () => `Microsoft.Network/networkSecurityGroups/securityRules/${verb}`;
const read = (handler: Route['handler'], pattern: RegExp, action?: Route['action']): Route => ({
  method: 'GET',
  pattern,
  handler,
  action,
  isWrite: false,
});
const write = (
  method: string,
  handler: Route['handler'],
  pattern: RegExp,
  action: Route['action'],
): Route => ({ method, pattern, handler, action, isWrite: true });

/** Ordered: specific routes before the generic resource routes. */
export const ROUTES: Route[] = [
  read(r.listSubscriptions, p('/subscriptions'), () => 'Microsoft.Resources/subscriptions/read'),
  read(r.getSubscription, p(SUB), () => 'Microsoft.Resources/subscriptions/read'),
  read(
    r.listResourceGroups,
    p(`${SUB}/resourceGroups`),
    () => 'Microsoft.Resources/subscriptions/resourceGroups/read',
  ),
  read(r.getResourceGroup, p(RG), () => 'Microsoft.Resources/subscriptions/resourceGroups/read'),
  write('PUT', w.putResourceGroup, p(RG), () => 'Microsoft.Resources/subscriptions/resourceGroups/write'),
  write(
    'DELETE',
    w.deleteResourceGroup,
    p(RG),
    () => 'Microsoft.Resources/subscriptions/resourceGroups/delete',
  ),
  read(w.getResourceGroupDeletion, p(`${SUB}/operationresults/${SEG}`)),
  read(
    w.getOperationStatus,
    p(`${SUB}/providers/Microsoft\\.Network/locations/${SEG}/operations/${SEG}`),
    () => 'Microsoft.Network/locations/operations/read',
  ),
  read(
    w.getOperationResult,
    p(`${SUB}/providers/Microsoft\\.Network/locations/${SEG}/operationResults/${SEG}`),
    () => 'Microsoft.Network/locations/operationResults/read',
  ),
  read(getPermissions, p(`${RG}(?:/providers/.+)?/providers/Microsoft\\.Authorization/permissions`)),
  read(getPermissions, p(`${SUB}/providers/Microsoft\\.Authorization/permissions`)),
  {
    method: 'POST',
    pattern: p('/providers/Microsoft\\.ResourceGraph/resources'),
    handler: queryResources,
    action: () => 'Microsoft.ResourceGraph/resources/read',
    isWrite: false,
  },
  read(
    r.getVmInstanceView,
    p(`${RG}/providers/Microsoft\\.Compute/virtualMachines/${SEG}/instanceView`),
    () => 'Microsoft.Compute/virtualMachines/instanceView/read',
  ),
  read(
    r.listSubnets,
    p(`${NET}/virtualNetworks/${SEG}/subnets`),
    () => 'Microsoft.Network/virtualNetworks/subnets/read',
  ),
  read(
    r.getSubnet,
    p(`${NET}/virtualNetworks/${SEG}/subnets/${SEG}`),
    () => 'Microsoft.Network/virtualNetworks/subnets/read',
  ),
  read(r.listRules, p(`${NSG}/securityRules`), ruleAction('read')),
  read(r.getRule, p(`${NSG}/securityRules/${SEG}`), ruleAction('read')),
  write('PUT', w.putRule, p(`${NSG}/securityRules/${SEG}`), ruleAction('write')),
  write('DELETE', w.deleteRule, p(`${NSG}/securityRules/${SEG}`), ruleAction('delete')),
  read(
    r.listDefaultRules,
    p(`${NSG}/defaultSecurityRules`),
    () => 'Microsoft.Network/networkSecurityGroups/defaultSecurityRules/read',
  ),
  read(
    r.getDefaultRule,
    p(`${NSG}/defaultSecurityRules/${SEG}`),
    () => 'Microsoft.Network/networkSecurityGroups/defaultSecurityRules/read',
  ),
  write('PUT', w.putNsg, p(NSG), nsgAction('write')),
  write('PATCH', w.patchNsgTags, p(NSG), nsgAction('write')),
  write('DELETE', w.deleteNsg, p(NSG), nsgAction('delete')),
  write(
    'PUT',
    w.putFirewall,
    p(`${NET}/azureFirewalls/${SEG}`),
    () => 'Microsoft.Network/azureFirewalls/write',
  ),
  read(
    r.listBySubscription,
    p(`${SUB}/providers/(Microsoft\\.(?:Network|Compute))/(\\w+)`),
    (m) => `${m[1]}/${m[2]}/read`,
  ),
  read(
    r.listByResourceGroup,
    p(`${RG}/providers/(Microsoft\\.(?:Network|Compute))/(\\w+)`),
    (m) => `${m[2]}/${m[3]}/read`,
  ),
  read(
    r.getResource,
    p(`${RG}/providers/(Microsoft\\.(?:Network|Compute))/(\\w+)/${SEG}`),
    (m) => `${m[2]}/${m[3]}/read`,
  ),
];

export function matchRoute(
  method: string,
  path: string,
): { route: Route; groups: string[] } | { pathMatched: boolean } {
  let pathMatched = false;
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.method !== method) {
      pathMatched = true;
      continue;
    }
    return { route, groups: m.slice(1).map((g) => decodeURIComponent(g)) };
  }
  return { pathMatched };
}
