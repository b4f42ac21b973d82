// Plans for EC2 instances. Decisions (the documented AWS behaviour leaves them open):
// - Enable creates ONE JIT security group per instance, attached to each of its interfaces; grants
//   are ingress rules on it. Its tags carry the policy and a restore record (written first, before
//   anything changes, so an interrupted enable can be undone or finished by the next sweep).
// - Rules exposing a policy port are revoked only from groups used by this instance alone. When
//   such a rule also covers other ports (e.g. TCP 0-65535), the other ports are re-authorized as
//   "remainder" rules first, so only the JIT ports close. Revoked rules are recorded by content
//   (rule ids do not survive a re-authorize).
// - A group shared with another instance is never edited: on this instance's interfaces it is
//   replaced by a per-instance copy without the exposing rules, so other instances keep their access.
// - Disable restores exactly: original interface group lists (in order), revoked rules re-authorized,
//   remainders revoked, copies and the JIT group deleted.
import { sgRuleKey } from '../ruleFields';
import {
  TAG,
  awsCopyGroupDescription,
  awsCopyGroupName,
  awsCopyGroupTags,
  awsGrantTags,
  awsJitGroupDescription,
  awsJitGroupName,
  awsJitGroupTags,
  decodeAwsRestore,
  type AwsRestoreRecord,
  type JitPolicyBody,
  type GrantMetaInput,
} from '../metadata';
import { normalizeCidr } from '../cidr';
import { jitGroupOf, ourAwsGroups, policyOf } from '../jitState';
import type {
  AccessRequest,
  AwsVmNetwork,
  Grant,
  JitPolicy,
  JitPortPolicy,
  NetworkInterface,
  SgRule,
} from '../model';
import type { GroupId, Plan } from '../operations';
import {
  PlanBuilder,
  PlanError,
  assertRequestWithinPolicy,
  expiryFor,
  grantIdFor,
  isAnySource,
  plannedGrant,
  warnIfAnySource,
} from './common';
import type { PlannedGrant } from './azurePlanner';

/** The AWS default quota of security groups per network interface. */
export const AWS_GROUPS_PER_INTERFACE = 5;
const JIT_REF = 'jit';
const REMAINDER = 'remainder';

function copyRef(groupId: string): string {
  return `copy:${groupId}`;
}

function protocolCovers(ipProtocol: string, protocol: JitPortPolicy['protocol']): boolean {
  if (ipProtocol === '-1') return true;
  const p = ipProtocol === '6' ? 'tcp' : ipProtocol === '17' ? 'udp' : ipProtocol;
  return protocol === '*' ? p === 'tcp' || p === 'udp' : p === protocol;
}

/** Whether an ingress rule lets some peer reach one of the policy ports. */
export function sgRuleExposes(rule: SgRule, ports: JitPortPolicy[]): boolean {
  if (rule.isEgress) return false;
  return ports.some(
    (p) =>
      protocolCovers(rule.ipProtocol, p.protocol) &&
      (rule.ipProtocol === '-1' || ((rule.fromPort ?? 0) <= p.port && p.port <= (rule.toPort ?? 65535))),
  );
}

function peerOf(rule: SgRule): Partial<SgRule> {
  const peer: Partial<SgRule> = {};
  if (rule.cidrIpv4 !== undefined) peer.cidrIpv4 = rule.cidrIpv4;
  if (rule.cidrIpv6 !== undefined) peer.cidrIpv6 = rule.cidrIpv6;
  if (rule.prefixListId !== undefined) peer.prefixListId = rule.prefixListId;
  if (rule.referencedGroupId !== undefined) peer.referencedGroupId = rule.referencedGroupId;
  return peer;
}

/** A rule as content only (no id), for re-authorizing and for comparing by content. */
export function ruleContent(rule: SgRule): SgRule {
  const content = { ...rule };
  delete content.ruleId;
  return content;
}

export function sameSgRule(a: SgRule, b: SgRule): boolean {
  return sgRuleKey(a) === sgRuleKey(b);
}

function uniqueRules(rules: SgRule[]): SgRule[] {
  return rules.filter((r, i) => rules.findIndex((x) => sameSgRule(x, r)) === i);
}

/** Ranges of [lo, hi] minus the given ports. */
function splitRange(lo: number, hi: number, holes: number[]): [number, number][] {
  const out: [number, number][] = [];
  let start = lo;
  for (const h of [...new Set(holes)].filter((x) => x >= lo && x <= hi).sort((a, b) => a - b)) {
    if (h > start) out.push([start, h - 1]);
    start = h + 1;
  }
  if (start <= hi) out.push([start, hi]);
  return out;
}

