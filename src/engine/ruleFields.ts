// Reads an NSG rule's singular-or-plural fields the way the service does, for the write side's
// conservative questions ("could this rule apply to that VM address and port?").
import ipaddr from 'ipaddr.js';
import type { JitProtocol, NsgProtocol, SecurityRule } from './model';

export type PortRange = [number, number];

export function sourcePrefixes(rule: SecurityRule): string[] {
  return rule.sourceAddressPrefixes?.length ? rule.sourceAddressPrefixes : [rule.sourceAddressPrefix ?? '*'];
}

export function destinationPrefixes(rule: SecurityRule): string[] {
  return rule.destinationAddressPrefixes?.length
    ? rule.destinationAddressPrefixes
    : [rule.destinationAddressPrefix ?? '*'];
}

export function destinationPortRanges(rule: SecurityRule): PortRange[] {
  const texts = rule.destinationPortRanges?.length
    ? rule.destinationPortRanges
    : [rule.destinationPortRange ?? '*'];
  return texts.map((t) => {
    if (t === '*') return [0, 65535];
    const [lo, hi] = t.split('-').map(Number);
    return [lo, hi ?? lo];
  });
}

export function portInRanges(port: number, ranges: PortRange[]): boolean {
  return ranges.some(([lo, hi]) => port >= lo && port <= hi);
}

/** Whether a rule with this protocol applies to some traffic of the JIT protocol. */
export function protocolOverlaps(rule: NsgProtocol, jit: JitProtocol): boolean {
  if (rule === '*' || jit === '*') return rule === '*' || rule === 'Tcp' || rule === 'Udp';
  return rule.toLowerCase() === jit;
}

/**
 * Whether an address prefix may include `ip`. Service tags (and anything that is not an address)
 * answer yes: the write side must assume the worst about what a rule covers.
 */
export function prefixMayContain(prefix: string, ip: string): boolean {
  try {
    const addr = ipaddr.parse(ip);
    if (prefix.includes('/')) {
      const [net, bits] = ipaddr.parseCIDR(prefix);
      return net.kind() === addr.kind() && addr.match(net, bits);
    }
    if (ipaddr.isValid(prefix)) return ipaddr.parse(prefix).toString() === addr.toString();
  } catch {
    return true;
  }
  return true;
}
