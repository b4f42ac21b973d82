import assert from 'node:assert/strict';
import type { Plan } from '../../../src/engine/operations';
import { planEnable, planRequest } from '../../../src/engine/planner';
import { applyPlanToNetwork } from '../../../src/engine/simulate';
import { verifyGrant } from '../../../src/engine/verify';
import { accessRequest, azureVm, jitPolicy, nsg } from './builders';

const NOW = Date.UTC(2025, 0, 2, 10, 0, 0);

describe('verifyGrant', () => {
  const net = azureVm({ nicNsg: nsg('n') });
  const enabled = applyPlanToNetwork(net, planEnable(net, jitPolicy(net.vm.id)));
  const { plan, grant } = planRequest(enabled, accessRequest(net.vm.id, { source: '203.0.113.0/30' }), NOW);

  it('passes when exactly the requested access opened', () => {
    assert.deepEqual(verifyGrant(enabled, applyPlanToNetwork(enabled, plan), grant), []);
  });

  it('names the requested tuple that is not open', () => {
    const failures = verifyGrant(enabled, enabled, grant);
    assert.ok(
      failures.includes(
        'Requested access is not open: tcp/22 from 203.0.113.0 to ' + `${net.vm.interfaces[0].id}/10.0.1.4.`,
      ),
      failures.join('\n'),
    );
  });

  it('names what opened beyond the grant (a source just outside the range)', () => {
    const widened: Plan = {
      ...plan,
      ops: plan.ops.map((o) =>
        o.kind === 'azure.putRule' ? { ...o, rule: { ...o.rule, sourceAddressPrefix: '203.0.113.0/24' } } : o,
      ),
    };
    const failures = verifyGrant(enabled, applyPlanToNetwork(enabled, widened), grant);
    assert.ok(
      failures.some((f) => f.startsWith('Reachability changed outside the grant: tcp/22 from 203.0.113.4 ')),
      failures.join('\n'),
    );
  });
});
