import assert from 'node:assert/strict';
import type { AppliedWrites } from '../../../../src/cloud/azure/applyPlan';
import { toArmSecurityRule } from '../../../../src/cloud/azure/translate';
import { stateAfterWrites } from '../../../../src/cloud/azure/writtenState';
import type { AzureVmNetwork, SecurityRule } from '../../../../src/engine/model';
import type { Plan } from '../../../../src/engine/operations';

const NSG = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-a';

const existing: SecurityRule = {
  name: 'Old',
  priority: 200,
  direction: 'Inbound',
  access: 'Allow',
  protocol: 'Tcp',
  sourceAddressPrefix: '*',
  destinationPortRange: '3389',
};
const planned: SecurityRule = {
  name: 'New',
  priority: 100,
  direction: 'Inbound',
  access: 'Allow',
  protocol: 'Tcp',
  sourceAddressPrefix: '203.0.113.7/32',
  destinationPortRange: '22',
  description: 'granted',
};

function network(): AzureVmNetwork {
  return {
    cloud: 'azure',
    vm: {
      cloud: 'azure',
      id: 'vm-1',
      name: 'vm-1',
      scope: { account: 's1', region: 'westeurope' },
      os: 'linux',
      powerState: 'running',
      interfaces: [{ id: 'nic-1', primary: true, privateIps: ['10.0.0.4'], publicIps: [], nsgId: NSG }],
    },
    nsgs: {
      [NSG]: {
        id: NSG,
        name: 'nsg-a',
        etag: 'W/"1"',
        flushConnection: false,
        securityRules: [existing],
        defaultSecurityRules: [],
      },
    },
    firewalls: [],
  };
}

const plan: Plan = {
  ops: [
    { kind: 'azure.putRule', nsgId: NSG, rule: planned },
    { kind: 'azure.deleteRule', nsgId: NSG, ruleName: 'Old' },
  ],
  preview: ['put New', 'delete Old'],
  warnings: [],
};

/** The service's answer to the PUT: the rule as sent, with its id, etag and empty lists added. */
function answered(rule: SecurityRule): AppliedWrites {
  return {
    results: [
      {
        kind: 'rule',
        op: plan.ops[0] as Extract<Plan['ops'][number], { kind: 'azure.putRule' }>,
        rule: {
          ...toArmSecurityRule(rule),
          id: `${NSG}/securityRules/${rule.name}`,
          etag: 'W/"2"',
          sourcePortRanges: [],
          provisioningState: 'Succeeded',
        },
      },
      { kind: 'ruleDeleted', op: plan.ops[1] as Extract<Plan['ops'][number], { kind: 'azure.deleteRule' }> },
    ],
    resentSteps: 0,
  };
}

describe('Azure state after writes (verify without re-reading)', () => {
  it('is the plan applied to the state read, with the written rule as the service returned it', () => {
    const before = network();
    const after = stateAfterWrites(before, plan, answered(planned));
    assert.ok(after);
    assert.deepEqual(
      after.nsgs[NSG].securityRules.map((r) => [r.name, r.etag]),
      [['New', 'W/"2"']],
    );
    assert.deepEqual(before.nsgs[NSG].securityRules, [existing], 'the state read is left as it was');
  });

  it('asks for a re-read when the service returned a rule other than the one planned', () => {
    const changed = { ...planned, sourceAddressPrefix: '*' };
    assert.equal(stateAfterWrites(network(), plan, answered(changed)), undefined);
  });

  it('asks for a re-read when a step had to be sent again', () => {
    assert.equal(stateAfterWrites(network(), plan, { ...answered(planned), resentSteps: 1 }), undefined);
  });

  it('asks for a re-read when the simulator refuses the plan against the state read', () => {
    const clash: Plan = {
      ...plan,
      ops: [{ kind: 'azure.putRule', nsgId: NSG, rule: { ...planned, priority: existing.priority } }],
    };
    assert.equal(stateAfterWrites(network(), clash, answered(planned)), undefined);
  });
});
