// Azure NSG semantics. Inbound traffic passes the subnet's NSG first, then the NIC's; it must be
// allowed by both where both exist, and with neither it is allowed. Within one NSG, custom and
// default rules are taken in ascending priority and the first match decides.
//
// Matching decisions (documented here because the service documents none of them precisely):
// - Source ports: clients pick ephemeral ports we cannot know, and an attacker can pick any. For
//   exposure purposes the conservative reading is used: an Allow rule matches whatever its source
//   port range, a Deny rule matches only when it covers every source port ('*' or 0-65535).
// - Prefixes: '*' and 'Any' match every address; CIDRs are family-specific ('0.0.0.0/0' does not
//   match IPv6). 'VirtualNetwork' is the NIC's vnetAddressPrefixes (nothing when unknown),
//   'Internet' every public address outside them, 'AzureLoadBalancer' only 168.63.129.16. Other
//   service tags and application security groups never match a concrete address.
import { AddressSet, PUBLIC_ADDRESSES } from './addressSet';
import { parseAddress, parseCidr } from './cidr';
import type { Decision, Traffic, TrafficProtocol, Verdict } from './evaluator';
import type { AzureVmNetwork, NetworkInterface, Nsg, SecurityRule } from './model';
import { compilePortRanges, portInRanges, type PortRanges } from './portRanges';

/** Azure's standard default rules (inbound and outbound), as the service returns them. */
export function azureDefaultSecurityRules(nsgId?: string): SecurityRule[] {
  const make = (
    name: string,
    priority: number,
    direction: 'Inbound' | 'Outbound',
    access: 'Allow' | 'Deny',
    source: string,
    destination: string,
    description: string,
  ): SecurityRule => ({
    name,
    id: nsgId ? `${nsgId}/defaultSecurityRules/${name}` : undefined,
    priority,
    direction,
    access,
    protocol: '*',
    sourceAddressPrefix: source,
    sourceAddressPrefixes: [],
    sourcePortRange: '*',
    sourcePortRanges: [],
    destinationAddressPrefix: destination,
    destinationAddressPrefixes: [],
    destinationPortRange: '*',
    destinationPortRanges: [],
    description,
  });
  return [
    make(
      'AllowVnetInBound',
      65000,
      'Inbound',
      'Allow',
      'VirtualNetwork',
      'VirtualNetwork',
      'Allow inbound traffic from all VMs in VNET',
    ),
    make(
      'AllowAzureLoadBalancerInBound',
      65001,
      'Inbound',
      'Allow',
      'AzureLoadBalancer',
      '*',
      'Allow inbound traffic from azure load balancer',
    ),
    make('DenyAllInBound', 65500, 'Inbound', 'Deny', '*', '*', 'Deny all inbound traffic'),
    make(
      'AllowVnetOutBound',
      65000,
      'Outbound',
      'Allow',
      'VirtualNetwork',
      'VirtualNetwork',
      'Allow outbound traffic from all VMs to all VMs in VNET',
    ),
    make(
      'AllowInternetOutBound',
      65001,
      'Outbound',
      'Allow',
      '*',
      'Internet',
      'Allow outbound traffic from all VMs to Internet',
    ),
    make('DenyAllOutBound', 65500, 'Outbound', 'Deny', '*', '*', 'Deny all outbound traffic'),
  ];
}

// ---------------------------------------------------------------- compiled form

/** A rule's address prefixes, with the NIC-dependent service tags kept symbolic. */
interface PrefixMatcher {
  any: boolean;
  vnet: boolean;
  internet: boolean;
  set: AddressSet;
}

const PROTO_TCP = 1;
const PROTO_UDP = 2;

export interface CompiledRule {
  /** Process-wide identity, for cache keys. */
  uid: number;
  rule: SecurityRule;
  isDefault: boolean;
  allow: boolean;
  protocols: number;
  ports: PortRanges;
  allSourcePorts: boolean;
  sources: PrefixMatcher;
  destinations: PrefixMatcher;
  /** The destination is given only as application security groups (it may or may not be this VM). */
  destinationAsgOnly: boolean;
}

