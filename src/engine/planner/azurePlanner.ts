// Plans for Azure VMs: NSG deny/allow rules on every NSG in the VM's path, scoped to the VM's own
// private address(es), plus DNAT rules on a classic Azure Firewall for VMs reachable only through it.
//
// Decisions:
// - Enable writes a deny rule on EVERY NSG in the path (subnet and NIC, every interface), so that
//   the port stays closed if someone later adds an allow rule to either NSG, and any one deny rule
//   carries the whole policy. The deny's destination is this VM's private IP(s): on a subnet NSG
//   shared with other VMs, nothing changes for them.
// - A VM with no NSG at all (only a classic firewall) cannot be enabled: the policy record lives on
//   the NSG deny rule, and removing a user's DNAT rules would change rules we did not create. The
//   error says to attach an NSG; grants then use the firewall path as well.
// - Grants go through the firewall (a DNAT rule in collection JitVmAccess-DNAT, source = requester,
//   firewall public IP:free port -> VM private IP:port) when the VM has no public IP and a classic
//   firewall is in its VNet. The firewall translates the source to its own private address, so the
//   NSG allow rules on that path admit the firewall's private IP (the DNAT rule does the source
//   filtering); the plan says so in a warning.
import { overlaps, parseCidr } from '../cidr';
import { nsgsOnPath, ourAzureRules, policyOf, type FoundGrant } from '../jitState';
import {
  DNAT_COLLECTION,
  decodeAzureRule,
  azureDenyDescription,
  azureDenyRuleName,
  azureGrantDescription,
  azureGrantRuleName,
  protocolCode,
  vmKeyOf,
  type GrantMetaInput,
} from '../metadata';
import type {
  AccessRequest,
  AzureFirewall,
  AzureVmNetwork,
  FirewallProtocol,
  Grant,
  GrantRuleRef,
  JitPolicy,
  JitProtocol,
  Nsg,
  NsgProtocol,
  SecurityRule,
} from '../model';
import type { Plan } from '../operations';
import { portInRanges } from '../portRanges';
import { denyPriority, firstExposingRule, grantPriority } from '../priorities';
import {
  destinationPortRanges,
  destinationPrefixes,
  prefixMayContain,
  protocolOverlaps,
  sourcePrefixes,
} from '../ruleFields';
import {
  PlanBuilder,
  PlanError,
  assertRequestWithinPolicy,
  byProtocol,
  describePorts,
  expiryFor,
  grantIdFor,
  isAnySource,
  plannedGrant,
  warnIfAnySource,
} from './common';

const NSG_PROTOCOL: Record<JitProtocol, NsgProtocol> = { tcp: 'Tcp', udp: 'Udp', '*': '*' };
/** First firewall port tried for a DNAT mapping. */
const DNAT_PORT_BASE = 50000;

function withAddresses(rule: SecurityRule, field: 'destination' | 'source', values: string[]): SecurityRule {
  return values.length === 1
    ? { ...rule, [`${field}AddressPrefix`]: values[0] }
    : { ...rule, [`${field}AddressPrefixes`]: values };
}

function withPorts(rule: SecurityRule, ports: number[]): SecurityRule {
  const texts = ports.map(String);
  return texts.length === 1
    ? { ...rule, destinationPortRange: texts[0] }
    : { ...rule, destinationPortRanges: texts };
}

function sameRuleContent(a: SecurityRule, b: SecurityRule): boolean {
  const keys: (keyof SecurityRule)[] = [
    'priority',
    'access',
    'protocol',
    'sourceAddressPrefix',
    'sourceAddressPrefixes',
    'destinationAddressPrefix',
    'destinationAddressPrefixes',
    'destinationPortRange',
    'destinationPortRanges',
    'description',
  ];
  return keys.every((k) => JSON.stringify(a[k] ?? null) === JSON.stringify(b[k] ?? null));
}

function requirePath(net: AzureVmNetwork): ReturnType<typeof nsgsOnPath> {
  const path = nsgsOnPath(net);
  if (path.length === 0) {
    const behindFirewall = net.firewalls.some((f) => !f.firewallPolicyId);
    throw new PlanError(
      `VM '${net.vm.name}' has no network security group on its network interfaces or their subnets` +
        (behindFirewall ? ' (it is only behind an Azure Firewall)' : '') +
        '. JIT VM Access keeps the policy on an NSG deny rule: attach an NSG to the NIC or subnet, then enable JIT.',
    );
  }
  const open = net.vm.interfaces.find((nic) => !nic.nsgId && !nic.subnetNsgId);
  if (open) {
    throw new PlanError(
      `Network interface '${open.name ?? open.id}' of VM '${net.vm.name}' has no NSG on it or its subnet, so Azure ` +
        `admits all inbound traffic to ${open.privateIps.join(', ')} and JIT cannot close its ports. Attach an NSG to it ` +
        `or its subnet, then enable JIT.`,
    );
  }
  return path;
}