/**
 * What must stay open of an exposing rule once the JIT ports are cut out of it: same peer, same
 * description, tagged as a remainder of this instance's enable. An all-protocols rule keeps TCP, UDP,
 * ICMP and ICMPv6 (other IP protocols from that peer are lost: the plan warns).
 */
function remainders(rule: SgRule, ports: JitPortPolicy[], instanceId: string): SgRule[] {
  const tags = { [TAG.kind]: REMAINDER, [TAG.vm]: instanceId };
  const base = {
    isEgress: false,
    ...peerOf(rule),
    ...(rule.description ? { description: rule.description } : {}),
    tags,
  };
  const holesFor = (proto: 'tcp' | 'udp') =>
    ports.filter((p) => protocolCovers(proto, p.protocol)).map((p) => p.port);
  const split = (proto: 'tcp' | 'udp', lo: number, hi: number): SgRule[] =>
    splitRange(lo, hi, holesFor(proto)).map(([f, t]) => ({
      ...base,
      ipProtocol: proto,
      fromPort: f,
      toPort: t,
    }));
  if (rule.ipProtocol === '-1') {
    return [
      ...split('tcp', 0, 65535),
      ...split('udp', 0, 65535),
      { ...base, ipProtocol: 'icmp', fromPort: -1, toPort: -1 },
      { ...base, ipProtocol: 'icmpv6', fromPort: -1, toPort: -1 },
    ];
  }
  const proto = rule.ipProtocol === '6' ? 'tcp' : rule.ipProtocol === '17' ? 'udp' : rule.ipProtocol;
  if (proto !== 'tcp' && proto !== 'udp') return [];
  return split(proto, rule.fromPort ?? 0, rule.toPort ?? 65535);
}

function ownInterfaceIds(net: AwsVmNetwork): Set<string> {
  return new Set(net.vm.interfaces.map((i) => i.id));
}

/** A group is shared when an interface of another instance uses it. */
export function isShared(net: AwsVmNetwork, groupId: string): boolean {
  const own = ownInterfaceIds(net);
  return (net.groupInterfaces[groupId] ?? []).some((eni) => !own.has(eni));
}

function groupsOf(nic: NetworkInterface): string[] {
  return nic.securityGroupIds ?? [];
}

