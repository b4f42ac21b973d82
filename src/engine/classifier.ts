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
import { AddressSet } from './addressSet';
import { awsInternet, awsReachableSources, attachedGroups, sgRuleCovers, sgRulePeers } from './awsEvaluator';
import {
  azureContext,
  compileNsg,
  customAllowsCovering,
  type CompiledRule,
  nsgsOnPath,
  reachableSources,
  ruleTargets,
} from './azureEvaluator';
import { parseAddress } from './cidr';
import type { Decision } from './evaluator';
import { firewallHasAllowRule, firewallShares } from './firewallEvaluator';
import { decodeAwsTags, decodeAzureRule, vmKeyOf } from './metadata';
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

/** An NSG's JIT rules (ours and Defender's), decoded once per NSG object. */
interface NsgJitRules {
  ours: Array<{ vmKey?: string }>;
  defender: CompiledRule[];
}

const jitRulesCache = new WeakMap<CompiledRule[], NsgJitRules>();

function nsgJitRules(nsg: Nsg): NsgJitRules {
  const custom = compileNsg(nsg).custom;
  let found = jitRulesCache.get(custom);
  if (!found) {
    found = { ours: [], defender: [] };
    for (const r of custom) {
      if (isDefenderJitRuleName(r.rule.name)) found.defender.push(r);
      else {
        const meta = decodeAzureRule(r.rule);
        if (meta?.origin === 'jit-vm-access') found.ours.push({ vmKey: meta.vmKey });
      }
    }
    jitRulesCache.set(custom, found);
  }
  return found;
}

function azureJit(net: AzureVmNetwork): Classification['jit'] {
  const key = vmKeyOf(net.vm.id);
  let defender = false;
  for (const nic of net.vm.interfaces) {
    for (const { nsg } of nsgsOnPath(net, nic)) {
      const jit = nsgJitRules(nsg);
      if (jit.ours.some((m) => m.vmKey === key)) return { enabled: true, by: 'jit-vm-access' };
      if (jit.defender.some((r) => nic.privateIps.some((ip) => ruleTargets(r, ip, nic)))) defender = true;
    }
  }
  const ips = privateIps(net).map((ip) => parseAddress(ip)?.value);
  for (const fw of net.firewalls) {
    for (const c of fw.natRuleCollections) {
      for (const rule of c.rules) {
        const meta = decodeAzureRule(rule);
        if (meta?.origin === 'jit-vm-access' && meta.vmKey === key)
          return { enabled: true, by: 'jit-vm-access' };
        const toVm = ips.includes(parseAddress(rule.translatedAddress)?.value);
        if (DEFENDER_FIREWALL_COLLECTION.test(c.name) && toVm) defender = true;
      }
    }
  }
  return defender ? { enabled: true, by: 'defender' } : { enabled: false };
}

/** Custom inbound Allow rules that open a management port to this VM (the documented question). */
function azureAllowRuleNames(net: AzureVmNetwork, ports: readonly number[]): string[] {
  const names = new Set<string>();
  for (const nic of net.vm.interfaces) {
    for (const { nsg } of nsgsOnPath(net, nic)) {
      for (const r of customAllowsCovering(nsg, ports)) {
        if (nic.privateIps.some((ip) => ruleTargets(r, ip, nic))) names.add(`${r.rule.name} on ${nsg.name}`);
      }
    }
  }
  return [...names];
}

