// After a grant is written the provider re-reads the VM; these checks confirm from that fresh state
// that exactly the requested access opened (the engine's probe-based verifier, run against the grant
// as planned — not as decoded from the re-read, which would excuse a rule that opened wider), and tell
// a sweep which grants it will remove.
import type { ExecuteResult } from '../cloud/provider';
import { decodeAwsTags, decodeAzureRule } from '../engine/metadata';
import { foundGrantsOf } from '../engine/jitState';
import type { AwsVmNetwork, AzureVmNetwork, Grant, SgRule, VmNetwork } from '../engine/model';
import { verifyGrant } from '../engine/verify';

/** At most this many probe failures are quoted in an error message. */
const QUOTED_PROBLEMS = 4;

type Meta = { kind: string; origin: string; grantId?: string } | undefined;

/** Whether a rule is part of another grant of ours (a colleague's, say). */
function ofOtherGrant(meta: Meta, mine: string): boolean {
  return meta?.origin === 'jit-vm-access' && meta.kind === 'grant' && meta.grantId !== mine;
}

/**
 * Keys of rules of other grants (by `keyOf`) present in only one of the two states: added or removed
 * by other copies of the tool while ours was being written.
 */
function changedElsewhere<R>(before: R[], after: R[], keyOf: (r: R) => string | undefined): Set<string> {
  const keys = (list: R[]) => new Set(list.map(keyOf).filter((k): k is string => k !== undefined));
  const [was, now] = [keys(before), keys(after)];
  return new Set([...was, ...now].filter((k) => was.has(k) !== now.has(k)));
}

/**
 * Both states without the rules of other grants that appeared or vanished meanwhile: a colleague's
 * concurrent grant (or its expiry) on the same VM changes reachability too, and is not ours to explain.
 */
export function withoutConcurrentGrants(
  before: VmNetwork,
  after: VmNetwork,
  grantId: string,
): { before: VmNetwork; after: VmNetwork } {
  if (before.cloud === 'azure' && after.cloud === 'azure') {
    const nsgRules = (net: AzureVmNetwork) =>
      Object.values(net.nsgs).flatMap((n) => n.securityRules.map((rule) => ({ nsg: n.id, rule })));
    const natRules = (net: AzureVmNetwork) =>
      net.firewalls.flatMap((f) =>
        f.natRuleCollections.flatMap((c) => c.rules.map((rule) => ({ at: `${f.id}|${c.name}`, rule }))),
      );
    const nsgKey = (r: { nsg: string; rule: { name: string; description?: string } }) =>
      ofOtherGrant(decodeAzureRule(r.rule), grantId) ? `${r.nsg}|${r.rule.name}`.toLowerCase() : undefined;
    const natKey = (r: { at: string; rule: { name: string; description?: string } }) =>
      ofOtherGrant(decodeAzureRule(r.rule), grantId) ? `${r.at}|${r.rule.name}`.toLowerCase() : undefined;
    const skipNsg = changedElsewhere(nsgRules(before), nsgRules(after), nsgKey);
    const skipNat = changedElsewhere(natRules(before), natRules(after), natKey);
    const strip = (net: AzureVmNetwork): AzureVmNetwork => ({
      ...net,
      nsgs: Object.fromEntries(
        Object.entries(net.nsgs).map(([id, nsg]) => [
          id,
          {
            ...nsg,
            securityRules: nsg.securityRules.filter(
              (rule) => !skipNsg.has(nsgKey({ nsg: nsg.id, rule }) ?? ''),
            ),
          },
        ]),
      ),
      firewalls: net.firewalls.map((f) => ({
        ...f,
        natRuleCollections: f.natRuleCollections.map((c) => ({
          ...c,
          rules: c.rules.filter((rule) => !skipNat.has(natKey({ at: `${f.id}|${c.name}`, rule }) ?? '')),
        })),
      })),
    });
    return { before: strip(before), after: strip(after) };
  }
  if (before.cloud === 'aws' && after.cloud === 'aws') {
    const rules = (net: AwsVmNetwork) => Object.values(net.groups).flatMap((g) => g.rules);
    const key = (r: SgRule) =>
      r.ruleId !== undefined && ofOtherGrant(r.tags ? decodeAwsTags(r.tags) : undefined, grantId)
        ? r.ruleId
        : undefined;
    const skip = changedElsewhere(rules(before), rules(after), key);
    const strip = (net: AwsVmNetwork): AwsVmNetwork => ({
      ...net,
      groups: Object.fromEntries(
        Object.entries(net.groups).map(([id, g]) => [
          id,
          { ...g, rules: g.rules.filter((r) => !skip.has(key(r) ?? '')) },
        ]),
      ),
    });
    return { before: strip(before), after: strip(after) };
  }
  return { before, after };
}

/**
 * Problems with a just-written grant (empty when all is well): all its rules must be in place, the
 * requested ports must be open from the requested source, and nothing else may have changed — a
 * rule that opened to a wider source than asked (say `*`) shows up as reachability from elsewhere.
 */
export function verifyWrittenGrant(
  result: Pick<ExecuteResult, 'before' | 'after'>,
  planned: Grant,
): string[] {
  const found = foundGrantsOf(result.after).find((f) => f.grant.id === planned.id);
  if (!found) return [`Grant ${planned.id} is not in ${result.after.vm.name}'s rules after writing it.`];
  const problems: string[] = [];
  if (found.foundParts < found.expectedParts) {
    problems.push(
      `Only ${found.foundParts} of ${found.expectedParts} rules of grant ${planned.id} are in place.`,
    );
  }
  const compared = withoutConcurrentGrants(result.before, result.after, planned.id);
  const probes = verifyGrant(compared.before, compared.after, planned);
  problems.push(...probes.slice(0, QUOTED_PROBLEMS));
  if (probes.length > QUOTED_PROBLEMS) problems.push(`(and ${probes.length - QUOTED_PROBLEMS} more)`);
  return problems;
}

/** The grants a sweep of this VM removes: expired ones, and ones only partly written. */
export function sweepTargets(net: VmNetwork, now: number): { expired: Grant[]; incomplete: Grant[] } {
  const expired: Grant[] = [];
  const incomplete: Grant[] = [];
  for (const f of foundGrantsOf(net)) {
    if (f.grant.expiresAt <= now) expired.push(f.grant);
    else if (f.foundParts < f.expectedParts) incomplete.push(f.grant);
  }
  return { expired, incomplete };
}
