// A pure simulator of plans: applies cloud operations to a model of the world the way Azure and EC2
// would, including their refusals (priority conflicts, name and length limits, duplicate
// permissions, 5 groups per interface, deleting an attached group). Property tests use it to check
// plans; providers use it to predict the state a plan should produce.
import { sgRuleKey } from './ruleFields';
import { fnv1a32 } from './hash';
import {
  AWS_GROUP_DESCRIPTION_MAX,
  AWS_GROUP_NAME_MAX,
  AWS_TAG_KEY_MAX,
  AWS_TAG_VALUE_MAX,
  AZURE_DESCRIPTION_MAX,
  AZURE_RULE_NAME_MAX,
} from './metadata';
import type { AzureFirewall, Nsg, SecurityGroup, Vm, VmNetwork } from './model';
import type { CloudOp, GroupId, Plan } from './operations';
import { PRIORITY_MAX, PRIORITY_MIN } from './priorities';

/** Every resource once, shared by the VMs that use it (a subnet NSG, a security group). */
export interface World {
  vms: Record<string, Vm>;
  nsgs: Record<string, Nsg>;
  firewalls: Record<string, AzureFirewall>;
  groups: Record<string, SecurityGroup>;
  /** Which firewalls are in front of which VM (by VM id). */
  vmFirewalls: Record<string, string[]>;
  /** Interfaces outside this world (other instances) that use a group, by group id. */
  externalGroupInterfaces: Record<string, string[]>;
  prefixLists: Record<string, string[]>;
}

/** An operation the real service would refuse; `code` is the service's error code. */
export class SimulationError extends Error {
  override name = 'SimulationError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

const AWS_TAGS_MAX = 50;
const AWS_INGRESS_RULES_MAX = 60;
const AWS_GROUPS_PER_INTERFACE = 5;
const AZURE_NAME = /^\w(?:[\w.-]*[\w_])?$/;

export function emptyWorld(): World {
  return {
    vms: {},
    nsgs: {},
    firewalls: {},
    groups: {},
    vmFirewalls: {},
    externalGroupInterfaces: {},
    prefixLists: {},
  };
}

/** Merges VM networks into one world; a resource seen in several networks is kept once. */
export function worldOf(nets: VmNetwork[]): World {
  const w = emptyWorld();
  for (const net of nets) w.vms[net.vm.id] = structuredClone(net.vm);
  const ownInterfaces = new Set(nets.flatMap((n) => n.vm.interfaces.map((i) => i.id)));
  for (const net of nets) {
    if (net.cloud === 'azure') {
      for (const nsg of Object.values(net.nsgs)) w.nsgs[nsg.id] ??= structuredClone(nsg);
      for (const fw of net.firewalls) w.firewalls[fw.id] ??= structuredClone(fw);
      w.vmFirewalls[net.vm.id] = net.firewalls.map((f) => f.id);
    } else {
      for (const g of [...Object.values(net.groups), ...Object.values(net.unattachedJitGroups ?? {})]) {
        w.groups[g.id] ??= structuredClone(g);
      }
      for (const [groupId, enis] of Object.entries(net.groupInterfaces)) {
        const external = enis.filter((e) => !ownInterfaces.has(e));
        const known = (w.externalGroupInterfaces[groupId] ??= []);
        for (const e of external) if (!known.includes(e)) known.push(e);
      }
      Object.assign(w.prefixLists, net.prefixLists ?? {});
    }
  }
  return w;
}

function interfacesUsing(w: World, groupId: string): string[] {
  const own = Object.values(w.vms).flatMap((vm) =>
    vm.interfaces.filter((i) => i.securityGroupIds?.includes(groupId)).map((i) => i.id),
  );
  return [...own, ...(w.externalGroupInterfaces[groupId] ?? [])];
}

/** The network of one VM as a provider would read it from this world. */
export function networkOf(w: World, vmId: string): VmNetwork {
  const vm = w.vms[vmId];
  if (!vm) throw new Error(`No VM ${vmId} in the world`);
  if (vm.cloud === 'azure') {
    const nsgs: Record<string, Nsg> = {};
    for (const nic of vm.interfaces) {
      for (const id of [nic.subnetNsgId, nic.nsgId]) if (id && w.nsgs[id]) nsgs[id] = w.nsgs[id];
    }
    const firewalls = (w.vmFirewalls[vmId] ?? []).map((id) => w.firewalls[id]).filter((f) => f !== undefined);
    return { cloud: 'azure', vm, nsgs, firewalls };
  }
  const groups: Record<string, SecurityGroup> = {};
  const groupInterfaces: Record<string, string[]> = {};
  for (const nic of vm.interfaces) {
    for (const id of nic.securityGroupIds ?? []) {
      const g = w.groups[id];
      if (!g) continue;
      groups[id] = g;
      groupInterfaces[id] = interfacesUsing(w, id);
    }
  }
  const unattached: Record<string, SecurityGroup> = {};
  for (const g of Object.values(w.groups)) {
    if (!groups[g.id] && g.tags['jit-vm-access:vm'] === vm.id) unattached[g.id] = g;
  }
  return {
    cloud: 'aws',
    vm,
    groups,
    groupInterfaces,
    ...(Object.keys(w.prefixLists).length ? { prefixLists: w.prefixLists } : {}),
    ...(Object.keys(unattached).length ? { unattachedJitGroups: unattached } : {}),
  };
}

class Simulator {
  private readonly refs = new Map<string, string>();

