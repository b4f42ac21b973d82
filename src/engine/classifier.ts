// The documented Healthy / Unhealthy / Not applicable decision trees (jit-domain.md §2), followed
// literally, plus the precise exposures behind them evaluated with real NSG / security group /
// firewall semantics. The two can disagree, by design: the status is what Defender would show, the
// exposures say what is actually open.
//
// Decisions the documents leave open:
// - "NSG has Allow rules for 22, 3389, 5985 or 5986": any custom inbound Allow rule whose protocol
//   includes TCP, whose destination ports include a management port and whose destination can be
//   one of this VM's private addresses (ASG-only destinations count: we cannot tell). Any source
//   counts — one office IP makes the VM "unhealthy", as in the documented tree — and shadowed rules
//   count too; the exposures show whether anything gets through.
// - "Protected by an Azure Firewall": net.firewalls is non-empty. A policy-managed firewall
//   (firewallPolicyId) makes the VM "not applicable" when the tree reaches the firewall question,
//   since its rules live in the policy.
// - "Firewall has Allow rules for those ports": a DNAT rule forwarding to the VM's address and a
//   management port, or an Allow network rule to the VM's address covering one.
// - Stopped / deallocated VMs keep the status their rules give (so an exposure is visible before the
//   VM starts) and carry a powerNote; the portal calls them unsupported.
// - AWS "allows a management port from any IP address": a rule covering the port with 0.0.0.0/0 or
//   ::/0, with -1 (all traffic) from those, or with a prefix list that holds them or that we could
//   not read (conservative).
import { AddressSet, type Point, pointOf } from './addressSet';
import { awsInternet, awsReachableSources, attachedGroups, sgRuleCovers, sgRulePeers } from './awsEvaluator';
import {
  azureContext,
  type AzureContext,
  compiledAllowsCovering,
  type CompiledNsg,
  compiledPath,
  type CompiledPathStep,
  type CompiledRule,
  reachableOnPath,
  internetReachesOnPath,
  ruleAt,
  ruleTargetsPoint,
} from './azureEvaluator';
import { type Address, type IpFamily, parseAddress } from './cidr';
import type { Decision } from './evaluator';
import { firewallHasAllowRule, firewallShares } from './firewallEvaluator';
import { decodeAwsTags, decodeAzureRule, NAME_PREFIX, vmKeyOf } from './metadata';
import type { AwsVmNetwork, AzureVmNetwork, NetworkInterface, Nsg, VmNetwork } from './model';
import { DEFAULT_JIT_PORTS } from './model';

export type ClassificationStatus = 'healthy' | 'unhealthy' | 'notApplicable';
export type ExposureScope = 'any' | 'internet' | 'range';

export interface Exposure {
  port: number;
  protocol: 'tcp';
  interfaceId: string;
  /** The VM's private address the traffic reaches. */
  destination: string;
  /** 'any': every address of the family; 'internet': every public address; 'range': some of them. */
  scope: ExposureScope;
  /** The sources that get through, as CIDRs (for 'any' ['*'], for 'internet' ['Internet']). */
  sources: string[];
  /** The allowing rule of each layer on the path. */
  via: Decision[];
  /** Ready to show, e.g. `22/tcp open to Internet via allow-ssh (300) on nsg-web`. */
  text: string;
}

export interface Classification {
  status: ClassificationStatus;
  /** One short line explaining the status. */
  reason: string;
  jit: { enabled: boolean; by?: 'jit-vm-access' | 'defender' };
  exposures: Exposure[];
  warnings: string[];
  /** Set when the VM is not running. */
  powerNote?: string;
}

const DEFENDER_RULE = /^(?:SecurityCenter|MicrosoftDefenderForCloud)-JITRule[_-]/;
const DEFENDER_FIREWALL_COLLECTION = /^(?:ASC|MDC)-JIT$/;
const MAX_LISTED_SOURCES = 5;

/** Rules Microsoft Defender for Cloud's JIT creates (deny: `…-JITRule_…`, allow: `…-JITRule-…`). */
export function isDefenderJitRuleName(name: string): boolean {
  return DEFENDER_RULE.test(name);
}

