import assert from 'node:assert/strict';
import { formatMessage as t } from '../../../src/extension/l10n';
import { buildTree, isUnconfigured, walk, type TreeInput } from '../../../src/extension/tree/model';
import type { TreeNode } from '../../../src/extension/tree/nodes/treeNode';
import { GrantNode, PortNode, VmNode } from '../../../src/extension/tree/nodes/vmNode';
import { CommandIds } from '../../../src/extension/commands/ids';
import {
  AZURE_SCOPE,
  awsScope,
  bareAzureVm,
  closedAzureVm,
  exposedAwsVm,
  exposedAzureVm,
  grant,
  jitAzureVm,
  ME,
  NOW,
  snapshot,
} from './builders';
import type { EstateSnapshot } from '../../../src/grants/api';

function loaded(snap: EstateSnapshot, extra: Partial<TreeInput> = {}): TreeInput {
  return {
    sandbox: true,
    azureSignedIn: false,
    awsProfiles: [],
    state: {
      kind: 'loaded',
      snapshot: snap,
      me: { azure: [ME], aws: ['arn:aws:iam::111122223333:user/alice'] },
    },
    now: NOW,
    ...extra,
  };
}

function labels(nodes: TreeNode[]): string[] {
  return nodes.map((n) => n.label);
}

function byId(nodes: TreeNode[], id: string): TreeNode {
  const found = walk(nodes).find((n) => n.id === id);
  assert.ok(
    found,
    `no node ${id}; have ${walk(nodes)
      .map((n) => n.id)
      .join(', ')}`,
  );
  return found;
}

