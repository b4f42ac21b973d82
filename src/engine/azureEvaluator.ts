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
import { AddressSet, PUBLIC_ADDRESSES, pointOf, type Point } from './addressSet';
import { parseAddress, parseCidr, type Address } from './cidr';
import type { Decision, Traffic, TrafficProtocol, Verdict } from './evaluator';
import {
  DEFAULT_JIT_PORTS,
  type AzureVmNetwork,
  type NetworkInterface,
  type Nsg,
  type SecurityRule,
} from './model';
import { portInRanges, portTextMask, type PortRanges } from './portRanges';
import { destinationPorts, PROTO_TCP, PROTO_UDP, protocolBits, sourcePorts } from './ruleFields';

/** Azure's standard default rules (inbound and outbound), as the service returns them. */
export function azureDefaultSecurityRules(): SecurityRule[] {
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
//
// Compiled once per NSG object, in one pass that reads only direction, protocol and destination
// ports, and keeps the few rules covering a management port over TCP, fully compiled right away
// (classification asks about each of them for every VM behind the NSG, and compiling them while the
// pass has them at hand spares a second trip to rules scattered over a large heap). Other questions
// list the rules for their port on first use and compile those when a walk first reaches them.
// Texts (port ranges, prefixes) are parsed through caches keyed by the text, since the same few
// recur across thousands of NSGs.

/** A rule's address prefixes, with the NIC-dependent service tags kept symbolic. */
interface PrefixMatcher {
  any: boolean;
  vnet: boolean;
  internet: boolean;
  set: AddressSet;
}

export interface CompiledRule {
  rule: SecurityRule;
  /** The rule's name and priority, copied: read per VM without reaching back into the rule. */
  name: string;
  priority: number;
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
  /** The custom rules, then the default ones (the NSG's own or the standard ones), in their own order. */
  custom: readonly SecurityRule[];
  defaults: readonly SecurityRule[];
  /** `custom.length`: rule indices below it are custom, the rest default. */
  customCount: number;
  /** Per rule index: the full compiled form, made on first use (most rules never are). */
  compiled: Map<number, CompiledRule> | undefined;
  /**
   * The inbound rules covering a management port over TCP, in evaluation order, each as one number:
   * `(index << MASK_BITS) | mask`, a mask bit per DEFAULT_JIT_PORTS entry. Made in compileNsg's one pass.
   */
  management: readonly number[];
  /** `management`'s rules, fully compiled, at the same positions: made in the same pass, while the rules are at hand. */
  managementRules: readonly CompiledRule[];
  /** Of those, the custom Allow rules (the classifier's question), in priority order. */
  managementAllows: readonly CompiledRule[];
  /** Indices of the custom inbound rules named like a JIT rule (ours or Defender's), ascending. */
  jitNamed: readonly number[];
  /** Per `port * 4 + protocol bit`, for any other question: made on first use, all mask bits set. */
  candidates: Map<number, readonly number[]> | undefined;
  /** Per list of management ports: custom Allow rules covering one of them over TCP. */
  allowsByPorts: Map<string, CompiledRule[]> | undefined;
  defaultsRef: SecurityRule[];
  defaultsCount: number;
}

const AZURE_LOAD_BALANCER = AddressSet.fromCidrs(['168.63.129.16/32']);
const NEVER: PrefixMatcher = { any: false, vnet: false, internet: false, set: AddressSet.EMPTY };

const ANYWHERE: PrefixMatcher = { any: true, vnet: false, internet: false, set: AddressSet.EMPTY };

const prefixCache = new Map<string, PrefixMatcher>();

/**
 * One side's prefixes (the plural field when it has values, else the singular one), cached by text:
 * the same prefixes recur across rules and NSGs. The service's own spellings of the commonest texts
 * are answered without hashing a fresh string.
 */
function compilePrefixes(single: string | undefined, plural: readonly string[] | undefined): PrefixMatcher {
  if (plural !== undefined && plural.length > 0) {
    if (plural.length === 1) return compilePrefix(plural[0]);
    const key = plural.join('\n');
    return cachedPrefixes(key, plural);
  }
  if (single === undefined || single === '') return NEVER; // ASG-only (or empty) side: no concrete address matches
  return compilePrefix(single);
}

const VNET: PrefixMatcher = { any: false, vnet: true, internet: false, set: AddressSet.EMPTY };
const INTERNET: PrefixMatcher = { any: false, vnet: false, internet: true, set: AddressSet.EMPTY };

function compilePrefix(text: string): PrefixMatcher {
  switch (text) {
    case '*':
      return ANYWHERE;
    case 'VirtualNetwork':
      return VNET;
    case 'Internet':
      return INTERNET;
    default:
      return cachedPrefixes(text, [text]);
  }
}

function cachedPrefixes(key: string, values: readonly string[]): PrefixMatcher {
  let m = prefixCache.get(key);
  if (!m) {
    m = compilePrefixesUncached(values);
    if (prefixCache.size > 50_000) prefixCache.clear();
    prefixCache.set(key, m);
  }
  return m;
}

function compilePrefixesUncached(values: readonly string[]): PrefixMatcher {
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

function compileRule(rule: SecurityRule, isDefault: boolean): CompiledRule {
  const destinations = compilePrefixes(rule.destinationAddressPrefix, rule.destinationAddressPrefixes);
  return {
    rule,
    name: rule.name,
    priority: rule.priority,
    isDefault,
    allow: rule.access === 'Allow',
    protocols: protocolBits(rule.protocol),
    ports: destinationPorts(rule),
    allSourcePorts: coversAllSourcePorts(rule),
    sources: compilePrefixes(rule.sourceAddressPrefix, rule.sourceAddressPrefixes),
    destinations,
    destinationAsgOnly:
      destinations === NEVER && (rule.destinationApplicationSecurityGroupIds?.length ?? 0) > 0,
  };
}

function coversAllSourcePorts(rule: SecurityRule): boolean {
  if (rule.sourcePortRange === '*' && !rule.sourcePortRanges?.length) return true; // the usual text
  const ranges = sourcePorts(rule);
  return ranges.length === 2 && ranges[0] === 0 && ranges[1] === 65535;
}

/** Azure's standard default rules: what an NSG without explicit ones (the usual case) is evaluated with. */
const STANDARD_DEFAULT_RULES = azureDefaultSecurityRules();

/** Compiled once and shared, by index in STANDARD_DEFAULT_RULES (outbound ones never asked for). */
const STANDARD_DEFAULTS = new Map(STANDARD_DEFAULT_RULES.map((r, i) => [i, compileRule(r, true)]));

const MANAGEMENT_PORTS = DEFAULT_JIT_PORTS;

/** Candidate entries are `(index << MASK_BITS) | mask`. */
const MASK_BITS = 4;
const ALL_MASK = (1 << MASK_BITS) - 1;

const compiledNsgs = new WeakMap<Nsg, CompiledNsg>();

/** Whether the NSG still has the rule lists it was compiled from, at the same lengths. */
function stillCurrent(compiled: CompiledNsg, nsg: Nsg): boolean {
  const custom = nsg.securityRules;
  const defaults = nsg.defaultSecurityRules;
  return (
    compiled.custom === custom &&
    compiled.customCount === custom.length &&
    compiled.defaultsRef === defaults &&
    compiled.defaultsCount === defaults.length
  );
}

/**
 * Compiled once per NSG object. NSGs are treated as immutable: whoever changes one (the simulator
 * applying a plan) gives it a new rule list rather than editing the list or its rules. A list that
 * was replaced or grew is seen and compiled again; a rule replaced inside the same list is not
 * (comparing every rule on every use would cost as much as compiling).
 *
 * The one pass reads each rule's destination ports first (most rules cover no management port and
 * are done with), and its name's first letter (JIT rules); only the few candidates have their
 * direction and protocol read, and are then compiled in full.
 */
export function compileNsg(nsg: Nsg): CompiledNsg {
  let compiled = compiledNsgs.get(nsg);
  if (compiled && stillCurrent(compiled, nsg)) return compiled;
  const custom = nsg.securityRules;
  const defaults = nsg.defaultSecurityRules.length > 0 ? nsg.defaultSecurityRules : STANDARD_DEFAULT_RULES;
  compiled = {
    nsg,
    custom,
    defaults,
    customCount: custom.length,
    compiled: undefined,
    management: NO_RULES,
    managementRules: NO_COMPILED,
    managementAllows: NO_COMPILED,
    jitNamed: NO_RULES,
    candidates: undefined,
    allowsByPorts: undefined,
    defaultsRef: nsg.defaultSecurityRules,
    defaultsCount: nsg.defaultSecurityRules.length,
  };
  const management: number[] = [];
  const jitNamed: number[] = [];
  scanRules(custom, 0, management, jitNamed);
  scanRules(defaults, custom.length, management, undefined);
  if (management.length > 0) {
    compiled.management = inEvaluationOrder(compiled, management);
    compiled.managementRules = compiled.management.map((e) => compileAt(compiled, e >> MASK_BITS));
    compiled.managementAllows = compiled.managementRules.filter((r) => r.allow && !r.isDefault);
  }
  compiled.jitNamed = jitNamed.length > 0 ? jitNamed : NO_RULES;
  compiledNsgs.set(nsg, compiled);
  return compiled;
}

const NO_RULES: readonly number[] = [];
const NO_COMPILED: readonly CompiledRule[] = [];

/** First letters of JIT rule names: ours (JitVmAccess-) and Defender's (SecurityCenter-, MicrosoftDefenderForCloud-). */
const J = 74;
const S = 83;
const M = 77;

/** compileNsg's pass: management-port candidates as `(index << MASK_BITS) | mask`, and JIT-looking names. */
function scanRules(
  rules: readonly SecurityRule[],
  offset: number,
  management: number[],
  jitNamed: number[] | undefined,
): void {
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    if (jitNamed) {
      const first = r.name.charCodeAt(0);
      if ((first === J || first === S || first === M) && r.direction === 'Inbound') jitNamed.push(i);
    }
    const plural = r.destinationPortRanges;
    const single = r.destinationPortRange;
    let mask = 0;
    if (plural !== undefined && plural.length > 0) {
      for (let k = 0; k < plural.length; k++) mask |= portTextMask(plural[k], MANAGEMENT_PORTS);
    } else if (single !== undefined) mask = portTextMask(single, MANAGEMENT_PORTS);
    if (mask === 0 || r.direction !== 'Inbound') continue;
    const protocol = r.protocol;
    if (protocol === 'Tcp' || protocol === '*' || (protocolBits(protocol) & PROTO_TCP) !== 0) {
      management.push(((offset + i) << MASK_BITS) | mask);
    }
  }
}

/** The rule at `index` (custom rules first, then the default ones). */
export function ruleOf(compiled: CompiledNsg, index: number): SecurityRule {
  const n = compiled.customCount;
  return index < n ? compiled.custom[index] : compiled.defaults[index - n];
}

/** The rule at `index`, fully compiled (not kept: see ruleAt). */
function compileAt(compiled: CompiledNsg, index: number): CompiledRule {
  const isDefault = index >= compiled.customCount;
  if (isDefault && compiled.defaultsCount === 0) {
    return STANDARD_DEFAULTS.get(index - compiled.customCount) as CompiledRule;
  }
  return compileRule(ruleOf(compiled, index), isDefault);
}

/** The rule at `index`, fully compiled, kept for the next question about it. */
export function ruleAt(compiled: CompiledNsg, index: number): CompiledRule {
  let r = compiled.compiled?.get(index);
  if (!r) {
    r = compileAt(compiled, index);
    (compiled.compiled ??= new Map()).set(index, r);
  }
  return r;
}

/** The rule of the `k`th candidate entry in `entries` (candidatesFor's list for the same NSG). */
function candidateRule(compiled: CompiledNsg, entries: readonly number[], k: number): CompiledRule {
  return entries === compiled.management
    ? compiled.managementRules[k]
    : ruleAt(compiled, entries[k] >> MASK_BITS);
}

/** Sort key of the rule at `index`: priority, custom before default. */
function orderKey(compiled: CompiledNsg, index: number): number {
  return ruleOf(compiled, index).priority * 2 + (index >= compiled.customCount ? 1 : 0);
}

/**
 * Candidate entries (`(index << MASK_BITS) | mask`, collected in index order) sorted into evaluation order;
 * equal keys keep index order. Lists are short (a handful of rules per port): an insertion sort
 * beats building keys, except for the long lists a busy port can have.
 */
function inEvaluationOrder(compiled: CompiledNsg, entries: number[]): number[] {
  if (entries.length > 32) {
    const keyed = entries.map((e) => [orderKey(compiled, e >> MASK_BITS), e] as const);
    keyed.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    return keyed.map(([, e]) => e);
  }
  for (let a = 1; a < entries.length; a++) {
    const e = entries[a];
    const key = orderKey(compiled, e >> MASK_BITS);
    let b = a - 1;
    while (b >= 0 && orderKey(compiled, entries[b] >> MASK_BITS) > key) {
      entries[b + 1] = entries[b];
      b--;
    }
    entries[b + 1] = e;
  }
  return entries;
}

/** The mask bit candidate entries for `port` over the protocol carry: the port's own for a management port over TCP. */
function candidateBit(port: number, bit: number): number {
  const m = bit === PROTO_TCP ? MANAGEMENT_PORTS.indexOf(port) : -1;
  return m >= 0 ? 1 << m : 1;
}

/**
 * The inbound rules covering `port` over the protocol, in evaluation order (addresses aside), as
 * candidate entries: those whose mask has candidateBit(port, bit) set.
 */
function candidatesFor(compiled: CompiledNsg, port: number, bit: number): readonly number[] {
  if (bit === PROTO_TCP && MANAGEMENT_PORTS.includes(port)) return compiled.management;
  const key = port * 4 + bit;
  let list = compiled.candidates?.get(key);
  if (!list) {
    const found: number[] = [];
    const total = compiled.customCount + compiled.defaults.length;
    for (let i = 0; i < total; i++) {
      const r = ruleOf(compiled, i);
      if (r.direction !== 'Inbound' || (protocolBits(r.protocol) & bit) === 0) continue;
      if (portInRanges(destinationPorts(r), port)) found.push((i << MASK_BITS) | ALL_MASK);
    }
    list = inEvaluationOrder(compiled, found);
    compiled.candidates ??= new Map();
    if (compiled.candidates.size > 256) compiled.candidates.clear();
    compiled.candidates.set(key, list);
  }
  return list;
}

/** Whether the rule can decide traffic at all: a Deny counts only when it covers every source port. */
function decides(r: CompiledRule): boolean {
  return r.allow || r.allSourcePorts;
}

// ---------------------------------------------------------------- NIC context

/** What the NIC-dependent service tags stand for. */
export interface AzureContext {
  key: string;
  vnet: AddressSet;
  internet: AddressSet;
  /** `internet` split by family. */
  internetV4: AddressSet;
  internetV6: AddressSet;
}

const contexts = new Map<string, AzureContext>();

export function azureContext(nic: NetworkInterface): AzureContext {
  const prefixes = nic.vnetAddressPrefixes ?? [];
  const key = prefixes.join(',');
  let ctx = contexts.get(key);
  if (!ctx) {
    const vnet = AddressSet.fromCidrs(prefixes);
    const internet = PUBLIC_ADDRESSES.subtract(vnet);
    ctx = {
      key,
      vnet,
      internet,
      internetV4: internet.intersect(AddressSet.ALL_IPV4),
      internetV6: internet.intersect(AddressSet.ALL_IPV6),
    };
    if (contexts.size > 1000) contexts.clear();
    contexts.set(key, ctx);
  }
  return ctx;
}

function matcherHas(m: PrefixMatcher, p: Point, ctx: AzureContext): boolean {
  return (
    m.any || m.set.hasPoint(p) || (m.vnet && ctx.vnet.hasPoint(p)) || (m.internet && ctx.internet.hasPoint(p))
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

export function nsgDecision(
  layer: 'subnet-nsg' | 'nic-nsg',
  nsg: Nsg,
  r: CompiledRule | undefined,
): Decision {
  if (!r) return { layer, resourceId: nsg.id, resourceName: nsg.name, access: 'Deny' };
  const { name: rule, priority } = r;
  const access = r.allow ? 'Allow' : 'Deny';
  const [resourceId, resourceName] = [nsg.id, nsg.name];
  return r.isDefault
    ? { layer, resourceId, resourceName, rule, priority, defaultRule: true, access }
    : { layer, resourceId, resourceName, rule, priority, access };
}

type PathLayer = 'subnet-nsg' | 'nic-nsg';

/** A NIC's NSG path with each NSG compiled: what one question about one VM works on. */
export interface CompiledPathStep {
  layer: PathLayer;
  nsg: Nsg;
  compiled: CompiledNsg;
}

/** The NSGs on a NIC's path, in evaluation order, compiled. An id whose NSG was not loaded is skipped. */
export function compiledPath(net: AzureVmNetwork, nic: NetworkInterface): CompiledPathStep[] {
  const path: CompiledPathStep[] = [];
  const subnet = nic.subnetNsgId ? net.nsgs[nic.subnetNsgId] : undefined;
  const own = nic.nsgId ? net.nsgs[nic.nsgId] : undefined;
  if (subnet) path.push({ layer: 'subnet-nsg', nsg: subnet, compiled: compileNsg(subnet) });
  if (own) path.push({ layer: 'nic-nsg', nsg: own, compiled: compileNsg(own) });
  return path;
}

/** The first matching inbound rule, or undefined when custom default rules leave a gap (→ deny). */
function firstMatch(
  compiled: CompiledNsg,
  traffic: Traffic,
  destination: string,
  ctx: AzureContext,
): CompiledRule | undefined {
  const src = parseAddress(traffic.source);
  const dst = parseAddress(destination);
  if (!src || !dst || src.family !== dst.family) return undefined;
  const s = pointOf(src.value);
  const d = pointOf(dst.value);
  const bit = protocolBit(traffic.protocol);
  const want = candidateBit(traffic.port, bit);
  const entries = candidatesFor(compiled, traffic.port, bit);
  for (let k = 0; k < entries.length; k++) {
    if ((entries[k] & want) === 0) continue;
    const r = candidateRule(compiled, entries, k);
    if (decides(r) && matcherHas(r.destinations, d, ctx) && matcherHas(r.sources, s, ctx)) return r;
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
  const path = compiledPath(net, nic);
  if (path.length === 0) return { allowed: true, decidedBy: [{ layer: 'no-nsg', access: 'Allow' }] };
  const ctx = azureContext(nic);
  const decidedBy: Decision[] = [];
  for (const { layer, nsg, compiled } of path) {
    const r = firstMatch(compiled, traffic, destination, ctx);
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
 * Walks the rules covering the port in order, until no source is left undecided. With `allowsOnly`
 * the shares of Deny rules (and of no rule) are left out, and their sources never materialised.
 */
function sharesOf(
  compiled: CompiledNsg,
  port: number,
  bit: number,
  destination: Point,
  family: AddressSet,
  ctx: AzureContext,
  allowsOnly: boolean,
): SourceShare[] {
  const out: SourceShare[] = [];
  let remaining = family;
  const want = candidateBit(port, bit);
  const entries = candidatesFor(compiled, port, bit);
  for (let k = 0; k < entries.length; k++) {
    if ((entries[k] & want) === 0) continue;
    const r = candidateRule(compiled, entries, k);
    if (!decides(r) || !matcherHas(r.destinations, destination, ctx)) continue;
    const sources = matcherSet(r.sources, ctx);
    if (allowsOnly && !r.allow) {
      remaining = remaining.subtract(sources);
    } else {
      const taken = remaining.intersect(sources);
      if (taken.isEmpty) continue;
      out.push({ sources: taken, rule: r });
      remaining = remaining.subtract(taken);
    }
    if (remaining.isEmpty) return out;
  }
  if (!allowsOnly) out.push({ sources: remaining });
  return out;
}

export interface ReachablePart {
  sources: AddressSet;
  /** The allowing decision of each NSG on the path (or a single 'no-nsg'). */
  via: Decision[];
}

/** Which sources can reach `destination:port` through a NIC's compiled NSG path, split by the deciding rules. */
export function reachableOnPath(
  path: readonly CompiledPathStep[],
  ctx: AzureContext,
  destination: Address,
  port: number,
  protocol: TrafficProtocol,
): ReachablePart[] {
  const family = destination.family === 4 ? AddressSet.ALL_IPV4 : AddressSet.ALL_IPV6;
  if (path.length === 0) return [{ sources: family, via: [{ layer: 'no-nsg', access: 'Allow' }] }];
  const point = pointOf(destination.value);
  const bit = protocolBit(protocol);
  let parts: ReachablePart[] = [{ sources: family, via: [] }];
  for (const { layer, nsg, compiled } of path) {
    const allows = sharesOf(compiled, port, bit, point, family, ctx, true);
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

/**
 * Whether any internet address (as the NIC sees it) of the destination's family gets through the
 * path: reachableOnPath restricted to the sources an exposure is about. The walk starts from those
 * few ranges and stops as soon as they are decided, so the common answer (a gate rule turns the
 * Internet away) costs a rule or two and builds no source sets for the VNet's own traffic.
 */
export function internetReachesOnPath(
  path: readonly CompiledPathStep[],
  ctx: AzureContext,
  destination: Address,
  port: number,
  protocol: TrafficProtocol,
): boolean {
  let through = destination.family === 4 ? ctx.internetV4 : ctx.internetV6;
  if (through.isEmpty) return false;
  const point = pointOf(destination.value);
  const bit = protocolBit(protocol);
  for (const { compiled } of path) {
    let allowed = AddressSet.EMPTY;
    for (const share of sharesOf(compiled, port, bit, point, through, ctx, true))
      allowed = allowed.union(share.sources);
    if (allowed.isEmpty) return false;
    through = allowed;
  }
  return true;
}

export function ruleTargetsPoint(r: CompiledRule, destination: Point, ctx: AzureContext): boolean {
  return r.destinationAsgOnly || matcherHas(r.destinations, destination, ctx);
}

export function compiledAllowsCovering(
  compiled: CompiledNsg,
  ports: readonly number[],
): readonly CompiledRule[] {
  if (ports === MANAGEMENT_PORTS) return compiled.managementAllows; // the usual question, answered at compile time
  const key = ports.join(',');
  let list = compiled.allowsByPorts?.get(key);
  if (!list) {
    list = customAllowsCovering(compiled, ports);
    list.sort((x, y) => x.priority - y.priority);
    (compiled.allowsByPorts ??= new Map()).set(key, list);
  }
  return list;
}

/** The custom inbound Allow rules covering one of `ports` over TCP. */
function customAllowsCovering(compiled: CompiledNsg, ports: readonly number[]): CompiledRule[] {
  const found: CompiledRule[] = [];
  if (ports.every((p) => MANAGEMENT_PORTS.includes(p))) {
    // The management candidates already hold them, compiled: no second pass over the rules.
    let want = 0;
    for (const p of ports) want |= 1 << MANAGEMENT_PORTS.indexOf(p);
    const { management, managementRules } = compiled;
    for (let k = 0; k < management.length; k++) {
      const r = managementRules[k];
      if ((management[k] & want) !== 0 && !r.isDefault && r.allow) found.push(r);
    }
    return found;
  }
  for (let i = 0; i < compiled.customCount; i++) {
    const rule = compiled.custom[i];
    if (rule.direction !== 'Inbound' || (protocolBits(rule.protocol) & PROTO_TCP) === 0) continue;
    const covered = destinationPorts(rule);
    if (!ports.some((p) => portInRanges(covered, p))) continue;
    const r = ruleAt(compiled, i);
    if (r.allow) found.push(r);
  }
  return found;
}