/**
 * Classifies one VM. Nothing is remembered per VM: the per-NSG work (azureEvaluator.ts's compiled
 * NSGs) is shared, and the rest is cheaper to redo than to check for changes.
 */
export function classify(
  net: VmNetwork,
  managementPorts: readonly number[] = DEFAULT_JIT_PORTS,
): Classification {
  const result =
    net.cloud === 'azure' ? classifyAzure(net, managementPorts) : classifyAws(net, managementPorts);
  const power = net.vm.powerState;
  if (power !== 'running' && power !== 'unknown') {
    result.powerNote = `VM is ${power}: the status reflects its rules; the portal lists non-running VMs as unsupported.`;
  }
  return result;
}

// ---------------------------------------------------------------- Azure

function privateIps(net: VmNetwork): string[] {
  return net.vm.interfaces.flatMap((n) => n.privateIps);
}

/** One NIC with its NSG path compiled, its tag context, and its parsed private addresses. */
interface NicView {
  nic: NetworkInterface;
  path: CompiledPathStep[];
  ctx: AzureContext;
  addresses: Array<{ text: string; address: Address; point: Point }>;
}

function nicViews(net: AzureVmNetwork): NicView[] {
  const views: NicView[] = [];
  for (const nic of net.vm.interfaces) {
    const addresses: NicView['addresses'] = [];
    for (const text of nic.privateIps) {
      const address = parseAddress(text);
      if (address) addresses.push({ text, address, point: pointOf(address.value) });
    }
    views.push({ nic, path: compiledPath(net, nic), ctx: azureContext(nic), addresses });
  }
  return views;
}

/** Could the rule's destination be one of the NIC's private addresses? */
function targetsNic(r: CompiledRule, view: NicView): boolean {
  if (r.destinationAsgOnly) return view.nic.privateIps.length > 0;
  for (const a of view.addresses) if (ruleTargetsPoint(r, a.point, view.ctx)) return true;
  return false;
}

/** An NSG's JIT rules (ours and Defender's), decoded once per compiled NSG. */
interface NsgJitRules {
  ours: Array<{ vmKey?: string }>;
  defender: CompiledRule[];
}

const jitRulesCache = new WeakMap<CompiledNsg, NsgJitRules>();

function nsgJitRules(compiled: CompiledNsg): NsgJitRules {
  let found = jitRulesCache.get(compiled);
  if (!found) {
    found = { ours: [], defender: [] };
    for (const i of compiled.jitNamed) {
      const rule = compiled.custom[i];
      if (isDefenderJitRuleName(rule.name)) found.defender.push(ruleAt(compiled, i));
      else if (rule.name.startsWith(NAME_PREFIX)) {
        const meta = decodeAzureRule(rule);
        if (meta?.origin === 'jit-vm-access') found.ours.push({ vmKey: meta.vmKey });
      }
    }
    jitRulesCache.set(compiled, found);
  }
  return found;
}

function azureJit(net: AzureVmNetwork, views: readonly NicView[]): Classification['jit'] {
  let key: string | undefined; // hashing the VM id costs; most NSGs hold none of our rules
  let defender = false;
  for (const view of views) {
    for (const { compiled } of view.path) {
      if (compiled.jitNamed.length === 0) continue; // most NSGs: nothing named like a JIT rule
      const jit = nsgJitRules(compiled);
      if (jit.ours.length > 0) {
        key ??= vmKeyOf(net.vm.id);
        if (jit.ours.some((m) => m.vmKey === key)) return { enabled: true, by: 'jit-vm-access' };
      }
      if (jit.defender.some((r) => targetsNic(r, view))) defender = true;
    }
  }
  if (net.firewalls.length > 0) {
    const ips = privateIps(net).map((ip) => parseAddress(ip)?.value);
    for (const fw of net.firewalls) {
      for (const c of fw.natRuleCollections) {
        for (const rule of c.rules) {
          const meta = decodeAzureRule(rule);
          if (meta?.origin === 'jit-vm-access' && meta.vmKey === (key ??= vmKeyOf(net.vm.id)))
            return { enabled: true, by: 'jit-vm-access' };
          const toVm = ips.includes(parseAddress(rule.translatedAddress)?.value);
          if (DEFENDER_FIREWALL_COLLECTION.test(c.name) && toVm) defender = true;
        }
      }
    }
  }
  return defender ? { enabled: true, by: 'defender' } : { enabled: false };
}

