// The VM's network after our writes, from the writes themselves: the state the plan was made from,
// with the plan applied by the engine's simulator, each written rule replaced by the rule the service
// returned, each deleted rule gone (the DELETE completed) and each firewall as its PUT returned it.
// Verifying against this costs no call. Undefined when anything looks off — a returned rule is not
// the one planned, a step had to be sent again, the simulator refuses the plan — and the caller then
// re-reads.
import { applyPlan as simulatePlan, SimulationError, worldOf } from '../../engine/simulate';
import type { AzureFirewall, AzureVmNetwork, FirewallNatRule, Nsg, SecurityRule } from '../../engine/model';
import type { Plan } from '../../engine/operations';
import type { AppliedWrites, FirewallOp } from './applyPlan';
import { idKey } from './armIds';
import { type ArmLike, toArmNatRule, toArmSecurityRule, toFirewall, toSecurityRule } from './translate';

/** A rule's content as the service compares it: without id and etag, empty lists as absent. */
function ruleContent(rule: SecurityRule): string {
  return JSON.stringify(toSecurityRule(toArmSecurityRule(rule)));
}

function natRuleContent(rule: FirewallNatRule): string {
  return JSON.stringify(toArmNatRule(rule));
}

/** Every DNAT rule the ops put is there as planned, every one they deleted is gone. */
function firewallAsPlanned(firewall: AzureFirewall, ops: FirewallOp[]): boolean {
  const ruleIn = (collection: string, name: string) =>
    firewall.natRuleCollections
      .find((c) => c.name.toLowerCase() === collection.toLowerCase())
      ?.rules.find((r) => r.name.toLowerCase() === name.toLowerCase());
  return ops.every((op) => {
    if (op.kind === 'azure.deleteFirewallNatRule') return ruleIn(op.collection, op.ruleName) === undefined;
    const found = ruleIn(op.collection, op.rule.name);
    return found !== undefined && natRuleContent(found) === natRuleContent(op.rule);
  });
}

export function stateAfterWrites(
  before: AzureVmNetwork,
  plan: Plan,
  writes: AppliedWrites,
): AzureVmNetwork | undefined {
  if (writes.resentSteps > 0) return undefined;
  let simulated;
  try {
    simulated = simulatePlan(worldOf([before]), plan);
  } catch (error) {
    if (error instanceof SimulationError) return undefined;
    throw error;
  }
  const nsgs: Record<string, Nsg> = {};
  for (const [key, nsg] of Object.entries(before.nsgs)) {
    const after = simulated.nsgs[nsg.id];
    if (!after) return undefined;
    nsgs[key] = after;
  }
  const firewalls = new Map(before.firewalls.map((f) => [idKey(f.id), simulated.firewalls[f.id] ?? f]));
  for (const result of writes.results) {
    if (result.kind === 'ruleDeleted') continue;
    if (result.kind === 'rule') {
      const returned = toSecurityRule(result.rule as ArmLike);
      if (ruleContent(returned) !== ruleContent(result.op.rule)) return undefined;
      const nsg = Object.values(nsgs).find((n) => idKey(n.id) === idKey(result.op.nsgId));
      const i = nsg?.securityRules.findIndex((r) => r.name.toLowerCase() === returned.name.toLowerCase());
      if (!nsg || i === undefined || i < 0) return undefined;
      nsg.securityRules = nsg.securityRules.map((r, k) => (k === i ? returned : r)); // a new list: see compileNsg
      continue;
    }
    const key = idKey(result.ops[0].firewallId);
    const known = firewalls.get(key);
    if (!known) return undefined;
    // A firewall's public addresses do not change with its rules: keep the ones already resolved.
    const returned = {
      ...toFirewall(result.firewall as ArmLike, () => undefined),
      publicIps: known.publicIps,
    };
    if (!firewallAsPlanned(returned, result.ops)) return undefined;
    firewalls.set(key, returned);
  }
  return { ...before, nsgs, firewalls: [...firewalls.values()] };
}
