import assert from 'node:assert/strict';
import type { AzureVmNetwork, VmNetwork } from '../../../src/engine/model';
import type { Plan } from '../../../src/engine/operations';
import { planEnable, planRequest } from '../../../src/engine/planner';
import { applyPlanToNetwork } from '../../../src/engine/simulate';
import { verifyWrittenGrant } from '../../../src/grants/verification';
import { accessRequest, azureVm, jitPolicy, nsg } from '../engine/builders';

const NOW = Date.UTC(2025, 0, 2, 10, 0, 0);

/** The same plan with every rule's source replaced (what a cloud that stored something else holds). */
function withSource(plan: Plan, source: string): Plan {
  return {
    ...plan,
    ops: plan.ops.map((o) =>
      o.kind === 'azure.putRule' ? { ...o, rule: { ...o.rule, sourceAddressPrefix: source } } : o,
    ),
  };
}

describe('verifyWrittenGrant (the grant as planned against the re-read state)', () => {
  const net = azureVm({ nicNsg: nsg('nic'), subnetNsg: nsg('subnet') });
  const enabled = applyPlanToNetwork(net, planEnable(net, jitPolicy(net.vm.id)));
  const mine = planRequest(enabled, accessRequest(net.vm.id, { source: '203.0.113.10/32' }), NOW);
  const mineApplied = applyPlanToNetwork(enabled, mine.plan);
  // Bob's grant from the same office address, planned where ours already is (different priorities).
  const theirs = planRequest(
    mineApplied,
    accessRequest(net.vm.id, {
      source: '203.0.113.10/32',
      requester: 'bob',
      ports: [{ port: 3389, protocol: 'tcp' }],
    }),
    NOW + 1000,
  );
  const verify = (before: VmNetwork, after: VmNetwork) => verifyWrittenGrant({ before, after }, mine.grant);

  it('passes when exactly the planned rules are in the cloud', () => {
    assert.deepEqual(verify(enabled, applyPlanToNetwork(enabled, mine.plan)), []);
  });

  it('fails when the cloud holds the rules with source * instead of the requested address', () => {
    const problems = verify(enabled, applyPlanToNetwork(enabled, withSource(mine.plan, '*')));
    assert.ok(
      problems.some((p) => /^Reachability changed outside the grant: tcp\/22 from 8\.8\.8\.8 /.test(p)),
      problems.join('\n'),
    );
  });

  it('fails when the cloud holds a wider range than asked', () => {
    const problems = verify(enabled, applyPlanToNetwork(enabled, withSource(mine.plan, '203.0.113.0/24')));
    assert.ok(
      problems.some((p) => p.includes('from 203.0.113.11 ')),
      problems.join('\n'),
    );
  });

  it('fails when a part is missing, and caps the quoted probe failures', () => {
    const partial: Plan = {
      ...mine.plan,
      ops: mine.plan.ops.slice(0, 1),
      preview: mine.plan.preview.slice(0, 1),
    };
    const problems = verify(enabled, applyPlanToNetwork(enabled, partial));
    assert.match(problems[0], /^Only 1 of 2 rules of grant \w+ are in place\.$/);
    assert.ok(problems.length <= 6, problems.join('\n'));
  });

  it('fails when the grant is not there at all', () => {
    assert.deepEqual(verify(enabled, enabled), [
      `Grant ${mine.grant.id} is not in vm1's rules after writing it.`,
    ]);
  });

  it("ignores a colleague's grant added or removed while ours was written", () => {
    const both = applyPlanToNetwork(mineApplied, theirs.plan);
    assert.deepEqual(verify(enabled, both), [], 'added meanwhile');
    assert.deepEqual(verify(applyPlanToNetwork(enabled, theirs.plan), mineApplied), [], 'removed meanwhile');
  });

  it('does not excuse a change to a rule that is not a grant', () => {
    const after = applyPlanToNetwork(enabled, mine.plan) as AzureVmNetwork;
    const opened: AzureVmNetwork = {
      ...after,
      nsgs: Object.fromEntries(
        Object.entries(after.nsgs).map(([id, n]) => [
          id,
          { ...n, securityRules: n.securityRules.filter((r) => !r.name.startsWith('JitVmAccess-Deny')) },
        ]),
      ),
    };
    assert.notDeepEqual(verify(enabled, opened), []);
  });
});