/** Custom inbound Allow rules that open a management port to this VM (the documented question). */
interface AllowRules {
  /** Distinct `rule on NSG` names (NSGs by name, as the reason shows them). */
  count: number;
  /** The first two, as the reason names them. */
  first: Array<{ nsg: string; rule: string }>;
}

function azureAllowRules(views: readonly NicView[], ports: readonly number[]): AllowRules {
  const found: AllowRules = { count: 0, first: [] };
  // Each `rule on NSG` name once (NICs may share an NSG): the few counted so far are compared directly.
  const nsgNames: string[] = [];
  const ruleNames: string[] = [];
  for (const view of views) {
    for (const { nsg, compiled } of view.path) {
      for (const r of compiledAllowsCovering(compiled, ports)) {
        if (!targetsNic(r, view)) continue;
        let counted = false;
        for (let k = 0; k < ruleNames.length && !counted; k++) {
          counted = ruleNames[k] === r.name && nsgNames[k] === nsg.name;
        }
        if (counted) continue;
        nsgNames.push(nsg.name);
        ruleNames.push(r.name);
        if (found.count++ < 2) found.first.push({ nsg: nsg.name, rule: r.name });
      }
    }
  }
  return found;
}

const PATH_LAYERS = ['subnet-nsg', 'nic-nsg'] as const;

/** The NSG of the path's step for `layer`, when it was read. */
function nsgAt(path: readonly CompiledPathStep[], layer: CompiledPathStep['layer']): Nsg | undefined {
  for (const step of path) if (step.layer === layer) return step.nsg;
  return undefined;
}

/** Warnings about the NSGs on the paths (each NSG once): ids that were not read, and flushConnection. */
function azureWarnings(views: readonly NicView[]): string[] {
  const warnings: string[] = [];
  const ids: string[] = [];
  for (const { nic, path } of views) {
    for (const layer of PATH_LAYERS) {
      const id = layer === 'subnet-nsg' ? nic.subnetNsgId : nic.nsgId;
      if (!id || ids.includes(id)) continue;
      ids.push(id);
      const nsg = nsgAt(path, layer);
      if (!nsg) warnings.push(`NSG ${id} could not be read; it was left out of the evaluation.`);
      else if (nsg.flushConnection) {
        warnings.push(
          `NSG ${nsg.name} has flushConnection enabled: established connections would be cut when access expires.`,
        );
      }
    }
  }
  return warnings;
}

function azureExposures(
  net: AzureVmNetwork,
  views: readonly NicView[],
  ports: readonly number[],
): Exposure[] {
  const out: Exposure[] = [];
  let addressCount = 0;
  for (const nic of net.vm.interfaces) addressCount += nic.privateIps.length;
  const multi = addressCount > 1;
  for (const { nic, path, ctx, addresses } of views) {
    for (const destination of nic.privateIps) {
      const address = addresses.find((a) => a.text === destination)?.address;
      const where = { nic, destination, family: address?.family ?? 4, internet: ctx.internet, multi };
      for (const port of ports) {
        // Most ports of most VMs are closed to the Internet: say so cheaply before splitting every source.
        if (address && internetReachesOnPath(path, ctx, address, port, 'tcp')) {
          for (const part of reachableOnPath(path, ctx, address, port, 'tcp')) {
            const e = exposure(port, where, part.sources, part.via);
            if (e) out.push(e);
          }
        }
        for (const fw of net.firewalls) {
          if (fw.firewallPolicyId) continue;
          for (const share of firewallShares(fw, destination, port, 'tcp')) {
            const e = exposure(port, where, share.sources, [share.decision]);
            if (e) out.push(e);
          }
        }
      }
    }
  }
  return out;
}

/** Every classification in one shape (powerNote aside): millions of reads downstream stay monomorphic. */
function classification(
  status: ClassificationStatus,
  reason: string,
  jit: Classification['jit'],
  exposures: Exposure[],
  warnings: string[],
): Classification {
  return { status, reason, jit, exposures, warnings };
}