export function planAwsEnable(net: AwsVmNetwork, policy: JitPolicy): Plan {
  const vm = net.vm;
  const existing = jitGroupOf(net);
  if (existing) return retagPolicy(net, existing.group.id, existing.meta.policy!, policy);
  for (const nic of vm.interfaces) {
    if (groupsOf(nic).length + 1 > AWS_GROUPS_PER_INTERFACE) {
      throw new PlanError(
        `Interface ${nic.id} already has ${groupsOf(nic).length} security groups (the AWS default limit is ` +
          `${AWS_GROUPS_PER_INTERFACE}); JIT needs to attach one more. Detach one, or raise the ` +
          `'Security groups per network interface' quota.`,
      );
    }
  }
  const b = new PlanBuilder();
  const record: AwsRestoreRecord = { revoked: [], interfaceGroups: {} };
  for (const nic of vm.interfaces) record.interfaceGroups[nic.id] = groupsOf(nic);
  const attached = [...new Set(vm.interfaces.flatMap(groupsOf))];
  const copies = new Map<string, SgRule[]>();
  const edits = new Map<string, { revoke: SgRule[]; add: SgRule[] }>();
  for (const groupId of attached) {
    const group = net.groups[groupId];
    if (!group)
      throw new PlanError(`Security group ${groupId} of instance ${vm.id} was not read; refresh and retry.`);
    const exposing = group.rules.filter((r) => sgRuleExposes(r, policy.ports));
    if (exposing.length === 0) continue;
    if (exposing.some((r) => r.ipProtocol === '-1')) {
      b.warn(
        `Security group ${groupId} allows all protocols from some peers; after enable, this instance keeps TCP, UDP ` +
          `and ICMP from them but not other IP protocols.`,
      );
    }
    const added = uniqueRules(exposing.flatMap((r) => remainders(r, policy.ports, vm.id))).filter(
      (r) => !group.rules.some((x) => !exposing.includes(x) && sameSgRule(x, r)),
    );
    if (isShared(net, groupId)) {
      const kept = group.rules.filter((r) => !r.isEgress && !exposing.includes(r)).map(ruleContent);
      copies.set(groupId, [...kept, ...added]);
      if (group.rules.some((r) => r.isEgress && !(r.ipProtocol === '-1' && r.cidrIpv4 === '0.0.0.0/0'))) {
        b.warn(
          `The copy of ${groupId} allows all outbound traffic (EC2's default); its outbound rules are not copied.`,
        );
      }
      b.warn(
        `Security group ${groupId} is shared with other instances, so it is left unchanged and replaced on ${vm.id} by ` +
          `a copy without the rules for the JIT ports. Rules elsewhere that reference ${groupId} by id no longer match ${vm.id}.`,
      );
    } else {
      edits.set(groupId, { revoke: exposing, add: added });
      for (const r of exposing) record.revoked.push({ groupId, rule: ruleContent(r) });
    }
  }
  const jitName = awsJitGroupName(vm.id);
  b.add(
    {
      kind: 'aws.createGroup',
      ref: JIT_REF,
      ...(vm.interfaces[0]?.vpcId ? { vpcId: vm.interfaces[0].vpcId } : {}),
      name: jitName,
      description: awsJitGroupDescription(vm.id, vm.name),
      tags: awsJitGroupTags(vm.id, vm.name, policy, record),
    },
    `Create security group '${jitName}' for JIT access to ${vm.id} (${vm.name}), recording the policy and what to restore`,
  );
  for (const [groupId, rules] of copies) {
    const name = awsCopyGroupName(groupId, vm.id);
    const original = net.groups[groupId];
    b.add(
      {
        kind: 'aws.createGroup',
        ref: copyRef(groupId),
        ...(original.vpcId ? { vpcId: original.vpcId } : {}),
        name,
        description: awsCopyGroupDescription(groupId, vm.id, original.description),
        tags: awsCopyGroupTags(vm.id, vm.name, groupId),
      },
      `Create security group '${name}': a copy of shared group ${groupId} for ${vm.id} only`,
    );
    if (rules.length) {
      b.add(
        { kind: 'aws.authorizeIngress', groupId: { ref: copyRef(groupId) }, rules },
        `Copy ${rules.length} inbound rule(s) of ${groupId} into '${name}', without the JIT ports`,
      );
    }
  }
  for (const nic of vm.interfaces) {
    const groups: GroupId[] = groupsOf(nic).map((g) => (copies.has(g) ? { ref: copyRef(g) } : g));
    groups.push({ ref: JIT_REF });
    b.add(
      { kind: 'aws.setInterfaceGroups', interfaceId: nic.id, groupIds: groups },
      `Set the security groups of ${nic.id} to ${groups.map((g) => (typeof g === 'string' ? g : refName(g.ref, vm.id))).join(', ')}`,
    );
  }
  for (const [groupId, { revoke, add }] of edits) {
    if (add.length) {
      b.add(
        { kind: 'aws.authorizeIngress', groupId, rules: add },
        `Keep the other ports open: add ${add.length} rule(s) to ${groupId} for the non-JIT part of the rules revoked next`,
      );
    }
    b.add(
      { kind: 'aws.revokeIngress', groupId, ruleIds: revoke.map((r) => r.ruleId ?? '') },
      `Revoke ${revoke.length} rule(s) exposing JIT ports from ${groupId} (recorded for restore): ${revoke.map(describeSgRule).join('; ')}`,
    );
  }
  return b.build();
}

function refName(ref: string, instanceId: string): string {
  return ref === JIT_REF
    ? awsJitGroupName(instanceId)
    : awsCopyGroupName(ref.slice('copy:'.length), instanceId);
}

export function describeSgRule(r: SgRule): string {
  const proto = r.ipProtocol === '-1' ? 'all' : r.ipProtocol;
  const ports =
    r.fromPort === undefined || r.ipProtocol === '-1'
      ? ''
      : r.fromPort === r.toPort
        ? ` ${r.fromPort}`
        : ` ${r.fromPort}-${r.toPort}`;
  const peer = r.cidrIpv4 ?? r.cidrIpv6 ?? r.prefixListId ?? r.referencedGroupId ?? '?';
  return `${proto}${ports} from ${peer}`;
}

function retagPolicy(net: AwsVmNetwork, groupId: string, current: JitPolicyBody, policy: JitPolicy): Plan {
  const currentPorts = current.ports;
  const key = (ps: JitPortPolicy[]) =>
    ps
      .map((p) => `${p.port}/${p.protocol}`)
      .sort()
      .join(',');
  if (key(currentPorts) !== key(policy.ports)) {
    throw new PlanError(
      `JIT is already enabled on ${net.vm.id} for other ports; disable it first, then enable it with the new ports.`,
    );
  }
  const group = net.groups[groupId] ?? net.unattachedJitGroups?.[groupId];
  const record = decodeAwsRestore(group?.tags ?? {}) ?? { revoked: [], interfaceGroups: {} };
  const tags = awsJitGroupTags(net.vm.id, net.vm.name, policy, record);
  if (group && Object.entries(tags).every(([k, v]) => group.tags[k] === v)) return new PlanBuilder().build();
  const b = new PlanBuilder();
  b.add(
    { kind: 'aws.tagResource', resourceId: groupId, tags },
    `Update the JIT policy recorded on ${groupId}`,
  );
  return b.build();
}

