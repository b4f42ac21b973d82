// Read-only ARM endpoints: subscriptions, resource groups, any top-level resource, VM instance
// views, subnets and (default) security rules.
import { subscriptionScope, resourceGroupId } from '../armIds';
import type { Reply, RequestContext } from '../context';
import { errors } from '../errors';
import { defaultSecurityRules, withDefaultRules } from '../securityRules';
import type { ArmResource } from '../worldState';
import {
  childArray,
  listResources,
  requireResource,
  requireResourceGroup,
  requireSubscription,
} from './lookups';

const json = (body: unknown, headers?: Record<string, string>): Reply => ({ status: 200, body, headers });
const withEtag = (r: ArmResource): Reply => json(r, r.etag ? { ETag: r.etag } : undefined);

export function listSubscriptions(ctx: RequestContext): Reply {
  return json({ value: ctx.world.subscriptions });
}

export function getSubscription(ctx: RequestContext, [sub]: string[]): Reply {
  return json(requireSubscription(ctx.world, sub));
}

export function listResourceGroups(ctx: RequestContext, [sub]: string[]): Reply {
  requireSubscription(ctx.world, sub);
  const prefix = `${subscriptionScope(sub).toLowerCase()}/`;
  return json({
    value: Object.entries(ctx.world.resourceGroups)
      .filter(([k]) => k.startsWith(prefix))
      .map(([, g]) => g),
  });
}

export function getResourceGroup(ctx: RequestContext, [sub, rg]: string[]): Reply {
  return json(requireResourceGroup(ctx.world, sub, rg));
}

export function listBySubscription(ctx: RequestContext, [sub, ns, type]: string[]): Reply {
  requireSubscription(ctx.world, sub);
  return json({
    value: listResources(ctx.world, subscriptionScope(sub), ns, type).map((r) => present(ctx, r)),
  });
}

export function listByResourceGroup(ctx: RequestContext, [sub, rg, ns, type]: string[]): Reply {
  requireResourceGroup(ctx.world, sub, rg);
  return json({
    value: listResources(ctx.world, resourceGroupId(sub, rg), ns, type).map((r) => present(ctx, r)),
  });
}

export function getResource(ctx: RequestContext, [sub, rg, ns, type, name]: string[]): Reply {
  const r = requireResource(ctx.world, sub, rg, ns, type, name);
  return withEtag(present(ctx, r));
}

export function getVmInstanceView(ctx: RequestContext, [sub, rg, name]: string[]): Reply {
  const vm = requireResource(ctx.world, sub, rg, 'Microsoft.Compute', 'virtualMachines', name);
  return json(instanceView(ctx, vm));
}

export function listSubnets(ctx: RequestContext, [sub, rg, vnet]: string[]): Reply {
  const v = requireResource(ctx.world, sub, rg, 'Microsoft.Network', 'virtualNetworks', vnet);
  return json({ value: childArray(v, 'subnets') });
}

export function getSubnet(ctx: RequestContext, [sub, rg, vnet, name]: string[]): Reply {
  const v = requireResource(ctx.world, sub, rg, 'Microsoft.Network', 'virtualNetworks', vnet);
  const s = findChild(childArray(v, 'subnets'), name);
  if (!s) throw errors.childNotFound('subnets', name);
  return withEtag(s);
}

export function listRules(ctx: RequestContext, [sub, rg, nsg]: string[]): Reply {
  const n = requireResource(ctx.world, sub, rg, 'Microsoft.Network', 'networkSecurityGroups', nsg);
  return json({ value: childArray(n, 'securityRules') });
}

export function getRule(ctx: RequestContext, [sub, rg, nsg, name]: string[]): Reply {
  const n = requireResource(ctx.world, sub, rg, 'Microsoft.Network', 'networkSecurityGroups', nsg);
  const r = findChild(childArray(n, 'securityRules'), name);
  if (!r) throw errors.childNotFound('securityRules', name);
  return withEtag(r);
}

export function listDefaultRules(ctx: RequestContext, [sub, rg, nsg]: string[]): Reply {
  const n = requireResource(ctx.world, sub, rg, 'Microsoft.Network', 'networkSecurityGroups', nsg);
  return json({ value: defaultSecurityRules(n.id, n.etag ?? '') });
}

export function getDefaultRule(ctx: RequestContext, [sub, rg, nsg, name]: string[]): Reply {
  const n = requireResource(ctx.world, sub, rg, 'Microsoft.Network', 'networkSecurityGroups', nsg);
  const r = findChild(defaultSecurityRules(n.id, n.etag ?? ''), name);
  if (!r) throw errors.childNotFound('defaultSecurityRules', name);
  return withEtag(r);
}

export function findChild(list: ArmResource[], name: string): ArmResource | undefined {
  return list.find((x) => x.name.toLowerCase() === name.toLowerCase());
}

/** The resource as served: NSGs gain their computed default rules, VMs their instance view on $expand. */
function present(ctx: RequestContext, r: ArmResource): ArmResource {
  const type = r.type.toLowerCase();
  if (type === 'microsoft.network/networksecuritygroups') return withDefaultRules(r);
  if (
    type === 'microsoft.compute/virtualmachines' &&
    ctx.query.get('$expand')?.toLowerCase() === 'instanceview'
  )
    return { ...r, properties: { ...r.properties, instanceView: instanceView(ctx, r) } };
  return r;
}

function instanceView(ctx: RequestContext, vm: ArmResource): Record<string, unknown> {
  const power = ctx.world.powerStates[vm.id.toLowerCase()] ?? 'PowerState/running';
  const display = power.replace('PowerState/', 'VM ');
  return {
    computerName: vm.name,
    osName:
      (vm.properties?.storageProfile as { osDisk?: { osType?: string } } | undefined)?.osDisk?.osType ===
      'Windows'
        ? 'Windows Server 2022 Datacenter'
        : 'ubuntu',
    vmAgent: { vmAgentVersion: '2.10.0.8', statuses: [] },
    statuses: [
      {
        code: 'ProvisioningState/succeeded',
        level: 'Info',
        displayStatus: 'Provisioning succeeded',
        time: '2026-01-05T09:12:44.000Z',
      },
      { code: power, level: 'Info', displayStatus: display },
    ],
  };
}
