// EC2 security group semantics: allow-only, stateful, and additive — traffic is allowed when any
// ingress rule of any group attached to the interface matches it; otherwise it is denied.
//
// Peer decisions:
// - prefixListId: the list's CIDRs from net.prefixLists; a list we could not read is treated as
//   "any address" (conservative: it may expose the port, so we say it does).
// - referencedGroupId: means "instances in that group"; it never matches an internet address, and
//   since we cannot know a concrete private address's memberships, it matches nothing here.
import { AddressSet, PUBLIC_ADDRESSES } from './addressSet';
import { parseAddress, parseCidr } from './cidr';
import type { Decision, Traffic, TrafficProtocol, Verdict } from './evaluator';
import type { AwsVmNetwork, NetworkInterface, SecurityGroup, SgRule } from './model';

/** True when the rule's protocol and port range cover `port` over `protocol`. */
export function sgRuleCovers(rule: SgRule, port: number, protocol: TrafficProtocol): boolean {
  const p = rule.ipProtocol.toLowerCase();
  if (p === '-1' || p === 'all') return true;
  const matchesProtocol = protocol === 'tcp' ? p === 'tcp' || p === '6' : p === 'udp' || p === '17';
  if (!matchesProtocol) return false;
  const from = rule.fromPort ?? -1;
  const to = rule.toPort ?? -1;
  if (from === -1 && to === -1) return true;
  return port >= from && port <= to;
}

/** The peer addresses of an ingress rule. */
export function sgRulePeers(rule: SgRule, net: AwsVmNetwork): AddressSet {
  const cidr = rule.cidrIpv4 ?? rule.cidrIpv6;
  if (cidr !== undefined) {
    const c = parseCidr(cidr);
    return c ? AddressSet.of([[c.first, c.last]]) : AddressSet.EMPTY;
  }
  if (rule.prefixListId !== undefined) {
    const list = net.prefixLists?.[rule.prefixListId];
    return list ? AddressSet.fromCidrs(list) : AddressSet.ALL;
  }
  return AddressSet.EMPTY; // referencedGroupId
}

/** Groups attached to the interface that the network state includes, in attachment order. */
export function attachedGroups(net: AwsVmNetwork, nic: NetworkInterface): SecurityGroup[] {
  return (nic.securityGroupIds ?? []).flatMap((id) => (net.groups[id] ? [net.groups[id]] : []));
}

export function sgDecision(group: SecurityGroup, rule: SgRule): Decision {
  return {
    layer: 'security-group',
    resourceId: group.id,
    resourceName: group.name,
    rule: rule.ruleId,
    access: 'Allow',
  };
}

export function evaluateAwsInterface(
  net: AwsVmNetwork,
  nic: NetworkInterface,
  destination: string,
  traffic: Traffic,
): Verdict {
  const src = parseAddress(traffic.source);
  const dst = parseAddress(destination);
  const decidedBy: Decision[] = [];
  if (src && dst && src.family === dst.family) {
    for (const group of attachedGroups(net, nic)) {
      for (const rule of group.rules) {
        if (rule.isEgress || !sgRuleCovers(rule, traffic.port, traffic.protocol)) continue;
        if (sgRulePeers(rule, net).has(src.value)) decidedBy.push(sgDecision(group, rule));
      }
    }
  }
  if (decidedBy.length > 0) return { allowed: true, decidedBy };
  return { allowed: false, decidedBy: [{ layer: 'implicit-deny', access: 'Deny' }] };
}

export interface AwsReachablePart {
  sources: AddressSet;
  via: Decision[];
}

/** One part per allowing rule: the sources (of the destination's family) that rule lets in. */
export function awsReachableSources(
  net: AwsVmNetwork,
  nic: NetworkInterface,
  destination: string,
  port: number,
  protocol: TrafficProtocol,
): AwsReachablePart[] {
  const dst = parseAddress(destination);
  if (!dst) return [];
  const family = dst.family === 4 ? AddressSet.ALL_IPV4 : AddressSet.ALL_IPV6;
  const out: AwsReachablePart[] = [];
  for (const group of attachedGroups(net, nic)) {
    for (const rule of group.rules) {
      if (rule.isEgress || !sgRuleCovers(rule, port, protocol)) continue;
      const sources = sgRulePeers(rule, net).intersect(family);
      if (!sources.isEmpty) out.push({ sources, via: [sgDecision(group, rule)] });
    }
  }
  return out;
}

/** Internet for AWS: public addresses outside the VPC. */
export function awsInternet(nic: NetworkInterface): AddressSet {
  return PUBLIC_ADDRESSES.subtract(AddressSet.fromCidrs(nic.vpcCidrs ?? []));
}
