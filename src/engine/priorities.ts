/*
 * NSG priority algorithm for the rules this project writes (range 100-4096, unique per direction
 * in one NSG; only inbound rules are ever written, so only inbound numbers are considered).
 *
 * 1. We never re-number a rule we did not create. Every priority we pick is a free inbound slot.
 *
 * 2. JIT deny rule (one per NSG and protocol, destination = this VM's private IPs only, ports = the
 *    policy's ports, source `*`). An NSG evaluates rules by ascending number and the first match
 *    decides, so a deny placed after an allow that exposes the port closes nothing. Defender
 *    documents exactly that ("other rules keep priority"), which leaves the port open; we
 *    deliberately close it instead:
 *      ceiling = the lowest number among the NSG's inbound Allow rules we did not create that may
 *                match (any source, one of this VM's private IPs, a policy port and protocol).
 *                Service tags and `*` count as "may match". 4097 when there is none.
 *      floor   = one above the highest number among our own grant rules for this VM (grants
 *                must stay above the deny), else 100.
 *      deny    = the LARGEST free number in [floor, ceiling - 1].
 *    Largest, so the deny sits right before the rule it overrides and leaves the most room above it
 *    for grants. It is safe for every other VM: its destination is this VM's private address(es)
 *    only, so on a subnet NSG shared by many VMs nothing else changes. An existing deny of ours
 *    keeps its number while it is still in range (enable is idempotent).
 *
 * 3. Grant allow rule (exact source, this VM's private IPs, exact ports): the SMALLEST free number in
 *    [100, deny - 1] (deny = our deny's number in that NSG, 4097 without one) — top priority, like
 *    Defender's 100-110, so no other rule can shadow the grant; it matches only the requested tuples,
 *    so it opens nothing else.
 *
 * 4. No free slot: planning fails with a NoFreePriorityError that names the NSG, the range searched
 *    and the rule that bounds it, and says how to make room (the tool will not do it for you).
 */
import { decodeAzureRule, vmKeyOf } from './metadata';
import type { JitPortPolicy, Nsg, SecurityRule } from './model';
import { portInRanges } from './portRanges';
import { destinationPortRanges, destinationPrefixes, prefixMayContain, protocolOverlaps } from './ruleFields';

export const PRIORITY_MIN = 100;
export const PRIORITY_MAX = 4096;

export class NoFreePriorityError extends Error {
  override name = 'NoFreePriorityError';
}

/** Inbound numbers in use in an NSG, plus any this plan has already reserved there. */
export function usedInbound(nsg: Nsg, reserved: Iterable<number> = []): Set<number> {
  const used = new Set(reserved);
  for (const r of nsg.securityRules) if (r.direction === 'Inbound') used.add(r.priority);
  return used;
}

/** Whether an inbound Allow rule may let some traffic reach one of `ips` on one of the policy ports. */
export function mayExpose(rule: SecurityRule, ips: string[], ports: JitPortPolicy[]): boolean {
  if (rule.direction !== 'Inbound' || rule.access !== 'Allow') return false;
  const dests = destinationPrefixes(rule);
  if (!ips.some((ip) => dests.some((d) => prefixMayContain(d, ip)))) return false;
  const ranges = destinationPortRanges(rule);
  return ports.some((p) => protocolOverlaps(rule.protocol, p.protocol) && portInRanges(ranges, p.port));
}

/** The rule bounding the deny from below in number (the first exposing allow), if any. */
export function firstExposingRule(nsg: Nsg, ips: string[], ports: JitPortPolicy[]): SecurityRule | undefined {
  let first: SecurityRule | undefined;
  for (const r of nsg.securityRules) {
    // The cheap field checks first: decoding the name and description is needed only for the few left.
    if (!mayExpose(r, ips, ports)) continue;
    // Ours are what JIT adds; Defender's own grants are temporary allows: neither is what JIT closes.
    const origin = decodeAzureRule(r)?.origin;
    if (origin === 'jit-vm-access' || origin === 'defender') continue;
    if (!first || r.priority < first.priority) first = r;
  }
  return first;
}

export function denyPriority(
  nsg: Nsg,
  vmId: string,
  ips: string[],
  ports: JitPortPolicy[],
  reserved: Iterable<number>,
  current?: number,
): number {
  const bound = firstExposingRule(nsg, ips, ports);
  const ceiling = bound ? bound.priority : PRIORITY_MAX + 1;
  const key = vmKeyOf(vmId);
  let floor = PRIORITY_MIN;
  for (const r of nsg.securityRules) {
    const meta = decodeAzureRule(r);
    if (
      meta?.origin === 'jit-vm-access' &&
      meta.kind === 'grant' &&
      meta.vmKey === key &&
      r.direction === 'Inbound'
    ) {
      floor = Math.max(floor, r.priority + 1);
    }
  }
  if (current !== undefined && current >= floor && current < ceiling) return current;
  const used = usedInbound(nsg, reserved);
  for (let p = ceiling - 1; p >= floor; p--) if (!used.has(p)) return p;
  const why = bound
    ? `rule '${bound.name}' (priority ${bound.priority}) allows a JIT port to this VM, and the deny must come before it`
    : 'every inbound priority is in use';
  throw new NoFreePriorityError(
    `No free inbound priority in ${floor}-${ceiling - 1} on NSG '${nsg.name}' for the JIT deny rule: ${why}. ` +
      `Free a slot by moving or deleting a rule there (JIT VM Access never re-numbers rules it did not create).`,
  );
}

export function grantPriority(nsg: Nsg, deny: number | undefined, reserved: Iterable<number>): number {
  const ceiling = deny ?? PRIORITY_MAX + 1;
  const used = usedInbound(nsg, reserved);
  for (let p = PRIORITY_MIN; p < ceiling; p++) if (!used.has(p)) return p;
  throw new NoFreePriorityError(
    `No free inbound priority in ${PRIORITY_MIN}-${ceiling - 1} on NSG '${nsg.name}' for the grant rule` +
      (deny !== undefined ? ` (it must come before the JIT deny rule at ${deny})` : '') +
      `. Free a slot there by moving or deleting a rule, or revoke an older grant.`,
  );
}
