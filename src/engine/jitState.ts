// Reconstructs a VM's JIT policy and active grants from cloud metadata alone (no local state), as
// any copy of the tool sees them.
import { compileNsg } from './azureEvaluator';
import { DNAT_COLLECTION, decodeAwsTags, decodeAzureRule, type JitRuleMeta, vmKeyOf } from './metadata';
import type {
  AwsVmNetwork,
  AzureVmNetwork,
  Grant,
  GrantRuleRef,
  JitPolicy,
  JitProtocol,
  Nsg,
  PortSpec,
  SecurityGroup,
  SecurityRule,
  VmNetwork,
} from './model';
import { destinationPortRanges, fieldValues } from './ruleFields';

/** One NSG on the VM's inbound path and the VM's private addresses it filters. */
export interface NsgOnPath {
  nsg: Nsg;
  ips: string[];
}

/** Every NSG on the VM's inbound path (subnet NSG and NIC NSG of each interface), once each. */
export function nsgsOnPath(net: AzureVmNetwork): NsgOnPath[] {
  const byId = new Map<string, NsgOnPath>();
  for (const nic of net.vm.interfaces) {
    for (const id of [nic.subnetNsgId, nic.nsgId]) {
      const nsg = id ? net.nsgs[id] : undefined;
      if (!nsg) continue;
      const entry = byId.get(nsg.id) ?? { nsg, ips: [] };
      for (const ip of nic.privateIps) if (!entry.ips.includes(ip)) entry.ips.push(ip);
      byId.set(nsg.id, entry);
    }
  }
  return [...byId.values()];
}

/**
 * Our rules for this VM in one NSG, with their decoded metadata. Only the inbound rules named like a
 * JIT rule are decoded (the compiled NSG lists them): every rule this tool writes is inbound and
 * named `JitVmAccess-…`, and decoding each of an NSG's rules for every VM behind it would cost a
 * regular expression per rule.
 */
export function ourAzureRules(nsg: Nsg, vmId: string): { rule: SecurityRule; meta: JitRuleMeta }[] {
  const compiled = compileNsg(nsg);
  const out: { rule: SecurityRule; meta: JitRuleMeta }[] = [];
  if (compiled.jitNamed.length === 0) return out;
  const key = vmKeyOf(vmId);
  for (const i of compiled.jitNamed) {
    const rule = compiled.custom[i];
    const meta = decodeAzureRule(rule);
    if (meta?.origin === 'jit-vm-access' && meta.vmKey === key) out.push({ rule, meta });
  }
  return out;
}

/** The instance's own JIT group and copies: attached ones and any left unattached by an interruption. */
export function ourAwsGroups(net: AwsVmNetwork): { group: SecurityGroup; meta: JitRuleMeta }[] {
  const out: { group: SecurityGroup; meta: JitRuleMeta }[] = [];
  const seen = new Set<string>();
  for (const group of [...Object.values(net.groups), ...Object.values(net.unattachedJitGroups ?? {})]) {
    if (seen.has(group.id)) continue;
    seen.add(group.id);
    const meta = decodeAwsTags(group.tags);
    if (meta?.kind === 'group' && meta.vmId === net.vm.id) out.push({ group, meta });
  }
  return out;
}

export function jitGroupOf(net: AwsVmNetwork): { group: SecurityGroup; meta: JitRuleMeta } | undefined {
  return ourAwsGroups(net).find((g) => g.meta.groupRole === 'jit');
}

/** The JIT policy recorded in the cloud for this VM, or undefined when JIT VM Access is not enabled. */
export function policyOf(net: VmNetwork): JitPolicy | undefined {
  if (net.cloud === 'aws') {
    const policy = jitGroupOf(net)?.meta.policy;
    return policy ? { vmId: net.vm.id, ...policy } : undefined;
  }
  for (const { nsg } of nsgsOnPath(net)) {
    const deny = ourAzureRules(nsg, net.vm.id).find((r) => r.meta.kind === 'deny');
    if (deny?.meta.policy) return { vmId: net.vm.id, ...deny.meta.policy };
  }
  return undefined;
}

/** A grant as found, with how many parts its metadata says it has and how many were found. */
export interface FoundGrant {
  grant: Grant;
  expectedParts: number;
  foundParts: number;
}

class GrantAccumulator {
  private readonly byId = new Map<string, FoundGrant & { protocols: Map<number, Set<'tcp' | 'udp'>> }>();

  constructor(private readonly net: VmNetwork) {}

  add(
    meta: JitRuleMeta,
    ref: GrantRuleRef,
    source: string,
    ports: { port: number; protocol: JitProtocol }[],
    sourceKind: 'rule' | 'requester' = 'rule',
  ): void {
    const id = meta.grantId!;
    let entry = this.byId.get(id);
    if (!entry) {
      entry = {
        grant: {
          id,
          cloud: this.net.cloud,
          vmId: this.net.vm.id,
          vmName: this.net.vm.name,
          ports: [],
          source,
          requester: meta.requester ?? '',
          ...(meta.justification ? { justification: meta.justification } : {}),
          expiresAt: meta.expiresAt!,
          rules: [],
        },
        expectedParts: meta.parts ?? 1,
        foundParts: 0,
        protocols: new Map(),
      };
      this.byId.set(id, entry);
    }
    if (sourceKind === 'requester') entry.grant.source = source;
    // An interrupted extend leaves parts with different expiries: the earliest one counts.
    entry.grant.expiresAt = Math.min(entry.grant.expiresAt, meta.expiresAt!);
    entry.expectedParts = Math.max(entry.expectedParts, meta.parts ?? 1);
    entry.foundParts++;
    entry.grant.rules.push(ref);
    for (const p of ports) {
      const set = entry.protocols.get(p.port) ?? new Set();
      if (p.protocol !== 'udp') set.add('tcp');
      if (p.protocol !== 'tcp') set.add('udp');
      entry.protocols.set(p.port, set);
    }
  }

