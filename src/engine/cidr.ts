// CIDR and address helpers over ipaddr.js. Addresses become bigints on one number line so that
// ranges of both families can be compared and combined: IPv6 occupies [0, 2^128) and IPv4 is shifted
// above it to [2^128, 2^128 + 2^32), so `::/0` never covers an IPv4 address (as in Azure and AWS).
import ipaddr from 'ipaddr.js';

export type IpFamily = 4 | 6;

export const ANY_SOURCE = '*';
export const ANY_IPV4 = '0.0.0.0/0';
export const ANY_IPV6 = '::/0';

const IPV4_BASE = 1n << 128n;

export interface Address {
  family: IpFamily;
  /** Canonical text: dotted quad, or RFC 5952 for IPv6. */
  text: string;
  value: bigint;
}

export interface Cidr {
  family: IpFamily;
  /** Normalised `network/prefix` text. */
  text: string;
  prefixLength: number;
  first: bigint;
  last: bigint;
  /** The input had bits set beyond the prefix (e.g. 10.0.0.5/24); `text` holds the network address. */
  hostBitsSet: boolean;
  input: string;
}

function bytesToBigint(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** ipaddr's IPv4 parser also accepts '10', '0x0a.1' and similar; only dotted quads are addresses here. */
function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(':') && ipaddr.IPv6.isValid(text) && !text.includes('%')) return ipaddr.IPv6.parse(text);
  return undefined;
}

function addressOf(ip: ipaddr.IPv4 | ipaddr.IPv6): Address {
  if (ip.kind() === 'ipv4') {
    return { family: 4, text: ip.toString(), value: IPV4_BASE + bytesToBigint(ip.toByteArray()) };
  }
  return { family: 6, text: (ip as ipaddr.IPv6).toRFC5952String(), value: bytesToBigint(ip.toByteArray()) };
}

const addressCache = new Map<string, Address | null>();

/** Cached: the evaluator asks about the same few addresses over and over. */
export function parseAddress(text: string): Address | undefined {
  const cached = addressCache.get(text);
  if (cached !== undefined) return cached ?? undefined;
  const ip = parseIp(text.trim());
  const parsed = ip && addressOf(ip);
  if (addressCache.size > 100_000) addressCache.clear();
  addressCache.set(text, parsed ?? null);
  return parsed;
}

const cidrCache = new Map<string, Cidr | null>();

/** Parses `a.b.c.d/n`, `x::/n`, or a single address (→ /32, /128). Cached: rule prefixes repeat a lot. */
export function parseCidr(text: string): Cidr | undefined {
  const cached = cidrCache.get(text);
  if (cached !== undefined) return cached ?? undefined;
  const parsed = parseCidrUncached(text);
  if (cidrCache.size > 100_000) cidrCache.clear();
  cidrCache.set(text, parsed ?? null);
  return parsed;
}

function parseCidrUncached(input: string): Cidr | undefined {
  const text = input.trim();
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return undefined;
  const bits = ip.kind() === 'ipv4' ? 32 : 128;
  let prefixLength = bits;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > bits) return undefined;
    prefixLength = Number(p);
  }
  const address = addressOf(ip);
  const hostBits = BigInt(bits - prefixLength);
  const first = (address.value >> hostBits) << hostBits;
  const last = first + (1n << hostBits) - 1n;
  const network = valueToText(address.family, first);
  return {
    family: address.family,
    text: `${network}/${prefixLength}`,
    prefixLength,
    first,
    last,
    hostBitsSet: first !== address.value,
    input,
  };
}

/** Canonical text of an address value on the shared number line. */
export function valueToText(family: IpFamily, value: bigint): string {
  const bytes: number[] = [];
  let v = family === 4 ? value - IPV4_BASE : value;
  for (let i = family === 4 ? 4 : 16; i > 0; i--) {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  return addressOf(ipaddr.fromByteArray(bytes)).text;
}

/** Normalised CIDR text, or undefined when `text` is neither an address nor a CIDR. */
export function normalizeCidr(text: string): string | undefined {
  return parseCidr(text)?.text;
}

export function isIPv4(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text.trim());
}

export function isIPv6(text: string): boolean {
  return parseIp(text.trim())?.kind() === 'ipv6';
}

/** `*`, `0.0.0.0/0`, `::/0` (and Azure's `Any`) mean every source address. */
export function isAnySource(text: string): boolean {
  const t = text.trim();
  return t === ANY_SOURCE || t === ANY_IPV4 || t === ANY_IPV6 || t.toLowerCase() === 'any';
}

export function contains(cidr: string, ip: string): boolean {
  const c = parseCidr(cidr);
  const a = parseAddress(ip);
  return !!c && !!a && a.value >= c.first && a.value <= c.last;
}

export function cidrContainsCidr(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  return !!o && !!i && i.first >= o.first && i.last <= o.last;
}

export function overlaps(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return !!x && !!y && x.first <= y.last && y.first <= x.last;
}

/**
 * Ranges that are not reachable from the public internet. Deliberately NOT included: the
 * documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) — examples,
 * tests and the local cloud use them to stand for internet clients. Included: Azure's platform
 * address 168.63.129.16 (the `AzureLoadBalancer` tag), which is publicly routed but never an
 * internet client.
 */
export const NON_PUBLIC_CIDRS: readonly string[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '168.63.129.16/32',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/3',
  '::/127',
  '::ffff:0:0/96',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
];

const nonPublic = NON_PUBLIC_CIDRS.map((c) => parseCidr(c) as Cidr);

/** True for addresses an internet client could have: not private, loopback, link-local, multicast…. */
export function isPublic(ip: string): boolean {
  const a = parseAddress(ip);
  return !!a && isPublicValue(a.value);
}

export function isPublicValue(value: bigint): boolean {
  return !nonPublic.some((c) => value >= c.first && value <= c.last);
}