function ourDenyPriority(nsg: Nsg, vmId: string): number | undefined {
  const denies = ourAzureRules(nsg, vmId).filter((r) => r.meta.kind === 'deny');
  return denies.length ? Math.min(...denies.map((d) => d.rule.priority)) : undefined;
}

export function planAzureEnable(net: AzureVmNetwork, policy: JitPolicy): Plan {
  const b = new PlanBuilder();
  const vm = net.vm;
  const key = vmKeyOf(vm.id);
  const description = azureDenyDescription(key, policy);
  for (const { nsg, ips } of requirePath(net)) {
    const ours = ourAzureRules(nsg, vm.id).filter((r) => r.meta.kind === 'deny');
    const reserved: number[] = [];
    const wanted = byProtocol(policy.ports);
    const wantedNames = new Set<string>();
    const bound = firstExposingRule(nsg, ips, policy.ports);
    if (bound) {
      b.warn(
        `Rule '${bound.name}' (priority ${bound.priority}) on NSG '${nsg.name}' allows a JIT port to VM '${vm.name}'; ` +
          `the JIT deny rule is placed before it, closing the port for this VM only (the rule itself is unchanged).`,
      );
    }
    for (const [protocol, ports] of wanted) {
      const name = azureDenyRuleName(key, vm.name, protocol);
      wantedNames.add(name);
      const existing = ours.find((r) => r.rule.name === name)?.rule;
      const priority = denyPriority(nsg, vm.id, ips, policy.ports, reserved, existing?.priority);
      reserved.push(priority);
      let rule: SecurityRule = {
        name,
        priority,
        direction: 'Inbound',
        access: 'Deny',
        protocol: NSG_PROTOCOL[protocol],
        sourceAddressPrefix: '*',
        sourcePortRange: '*',
        description,
      };
      rule = withPorts(withAddresses(rule, 'destination', ips), ports);
      if (existing && sameRuleContent(existing, rule)) continue;
      b.add(
        { kind: 'azure.putRule', nsgId: nsg.id, rule },
        `${existing ? 'Update' : 'Add'} deny rule '${name}' on NSG '${nsg.name}' at priority ${priority}: ` +
          `${describePorts(ports, protocol)} from any source to ${ips.join(', ')}`,
      );
    }
    for (const { rule } of ours) {
      if (wantedNames.has(rule.name)) continue;
      b.add(
        { kind: 'azure.deleteRule', nsgId: nsg.id, ruleName: rule.name },
        `Delete deny rule '${rule.name}' on NSG '${nsg.name}' (no longer in the policy)`,
      );
    }
  }
  return b.build();
}

function deleteGrantRules(b: PlanBuilder, net: AzureVmNetwork, refs: GrantRuleRef[], why: string): void {
  for (const ref of refs) {
    if (ref.kind === 'nsgRule') {
      const nsgName = net.nsgs[ref.nsgId]?.name ?? ref.nsgId;
      b.add(
        { kind: 'azure.deleteRule', nsgId: ref.nsgId, ruleName: ref.ruleName },
        `Delete ${why} rule '${ref.ruleName}' on NSG '${nsgName}'`,
      );
    } else if (ref.kind === 'firewallNatRule') {
      const fwName = net.firewalls.find((f) => f.id === ref.firewallId)?.name ?? ref.firewallId;
      b.add(
        {
          kind: 'azure.deleteFirewallNatRule',
          firewallId: ref.firewallId,
          collection: ref.collection,
          ruleName: ref.ruleName,
        },
        `Delete ${why} DNAT rule '${ref.ruleName}' in collection '${ref.collection}' on firewall '${fwName}'`,
      );
    }
  }
}

export function planAzureRevoke(net: AzureVmNetwork, grant: Grant, why = 'grant'): Plan {
  const b = new PlanBuilder();
  deleteGrantRules(b, net, grant.rules, why);
  return b.build();
}

export function planAzureDisable(net: AzureVmNetwork, grants: FoundGrant[]): Plan {
  const b = new PlanBuilder();
  for (const g of grants) deleteGrantRules(b, net, g.grant.rules, 'grant');
  for (const { nsg } of nsgsOnPath(net)) {
    for (const { rule, meta } of ourAzureRules(nsg, net.vm.id)) {
      if (meta.kind !== 'deny') continue;
      b.add(
        { kind: 'azure.deleteRule', nsgId: nsg.id, ruleName: rule.name },
        `Delete deny rule '${rule.name}' on NSG '${nsg.name}'`,
      );
    }
  }
  return b.build();
}

