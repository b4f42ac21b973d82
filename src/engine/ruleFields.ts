// Reads an NSG rule's fields the way the service does, for both sides of the engine: the evaluator
// (exact: what does the rule match?) and the planner (conservative: could the rule apply to that VM
// address and port?). The service fills either the singular field or the plural one.
import { parseAddress, parseCidr } from './cidr';
import type { JitProtocol, SecurityRule, SgRule } from './model';
import { compilePortRanges, portRangesOf, type PortRanges } from './portRanges';

export const PROTO_TCP = 1;
export const PROTO_UDP = 2;

const NONE: readonly string[] = [];
const ANY: readonly string[] = ['*'];
const ANY_PORT = portRangesOf('*');

/** The plural field when it has values, else the singular one; empty when neither is set. */
export function fieldValues(
  single: string | undefined,
  plural: readonly string[] | undefined,
): readonly string[] {
  if (plural && plural.length > 0) return plural;
  return single !== undefined && single !== '' ? [single] : NONE;
}

/** A port field compiled; nothing is allocated for the usual singular texts. */
function portField(single: string | undefined, plural: readonly string[] | undefined): PortRanges {
  if (plural && plural.length > 0) return compilePortRanges(plural);
  return single !== undefined && single !== '' ? portRangesOf(single) : [];
}

const PROTOCOL_BITS: Record<string, number> = { '*': PROTO_TCP | PROTO_UDP, tcp: PROTO_TCP, udp: PROTO_UDP };

/** Bits PROTO_TCP / PROTO_UDP of the traffic an NSG protocol ('*', 'Tcp', 'Udp', 'Icmp', …) matches. */
export function protocolBits(protocol: string): number {
  // The service's own spellings first: no lower-cased copy for the millions of ordinary rules.
  switch (protocol) {
    case 'Tcp':
      return PROTO_TCP;
    case 'Udp':
      return PROTO_UDP;
    case '*':
      return PROTO_TCP | PROTO_UDP;
    default:
      return PROTOCOL_BITS[protocol.toLowerCase()] ?? 0;
  }
}

/** Exact: the ports the rule names; none when the field is missing (the service requires it). */
export function destinationPorts(rule: SecurityRule): PortRanges {
  return portField(rule.destinationPortRange, rule.destinationPortRanges);
}

/** Exact; a missing source port field means any port. */
export function sourcePorts(rule: SecurityRule): PortRanges {
  return portField(rule.sourcePortRange ?? '*', rule.sourcePortRanges);
}

// ---------------------------------------------------------------- conservative readings (write side)
// A missing field is read as '*': the write side must assume the worst about what a rule covers.

export function sourcePrefixes(rule: SecurityRule): readonly string[] {
  const values = fieldValues(rule.sourceAddressPrefix, rule.sourceAddressPrefixes);
  return values.length > 0 ? values : ANY;
}

export function destinationPrefixes(rule: SecurityRule): readonly string[] {
  const values = fieldValues(rule.destinationAddressPrefix, rule.destinationAddressPrefixes);
  return values.length > 0 ? values : ANY;
}

export function destinationPortRanges(rule: SecurityRule): PortRanges {
  const none = fieldValues(rule.destinationPortRange, rule.destinationPortRanges).length === 0;
  return none ? ANY_PORT : destinationPorts(rule);
}

/** Whether a rule with this protocol applies to some traffic of the JIT protocol. */
export function protocolOverlaps(rule: string, jit: JitProtocol): boolean {
  return (protocolBits(rule) & protocolBits(jit)) !== 0;
}

/**
 * Whether an address prefix may include `ip`. Service tags (and anything that is not an address)
 * answer yes.
 */
export function prefixMayContain(prefix: string, ip: string): boolean {
  const c = parseCidr(prefix);
  const a = parseAddress(ip);
  return !c || !a || (a.value >= c.first && a.value <= c.last);
}

/** What makes two EC2 rules the same rule to EC2 (duplicates are refused on that basis); ids and tags aside. */
export function sgRuleKey(r: SgRule): string {
  return JSON.stringify([
    r.isEgress,
    r.ipProtocol,
    r.fromPort,
    r.toPort,
    r.cidrIpv4,
    r.cidrIpv6,
    r.prefixListId,
    r.referencedGroupId,
  ]);
}