function azureWarnings(net: AzureVmNetwork): string[] {
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const nic of net.vm.interfaces) {
    for (const id of [nic.subnetNsgId, nic.nsgId]) {
      if (!id || seen.has(id)) continue;
      seen.add(id);
      const nsg = net.nsgs[id];
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

function azureExposures(net: AzureVmNetwork, ports: readonly number[]): Exposure[] {
  const out: Exposure[] = [];
  const multi = privateIps(net).length > 1;
  for (const nic of net.vm.interfaces) {
    const internet = azureContext(nic).internet;
    for (const destination of nic.privateIps) {
      for (const port of ports) {
        for (const part of reachableSources(net, nic, destination, port, 'tcp')) {
          const e = exposure(port, nic, destination, part.sources, part.via, internet, multi);
          if (e) out.push(e);
        }
        for (const fw of net.firewalls) {
          if (fw.firewallPolicyId) continue;
          for (const share of firewallShares(fw, destination, port, 'tcp')) {
            const e = exposure(port, nic, destination, share.sources, [share.decision], internet, multi);
            if (e) out.push(e);
          }
        }
      }
    }
  }
  return out;
}

function classifyAzure(net: AzureVmNetwork, ports: readonly number[]): Classification {
  const warnings = azureWarnings(net);
  const base = { warnings, exposures: [] as Exposure[] };
  if (net.vm.classic) {
    return {
      ...base,
      status: 'notApplicable',
      reason: 'Classic (ASM) VM: JIT does not apply.',
      jit: { enabled: false },
    };
  }
  const jit = azureJit(net);
  const exposures = azureExposures(net, ports);
  const withExposures = { warnings, exposures, jit };
  if (jit.enabled) {
    const by = jit.by === 'defender' ? 'Microsoft Defender for Cloud' : 'JIT VM Access';
    return { ...withExposures, status: 'healthy', reason: `JIT is enabled (by ${by}).` };
  }
  const hasNsg = net.vm.interfaces.some((n) => n.nsgId || n.subnetNsgId);
  let firewallQuestion: string;
  if (hasNsg) {
    const allowRules = azureAllowRuleNames(net, ports);
    if (allowRules.length === 0) {
      return { ...withExposures, status: 'healthy', reason: 'No NSG rule allows management ports.' };
    }
    firewallQuestion = `NSG rule ${listed(allowRules)} allows management ports`;
  } else {
    if (net.firewalls.length === 0) {
      return {
        ...withExposures,
        status: 'notApplicable',
        reason: 'No NSG and no Azure Firewall protects this VM.',
      };
    }
    firewallQuestion = 'No NSG on the VM';
  }
  if (net.firewalls.length === 0) {
    return {
      ...withExposures,
      status: 'unhealthy',
      reason: `${firewallQuestion}${exposureSuffix(exposures)}.`,
    };
  }
  const managed = net.firewalls.find((f) => f.firewallPolicyId);
  if (managed) {
    return {
      ...withExposures,
      status: 'notApplicable',
      reason: `Behind Azure Firewall ${managed.name}, managed by a firewall policy: only classic rules are supported.`,
    };
  }
  const ips = privateIps(net);
  const fwAllows = net.firewalls.filter((fw) => ports.some((p) => firewallHasAllowRule(fw, ips, p)));
  if (fwAllows.length > 0) {
    const names = fwAllows.map((f) => f.name);
    return {
      ...withExposures,
      status: 'unhealthy',
      reason: `${firewallQuestion}, and Azure Firewall ${listed(names)} allows management ports${exposureSuffix(exposures)}.`,
    };
  }
  return {
    ...withExposures,
    status: 'healthy',
    reason: `${firewallQuestion}, but Azure Firewall ${listed(net.firewalls.map((f) => f.name))} allows none.`,
  };
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
    return {
      status: 'healthy',
      reason: `JIT is enabled (group ${jitGroup.name}).`,
      jit: { enabled: true, by: 'jit-vm-access' },
      exposures,
      warnings,
    };
  }
  const openToAll = openToAnyRules(net, ports);
  if (openToAll.length > 0) {
    return {
      status: 'unhealthy',
      reason: `Security group rule ${listed(openToAll)} allows a management port from any address.`,
      jit: { enabled: false },
      exposures,
      warnings,
    };
  }
  return {
    status: 'healthy',
    reason: 'No security group allows a management port from any address.',
    jit: { enabled: false },
    exposures,
    warnings,
  };
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
      for (const port of ports) {
        for (const part of awsReachableSources(net, nic, destination, port, 'tcp')) {
          const e = exposure(port, nic, destination, part.sources, part.via, internet, multi);
          if (e) out.push(e);
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- exposures and wording

/** An exposure when some internet address is among `sources`; undefined otherwise. */
function exposure(
  port: number,
  nic: NetworkInterface,
  destination: string,
  sources: AddressSet,
  via: Decision[],
  internet: AddressSet,
  multi: boolean,
): Exposure | undefined {
  const family = parseAddress(destination)?.family === 6 ? AddressSet.ALL_IPV6 : AddressSet.ALL_IPV4;
  const familyInternet = internet.intersect(family);
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
  const target = multi ? ` on ${destination}` : '';
  return {
    port,
    protocol: 'tcp',
    interfaceId: nic.id,
    destination,
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

function listed(items: string[]): string {
  return items.length <= 2
    ? items.join(' and ')
    : `${items.slice(0, 2).join(', ')} and ${items.length - 2} more`;
}

function exposureSuffix(exposures: Exposure[]): string {
  if (exposures.length === 0) return '; nothing is reachable from the Internet';
  return `; ${exposures[0].text}${exposures.length > 1 ? ` (+${exposures.length - 1} more)` : ''}`;
}
