// Write endpoints with Network RP's semantics: NSG and security rule create/update/delete and
// firewall updates as long-running operations, ETag/If-Match, 409 while another operation holds
// the resource, and the service's validation errors.
import { newEtag, resourceGroupId, resourceId } from '../armIds';
import type { Reply, RequestContext } from '../context';
import { ArmError, errors } from '../errors';
import { asyncOperationUrl, newRandomId, operationResultUrl, type Operation } from '../lro';
import {
  invalidNameMessage,
  withDefaultRules,
  isValidResourceName,
  normalizeRuleProperties,
  validateSecurityRule,
} from '../securityRules';
import { key, type ArmResource } from '../worldState';
import { findChild } from './reads';
import { childArray, findResource, requireResource, requireResourceGroup } from './lookups';

/** Retry-After the service sends (real recordings: NSG PUT 3 s, rule PUT and deletes 10 s). */
const REAL_RETRY_AFTER = { nsgPut: 3, other: 10 };
const NSG = ['Microsoft.Network', 'networkSecurityGroups'] as const;

export function putNsg(ctx: RequestContext, [sub, rg, name]: string[]): Reply {
  requireResourceGroup(ctx.world, sub, rg);
  if (!isValidResourceName(name)) throw new ArmError(400, 'InvalidResourceName', invalidNameMessage(name));
  const id = resourceId(sub, rg, ...NSG, name);
  const existing = ctx.world.resources[key(id)];
  checkPreconditions(ctx, existing, id);
  ensureNotHeld(ctx, id);
  const body = asObject(ctx.body);
  const props = asObject(body.properties ?? {});
  const location = String(body.location ?? existing?.location ?? '');
  if (!location)
    throw errors.badRequest('LocationRequired', 'The location property is required for this definition.');
  const etag = newEtag();
  const rulesIn = Array.isArray(props.securityRules) ? (props.securityRules as ArmResource[]) : [];
  const rules: ArmResource[] = [];
  for (const r of rulesIn) {
    const ruleName = String(r.name ?? '');
    const ruleId = `${id}/securityRules/${ruleName}`;
    const rp = asObject(r.properties ?? {});
    validateSecurityRule(ruleId, ruleName, rp, rules);
    rules.push(ruleResource(ruleId, ruleName, rp, etag, 'Updating'));
  }
  const nsg: ArmResource = {
    name: existing?.name ?? name,
    id,
    etag,
    type: 'Microsoft.Network/networkSecurityGroups',
    location,
    ...(body.tags ? { tags: body.tags as Record<string, string> } : {}),
    properties: {
      provisioningState: 'Updating',
      resourceGuid: (existing?.properties?.resourceGuid as string | undefined) ?? newRandomId(),
      ...(props.flushConnection !== undefined ? { flushConnection: Boolean(props.flushConnection) } : {}),
      securityRules: rules,
      ...(existing?.properties?.networkInterfaces
        ? { networkInterfaces: existing.properties.networkInterfaces }
        : {}),
      ...(existing?.properties?.subnets ? { subnets: existing.properties.subnets } : {}),
    },
  };
  ctx.world.resources[key(id)] = nsg;
  const op = startOperation(ctx, sub, location, id, () => markSucceeded(ctx, id));
  return {
    status: existing ? 200 : 201,
    body: withDefaultRules(nsg),
    headers: lroHeaders(ctx, op, REAL_RETRY_AFTER.nsgPut),
  };
}

export function patchNsgTags(ctx: RequestContext, [sub, rg, name]: string[]): Reply {
  const nsg = requireResource(ctx.world, sub, rg, ...NSG, name);
  ensureNotHeld(ctx, nsg.id);
  const body = asObject(ctx.body);
  nsg.tags = (body.tags as Record<string, string> | undefined) ?? {};
  setNsgEtag(nsg, newEtag());
  return { status: 200, body: withDefaultRules(nsg) };
}

export function deleteNsg(ctx: RequestContext, [sub, rg, name]: string[]): Reply {
  requireResourceGroup(ctx.world, sub, rg);
  const nsg = findResource(ctx.world, sub, rg, ...NSG, name);
  if (!nsg) return { status: 204 };
  ensureNotHeld(ctx, nsg.id);
  const users = [...refIds(nsg.properties?.networkInterfaces), ...refIds(nsg.properties?.subnets)];
  if (users.length > 0)
    throw errors.badRequest(
      'InUseNetworkSecurityGroupCannotBeDeleted',
      `Network security group ${nsg.id} cannot be deleted because it is in use by the following resources: ${users.join(', ')}. In order to delete the Network security group, remove the association with the resource(s). To learn how to do this, see aka.ms/deletensg.`,
    );
  nsg.properties = { ...nsg.properties, provisioningState: 'Deleting' };
  const op = startOperation(ctx, sub, nsg.location ?? 'westus', nsg.id, () => {
    delete ctx.world.resources[key(nsg.id)];
  });
  return {
    status: 202,
    headers: {
      ...lroHeaders(ctx, op, REAL_RETRY_AFTER.other),
      Location: operationResultUrl(ctx.baseUrl, op),
    },
  };
}

