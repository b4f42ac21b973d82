// Microsoft.Authorization permissions: the caller's effective actions at a scope (API 2022-04-01).
import type { Reply, RequestContext } from '../context';
import { requireResourceGroup, requireSubscription } from './lookups';

export function getPermissions(ctx: RequestContext, [sub, rg]: string[]): Reply {
  if (rg !== undefined) requireResourceGroup(ctx.world, sub, rg);
  else requireSubscription(ctx.world, sub);
  const { actions, notActions } = ctx.principal;
  return { status: 200, body: { value: [{ actions, notActions, dataActions: [], notDataActions: [] }] } };
}