/** The classic firewall a private VM is reached through, if grants must use DNAT. */
function dnatFirewall(net: AzureVmNetwork): AzureFirewall | undefined {
  if (net.vm.interfaces.some((nic) => nic.publicIps.length > 0)) return undefined;
  return net.firewalls.find((f) => !f.firewallPolicyId && f.publicIps.length > 0);
}

function freeFirewallPorts(fw: AzureFirewall, count: number): number[] {
  const used = new Set<number>();
  for (const c of fw.natRuleCollections)
    for (const r of c.rules) for (const p of r.destinationPorts) used.add(Number(p));
  const out: number[] = [];
  for (let p = DNAT_PORT_BASE; out.length < count && p <= 65535; p++) if (!used.has(p)) out.push(p);
  if (out.length < count) throw new PlanError(`Firewall '${fw.name}' has no free port for a DNAT mapping.`);
  return out;
}

function natCollectionPriority(fw: AzureFirewall): number {
  const existing = fw.natRuleCollections.find((c) => c.name === DNAT_COLLECTION);
  if (existing) return existing.priority;
  const used = new Set(fw.natRuleCollections.map((c) => c.priority));
  let p = 100;
  while (used.has(p)) p++;
  return p;
}

/** A Deny rule we did not create, numbered before `priority`, that may match the grant's traffic. */
function shadowingDeny(
  nsg: Nsg,
  priority: number,
  source: string,
  ips: string[],
  ports: number[],
  protocol: JitProtocol,
): SecurityRule | undefined {
  return nsg.securityRules
    .filter((r) => r.direction === 'Inbound' && r.access === 'Deny' && r.priority < priority)
    .filter((r) => decodeAzureRule(r)?.origin !== 'jit-vm-access')
    .filter((r) => protocolOverlaps(r.protocol, protocol))
    .filter((r) => ports.some((p) => portInRanges(destinationPortRanges(r), p)))
    .filter((r) => ips.some((ip) => destinationPrefixes(r).some((d) => prefixMayContain(d, ip))))
    .filter((r) => sourcePrefixes(r).some((s) => sourceMayOverlap(s, source)))
    .sort((a, b) => a.priority - b.priority)[0];
}

function sourceMayOverlap(prefix: string, source: string): boolean {
  if (isAnySource(source) || isAnySource(prefix)) return true;
  const a = parseCidr(prefix);
  const b = parseCidr(source);
  return !a || !b || overlaps(a.text, b.text);
}

export interface PlannedGrant {
  plan: Plan;
  /** The grant as it will be found after the plan is applied (AWS rule ids are assigned by EC2). */
  grant: Grant;
}