export interface CompiledNsg {
  nsg: Nsg;
  /** Inbound rules, custom and default, in evaluation order. */
  inbound: CompiledRule[];
  /** Custom inbound rules only, in evaluation order. */
  custom: CompiledRule[];
  customRef: SecurityRule[];
  customSnapshot: SecurityRule[];
  defaultsRef: SecurityRule[];
  defaultsCount: number;
  /** Per `port/protocol bit`: the inbound rules that can match that traffic, whatever its addresses. */
  candidates: Map<string, CompiledRule[]>;
  /** Per list of management ports: custom Allow rules covering one of them over TCP. */
  allowsByPorts: Map<string, CompiledRule[]>;
}

const AZURE_LOAD_BALANCER = AddressSet.fromCidrs(['168.63.129.16/32']);
const NEVER: PrefixMatcher = { any: false, vnet: false, internet: false, set: AddressSet.EMPTY };

/** The service fills the plural field or the singular one; an empty plural array means "use the singular". */
function pick(single: string | undefined, plural: string[] | undefined): string[] {
  if (plural && plural.length > 0) return plural;
  return single !== undefined && single !== '' ? [single] : [];
}

const prefixCache = new Map<string, PrefixMatcher>();

/** Cached by text: the same prefixes recur across rules and NSGs. */
function compilePrefixes(values: string[]): PrefixMatcher {
  if (values.length === 0) return NEVER; // ASG-only (or empty) side: no concrete address matches
  const key = values.length === 1 ? values[0] : values.join('\n');
  let m = prefixCache.get(key);
  if (!m) {
    m = compilePrefixesUncached(values);
    if (prefixCache.size > 50_000) prefixCache.clear();
    prefixCache.set(key, m);
  }
  return m;
}

function compilePrefixesUncached(values: string[]): PrefixMatcher {
  const m = { any: false, vnet: false, internet: false, set: AddressSet.EMPTY };
  const cidrs: string[] = [];
  for (const raw of values) {
    const v = raw.trim();
    const tag = v.toLowerCase();
    if (v === '*' || tag === 'any') m.any = true;
    else if (tag === 'virtualnetwork') m.vnet = true;
    else if (tag === 'internet') m.internet = true;
    else if (tag === 'azureloadbalancer') m.set = m.set.union(AZURE_LOAD_BALANCER);
    else if (parseCidr(v)) cidrs.push(v);
    // any other service tag: never matches a concrete address
  }
  m.set = m.set.union(AddressSet.fromCidrs(cidrs));
  return m;
}

function compileProtocol(protocol: string): number {
  switch (protocol.toLowerCase()) {
    case '*':
      return PROTO_TCP | PROTO_UDP;
    case 'tcp':
      return PROTO_TCP;
    case 'udp':
      return PROTO_UDP;
    default:
      return 0;
  }
}

let nextUid = 0;

function compileRule(rule: SecurityRule, isDefault: boolean): CompiledRule {
  const destinations = pick(rule.destinationAddressPrefix, rule.destinationAddressPrefixes);
  const sourcePorts = compilePortRanges(pick(rule.sourcePortRange ?? '*', rule.sourcePortRanges));
  return {
    uid: nextUid++,
    rule,
    isDefault,
    allow: rule.access === 'Allow',
    protocols: compileProtocol(rule.protocol),
    ports: compilePortRanges(pick(rule.destinationPortRange, rule.destinationPortRanges)),
    allSourcePorts: sourcePorts.length === 2 && sourcePorts[0] === 0 && sourcePorts[1] === 65535,
    sources: compilePrefixes(pick(rule.sourceAddressPrefix, rule.sourceAddressPrefixes)),
    destinations: compilePrefixes(destinations),
    destinationAsgOnly:
      destinations.length === 0 && (rule.destinationApplicationSecurityGroupIds?.length ?? 0) > 0,
  };
}

