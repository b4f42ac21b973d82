// Builds the whole "JIT Access" tree from what the extension knows: which accounts are configured,
// whether the estate is loading, failed or loaded (an EstateSnapshot), who "me" is, and the time.
// Pure: the TreeDataProvider only converts these nodes to TreeItems.
import type { CloudScope, ScopeFailure } from '../../cloud/provider';
import type { Cloud } from '../../engine/model';
import type { ClassifiedVm, EstateSnapshot } from '../../grants/api';
import type { Localize } from '../l10n';
import { CommandIds } from '../commands/ids';
import { AccountNode, CloudNode, GroupNode, RegionNode, type JitGroup } from './nodes/containerNodes';
import { MessageNode, type MessageKind } from './nodes/messageNode';
import type { TreeNode } from './nodes/treeNode';
import { GrantNode, jitGroupOf, PortNode, VmNode } from './nodes/vmNode';

export type EstateState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'failed'; failure: FailureInfo }
  /** `me`: the user's identities per cloud (one per AWS account reached), to tell their grants apart. */
  | { kind: 'loaded'; snapshot: EstateSnapshot; me: Partial<Record<Cloud, string[]>> };

export interface FailureInfo {
  kind: ScopeFailure['kind'];
  message: string;
}

export interface TreeInput {
  /** The local sandbox replaces the real accounts while it is selected. */
  sandbox: boolean;
  azureSignedIn: boolean;
  awsProfiles: string[];
  state: EstateState;
  now: number;
}

const GROUP_ORDER: JitGroup[] = ['jitEnabled', 'canBenefit', 'healthyNoJit', 'notApplicable'];

/** True when the welcome view (sandbox, sign in, configure AWS) should show instead of rows. */
export function isUnconfigured(input: Pick<TreeInput, 'sandbox' | 'azureSignedIn' | 'awsProfiles'>): boolean {
  return !input.sandbox && !input.azureSignedIn && input.awsProfiles.length === 0;
}

export function buildTree(input: TreeInput, t: Localize): TreeNode[] {
  if (isUnconfigured(input)) return [];
  const { state } = input;
  if (state.kind === 'failed') {
    return [failureNode('root', state.failure, t)];
  }
  const showAzure = input.sandbox || input.azureSignedIn || state.kind === 'loaded';
  const roots: TreeNode[] = [];
  if (showAzure) roots.push(new CloudNode('azure', 'Azure', azureChildren(input, t)));
  roots.push(new CloudNode('aws', 'AWS', awsChildren(input, t)));
  if (input.sandbox) for (const r of roots) r.description = t('local sandbox');
  return roots;
}

function azureChildren(input: TreeInput, t: Localize): TreeNode[] {
  const parent = 'cloud:azure';
  if (!input.sandbox && !input.azureSignedIn) {
    return [message(parent, 'signIn', t('Sign in to Azure…'), CommandIds.signInAzure, t('Sign in'))];
  }
  if (input.state.kind !== 'loaded') return [loading(parent, t)];
  const { snapshot, me } = input.state;
  const scopes = snapshot.scopes.filter((s) => s.cloud === 'azure');
  const failures = snapshot.failures.filter((f) => f.scope.cloud === 'azure');
  const ids = unique([...scopes, ...failures.map((f) => f.scope)].map((s) => s.id));
  if (ids.length === 0) {
    return [
      message(parent, 'empty', t('No subscriptions selected'), CommandIds.selectSubscriptions, t('Select…')),
    ];
  }
  return ids.map((id) => {
    const scope = scopes.find((s) => s.id === id) ?? failures.find((f) => f.scope.id === id)!.scope;
    const nodeId = `azure:${id}`;
    const scopeFailures = failures.filter((f) => f.scope.id === id);
    const vms = snapshot.vms.filter((v) => v.vm.cloud === 'azure' && v.vm.scope.account === id);
    const children = scopeFailures.length
      ? scopeFailures.map((f) => failureNode(`account:azure:${nodeId}`, f, t))
      : vmGroups(`account:azure:${nodeId}`, vms, me.azure, input.now, t);
    return new AccountNode('azure', nodeId, scope.label, children);
  });
}

/** AWS scopes are `${accountId}/${region}`, labelled `${profile} (${accountId}) ${region}`. */
function awsScopeParts(scope: CloudScope): { account: string; region: string; profile: string } {
  const [account, region = ''] = scope.id.split('/');
  const profile = /^(.*) \([^)]*\) [^ ]+$/.exec(scope.label)?.[1] ?? scope.label;
  return { account, region, profile };
}

