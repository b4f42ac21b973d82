// After a grant is written the provider re-reads the VM; these checks confirm from that fresh state
// that the grant is in place and opens what was asked, and tell a sweep which grants it will remove.
import { parseCidr, valueToText } from '../engine/cidr';
import { evaluateVm, type TrafficProtocol } from '../engine/evaluator';
import { foundGrantsOf } from '../engine/jitState';
import type { Grant, VmNetwork } from '../engine/model';

/** An address inside the grant's source range (any public example address for `*`). */
function sampleSource(source: string): string {
  const cidr = parseCidr(source);
  return cidr ? valueToText(cidr.family, cidr.first) : '198.51.100.1';
}

function protocolsOf(protocol: Grant['ports'][number]['protocol']): TrafficProtocol[] {
  return protocol === '*' ? ['tcp', 'udp'] : [protocol];
}

/**
 * Problems with a grant in the re-read state: its rules must all be there, and each port must be
 * reachable from the source on the VM's private address or through the firewall's DNAT.
 */
export function verifyGrant(after: VmNetwork, grant: Grant): string[] {
  const found = foundGrantsOf(after).find((f) => f.grant.id === grant.id);
  if (!found) return [`Grant ${grant.id} is not in ${after.vm.name}'s rules after writing it.`];
  const problems: string[] = [];
  if (found.foundParts < found.expectedParts) {
    problems.push(
      `Only ${found.foundParts} of ${found.expectedParts} rules of grant ${grant.id} are in place.`,
    );
  }
  const source = sampleSource(grant.source);
  for (const p of grant.ports) {
    for (const protocol of protocolsOf(p.protocol)) {
      const verdicts = evaluateVm(after, { source, port: p.port, protocol });
      const open = verdicts.some((v) => v.allowed || v.firewall.some((d) => d.layer === 'firewall-dnat'));
      if (!open) problems.push(`Port ${p.port}/${protocol} is still closed from ${source} after the grant.`);
    }
  }
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