  constructor(private readonly w: World) {}

  private resolve(id: GroupId): string {
    if (typeof id === 'string') return id;
    const real = this.refs.get(id.ref);
    if (!real) throw new SimulationError('InvalidGroup.NotFound', `Unresolved group reference '${id.ref}'`);
    return real;
  }

  private group(id: GroupId): SecurityGroup {
    const g = this.w.groups[this.resolve(id)];
    if (!g)
      throw new SimulationError(
        'InvalidGroup.NotFound',
        `The security group '${this.resolve(id)}' does not exist`,
      );
    return g;
  }

  private nsg(id: string): Nsg {
    const n = this.w.nsgs[id];
    if (!n) throw new SimulationError('ResourceNotFound', `NSG ${id} was not found.`);
    return n;
  }

  private checkTags(tags: Record<string, string>, existing: Record<string, string> = {}): void {
    for (const [k, v] of Object.entries(tags)) {
      if (k.length > AWS_TAG_KEY_MAX || v.length > AWS_TAG_VALUE_MAX) {
        throw new SimulationError('InvalidParameterValue', `Tag ${k} exceeds the key/value length limit`);
      }
    }
    if (Object.keys({ ...existing, ...tags }).length > AWS_TAGS_MAX) {
      throw new SimulationError(
        'TagLimitExceeded',
        'The maximum number of tags for a resource has been reached.',
      );
    }
  }

  private unique(prefix: string, seed: string, taken: (id: string) => boolean): string {
    for (let salt = 0; ; salt++) {
      const id = `${prefix}-${fnv1a32(`${seed}|${salt}`)}`;
      if (!taken(id)) return id;
    }
  }

  private allRuleIds(): Set<string> {
    return new Set(Object.values(this.w.groups).flatMap((g) => g.rules.map((r) => r.ruleId ?? '')));
  }

