// Carries out a plan's operations in order with the SDK: rule-level PUT/DELETE on NSGs, and a
// whole-firewall PUT for classic DNAT rules (they are inline properties of the firewall). Each write
// waits for its long-running operation and carries If-Match where we know the current ETag.
import type {
  AzureFirewall as SdkFirewall,
  AzureFirewallNatRuleCollection as SdkNatCollection,
  SecurityRule as SdkSecurityRule,
} from '@azure/arm-network';
import type { CloudOp } from '../../engine/operations';
import type { Plan } from '../../engine/operations';
import type { AzureClients } from './clients';
import type { FreshNetwork } from './freshRead';
import { idKey, requireArmId, sameId } from './armIds';
import { toArmNatRule, toArmSecurityRule } from './translate';
import { type RetryOptions, type Timing, retryTransient } from './retry';

export type FirewallOp = Extract<
  CloudOp,
  { kind: 'azure.putFirewallNatRule' | 'azure.deleteFirewallNatRule' }
>;

export interface ApplyContext {
  clients: AzureClients;
  /** The state the plan was made from: ETags for If-Match, and the firewalls to PUT back. */
  fresh: FreshNetwork;
  retry: RetryOptions;
  timing: Timing;
  /** LRO polling interval when the service sends no usable Retry-After (SDK default 2 s). */
  lroPollIntervalMs?: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

/**
 * What the service answered to each write: the final response of a rule PUT (the service's own view of
 * the rule), the completion of a rule DELETE, the firewall as its PUT left it.
 */
export type WriteResult =
  | { kind: 'rule'; op: Extract<CloudOp, { kind: 'azure.putRule' }>; rule: SdkSecurityRule }
  | { kind: 'ruleDeleted'; op: Extract<CloudOp, { kind: 'azure.deleteRule' }> }
  | { kind: 'firewall'; ops: FirewallOp[]; firewall: SdkFirewall };

export interface AppliedWrites {
  results: WriteResult[];
  /**
   * Steps that were sent more than once (busy, throttled, 5xx, dropped connection): an earlier send
   * may have taken effect too, so their results are not the whole story.
   */
  resentSteps: number;
}

/** A step failed; `applied` are the preview lines of the steps before it that took effect. */
export class StepFailure extends Error {
  constructor(
    readonly applied: string[],
    readonly failedStep: string,
    override readonly cause: unknown,
  ) {
    super(`Step "${failedStep}" failed: ${String((cause as Error)?.message ?? cause)}`);
    this.name = 'StepFailure';
  }
}

/** Consecutive ops on the same firewall become one PUT; every other op is its own step. */
function steps(plan: Plan): { ops: CloudOp[]; lines: string[] }[] {
  const out: { ops: CloudOp[]; lines: string[] }[] = [];
  plan.ops.forEach((op, i) => {
    const line = plan.preview[i] ?? op.kind;
    const last = out[out.length - 1];
    if (
      isFirewallOp(op) &&
      last &&
      isFirewallOp(last.ops[0]) &&
      sameId(last.ops[0].firewallId, op.firewallId)
    ) {
      last.ops.push(op);
      last.lines.push(line);
    } else {
      out.push({ ops: [op], lines: [line] });
    }
  });
  return out;
}

function isFirewallOp(op: CloudOp): op is FirewallOp {
  return op.kind === 'azure.putFirewallNatRule' || op.kind === 'azure.deleteFirewallNatRule';
}

export async function applyPlan(ctx: ApplyContext, plan: Plan): Promise<AppliedWrites> {
  const applied: string[] = [];
  const written: AppliedWrites = { results: [], resentSteps: 0 };
  for (const step of steps(plan)) {
    ctx.onProgress?.(step.lines.join('; '));
    let sends = 0;
    try {
      const result = await retryTransient(
        () => {
          sends++;
          return applyStep(ctx, step.ops);
        },
        ctx.retry,
        ctx.timing,
        ctx.signal,
      );
      written.results.push(result);
    } catch (cause) {
      throw new StepFailure(applied, step.lines.join('; '), cause);
    }
    if (sends > 1) written.resentSteps++;
    applied.push(...step.lines);
  }
  return written;
}

async function applyStep(ctx: ApplyContext, ops: CloudOp[]): Promise<WriteResult> {
  const first = ops[0];
  if (isFirewallOp(first)) {
    const firewall = await putFirewall(ctx, first.firewallId, ops as FirewallOp[]);
    return { kind: 'firewall', ops: ops as FirewallOp[], firewall };
  }
  if (first.kind === 'azure.putRule')
    return { kind: 'rule', op: first, rule: await putRule(ctx, first.nsgId, first.rule) };
  if (first.kind === 'azure.deleteRule') {
    await deleteRule(ctx, first.nsgId, first.ruleName);
    return { kind: 'ruleDeleted', op: first };
  }
  throw new Error(`The Azure provider cannot apply "${first.kind}".`);
}

function lroOptions(ctx: ApplyContext, etag: string | undefined) {
  const headers: Record<string, string> = etag ? { 'If-Match': etag } : {};
  return {
    abortSignal: ctx.signal,
    ...(ctx.lroPollIntervalMs !== undefined ? { updateIntervalInMs: ctx.lroPollIntervalMs } : {}),
    requestOptions: { headers },
  };
}

/** The ETag of a rule as we read it, so an update or delete cannot clobber a change we did not see. */
function ruleEtag(ctx: ApplyContext, nsgId: string, ruleName: string): string | undefined {
  const nsg = Object.values(ctx.fresh.network.nsgs).find((n) => sameId(n.id, nsgId));
  return nsg?.securityRules.find((r) => r.name.toLowerCase() === ruleName.toLowerCase())?.etag;
}

async function putRule(
  ctx: ApplyContext,
  nsgId: string,
  rule: Parameters<typeof toArmSecurityRule>[0],
): Promise<SdkSecurityRule> {
  const ref = requireArmId(nsgId);
  const network = await ctx.clients.networkClient(ref.subscription);
  return network.securityRules.createOrUpdate(
    ref.resourceGroup,
    ref.names[0],
    rule.name,
    toArmSecurityRule(rule),
    lroOptions(ctx, ruleEtag(ctx, nsgId, rule.name)),
  );
}

async function deleteRule(ctx: ApplyContext, nsgId: string, ruleName: string) {
  const ref = requireArmId(nsgId);
  const network = await ctx.clients.networkClient(ref.subscription);
  await network.securityRules.delete(
    ref.resourceGroup,
    ref.names[0],
    ruleName,
    lroOptions(ctx, ruleEtag(ctx, nsgId, ruleName)),
  );
}

/** Applies DNAT rule changes to the firewall as read, PUTs it whole with If-Match, keeps the result. */
async function putFirewall(ctx: ApplyContext, firewallId: string, ops: FirewallOp[]): Promise<SdkFirewall> {
  const current = ctx.fresh.firewalls.get(idKey(firewallId));
  if (!current) throw new Error(`Firewall ${firewallId} was not part of the VM's network as read.`);
  const updated: SdkFirewall = {
    ...current,
    natRuleCollections: withNatChanges(current.natRuleCollections ?? [], ops),
  };
  const ref = requireArmId(firewallId);
  const network = await ctx.clients.networkClient(ref.subscription);
  const result = await network.azureFirewalls.createOrUpdate(
    ref.resourceGroup,
    ref.names[0],
    updated,
    lroOptions(ctx, current.etag),
  );
  ctx.fresh.firewalls.set(idKey(firewallId), result);
  return result;
}

/** The NAT collections after the ops: rules replaced or added by name, emptied JIT collections dropped. */
export function withNatChanges(collections: SdkNatCollection[], ops: FirewallOp[]): SdkNatCollection[] {
  let result = collections.map((c) => ({ ...c, rules: [...(c.rules ?? [])] }));
  const touched = new Set<string>();
  for (const op of ops) {
    const name = op.collection.toLowerCase();
    touched.add(name);
    let collection = result.find((c) => c.name?.toLowerCase() === name);
    if (op.kind === 'azure.putFirewallNatRule') {
      if (!collection) {
        collection = {
          name: op.collection,
          priority: op.collectionPriority,
          action: { type: 'Dnat' },
          rules: [],
        };
        result.push(collection);
      }
      const rules = (collection.rules ?? []).filter(
        (r) => r.name?.toLowerCase() !== op.rule.name.toLowerCase(),
      );
      collection.rules = [...rules, toArmNatRule(op.rule)];
    } else if (collection) {
      collection.rules = (collection.rules ?? []).filter(
        (r) => r.name?.toLowerCase() !== op.ruleName.toLowerCase(),
      );
    }
  }
  // A rule collection must hold at least one rule: drop the ones our deletes emptied.
  result = result.filter((c) => !touched.has(c.name?.toLowerCase() ?? '') || (c.rules ?? []).length > 0);
  return result;
}