function classifyAzure(net: AzureVmNetwork, ports: readonly number[]): Classification {
  const views = nicViews(net);
  const warnings = azureWarnings(views);
  if (net.vm.classic) {
    return classification(
      'notApplicable',
      'Classic (ASM) VM: JIT does not apply.',
      { enabled: false },
      [],
      warnings,
    );
  }
  const jit = azureJit(net, views);
  const exposures = azureExposures(net, views, ports);
  const verdict = (status: ClassificationStatus, reason: string): Classification =>
    classification(status, reason, jit, exposures, warnings);
  if (jit.enabled) {
    const by = jit.by === 'defender' ? 'Microsoft Defender for Cloud' : 'JIT VM Access';
    return verdict('healthy', `JIT is enabled (by ${by}).`);
  }
  const hasNsg = net.vm.interfaces.some((n) => n.nsgId || n.subnetNsgId);
  let firewallQuestion: string;
  if (hasNsg) {
    const allowRules = azureAllowRules(views, ports);
    if (allowRules.count === 0) return verdict('healthy', 'No NSG rule allows management ports.');
    const labels = allowRules.first.map(({ nsg, rule }) => `${rule} on ${nsg}`);
    firewallQuestion = `NSG rule ${listed(labels, allowRules.count)} allows management ports`;
  } else {
    if (net.firewalls.length === 0) {
      return verdict('notApplicable', 'No NSG and no Azure Firewall protects this VM.');
    }
    firewallQuestion = 'No NSG on the VM';
  }
  if (net.firewalls.length === 0) {
    return verdict('unhealthy', `${firewallQuestion}${exposureSuffix(exposures)}.`);
  }
  const managed = net.firewalls.find((f) => f.firewallPolicyId);
  if (managed) {
    return verdict(
      'notApplicable',
      `Behind Azure Firewall ${managed.name}, managed by a firewall policy: only classic rules are supported.`,
    );
  }
  const ips = privateIps(net);
  const fwAllows = net.firewalls.filter((fw) => ports.some((p) => firewallHasAllowRule(fw, ips, p)));
  if (fwAllows.length > 0) {
    const names = fwAllows.map((f) => f.name);
    return verdict(
      'unhealthy',
      `${firewallQuestion}, and Azure Firewall ${listed(names)} allows management ports${exposureSuffix(exposures)}.`,
    );
  }
  return verdict(
    'healthy',
    `${firewallQuestion}, but Azure Firewall ${listed(net.firewalls.map((f) => f.name))} allows none.`,
  );
}

// ---------------------------------------------------------------- AWS

function classifyAws(net: AwsVmNetwork, ports: readonly number[]): Classification {
  const warnings: string[] = [];
  for (const nic of net.vm.interfaces) {
    for (const id of nic.securityGroupIds ?? []) {
      if (!net.groups[id])
        warnings.push(`Security group ${id} could not be read; it was left out of the evaluation.`);
    }
  }
  const exposures = awsExposures(net, ports);
  const jitGroup = net.vm.interfaces
    .flatMap((nic) => attachedGroups(net, nic))
    .find((g) => {
      const meta = decodeAwsTags(g.tags);
      return meta?.kind === 'group' && meta.groupRole === 'jit' && meta.vmId === net.vm.id;
    });
  if (jitGroup) {
    const reason = `JIT is enabled (group ${jitGroup.name}).`;
    return classification('healthy', reason, { enabled: true, by: 'jit-vm-access' }, exposures, warnings);
  }
  const openToAll = openToAnyRules(net, ports);
  if (openToAll.length > 0) {
    const reason = `Security group rule ${listed(openToAll)} allows a management port from any address.`;
    return classification('unhealthy', reason, { enabled: false }, exposures, warnings);
  }
  const reason = 'No security group allows a management port from any address.';
  return classification('healthy', reason, { enabled: false }, exposures, warnings);
}

function openToAnyRules(net: AwsVmNetwork, ports: readonly number[]): string[] {
  const names = new Set<string>();
  for (const nic of net.vm.interfaces) {
    for (const group of attachedGroups(net, nic)) {
      for (const rule of group.rules) {
        if (rule.isEgress || !ports.some((p) => sgRuleCovers(rule, p, 'tcp'))) continue;
        const peers = sgRulePeers(rule, net);
        if (peers.covers(AddressSet.ALL_IPV4) || peers.covers(AddressSet.ALL_IPV6)) {
          names.add(`${rule.ruleId ?? '(no id)'} on ${group.name}`);
        }
      }
    }
  }
  return [...names];
}