/** Compiled once: NSGs without explicit default rules (the usual case) share them. */
const STANDARD_DEFAULTS = azureDefaultSecurityRules()
  .filter((r) => r.direction === 'Inbound')
  .map((r) => compileRule(r, true));

const compiledNsgs = new WeakMap<Nsg, CompiledNsg>();

/** Rule objects added, removed or replaced since compiling (in-place edits of a rule's fields are not seen). */
function stillCurrent(compiled: CompiledNsg, nsg: Nsg): boolean {
  const custom = nsg.securityRules;
  const defaults = nsg.defaultSecurityRules;
  if (compiled.customRef !== custom || compiled.customSnapshot.length !== custom.length) return false;
  if (compiled.defaultsRef !== defaults || compiled.defaultsCount !== defaults.length) return false;
  for (let i = 0; i < custom.length; i++) if (compiled.customSnapshot[i] !== custom[i]) return false;
  return true;
}

/**
 * Compiled once per NSG object. Callers should treat NSGs as immutable; as a guard against in-place
 * edits (a simulator applying a plan), the cache is dropped when a rule object is added, removed or
 * replaced.
 */
export function compileNsg(nsg: Nsg): CompiledNsg {
  let compiled = compiledNsgs.get(nsg);
  if (compiled && stillCurrent(compiled, nsg)) return compiled;
  const defaults =
    nsg.defaultSecurityRules.length > 0
      ? nsg.defaultSecurityRules.filter((r) => r.direction === 'Inbound').map((r) => compileRule(r, true))
      : STANDARD_DEFAULTS;
  const custom = nsg.securityRules.filter((r) => r.direction === 'Inbound').map((r) => compileRule(r, false));
  const inbound = [...custom, ...defaults];
  inbound.sort((x, y) => x.rule.priority - y.rule.priority || Number(x.isDefault) - Number(y.isDefault));
  compiled = {
    nsg,
    inbound,
    custom: inbound.filter((r) => !r.isDefault),
    candidates: new Map(),
    allowsByPorts: new Map(),
    customRef: nsg.securityRules,
    customSnapshot: [...nsg.securityRules],
    defaultsRef: nsg.defaultSecurityRules,
    defaultsCount: nsg.defaultSecurityRules.length,
  };
  compiledNsgs.set(nsg, compiled);
  return compiled;
}

// ---------------------------------------------------------------- NIC context

/** What the NIC-dependent service tags stand for. */
export interface AzureContext {
  key: string;
  vnet: AddressSet;
  internet: AddressSet;
}

const contexts = new Map<string, AzureContext>();

export function azureContext(nic: NetworkInterface): AzureContext {
  const prefixes = nic.vnetAddressPrefixes ?? [];
  const key = prefixes.join(',');
  let ctx = contexts.get(key);
  if (!ctx) {
    const vnet = AddressSet.fromCidrs(prefixes);
    ctx = { key, vnet, internet: PUBLIC_ADDRESSES.subtract(vnet) };
    if (contexts.size > 1000) contexts.clear();
    contexts.set(key, ctx);
  }
  return ctx;
}

function matcherHas(m: PrefixMatcher, value: bigint, ctx: AzureContext): boolean {
  return (
    m.any || m.set.has(value) || (m.vnet && ctx.vnet.has(value)) || (m.internet && ctx.internet.has(value))
  );
}

function matcherSet(m: PrefixMatcher, ctx: AzureContext): AddressSet {
  if (m.any) return AddressSet.ALL;
  let s = m.set;
  if (m.vnet) s = s.union(ctx.vnet);
  if (m.internet) s = s.union(ctx.internet);
  return s;
}

function protocolBit(protocol: TrafficProtocol): number {
  return protocol === 'tcp' ? PROTO_TCP : PROTO_UDP;
}

