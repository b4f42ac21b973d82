// IpPermissions.N in Authorize/Revoke requests, expanded to one candidate rule per peer (the way EC2
// stores them), with EC2's validation, rule identity and the peer text of its duplicate message.
import ipaddr from 'ipaddr.js';
import { errors } from '../errors';
import type { QueryParams } from '../query';
import type { SecurityGroupRuleState } from '../state';

export type RuleCandidate = Omit<SecurityGroupRuleState, 'ruleId' | 'groupId' | 'tags'>;

const PROTOCOL_NAMES: Record<string, string> = {
  '6': 'tcp',
  '17': 'udp',
  '1': 'icmp',
  '58': 'icmpv6',
  all: '-1',
};

function normaliseProtocol(raw: string | undefined): string {
  if (raw === undefined || raw === '') throw errors.missingParameter('IpProtocol');
  const lower = raw.toLowerCase();
  const p = PROTOCOL_NAMES[lower] ?? lower;
  if (['tcp', 'udp', 'icmp', 'icmpv6', '-1'].includes(p) || (/^\d+$/.test(p) && Number(p) <= 255)) return p;
  throw errors.invalidParameterValue(`Invalid value '${raw}' for IP protocol. Unknown protocol.`);
}

function ports(p: QueryParams, protocol: string): { fromPort?: number; toPort?: number } {
  if (protocol === '-1') return {};
  const fromPort = p.int('FromPort');
  const toPort = p.int('ToPort');
  if (protocol === 'tcp' || protocol === 'udp') {
    if (fromPort === undefined || toPort === undefined) {
      throw errors.invalidParameterValue(
        `Invalid value 'null' for portRange. Must specify both from and to ports with TCP/UDP.`,
      );
    }
    if (!(fromPort >= 0 && toPort <= 65535 && fromPort <= toPort)) {
      throw errors.invalidParameterValue(
        `Invalid ${protocol.toUpperCase()} port range: ${fromPort}-${toPort}`,
      );
    }
  }
  return { fromPort, toPort };
}

function checkCidr(cidr: string | undefined, kind: 'ipv4' | 'ipv6'): string {
  if (!cidr) throw errors.missingParameter(kind === 'ipv4' ? 'CidrIp' : 'CidrIpv6');
  let ok = false;
  try {
    ok = ipaddr.parseCIDR(cidr)[0].kind() === kind;
  } catch {
    ok = false;
  }
  if (!ok) throw errors.invalidParameterValue(`CIDR block ${cidr} is malformed`);
  return cidr;
}

/** One candidate rule per peer of every permission in the request. */
export function parsePermissions(params: QueryParams, isEgress: boolean): RuleCandidate[] {
  const out: RuleCandidate[] = [];
  for (const p of params.structs('IpPermissions')) {
    const ipProtocol = normaliseProtocol(p.get('IpProtocol'));
    const base = { isEgress, ipProtocol, ...ports(p, ipProtocol) };
    for (const r of p.structs('IpRanges')) {
      out.push({ ...base, cidrIpv4: checkCidr(r.get('CidrIp'), 'ipv4'), description: r.get('Description') });
    }
    for (const r of p.structs('Ipv6Ranges')) {
      out.push({
        ...base,
        cidrIpv6: checkCidr(r.get('CidrIpv6'), 'ipv6'),
        description: r.get('Description'),
      });
    }
    for (const r of p.structs('Groups')) {
      const groupId = r.get('GroupId');
      if (!groupId) throw errors.missingParameter('GroupId');
      out.push({ ...base, referencedGroupId: groupId, description: r.get('Description') });
    }
    for (const r of p.structs('PrefixListIds')) {
      out.push({ ...base, prefixListId: r.get('PrefixListId'), description: r.get('Description') });
    }
  }
  // The older flat form: IpProtocol/FromPort/ToPort/CidrIp on the request itself.
  if (params.has('CidrIp')) {
    const ipProtocol = normaliseProtocol(params.get('IpProtocol'));
    out.push({
      isEgress,
      ipProtocol,
      ...ports(params, ipProtocol),
      cidrIpv4: checkCidr(params.get('CidrIp'), 'ipv4'),
    });
  }
  return out;
}

/** Two rules are the same rule when direction, protocol, ports and peer agree (descriptions do not count). */
export function sameRule(a: RuleCandidate, b: RuleCandidate): boolean {
  return (
    a.isEgress === b.isEgress &&
    a.ipProtocol === b.ipProtocol &&
    a.fromPort === b.fromPort &&
    a.toPort === b.toPort &&
    a.cidrIpv4 === b.cidrIpv4 &&
    a.cidrIpv6 === b.cidrIpv6 &&
    a.referencedGroupId === b.referencedGroupId &&
    a.prefixListId === b.prefixListId
  );
}

/** The rule as EC2 names it in InvalidPermission.Duplicate: `peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW`. */
export function describePeer(r: RuleCandidate): string {
  const peer = r.cidrIpv4 ?? r.cidrIpv6 ?? r.referencedGroupId ?? r.prefixListId;
  if (r.ipProtocol === '-1') return `peer: ${peer}, ALL, ALLOW`;
  const proto = r.ipProtocol.toUpperCase();
  if (r.ipProtocol === 'icmp' || r.ipProtocol === 'icmpv6') {
    return `peer: ${peer}, ${proto}, type: ${r.fromPort}, code: ${r.toPort}, ALLOW`;
  }
  return `peer: ${peer}, ${proto}, from port: ${r.fromPort}, to port: ${r.toPort}, ALLOW`;
}

/**
 * The 60-rule quota per direction, counted separately for IPv4 and IPv6; a rule referencing a group or
 * a prefix list counts toward both.
 */
export function exceedsRuleQuota(rules: RuleCandidate[], limit = 60): boolean {
  const v4 = rules.filter((r) => !r.cidrIpv6).length;
  const v6 = rules.filter((r) => !r.cidrIpv4).length;
  return v4 > limit || v6 > limit;
}