/** Exact restore of what enable changed; also undoes an interrupted enable or finishes a disable. */
export function planAwsDisable(net: AwsVmNetwork): Plan {
  const vm = net.vm;
  const b = new PlanBuilder();
  const ours = ourAwsGroups(net);
  const jit = ours.find((g) => g.meta.groupRole === 'jit');
  const record = jit ? decodeAwsRestore(jit.group.tags) : undefined;
  const oursIds = new Set(ours.map((g) => g.group.id));
  const copyOf = new Map(
    ours.filter((g) => g.meta.groupRole === 'copy').map((g) => [g.group.id, g.meta.copyOf!]),
  );
  for (const nic of vm.interfaces) {
    const current = groupsOf(nic);
    const target =
      record?.interfaceGroups[nic.id] ??
      current.map((g) => copyOf.get(g) ?? g).filter((g) => !oursIds.has(g));
    if (JSON.stringify(current) === JSON.stringify(target)) continue;
    b.add(
      { kind: 'aws.setInterfaceGroups', interfaceId: nic.id, groupIds: target },
      `Restore the security groups of ${nic.id} to ${target.join(', ')}`,
    );
  }
  const byGroup = new Map<string, SgRule[]>();
  for (const { groupId, rule } of record?.revoked ?? []) {
    const group = net.groups[groupId];
    if (group?.rules.some((r) => sameSgRule(r, rule))) continue;
    byGroup.set(groupId, [...(byGroup.get(groupId) ?? []), rule]);
  }
  for (const [groupId, rules] of byGroup) {
    b.add(
      { kind: 'aws.authorizeIngress', groupId, rules },
      `Re-authorize ${rules.length} revoked rule(s) on ${groupId}: ${rules.map(describeSgRule).join('; ')}`,
    );
  }
  for (const group of Object.values(net.groups)) {
    if (oursIds.has(group.id)) continue;
    const rest = group.rules.filter((r) => r.tags?.[TAG.kind] === REMAINDER && r.tags[TAG.vm] === vm.id);
    if (rest.length) {
      b.add(
        { kind: 'aws.revokeIngress', groupId: group.id, ruleIds: rest.map((r) => r.ruleId ?? '') },
        `Revoke ${rest.length} remainder rule(s) from ${group.id} (the original rules are back)`,
      );
    }
  }
  for (const g of [...ours].sort(
    (a, b2) => (a.meta.groupRole === 'jit' ? 1 : 0) - (b2.meta.groupRole === 'jit' ? 1 : 0),
  )) {
    b.add(
      { kind: 'aws.deleteGroup', groupId: g.group.id },
      `Delete security group ${g.group.id} ('${g.group.name}')`,
    );
  }
  return b.build();
}

/**
 * Repairs what an interrupted enable/disable left: a JIT group or copy not attached to every
 * interface is undone (exact restore); recorded exposing rules still present while the JIT group is
 * attached everywhere are revoked (enable is finished).
 */
export function planAwsRepair(net: AwsVmNetwork): Plan {
  const ours = ourAwsGroups(net);
  if (ours.length === 0) return new PlanBuilder().build();
  const jit = ours.find((g) => g.meta.groupRole === 'jit');
  const attachedEverywhere = (id: string) => net.vm.interfaces.every((n) => groupsOf(n).includes(id));
  const attachedSomewhere = (id: string) => net.vm.interfaces.some((n) => groupsOf(n).includes(id));
  if (
    !jit ||
    !attachedEverywhere(jit.group.id) ||
    ours.some((g) => g.meta.groupRole === 'copy' && !attachedSomewhere(g.group.id))
  ) {
    return planAwsDisable(net);
  }
  const record = decodeAwsRestore(jit.group.tags);
  const b = new PlanBuilder();
  const policy = jit.meta.policy!;
  const pending = new Map<string, SgRule[]>();
  for (const { groupId, rule } of record?.revoked ?? []) {
    const present = net.groups[groupId]?.rules.find((r) => sameSgRule(r, rule));
    if (present) pending.set(groupId, [...(pending.get(groupId) ?? []), present]);
  }
  for (const [groupId, rules] of pending) {
    const group = net.groups[groupId];
    const add = uniqueRules(rules.flatMap((r) => remainders(r, policy.ports, net.vm.id))).filter(
      (r) => !group.rules.some((x) => sameSgRule(x, r)),
    );
    if (add.length)
      b.add(
        { kind: 'aws.authorizeIngress', groupId, rules: add },
        `Finish enable: keep the non-JIT ports open on ${groupId}`,
      );
    b.add(
      { kind: 'aws.revokeIngress', groupId, ruleIds: rules.map((r) => r.ruleId ?? '') },
      `Finish enable: revoke ${rules.length} rule(s) exposing JIT ports from ${groupId}`,
    );
  }
  return b.build();
}