describe('extension tree model', () => {
  it('is empty (welcome view) when neither sandbox, Azure nor AWS is configured', () => {
    const input: TreeInput = {
      sandbox: false,
      azureSignedIn: false,
      awsProfiles: [],
      state: { kind: 'idle' },
      now: NOW,
    };
    assert.equal(isUnconfigured(input), true);
    assert.deepEqual(buildTree(input, t), []);
  });

  it('offers Azure sign-in under Azure when only AWS profiles are configured', () => {
    const roots = buildTree(
      { sandbox: false, azureSignedIn: false, awsProfiles: ['dev'], state: { kind: 'loading' }, now: NOW },
      t,
    );
    assert.deepEqual(labels(roots), ['AWS']);
    assert.equal(roots[0].children[0].kind, 'message');
    assert.match(roots[0].children[0].label, /Loading/);
    const withAzure = buildTree(
      { sandbox: false, azureSignedIn: true, awsProfiles: [], state: { kind: 'loading' }, now: NOW },
      t,
    );
    assert.equal(withAzure[1].children[0].command?.command, CommandIds.selectProfiles);
  });

  it('shows a sign-in node when signed out of Azure but the estate loaded', () => {
    const roots = buildTree(loaded(snapshot([], [awsScope()]), { sandbox: false, awsProfiles: ['dev'] }), t);
    const azure = roots.find((r) => r.label === 'Azure')!;
    assert.equal(azure.children[0].command?.command, CommandIds.signInAzure);
  });

  it('groups Azure VMs of a subscription by JIT status, in a fixed order', () => {
    const snap = snapshot([bareAzureVm(), closedAzureVm(), exposedAzureVm(), jitAzureVm()], [AZURE_SCOPE]);
    const roots = buildTree(loaded(snap), t);
    const sub = roots[0].children[0];
    assert.equal(sub.label, 'Demo subscription');
    assert.deepEqual(labels(sub.children), [
      'JIT enabled',
      'Can benefit from JIT',
      'Healthy without JIT',
      'Not applicable',
    ]);
    assert.deepEqual(
      sub.children.map((g) => labels(g.children)),
      [['jit1'], ['web1'], ['closed1'], ['bare1']],
    );
    // A VM with nothing exposed is not said to benefit, and can still have JIT enabled (menus key on this).
    assert.match(sub.children[2].children[0].contextValue, /^vm cloud-azure jit-healthyNoJit\b/);
    assert.equal(sub.children[1].description, '1');
  });

  it('describes an exposed VM by power state and the exposure behind it', () => {
    const roots = buildTree(loaded(snapshot([exposedAzureVm()], [AZURE_SCOPE])), t);
    const vm = walk(roots).find((n) => n instanceof VmNode) as VmNode;
    assert.match(vm.description!, /^running · 22\/tcp.*open to .*allow-ssh/);
    assert.match(vm.tooltip!, /20\\\.1\\\.1\\\.1/);
    assert.equal(vm.icon?.codicon, 'warning');
    assert.match(vm.contextValue, /^vm cloud-azure jit-canBenefit reachable$/);
  });

  it('lists the ports and active grants under a JIT VM, mine marked, with time left', () => {
    const vm = jitAzureVm('jit1', (v) => [
      grant(v, { id: 'mine1', expiresAt: NOW + 12 * 60_000 }),
      grant(v, {
        id: 'bobs1',
        requester: 'bob@example.com',
        expiresAt: NOW + 90 * 60_000,
        source: '198.51.100.0/24',
      }),
    ]);
    const roots = buildTree(loaded(snapshot([vm], [AZURE_SCOPE])), t);
    const vmNode = walk(roots).find((n) => n instanceof VmNode)!;
    assert.deepEqual(
      vmNode.children.map((c) => c.kind),
      ['port', 'port', 'grant', 'grant'],
    );
    assert.match(vmNode.description!, /JIT on 22, 3389 · 2 active grants/);
    const port22 = vmNode.children[0] as PortNode;
    assert.match(port22.description!, /open to 203\.0\.113\.7\/32, 198\.51\.100\.0\/24/);
    const port3389 = vmNode.children[1] as PortNode;
    assert.match(port3389.description!, /^closed · max 3 h/);
    const [mine, bobs] = vmNode.children.slice(2) as GrantNode[];
    assert.equal(mine.description, 'you · 12 min left');
    assert.match(mine.contextValue, /\bmine\b/);
    assert.equal(bobs.description, 'bob@example.com · 1 h 30 min left');
    assert.match(bobs.contextValue, /\bothers\b/);
    assert.match(vmNode.contextValue, /jit-jitEnabled hasGrants/);
  });

  it('nests AWS VMs under profile (account) and region', () => {
    const east = exposedAwsVm('i-0aaaaaaaaaaaaaaa1', '111122223333', 'us-east-1');
    const west = exposedAwsVm('i-0aaaaaaaaaaaaaaa2', '111122223333', 'eu-west-1');
    const snap = snapshot([east, west], [awsScope(), awsScope('111122223333', 'eu-west-1')]);
    const aws = buildTree(loaded(snap), t).find((r) => r.label === 'AWS')!;
    assert.equal(aws.children.length, 1);
    const profile = aws.children[0];
    assert.equal(profile.label, 'dev');
    assert.equal(profile.description, '111122223333');
    assert.deepEqual(labels(profile.children), ['us-east-1', 'eu-west-1']);
    assert.deepEqual(labels(profile.children[1].children[0].children), ['aws-a2']);
  });

  it('shows scope failures as actionable nodes with their kind', () => {
    const snap = snapshot(
      [],
      [AZURE_SCOPE],
      [
        { scope: awsScope(), kind: 'throttled', message: 'RequestLimitExceeded' },
        {
          scope: { cloud: 'azure', id: 'sub-2', label: 'Locked sub' },
          kind: 'permission',
          message: 'no read',
        },
      ],
    );
    const roots = buildTree(loaded(snap), t);
    const denied = byId(roots, 'account:azure:azure:sub-2/message:permission');
    assert.equal(denied.label, 'Permission denied');
    assert.equal(denied.command?.command, CommandIds.refresh);
    assert.equal(denied.icon?.codicon, 'lock');
    const throttled = walk(roots).find((n) => n.id.endsWith('message:throttled'))!;
    assert.match(throttled.description!, /RequestLimitExceeded/);
    const empty = byId(roots, `account:azure:azure:${AZURE_SCOPE.id}/message:empty`);
    assert.equal(empty.label, 'No VMs');
  });

  it('shows a whole-estate failure as one retry node', () => {
    const roots = buildTree(
      {
        ...loaded(snapshot([], [])),
        state: { kind: 'failed', failure: { kind: 'unreachable', message: 'ECONNREFUSED' } },
      },
      t,
    );
    assert.equal(roots.length, 1);
    assert.equal(roots[0].icon?.codicon, 'debug-disconnect');
    assert.equal(roots[0].command?.command, CommandIds.refresh);
  });

  it('gives every node a unique id', () => {
    const snap = snapshot(
      [jitAzureVm('a', (v) => [grant(v)]), exposedAzureVm('b'), bareAzureVm('c'), exposedAwsVm()],
      [AZURE_SCOPE, awsScope()],
    );
    const ids = walk(buildTree(loaded(snap), t)).map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('marks the roots as the local sandbox', () => {
    const roots = buildTree(loaded(snapshot([], [AZURE_SCOPE])), t);
    assert.deepEqual(
      roots.map((r) => r.description),
      ['local sandbox', 'local sandbox'],
    );
  });
});
