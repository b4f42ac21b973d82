import assert from 'node:assert/strict';
import { resolveGrant, resolveVm, vmOfArgument } from '../../../src/extension/commands/resolve';
import { formatMessage as t } from '../../../src/extension/l10n';
import { vmNode } from '../../../src/extension/tree/model';
import { GrantNode } from '../../../src/extension/tree/nodes/vmNode';
import { AZURE_SCOPE, bareAzureVm, exposedAzureVm, grant, jitAzureVm, ME, NOW, snapshot } from './builders';

describe('command argument resolution', () => {
  const jit = jitAzureVm('jit1', (v) => [
    grant(v, { id: 'g-mine' }),
    grant(v, { id: 'g-bob', requester: 'bob' }),
  ]);
  const exposed = exposedAzureVm('web1');
  const bare = bareAzureVm('bare1');
  const snap = snapshot([jit, exposed, bare], [AZURE_SCOPE]);
  const grants = jit.grants;

  it('takes the VM from a tree node, preferring the fresher snapshot entry', () => {
    const stale = { ...exposed, grants: [] };
    const node = vmNode(stale, [ME], NOW, t);
    assert.equal(vmOfArgument(node, snap), exposed);
  });

  it('accepts a VM id, a unique name (case-insensitive) or { vmId }', () => {
    assert.equal(vmOfArgument(jit.vm.id.toUpperCase(), snap), jit);
    assert.equal(vmOfArgument('WEB1', snap), exposed);
    assert.equal(vmOfArgument({ vmId: bare.vm.id }, snap), bare);
    assert.equal(vmOfArgument('nope', snap), undefined);
  });

  it('falls back to a picker over the VMs the command applies to', () => {
    const enable = resolveVm(undefined, snap, 'jitNotEnabled');
    assert.equal(enable.kind, 'pick');
    assert.deepEqual(enable.kind === 'pick' && enable.candidates.map((v) => v.vm.name), ['web1']);
    const request = resolveVm(undefined, snap, 'jitEnabled');
    assert.deepEqual(request.kind === 'pick' && request.candidates.map((v) => v.vm.name), ['jit1']);
    assert.equal(resolveVm(undefined, snapshot([bare], [AZURE_SCOPE]), 'jitEnabled').kind, 'none');
  });

  it('resolves a grant from its node, its id, or the only matching grant of a VM', () => {
    const node = new GrantNode(jit, grants[1], false, NOW, t);
    assert.deepEqual(resolveGrant(node, snap, grants), { kind: 'resolved', value: grants[1] });
    assert.deepEqual(resolveGrant({ grantId: 'g-mine' }, snap, grants), {
      kind: 'resolved',
      value: grants[0],
    });
    const mineOnVm = resolveGrant(jit.vm.id, snap, grants, { mineOnly: true, me: (g) => g.requester === ME });
    assert.deepEqual(mineOnVm, { kind: 'resolved', value: grants[0] });
    const all = resolveGrant(undefined, snap, grants);
    assert.equal(all.kind === 'pick' && all.candidates.length, 2);
    assert.equal(resolveGrant(exposed.vm.id, snap, grants).kind, 'none');
  });
});