function attachedJitGroupId(net: AwsVmNetwork): string {
  const jit = jitGroupOf(net);
  if (!jit || !net.vm.interfaces.every((n) => groupsOf(n).includes(jit.group.id))) {
    throw new PlanError(
      `The JIT security group of ${net.vm.id} is missing or not attached to every interface (an interrupted change); ` +
        `run a sweep to repair it, then request again.`,
    );
  }
  return jit.group.id;
}

export function planAwsRequest(net: AwsVmNetwork, req: AccessRequest, now: number): PlannedGrant {
  const vm = net.vm;
  assertRequestWithinPolicy(vm, policyOf(net), req);
  const groupId = attachedJitGroupId(net);
  const grantId = grantIdFor(vm, req, now);
  const expiresAt = expiryFor(now, req.durationMs);
  // EC2 wants a CIDR: a single address becomes /32 or /128.
  const source = normalizeCidr(req.source) ?? req.source;
  const peers: Partial<SgRule>[] = isAnySource(req.source)
    ? [{ cidrIpv4: '0.0.0.0/0' }, { cidrIpv6: '::/0' }]
    : [source.includes(':') ? { cidrIpv6: source } : { cidrIpv4: source }];
  const tuples = req.ports.flatMap((p) =>
    (p.protocol === '*' ? ['tcp', 'udp'] : [p.protocol]).map((proto) => ({ port: p.port, proto })),
  );
  const meta: GrantMetaInput = {
    vmKey: '',
    grantId,
    parts: tuples.length * peers.length,
    expiresAt,
    requester: req.requester,
    ...(req.justification ? { justification: req.justification } : {}),
  };
  const tags = awsGrantTags(vm.id, meta);
  const rules: SgRule[] = tuples.flatMap(({ port, proto }) =>
    peers.map((peer) => ({
      isEgress: false,
      ipProtocol: proto,
      fromPort: port,
      toPort: port,
      ...peer,
      description: `JIT grant ${grantId}`,
      tags,
    })),
  );
  const b = new PlanBuilder();
  b.add(
    { kind: 'aws.authorizeIngress', groupId, rules },
    `Allow ${rules.map(describeSgRule).join('; ')} on ${groupId} until ${new Date(expiresAt).toISOString()} (grant ${grantId})`,
  );
  warnIfAnySource(b, req.source);
  // EC2 assigns rule ids on authorize: re-read and use grantsOf(net) for the refs.
  const grant = plannedGrant('aws', vm, req, { grantId, now, expiresAt }, { rules: [] });

  return { plan: b.build(), grant };
}

export function planAwsExtend(net: AwsVmNetwork, grant: Grant, newExpiry: number): Plan {
  const b = new PlanBuilder();
  const expires = awsGrantTags(net.vm.id, {
    vmKey: '',
    grantId: grant.id,
    parts: 1,
    expiresAt: newExpiry,
    requester: '',
  })[TAG.expires];
  for (const ref of grant.rules) {
    if (ref.kind !== 'sgRule') continue;
    b.add(
      { kind: 'aws.tagResource', resourceId: ref.ruleId, tags: { [TAG.expires]: expires } },
      `Extend rule ${ref.ruleId} on ${ref.groupId} until ${expires}`,
    );
  }
  return b.build();
}

export function planAwsRevoke(grant: Grant, why = 'grant'): Plan {
  const b = new PlanBuilder();
  const byGroup = new Map<string, string[]>();
  for (const ref of grant.rules)
    if (ref.kind === 'sgRule') byGroup.set(ref.groupId, [...(byGroup.get(ref.groupId) ?? []), ref.ruleId]);
  for (const [groupId, ruleIds] of byGroup) {
    b.add(
      { kind: 'aws.revokeIngress', groupId, ruleIds },
      `Revoke ${why} rule(s) ${ruleIds.join(', ')} of grant ${grant.id} from ${groupId}`,
    );
  }
  return b.build();
}