export function putRule(ctx: RequestContext, [sub, rg, nsgName, name]: string[]): Reply {
  const nsg = requireResource(ctx.world, sub, rg, ...NSG, nsgName);
  const rules = childArray(nsg, 'securityRules');
  const ruleId = `${nsg.id}/securityRules/${name}`;
  const existing = findChild(rules, name);
  checkPreconditions(ctx, existing, ruleId);
  ensureNotHeld(ctx, nsg.id);
  const props = asObject(asObject(ctx.body).properties ?? {});
  validateSecurityRule(ruleId, name, props, rules);
  const etag = newEtag();
  const rule = ruleResource(ruleId, existing?.name ?? name, props, etag, 'Updating');
  if (existing) rules[rules.indexOf(existing)] = rule;
  else rules.push(rule);
  setNsgEtag(nsg, etag);
  nsg.properties = { ...nsg.properties, provisioningState: 'Updating' };
  const op = startOperation(ctx, sub, nsg.location ?? 'westus', nsg.id, () => markSucceeded(ctx, nsg.id));
  return { status: existing ? 200 : 201, body: rule, headers: lroHeaders(ctx, op, REAL_RETRY_AFTER.other) };
}

export function deleteRule(ctx: RequestContext, [sub, rg, nsgName, name]: string[]): Reply {
  const nsg = requireResource(ctx.world, sub, rg, ...NSG, nsgName);
  const rules = childArray(nsg, 'securityRules');
  const existing = findChild(rules, name);
  if (!existing) return { status: 204 };
  checkPreconditions(ctx, existing, existing.id);
  ensureNotHeld(ctx, nsg.id);
  rules.splice(rules.indexOf(existing), 1);
  setNsgEtag(nsg, newEtag());
  nsg.properties = { ...nsg.properties, provisioningState: 'Updating' };
  const op = startOperation(ctx, sub, nsg.location ?? 'westus', nsg.id, () => markSucceeded(ctx, nsg.id));
  return {
    status: 202,
    headers: {
      ...lroHeaders(ctx, op, REAL_RETRY_AFTER.other),
      Location: operationResultUrl(ctx.baseUrl, op),
    },
  };
}

/** Firewall PUT: classic rule collections are replaced wholesale, as with the real service. */
export function putFirewall(ctx: RequestContext, [sub, rg, name]: string[]): Reply {
  requireResourceGroup(ctx.world, sub, rg);
  if (!isValidResourceName(name)) throw new ArmError(400, 'InvalidResourceName', invalidNameMessage(name));
  const id = resourceId(sub, rg, 'Microsoft.Network', 'azureFirewalls', name);
  const existing = ctx.world.resources[key(id)];
  checkPreconditions(ctx, existing, id);
  ensureNotHeld(ctx, id);
  const body = asObject(ctx.body);
  const location = String(body.location ?? existing?.location ?? '');
  if (!location)
    throw errors.badRequest('LocationRequired', 'The location property is required for this definition.');
  const etag = newEtag();
  const props = asObject(body.properties ?? {});
  const fw: ArmResource = {
    ...(existing ?? {}),
    name: existing?.name ?? name,
    id,
    type: 'Microsoft.Network/azureFirewalls',
    location,
    etag,
    ...(body.tags ? { tags: body.tags as Record<string, string> } : {}),
    properties: { ...props, provisioningState: 'Updating' },
  };
  for (const coll of ['networkRuleCollections', 'natRuleCollections', 'applicationRuleCollections']) {
    const list = Array.isArray(props[coll]) ? (props[coll] as ArmResource[]) : [];
    fw.properties![coll] = list.map((c) => ({
      ...c,
      id: `${id}/${coll}/${c.name}`,
      etag,
      properties: { ...asObject(c.properties ?? {}), provisioningState: 'Succeeded' },
    }));
  }
  ctx.world.resources[key(id)] = fw;
  const op = startOperation(ctx, sub, location, id, () => {
    const cur = ctx.world.resources[key(id)];
    if (cur?.properties) cur.properties.provisioningState = 'Succeeded';
  });
  return { status: existing ? 200 : 201, body: fw, headers: lroHeaders(ctx, op, REAL_RETRY_AFTER.other) };
}

export function putResourceGroup(ctx: RequestContext, [sub, rg]: string[]): Reply {
  if (!/^[-\w._()]{1,90}$/.test(rg) || rg.endsWith('.'))
    throw errors.badRequest('InvalidResourceGroupName', `The resource group name '${rg}' is invalid.`);
  const id = resourceGroupId(sub, rg);
  const existing = ctx.world.resourceGroups[key(id)];
  const body = asObject(ctx.body);
  const group: ArmResource = {
    id,
    name: existing?.name ?? rg,
    type: 'Microsoft.Resources/resourceGroups',
    location: String(body.location ?? existing?.location ?? 'westus'),
    ...(body.tags ? { tags: body.tags as Record<string, string> } : {}),
    properties: { provisioningState: 'Succeeded' },
  };
  ctx.world.resourceGroups[key(id)] = group;
  return { status: existing ? 200 : 201, body: group };
}