function awsChildren(input: TreeInput, t: Localize): TreeNode[] {
  const parent = 'cloud:aws';
  if (!input.sandbox && input.awsProfiles.length === 0) {
    return [
      message(parent, 'configureAws', t('Add AWS profiles…'), CommandIds.selectProfiles, t('Configure')),
    ];
  }
  if (input.state.kind !== 'loaded') return [loading(parent, t)];
  const { snapshot, me } = input.state;
  const scopes = [
    ...snapshot.scopes.filter((s) => s.cloud === 'aws').map((scope) => ({ scope, failure: undefined })),
    ...snapshot.failures
      .filter((f) => f.scope.cloud === 'aws')
      .map((failure) => ({ scope: failure.scope, failure })),
  ];
  if (scopes.length === 0) {
    return [message(parent, 'empty', t('No AWS regions to show'), CommandIds.selectProfiles, t('Configure'))];
  }
  const profiles = new Map<string, { account: string; regions: Map<string, TreeNode[]> }>();
  for (const { scope, failure } of scopes) {
    const { account, region, profile } = awsScopeParts(scope);
    const key = `${profile}|${account}`;
    const entry = profiles.get(key) ?? { account, regions: new Map<string, TreeNode[]>() };
    profiles.set(key, entry);
    const regionId = `account:aws:${key}/region:${region}`;
    const children = entry.regions.get(region) ?? [];
    if (failure) {
      children.push(failureNode(regionId, failure, t));
    } else {
      const vms = snapshot.vms.filter(
        (v) => v.vm.cloud === 'aws' && v.vm.scope.account === account && v.vm.scope.region === region,
      );
      children.push(...vmGroups(regionId, vms, me.aws, input.now, t));
    }
    entry.regions.set(region, children);
  }
  return [...profiles.entries()].map(([key, { account, regions }]) => {
    const profile = key.slice(0, key.lastIndexOf('|'));
    const accountId = `account:aws:${key}`;
    const regionNodes = [...regions.entries()].map(
      ([region, children]) => new RegionNode(accountId, region, children),
    );
    const node = new AccountNode('aws', key, profile, regionNodes);
    node.description = account;
    return node;
  });
}

function vmGroups(
  parentId: string,
  vms: ClassifiedVm[],
  me: readonly string[] | undefined,
  now: number,
  t: Localize,
): TreeNode[] {
  if (vms.length === 0) return [message(parentId, 'empty', t('No VMs'))];
  const labels: Record<JitGroup, string> = {
    jitEnabled: t('JIT enabled'),
    canBenefit: t('Can benefit from JIT'),
    healthyNoJit: t('Healthy without JIT'),
    notApplicable: t('Not applicable'),
  };
  return GROUP_ORDER.flatMap((group) => {
    const members = vms
      .filter((v) => jitGroupOf(v) === group)
      .sort((a, b) => a.vm.name.localeCompare(b.vm.name))
      .map((v) => vmNode(v, me, now, t));
    return members.length ? [new GroupNode(parentId, group, labels[group], members)] : [];
  });
}

export function vmNode(
  cvm: ClassifiedVm,
  me: readonly string[] | undefined,
  now: number,
  t: Localize,
): VmNode {
  const children: TreeNode[] = [];
  if (cvm.classification.jit.enabled) {
    for (const p of cvm.policy?.ports ?? []) children.push(new PortNode(cvm, p, now, t));
    for (const g of [...cvm.grants].sort((a, b) => a.expiresAt - b.expiresAt)) {
      children.push(new GrantNode(cvm, g, me?.includes(g.requester) === true, now, t));
    }
  }
  return new VmNode(cvm, children, t);
}

function failureNode(parentId: string, failure: FailureInfo, t: Localize): MessageNode {
  const kind: MessageKind = failure.kind === 'error' ? 'error' : failure.kind;
  const label = {
    permission: t('Permission denied'),
    throttled: t('Throttled by the cloud'),
    unreachable: t('Cannot reach the cloud'),
    error: t('Could not load'),
  }[failure.kind];
  const node = message(parentId, kind, label, CommandIds.refresh, t('Retry'), failure.message);
  node.description = `${failure.message} — ${t('Retry')}`;
  return node;
}

function loading(parentId: string, t: Localize): MessageNode {
  return message(parentId, 'loading', t('Loading…'));
}

function message(
  parentId: string,
  kind: MessageKind,
  label: string,
  command?: string,
  title?: string,
  detail?: string,
): MessageNode {
  return new MessageNode(
    parentId,
    kind,
    label,
    command ? { command, title: title ?? label } : undefined,
    detail,
  );
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** Every node in the tree, depth first (for lookups by id and for tests). */
export function walk(nodes: TreeNode[]): TreeNode[] {
  return nodes.flatMap((n) => [n, ...walk(n.children)]);
}