export function planAzureRequest(net: AzureVmNetwork, req: AccessRequest, now: number): PlannedGrant {
  const vm = net.vm;
  assertRequestWithinPolicy(vm, policyOf(net), req);
  const path = nsgsOnPath(net);
  const b = new PlanBuilder();
  const key = vmKeyOf(vm.id);
  const grantId = grantIdFor(vm, req, now);
  const expiresAt = expiryFor(now, req.durationMs);
  const protocols = byProtocol(req.ports);
  const fw = dnatFirewall(net);
  const dnatPorts = fw
    ? req.ports.flatMap((p) =>
        (p.protocol === '*' ? ['tcp', 'udp'] : [p.protocol]).map((pr) => ({ port: p.port, protocol: pr })),
      )
    : [];
  const meta: GrantMetaInput = {
    vmKey: key,
    grantId,
    parts: path.length * protocols.size + dnatPorts.length,
    expiresAt,
    requester: req.requester,
    ...(req.justification ? { justification: req.justification } : {}),
  };
  const description = azureGrantDescription(meta);
  const nsgSource = fw?.privateIp ?? req.source;
  const rules: GrantRuleRef[] = [];
  for (const { nsg, ips } of path) {
    if (nsg.flushConnection) {
      b.warn(
        `NSG '${nsg.name}' has flushConnection enabled: when this grant expires or is revoked, established ` +
          `connections to VM '${vm.name}' will be cut.`,
      );
    }
    const reserved: number[] = [];
    const deny = ourDenyPriority(nsg, vm.id);
    for (const [protocol, ports] of protocols) {
      const name = azureGrantRuleName(grantId, protocolCode(protocol), key, vm.name);
      const priority = grantPriority(nsg, deny, reserved);
      reserved.push(priority);
      let rule: SecurityRule = {
        name,
        priority,
        direction: 'Inbound',
        access: 'Allow',
        protocol: NSG_PROTOCOL[protocol],
        sourceAddressPrefix: nsgSource,
        sourcePortRange: '*',
        description,
      };
      rule = withPorts(withAddresses(rule, 'destination', ips), ports);
      const shadow = shadowingDeny(nsg, priority, nsgSource, ips, ports, protocol);
      if (shadow) {
        b.warn(
          `Rule '${shadow.name}' (priority ${shadow.priority}) on NSG '${nsg.name}' denies this traffic before the grant ` +
            `can allow it, and JIT VM Access does not change rules it did not create: the grant may not open access.`,
        );
      }
      rules.push({ kind: 'nsgRule', nsgId: nsg.id, ruleName: name });
      b.add(
        { kind: 'azure.putRule', nsgId: nsg.id, rule },
        `Add allow rule '${name}' on NSG '${nsg.name}' at priority ${priority}: ${describePorts(ports, protocol)} ` +
          `from ${nsgSource} to ${ips.join(', ')} until ${new Date(expiresAt).toISOString()}`,
      );
    }
  }
  const connect: Grant['connect'] = [];
  if (fw) {
    const target = vm.interfaces.find((n) => n.primary)?.privateIps[0] ?? vm.interfaces[0]?.privateIps[0];
    if (!target) throw new PlanError(`VM '${vm.name}' has no private IP address for a DNAT mapping.`);
    const hostPorts = freeFirewallPorts(fw, dnatPorts.length);
    const collectionPriority = natCollectionPriority(fw);
    const host = fw.publicIps[0];
    dnatPorts.forEach((p, i) => {
      const part = `${p.port}${protocolCode(p.protocol as JitProtocol)}`;
      const name = azureGrantRuleName(grantId, part, key, vm.name);
      const rule = {
        name,
        description,
        protocols: [p.protocol.toUpperCase() as FirewallProtocol],
        sourceAddresses: [req.source],
        destinationAddresses: [host],
        destinationPorts: [String(hostPorts[i])],
        translatedAddress: target,
        translatedPort: String(p.port),
      };
      rules.push({ kind: 'firewallNatRule', firewallId: fw.id, collection: DNAT_COLLECTION, ruleName: name });
      if (!connect.some((c) => c.port === p.port))
        connect.push({ port: p.port, host, hostPort: hostPorts[i] });
      b.add(
        {
          kind: 'azure.putFirewallNatRule',
          firewallId: fw.id,
          collection: DNAT_COLLECTION,
          collectionPriority,
          rule,
        },
        `Add DNAT rule '${name}' on firewall '${fw.name}': ${req.source} -> ${host}:${hostPorts[i]} -> ${target}:${p.port}/${p.protocol}`,
      );
    });
    if (path.length) {
      b.warn(
        `VM '${vm.name}' is reached through firewall '${fw.name}', which presents its own address ${nsgSource} to the VM: ` +
          `the NSG rules admit that address and the DNAT rule restricts the source to ${req.source}.`,
      );
    }
  }
  warnIfAnySource(b, req.source);
  const grant = plannedGrant('azure', vm, req, { grantId, now, expiresAt }, { rules, connect });

  return { plan: b.build(), grant };
}

/** Rewrites every part of the grant with the new expiry (same names and priorities). */
export function planAzureExtend(net: AzureVmNetwork, grant: Grant, newExpiry: number): Plan {
  const b = new PlanBuilder();
  const expiresAt = Math.floor(newExpiry / 1000) * 1000;
  const meta: GrantMetaInput = {
    vmKey: vmKeyOf(net.vm.id),
    grantId: grant.id,
    parts: grant.rules.length,
    expiresAt,
    requester: grant.requester,
    ...(grant.justification ? { justification: grant.justification } : {}),
  };
  const description = azureGrantDescription(meta);
  for (const ref of grant.rules) {
    if (ref.kind === 'nsgRule') {
      const nsg = net.nsgs[ref.nsgId];
      const rule = nsg?.securityRules.find((r) => r.name === ref.ruleName);
      if (!rule)
        throw new PlanError(
          `Rule '${ref.ruleName}' of grant ${grant.id} no longer exists; request access again.`,
        );
      b.add(
        { kind: 'azure.putRule', nsgId: nsg.id, rule: { ...rule, description } },
        `Extend rule '${rule.name}' on NSG '${nsg.name}' until ${new Date(expiresAt).toISOString()}`,
      );
    } else if (ref.kind === 'firewallNatRule') {
      const fw = net.firewalls.find((f) => f.id === ref.firewallId);
      const collection = fw?.natRuleCollections.find((c) => c.name === ref.collection);
      const rule = collection?.rules.find((r) => r.name === ref.ruleName);
      if (!fw || !collection || !rule) {
        throw new PlanError(
          `DNAT rule '${ref.ruleName}' of grant ${grant.id} no longer exists; request access again.`,
        );
      }
      b.add(
        {
          kind: 'azure.putFirewallNatRule',
          firewallId: fw.id,
          collection: collection.name,
          collectionPriority: collection.priority,
          rule: { ...rule, description },
        },
        `Extend DNAT rule '${rule.name}' on firewall '${fw.name}' until ${new Date(expiresAt).toISOString()}`,
      );
    }
  }
  return b.build();
}