export function deleteResourceGroup(ctx: RequestContext, [sub, rg]: string[]): Reply {
  const id = key(resourceGroupId(sub, rg));
  if (!ctx.world.resourceGroups[id]) throw errors.resourceGroupNotFound(rg);
  delete ctx.world.resourceGroups[id];
  for (const k of Object.keys(ctx.world.resources)) if (k.startsWith(`${id}/`)) delete ctx.world.resources[k];
  const token = Buffer.from(
    JSON.stringify({ jobId: `RESOURCEGROUPDELETIONJOB-${rg.toUpperCase()}`, jobLocation: 'westus' }),
  ).toString('base64url');
  return {
    status: 202,
    headers: {
      Location: `${ctx.baseUrl}/subscriptions/${sub}/operationresults/${token}?api-version=${ctx.apiVersion}`,
      'Retry-After': '0',
    },
  };
}

export function getOperationStatus(ctx: RequestContext, [, , id]: string[]): Reply {
  const op = ctx.lro.get(id);
  if (!op) throw errors.childNotFound('operations', id);
  return { status: 200, body: { status: op.completed ? 'Succeeded' : 'InProgress' } };
}

export function getOperationResult(ctx: RequestContext, [, , id]: string[]): Reply {
  const op = ctx.lro.get(id);
  if (!op) throw errors.childNotFound('operationResults', id);
  if (!op.completed)
    return {
      status: 202,
      headers: { Location: operationResultUrl(ctx.baseUrl, op), 'Retry-After': retryAfter(ctx, 10) },
    };
  return { status: 204 };
}

export function getResourceGroupDeletion(): Reply {
  return { status: 200 };
}

function ruleResource(
  id: string,
  name: string,
  props: Record<string, unknown>,
  etag: string,
  state: string,
): ArmResource {
  return {
    name,
    id,
    etag,
    type: 'Microsoft.Network/networkSecurityGroups/securityRules',
    properties: { provisioningState: state, ...normalizeRuleProperties(props) },
  };
}

/** One etag for the NSG document and every rule in it, as Network RP does. */
function setNsgEtag(nsg: ArmResource, etag: string): void {
  nsg.etag = etag;
  for (const r of childArray(nsg, 'securityRules')) r.etag = etag;
}

function markSucceeded(ctx: RequestContext, id: string): void {
  const nsg = ctx.world.resources[key(id)];
  if (!nsg?.properties) return;
  nsg.properties.provisioningState = 'Succeeded';
  for (const r of childArray(nsg, 'securityRules'))
    if (r.properties) r.properties.provisioningState = 'Succeeded';
}

function checkPreconditions(ctx: RequestContext, existing: ArmResource | undefined, id: string): void {
  const ifMatch = ctx.headers['if-match'];
  const ifNoneMatch = ctx.headers['if-none-match'];
  if (ifMatch !== undefined) {
    if (!existing) throw new ArmError(404, 'NotFound', `Resource ${id} not found.`);
    if (ifMatch !== '*' && ifMatch !== existing.etag)
      throw errors.preconditionFailed(ifMatch, existing.etag ?? '', id);
  }
  if (ifNoneMatch === '*' && existing)
    throw new ArmError(412, 'PreconditionFailed', 'Precondition failed.', [
      {
        code: 'PreconditionFailedResourceExists',
        message: `Resource ${id} already exists and If-None-Match is '*'.`,
      },
    ]);
}

function ensureNotHeld(ctx: RequestContext, id: string): void {
  const op = ctx.lro.holder(key(id));
  if (op) throw errors.anotherOperationInProgress(id, asyncOperationUrl(ctx.baseUrl, op));
}

function startOperation(
  ctx: RequestContext,
  sub: string,
  location: string,
  holds: string,
  complete: () => void,
): Operation {
  const op = ctx.lro.start({
    holds: key(holds),
    subscriptionId: sub,
    location: location.toLowerCase().replace(/\s/g, ''),
    apiVersion: ctx.apiVersion,
    doneAt: ctx.now + ctx.realism.options.lroDelayMs,
    complete,
  });
  return op;
}

function lroHeaders(ctx: RequestContext, op: Operation, realRetryAfter: number): Record<string, string> {
  return {
    'Azure-AsyncOperation': asyncOperationUrl(ctx.baseUrl, op),
    'Retry-After': retryAfter(ctx, realRetryAfter),
  };
}

function retryAfter(ctx: RequestContext, real: number): string {
  return String(ctx.realism.options.retryAfterSeconds ?? real);
}

function refIds(v: unknown): string[] {
  return Array.isArray(v) ? v.map((x) => String((x as { id?: unknown }).id)) : [];
}

function asObject(v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw errors.invalidRequestContent('expected a JSON object');
  return v as Record<string, unknown>;
}