  apply(op: CloudOp): void {
    switch (op.kind) {
      case 'azure.putRule': {
        const nsg = this.nsg(op.nsgId);
        const r = op.rule;
        if (r.name.length > AZURE_RULE_NAME_MAX || !AZURE_NAME.test(r.name)) {
          throw new SimulationError('InvalidResourceName', `Resource name ${r.name} is invalid.`);
        }
        if ((r.description ?? '').length > AZURE_DESCRIPTION_MAX) {
          throw new SimulationError(
            'SecurityRuleInvalidDescription',
            `Description of ${r.name} is longer than 140.`,
          );
        }
        if (!Number.isInteger(r.priority) || r.priority < PRIORITY_MIN || r.priority > PRIORITY_MAX) {
          throw new SimulationError(
            'SecurityRuleInvalidPriority',
            `Security rule has invalid Priority. Value provided: ${r.priority} Allowed range 100-4096.`,
          );
        }
        const clash = nsg.securityRules.find(
          (x) => x.name !== r.name && x.priority === r.priority && x.direction === r.direction,
        );
        if (clash) {
          throw new SimulationError(
            'SecurityRuleConflict',
            `Security rule ${r.name} conflicts with rule ${clash.name}. Rules cannot have the same Priority and Direction.`,
          );
        }
        // A new list, never an edit of the old one: the engine's NSG caches key on the list (azureEvaluator.ts).
        const i = nsg.securityRules.findIndex((x) => x.name === r.name);
        const put = structuredClone(r);
        nsg.securityRules =
          i >= 0 ? nsg.securityRules.map((x, k) => (k === i ? put : x)) : [...nsg.securityRules, put];
        return;
      }
      case 'azure.deleteRule': {
        const nsg = this.nsg(op.nsgId);
        nsg.securityRules = nsg.securityRules.filter((r) => r.name !== op.ruleName);
        return;
      }
      case 'azure.putFirewallNatRule': {
        const fw = this.w.firewalls[op.firewallId];
        if (!fw) throw new SimulationError('ResourceNotFound', `Firewall ${op.firewallId} was not found.`);
        let c = fw.natRuleCollections.find((x) => x.name === op.collection);
        if (!c) {
          c = { name: op.collection, priority: op.collectionPriority, action: 'Dnat', rules: [] };
          fw.natRuleCollections.push(c);
        }
        const i = c.rules.findIndex((x) => x.name === op.rule.name);
        if (i >= 0) c.rules[i] = structuredClone(op.rule);
        else c.rules.push(structuredClone(op.rule));
        return;
      }
      case 'azure.deleteFirewallNatRule': {
        const c = this.w.firewalls[op.firewallId]?.natRuleCollections.find((x) => x.name === op.collection);
        if (c) c.rules = c.rules.filter((r) => r.name !== op.ruleName);
        return;
      }
      case 'aws.createGroup': {
        if (
          op.name.length > AWS_GROUP_NAME_MAX ||
          op.description.length > AWS_GROUP_DESCRIPTION_MAX ||
          /[^\x20-\x7e]/.test(op.description)
        ) {
          throw new SimulationError('InvalidParameterValue', 'Invalid security group name or description');
        }
        if (Object.values(this.w.groups).some((g) => g.name === op.name && g.vpcId === op.vpcId)) {
          throw new SimulationError(
            'InvalidGroup.Duplicate',
            `The security group '${op.name}' already exists`,
          );
        }
        this.checkTags(op.tags);
        const id = this.unique('sg', `${op.vpcId}|${op.name}`, (x) => x in this.w.groups);
        this.refs.set(op.ref, id);
        this.w.groups[id] = {
          id,
          name: op.name,
          ...(op.vpcId ? { vpcId: op.vpcId } : {}),
          description: op.description,
          tags: { ...op.tags },
          rules: [
            {
              ruleId: this.unique('sgr', `${id}|egress`, (x) => this.allRuleIds().has(x)),
              isEgress: true,
              ipProtocol: '-1',
              cidrIpv4: '0.0.0.0/0',
            },
          ],
        };
        return;
      }
      case 'aws.authorizeIngress': {
        const g = this.group(op.groupId);
        const seen = new Set(g.rules.map(sgRuleKey));
        for (const r of op.rules) {
          const key = sgRuleKey(r);
          if (seen.has(key))
            throw new SimulationError(
              'InvalidPermission.Duplicate',
              `the specified rule already exists in ${g.id}`,
            );
          seen.add(key);
          if (r.tags) this.checkTags(r.tags);
        }
        if (g.rules.filter((r) => !r.isEgress).length + op.rules.length > AWS_INGRESS_RULES_MAX) {
          throw new SimulationError(
            'RulesPerSecurityGroupLimitExceeded',
            'The maximum number of rules per security group has been reached.',
          );
        }
        const taken = this.allRuleIds();
        for (const r of op.rules) {
          const ruleId = this.unique('sgr', `${g.id}|${sgRuleKey(r)}`, (x) => taken.has(x));
          taken.add(ruleId);
          g.rules.push({ ...structuredClone(r), ruleId });
        }
        return;
      }
      case 'aws.revokeIngress': {
        const g = this.group(op.groupId);
        for (const id of op.ruleIds) {
          if (!g.rules.some((r) => r.ruleId === id && !r.isEgress)) {
            throw new SimulationError(
              'InvalidPermission.NotFound',
              'The specified rule does not exist in this security group',
            );
          }
        }
        g.rules = g.rules.filter((r) => !op.ruleIds.includes(r.ruleId ?? ''));
        return;
      }
      case 'aws.setInterfaceGroups': {
        const ids = op.groupIds.map((g) => this.group(g).id);
        if (ids.length > AWS_GROUPS_PER_INTERFACE) {
          throw new SimulationError(
            'SecurityGroupsPerInterfaceLimitExceeded',
            'The maximum number of security groups per interface has been reached.',
          );
        }
        const nic = Object.values(this.w.vms)
          .flatMap((vm) => vm.interfaces)
          .find((i) => i.id === op.interfaceId);
        if (!nic)
          throw new SimulationError(
            'InvalidNetworkInterfaceID.NotFound',
            `The interface '${op.interfaceId}' does not exist`,
          );
        nic.securityGroupIds = ids;
        return;
      }
      case 'aws.tagResource': {
        const id = this.resolve(op.resourceId);
        const target =
          this.w.groups[id] ??
          Object.values(this.w.groups)
            .flatMap((g) => g.rules)
            .find((r) => r.ruleId === id);
        if (!target) throw new SimulationError('InvalidID', `The ID '${id}' is not valid`);
        const existing = target.tags ?? {};
        this.checkTags(op.tags, existing);
        target.tags = { ...existing, ...op.tags };
        return;
      }
      case 'aws.untagResource': {
        const target =
          this.w.groups[op.resourceId] ??
          Object.values(this.w.groups)
            .flatMap((g) => g.rules)
            .find((r) => r.ruleId === op.resourceId);
        if (!target?.tags) return;
        for (const k of op.keys) delete target.tags[k];
        return;
      }
      case 'aws.deleteGroup': {
        if (!this.w.groups[op.groupId])
          throw new SimulationError(
            'InvalidGroup.NotFound',
            `The security group '${op.groupId}' does not exist`,
          );
        if (interfacesUsing(this.w, op.groupId).length) {
          throw new SimulationError('DependencyViolation', `resource ${op.groupId} has a dependent object`);
        }
        delete this.w.groups[op.groupId];
        return;
      }
    }
  }
}

/** The world after the plan, or a SimulationError naming the first operation the cloud would refuse. */
export function applyPlan(world: World, plan: Plan): World {
  const next = structuredClone(world);
  const sim = new Simulator(next);
  plan.ops.forEach((op, i) => {
    try {
      sim.apply(op);
    } catch (e) {
      if (e instanceof SimulationError) {
        const failed = new SimulationError(
          e.code,
          `operation ${i + 1} (${plan.preview[i] ?? op.kind}): ${e.message}`,
        );
        throw failed;
      }
      throw e;
    }
  });
  return next;
}

/** Applies a plan to the world of one VM network and reads the network back. */
export function applyPlanToNetwork(net: VmNetwork, plan: Plan): VmNetwork {
  return networkOf(applyPlan(worldOf([net]), plan), net.vm.id);
}