  connect(id: string, endpoint: { port: number; host: string; hostPort: number }): void {
    const grant = this.byId.get(id)?.grant;
    if (grant && !grant.connect?.some((c) => c.port === endpoint.port && c.host === endpoint.host)) {
      grant.connect = [...(grant.connect ?? []), endpoint];
    }
  }

  result(): FoundGrant[] {
    return [...this.byId.values()].map(({ grant, expectedParts, foundParts, protocols }) => {
      const ports: PortSpec[] = [...protocols]
        .sort(([a], [b]) => a - b)
        .map(([port, set]) => ({ port, protocol: set.size === 2 ? '*' : [...set][0] }));
      return { grant: { ...grant, ports }, expectedParts, foundParts };
    });
  }
}

function nsgProtocol(p: SecurityRule['protocol']): JitProtocol {
  return p === 'Tcp' ? 'tcp' : p === 'Udp' ? 'udp' : '*';
}

function portsOfRule(rule: SecurityRule): { port: number; protocol: JitProtocol }[] {
  const protocol = nsgProtocol(rule.protocol);
  const ranges = destinationPortRanges(rule);
  const out: { port: number; protocol: JitProtocol }[] = [];
  for (let r = 0; r < ranges.length; r += 2) {
    const [lo, hi] = [ranges[r], ranges[r + 1]];
    for (let port = lo; port <= Math.min(hi, lo + 63); port++) out.push({ port, protocol });
  }
  return out;
}

/** Every grant of ours for this VM found in the cloud, with part counts (for repair by sweeps). */
export function foundGrantsOf(net: VmNetwork): FoundGrant[] {
  const acc = new GrantAccumulator(net);
  if (net.cloud === 'azure') {
    for (const { nsg } of nsgsOnPath(net)) {
      for (const { rule, meta } of ourAzureRules(nsg, net.vm.id)) {
        if (meta.kind !== 'grant') continue;
        // Our grant rules always name exactly one source; anything else is a malformed part, left out
        // so the grant reads as incomplete (verification fails, a sweep repairs) instead of as '*'.
        const sources = fieldValues(rule.sourceAddressPrefix, rule.sourceAddressPrefixes);
        if (sources.length !== 1) continue;
        acc.add(meta, { kind: 'nsgRule', nsgId: nsg.id, ruleName: rule.name }, sources[0], portsOfRule(rule));
      }
    }
    const key = vmKeyOf(net.vm.id);
    for (const fw of net.firewalls) {
      for (const collection of fw.natRuleCollections.filter((c) => c.name === DNAT_COLLECTION)) {
        for (const rule of collection.rules) {
          const meta = decodeAzureRule(rule);
          if (meta?.origin !== 'jit-vm-access' || meta.kind !== 'grant' || meta.vmKey !== key) continue;
          const port = Number(rule.translatedPort);
          const protocol: JitProtocol =
            rule.protocols.length === 1 && rule.protocols[0] === 'UDP' ? 'udp' : 'tcp';
          const ref: GrantRuleRef = {
            kind: 'firewallNatRule',
            firewallId: fw.id,
            collection: collection.name,
            ruleName: rule.name,
          };
          if (rule.sourceAddresses.length !== 1) continue; // malformed part, as for NSG rules above
          // The requester's address lives here; the grant's NSG rules name the firewall's instead.
          acc.add(meta, ref, rule.sourceAddresses[0], [{ port, protocol }], 'requester');
          acc.connect(meta.grantId!, {
            port,
            host: rule.destinationAddresses[0],
            hostPort: Number(rule.destinationPorts[0]),
          });
        }
      }
    }
  } else {
    const jit = jitGroupOf(net);
    for (const rule of jit?.group.rules ?? []) {
      const meta = rule.tags ? decodeAwsTags(rule.tags) : undefined;
      if (rule.isEgress || meta?.kind !== 'grant' || meta.vmId !== net.vm.id || rule.fromPort === undefined)
        continue;
      const source = rule.cidrIpv4 ?? rule.cidrIpv6 ?? '*';
      const protocol: JitProtocol = rule.ipProtocol === 'udp' ? 'udp' : 'tcp';
      acc.add(meta, { kind: 'sgRule', groupId: jit!.group.id, ruleId: rule.ruleId ?? '' }, source, [
        { port: rule.fromPort, protocol },
      ]);
    }
  }
  return acc.result();
}

/** Active (not necessarily unexpired) grants of ours for this VM, from metadata alone. */
export function grantsOf(net: VmNetwork): Grant[] {
  return foundGrantsOf(net).map((f) => f.grant);
}