/** The rules that can match traffic to `port` over the protocol, before looking at addresses. */
function candidatesFor(compiled: CompiledNsg, port: number, bit: number): CompiledRule[] {
  const key = `${port}/${bit}`;
  let list = compiled.candidates.get(key);
  if (!list) {
    list = compiled.inbound.filter(
      (r) => (r.protocols & bit) !== 0 && portInRanges(r.ports, port) && (r.allow || r.allSourcePorts),
    );
    if (compiled.candidates.size > 256) compiled.candidates.clear();
    compiled.candidates.set(key, list);
  }
  return list;
}

export function nsgDecision(
  layer: 'subnet-nsg' | 'nic-nsg',
  nsg: Nsg,
  r: CompiledRule | undefined,
): Decision {
  if (!r) return { layer, resourceId: nsg.id, resourceName: nsg.name, access: 'Deny' };
  return {
    layer,
    resourceId: nsg.id,
    resourceName: nsg.name,
    rule: r.rule.name,
    priority: r.rule.priority,
    ...(r.isDefault ? { defaultRule: true } : {}),
    access: r.rule.access,
  };
}

/** The NSGs on a NIC's path, in evaluation order. An id whose NSG was not loaded is skipped. */
export function nsgsOnPath(
  net: AzureVmNetwork,
  nic: NetworkInterface,
): Array<{ layer: 'subnet-nsg' | 'nic-nsg'; nsg: Nsg }> {
  const path: Array<{ layer: 'subnet-nsg' | 'nic-nsg'; nsg: Nsg }> = [];
  const subnet = nic.subnetNsgId ? net.nsgs[nic.subnetNsgId] : undefined;
  const own = nic.nsgId ? net.nsgs[nic.nsgId] : undefined;
  if (subnet) path.push({ layer: 'subnet-nsg', nsg: subnet });
  if (own) path.push({ layer: 'nic-nsg', nsg: own });
  return path;
}

/** The first matching inbound rule, or undefined when custom default rules leave a gap (→ deny). */
export function firstMatch(
  nsg: Nsg,
  traffic: Traffic,
  destination: string,
  ctx: AzureContext,
): CompiledRule | undefined {
  const src = parseAddress(traffic.source);
  const dst = parseAddress(destination);
  if (!src || !dst || src.family !== dst.family) return undefined;
  for (const r of candidatesFor(compileNsg(nsg), traffic.port, protocolBit(traffic.protocol))) {
    if (matcherHas(r.destinations, dst.value, ctx) && matcherHas(r.sources, src.value, ctx)) return r;
  }
  return undefined;
}

/** NSG path only (subnet, then NIC); firewalls are a separate path (firewallEvaluator.ts). */
export function evaluateAzureInterface(
  net: AzureVmNetwork,
  nic: NetworkInterface,
  destination: string,
  traffic: Traffic,
): Verdict {
  const path = nsgsOnPath(net, nic);
  if (path.length === 0) return { allowed: true, decidedBy: [{ layer: 'no-nsg', access: 'Allow' }] };
  const ctx = azureContext(nic);
  const decidedBy: Decision[] = [];
  for (const { layer, nsg } of path) {
    const r = firstMatch(nsg, traffic, destination, ctx);
    decidedBy.push(nsgDecision(layer, nsg, r));
    if (!r?.allow) return { allowed: false, decidedBy };
  }
  return { allowed: true, decidedBy };
}

// ---------------------------------------------------------------- which sources get through

export interface SourceShare {
  /** The sources this rule decides for (those no earlier rule matched). */
  sources: AddressSet;
  /** Undefined: no rule matched these sources (a gap in custom default rules) → denied. */
  rule?: CompiledRule;
}

/**
 * Splits the whole address space of the destination's family by deciding rule, for traffic to
 * `destination:port`. Earlier rules take their share first, as in the service.
 */
const sharesCache = new Map<string, SourceShare[]>();

