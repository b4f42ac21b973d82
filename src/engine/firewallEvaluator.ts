// Azure Firewall with classic rules, as a path to the VM separate from the NSGs. DNAT collections
// are processed before network collections; within each kind, collections by ascending priority and
// the first matching rule decides. DNAT rewrites the destination to translatedAddress:translatedPort,
// so a DNAT rule to the VM's private address and port makes the VM reachable at the firewall's
// public address. The NSG path behind the firewall is not combined with this one: the firewall
// source-NATs, so NSGs see its private address (normally allowed by AllowVnetInBound).
import { AddressSet } from './addressSet';
import { parseAddress, parseCidr } from './cidr';
import type { Decision, Traffic, TrafficProtocol } from './evaluator';
import type { AzureFirewall, FirewallNatRule, FirewallNetworkRule, FirewallProtocol } from './model';
import { compilePortRanges, portInRanges } from './portRanges';

/** Firewall address fields: '*', CIDRs, single addresses and 'a-b' ranges. Anything else (IP groups, tags) never matches. */
function addressSet(values: readonly string[]): AddressSet {
  const ranges: Array<[bigint, bigint]> = [];
  for (const raw of values) {
    const v = raw.trim();
    if (v === '*') return AddressSet.ALL;
    const dash = v.indexOf('-');
    if (dash > 0) {
      const lo = parseAddress(v.slice(0, dash));
      const hi = parseAddress(v.slice(dash + 1));
      if (lo && hi && lo.family === hi.family && lo.value <= hi.value) ranges.push([lo.value, hi.value]);
      continue;
    }
    const c = parseCidr(v);
    if (c) ranges.push([c.first, c.last]);
  }
  return AddressSet.of(ranges);
}

function protocolMatches(protocols: readonly FirewallProtocol[], protocol: TrafficProtocol): boolean {
  return protocols.some((p) => p.toLowerCase() === 'any' || p.toLowerCase() === protocol);
}

function sameAddress(a: string, b: string): boolean {
  const x = parseAddress(a);
  const y = parseAddress(b);
  return !!x && !!y && x.value === y.value;
}

export interface FirewallShare {
  sources: AddressSet;
  decision: Decision;
}

interface NatFrontend {
  address: string;
  port: number;
}

function natFrontends(rule: FirewallNatRule): NatFrontend[] {
  const ports = compilePortRanges(rule.destinationPorts);
  const out: NatFrontend[] = [];
  for (const address of rule.destinationAddresses) {
    for (let i = 0; i < ports.length; i += 2) out.push({ address, port: ports[i] });
  }
  return out;
}

function natRulesInOrder(
  fw: AzureFirewall,
): Array<{ collection: string; priority: number; rule: FirewallNatRule }> {
  return [...fw.natRuleCollections]
    .filter((c) => c.action === 'Dnat')
    .sort((a, b) => a.priority - b.priority)
    .flatMap((c) => c.rules.map((rule) => ({ collection: c.name, priority: c.priority, rule })));
}

function networkRulesInOrder(
  fw: AzureFirewall,
): Array<{ collection: string; priority: number; action: 'Allow' | 'Deny'; rule: FirewallNetworkRule }> {
  return [...fw.networkRuleCollections]
    .sort((a, b) => a.priority - b.priority)
    .flatMap((c) =>
      c.rules.map((rule) => ({ collection: c.name, priority: c.priority, action: c.action, rule })),
    );
}

/**
 * For each DNAT rule that forwards to `destination:port`, the sources it actually serves (earlier
 * rules on the same frontend address and port take their share first), and for each allowing
 * network rule to `destination:port`, likewise.
 */
export function firewallShares(
  fw: AzureFirewall,
  destination: string,
  port: number,
  protocol: TrafficProtocol,
): FirewallShare[] {
  const dst = parseAddress(destination);
  if (!dst) return [];
  const out: FirewallShare[] = [];
  const nat = natRulesInOrder(fw).filter((n) => protocolMatches(n.rule.protocols, protocol));
  nat.forEach((n, index) => {
    if (!sameAddress(n.rule.translatedAddress, destination) || Number(n.rule.translatedPort) !== port) return;
    for (const frontend of natFrontends(n.rule)) {
      const earlier = nat
        .slice(0, index)
        .filter(
          (e) =>
            addressSet(e.rule.destinationAddresses).has(parseAddress(frontend.address)?.value ?? -1n) &&
            portInRanges(compilePortRanges(e.rule.destinationPorts), frontend.port),
        )
        .reduce((acc, e) => acc.union(addressSet(e.rule.sourceAddresses)), AddressSet.EMPTY);
      const sources = addressSet(n.rule.sourceAddresses).subtract(earlier);
      if (sources.isEmpty) continue;
      out.push({
        sources,
        decision: {
          layer: 'firewall-dnat',
          resourceId: fw.id,
          resourceName: fw.name,
          rule: n.rule.name,
          collection: n.collection,
          priority: n.priority,
          access: 'Allow',
          connect: { host: frontend.address, port: frontend.port },
        },
      });
    }
  });

  let remaining = AddressSet.ALL;
  for (const n of networkRulesInOrder(fw)) {
    if (!protocolMatches(n.rule.protocols, protocol)) continue;
    if (!addressSet(n.rule.destinationAddresses).has(dst.value)) continue;
    if (!portInRanges(compilePortRanges(n.rule.destinationPorts), port)) continue;
    const taken = remaining.intersect(addressSet(n.rule.sourceAddresses));
    if (taken.isEmpty) continue;
    remaining = remaining.subtract(taken);
    if (n.action === 'Allow') {
      out.push({
        sources: taken,
        decision: {
          layer: 'firewall-network',
          resourceId: fw.id,
          resourceName: fw.name,
          rule: n.rule.name,
          collection: n.collection,
          priority: n.priority,
          access: 'Allow',
        },
      });
    }
  }
  return out;
}

/** Firewall paths that bring `traffic` to `destination` (empty: no firewall lets it through). */
export function evaluateFirewalls(
  firewalls: readonly AzureFirewall[],
  destination: string,
  traffic: Traffic,
): Decision[] {
  const src = parseAddress(traffic.source);
  if (!src) return [];
  return firewalls.flatMap((fw) =>
    firewallShares(fw, destination, traffic.port, traffic.protocol)
      .filter((s) => s.sources.has(src.value))
      .map((s) => s.decision),
  );
}

/** Documented-tree question "firewall has Allow rules for those ports": any DNAT or allowing network rule to the VM, any source. */
export function firewallHasAllowRule(
  fw: AzureFirewall,
  destinations: readonly string[],
  port: number,
): boolean {
  const tcp = (protocols: readonly FirewallProtocol[]) => protocolMatches(protocols, 'tcp');
  const dnat = natRulesInOrder(fw).some(
    (n) =>
      tcp(n.rule.protocols) &&
      Number(n.rule.translatedPort) === port &&
      destinations.some((d) => sameAddress(n.rule.translatedAddress, d)),
  );
  if (dnat) return true;
  return networkRulesInOrder(fw).some(
    (n) =>
      n.action === 'Allow' &&
      tcp(n.rule.protocols) &&
      portInRanges(compilePortRanges(n.rule.destinationPorts), port) &&
      destinations.some((d) => {
        const a = parseAddress(d);
        return !!a && addressSet(n.rule.destinationAddresses).has(a.value);
      }),
  );
}