function awsExposures(net: AwsVmNetwork, ports: readonly number[]): Exposure[] {
  const out: Exposure[] = [];
  const multi = privateIps(net).length > 1;
  for (const nic of net.vm.interfaces) {
    const internet = awsInternet(nic);
    for (const destination of nic.privateIps) {
      const family = parseAddress(destination)?.family ?? 4;
      const where = { nic, destination, family, internet, multi };
      for (const port of ports) {
        for (const part of awsReachableSources(net, nic, destination, port, 'tcp')) {
          const e = exposure(port, where, part.sources, part.via);
          if (e) out.push(e);
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- exposures and wording

/** Where an exposure would be: one private address of one interface. */
interface ExposureTarget {
  nic: NetworkInterface;
  destination: string;
  family: IpFamily;
  /** Internet as the interface sees it (both families). */
  internet: AddressSet;
  /** The VM has more than one private address: texts name the address. */
  multi: boolean;
}

/** An exposure when some internet address is among `sources`; undefined otherwise. */
function exposure(
  port: number,
  at: ExposureTarget,
  sources: AddressSet,
  via: Decision[],
): Exposure | undefined {
  const family = at.family === 6 ? AddressSet.ALL_IPV6 : AddressSet.ALL_IPV4;
  const familyInternet = at.internet.intersect(family);
  if (sources.intersect(familyInternet).isEmpty) return undefined;
  const scope: ExposureScope = sources.covers(family)
    ? 'any'
    : sources.covers(familyInternet)
      ? 'internet'
      : 'range';
  const listedSources = scope === 'any' ? ['*'] : scope === 'internet' ? ['Internet'] : sources.toCidrs();
  const who =
    scope === 'any'
      ? 'any address'
      : scope === 'internet'
        ? 'Internet'
        : listedSources.length > MAX_LISTED_SOURCES
          ? `${listedSources.slice(0, MAX_LISTED_SOURCES).join(', ')} and ${listedSources.length - MAX_LISTED_SOURCES} more ranges`
          : listedSources.join(', ');
  const target = at.multi ? ` on ${at.destination}` : '';
  return {
    port,
    protocol: 'tcp',
    interfaceId: at.nic.id,
    destination: at.destination,
    scope,
    sources: listedSources,
    via,
    text: `${port}/tcp${target} open to ${who} ${describeVia(via)}`,
  };
}

function describeDecision(d: Decision): string {
  switch (d.layer) {
    case 'no-nsg':
      return 'no NSG on the NIC or its subnet';
    case 'security-group':
      return `${d.rule ?? 'a rule'} on ${d.resourceName}${d.resourceName !== d.resourceId ? ` (${d.resourceId})` : ''}`;
    case 'firewall-dnat':
      return `DNAT rule ${d.rule} (${d.collection}, ${d.priority}) on ${d.resourceName}: connect to ${d.connect?.host}:${d.connect?.port}`;
    case 'firewall-network':
      return `network rule ${d.rule} (${d.collection}, ${d.priority}) on ${d.resourceName}`;
    default:
      return `${d.rule} (${d.priority}) on ${d.resourceName}`;
  }
}

function describeVia(via: Decision[]): string {
  if (via.length === 1 && via[0].layer === 'no-nsg') return `(${describeDecision(via[0])})`;
  return `via ${via.map(describeDecision).join(' and ')}`;
}

/** `items` names the first of `total` things (all of them when there are at most two). */
function listed(items: string[], total = items.length): string {
  return total <= 2 ? items.join(' and ') : `${items.slice(0, 2).join(', ')} and ${total - 2} more`;
}

function exposureSuffix(exposures: Exposure[]): string {
  if (exposures.length === 0) return '; nothing is reachable from the Internet';
  return `; ${exposures[0].text}${exposures.length > 1 ? ` (+${exposures.length - 1} more)` : ''}`;
}