export function shareSources(
  nsg: Nsg,
  port: number,
  protocol: TrafficProtocol,
  destination: bigint,
  family: AddressSet,
  ctx: AzureContext,
): SourceShare[] {
  const bit = protocolBit(protocol);
  const applicable = candidatesFor(compileNsg(nsg), port, bit).filter((r) =>
    matcherHas(r.destinations, destination, ctx),
  );
  // The answer depends only on which rules apply: NSGs shared by many VMs (and every NSG's
  // standard default rules) give the same answer again and again, so it is reused.
  let key = `${ctx.key}/${family === AddressSet.ALL_IPV4 ? 4 : 6}`;
  for (const r of applicable) key += `,${r.uid}`;
  let shares = sharesCache.get(key);
  if (!shares) {
    shares = shareAmong(applicable, family, ctx);
    if (sharesCache.size > 20_000) sharesCache.clear();
    sharesCache.set(key, shares);
  }
  return shares;
}

function shareAmong(rules: CompiledRule[], family: AddressSet, ctx: AzureContext): SourceShare[] {
  const out: SourceShare[] = [];
  let remaining = family;
  for (const r of rules) {
    const taken = remaining.intersect(matcherSet(r.sources, ctx));
    if (taken.isEmpty) continue;
    out.push({ sources: taken, rule: r });
    remaining = remaining.subtract(taken);
    if (remaining.isEmpty) return out;
  }
  out.push({ sources: remaining });
  return out;
}

export interface ReachablePart {
  sources: AddressSet;
  /** The allowing decision of each NSG on the path (or a single 'no-nsg'). */
  via: Decision[];
}

/** Which sources can reach `destination:port` through the NIC's NSG path, split by deciding rules. */
export function reachableSources(
  net: AzureVmNetwork,
  nic: NetworkInterface,
  destination: string,
  port: number,
  protocol: TrafficProtocol,
): ReachablePart[] {
  const dst = parseAddress(destination);
  if (!dst) return [];
  const family = dst.family === 4 ? AddressSet.ALL_IPV4 : AddressSet.ALL_IPV6;
  const path = nsgsOnPath(net, nic);
  if (path.length === 0) return [{ sources: family, via: [{ layer: 'no-nsg', access: 'Allow' }] }];
  const ctx = azureContext(nic);
  let parts: ReachablePart[] = [{ sources: family, via: [] }];
  for (const { layer, nsg } of path) {
    const allows = shareSources(nsg, port, protocol, dst.value, family, ctx).filter((s) => s.rule?.allow);
    const next: ReachablePart[] = [];
    for (const part of parts) {
      for (const share of allows) {
        const sources = part.sources.intersect(share.sources);
        if (!sources.isEmpty) next.push({ sources, via: [...part.via, nsgDecision(layer, nsg, share.rule)] });
      }
    }
    parts = next;
    if (parts.length === 0) break;
  }
  return parts;
}

/** Could the rule's destination be `destination` (a private IP of the VM)? ASG-only: we cannot tell → yes. */
export function ruleTargets(r: CompiledRule, destination: string, nic: NetworkInterface): boolean {
  if (r.destinationAsgOnly) return true;
  const dst = parseAddress(destination);
  return !!dst && matcherHas(r.destinations, dst.value, azureContext(nic));
}

/** Custom inbound Allow rules of the NSG that cover one of `ports` over TCP (any source, any destination). */
export function customAllowsCovering(nsg: Nsg, ports: readonly number[]): CompiledRule[] {
  const compiled = compileNsg(nsg);
  const key = ports.join(',');
  let list = compiled.allowsByPorts.get(key);
  if (!list) {
    list = compiled.custom.filter(
      (r) => r.allow && (r.protocols & PROTO_TCP) !== 0 && ports.some((p) => portInRanges(r.ports, p)),
    );
    compiled.allowsByPorts.set(key, list);
  }
  return list;
}
