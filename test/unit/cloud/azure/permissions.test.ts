import assert from 'node:assert/strict';
import {
  FIREWALL_WRITE,
  isAllowed,
  requiredActions,
  RULE_DELETE,
  RULE_WRITE,
} from '../../../../src/cloud/azure/permissions';
import type { SecurityRule } from '../../../../src/engine/model';

const NSG = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-a';

describe('Azure RBAC action matching', () => {
  it('grants with exact actions, case-insensitively', () => {
    assert.equal(isAllowed([{ actions: [RULE_WRITE] }], RULE_WRITE), true);
    assert.equal(isAllowed([{ actions: [RULE_WRITE.toLowerCase()] }], RULE_WRITE), true);
    assert.equal(isAllowed([{ actions: [RULE_WRITE] }], RULE_DELETE), false);
    assert.equal(isAllowed([], RULE_WRITE), false);
  });

  it('expands wildcards anywhere in the pattern, and only there', () => {
    assert.equal(isAllowed([{ actions: ['*'] }], RULE_WRITE), true);
    assert.equal(isAllowed([{ actions: ['Microsoft.Network/*'] }], RULE_WRITE), true);
    assert.equal(isAllowed([{ actions: ['*/write'] }], RULE_WRITE), true);
    assert.equal(isAllowed([{ actions: ['*/read'] }], RULE_WRITE), false);
    assert.equal(
      isAllowed([{ actions: ['Microsoft.Network/networkSecurityGroups/*/write'] }], RULE_WRITE),
      true,
    );
    assert.equal(isAllowed([{ actions: ['Microsoft.Compute/*'] }], RULE_WRITE), false);
    // '.' is literal, not "any character".
    assert.equal(isAllowed([{ actions: ['MicrosoftXNetwork/*'] }], RULE_WRITE), false);
  });

  it('lets notActions take away what the same permission grants, but not what another grants', () => {
    const contributorWithoutNsgWrites = {
      actions: ['*'],
      notActions: ['Microsoft.Network/networkSecurityGroups/*/write'],
    };
    assert.equal(isAllowed([contributorWithoutNsgWrites], RULE_WRITE), false);
    assert.equal(isAllowed([contributorWithoutNsgWrites], RULE_DELETE), true);
    assert.equal(isAllowed([contributorWithoutNsgWrites, { actions: [RULE_WRITE] }], RULE_WRITE), true);
  });

  it('names the resource and action each operation needs, once per resource', () => {
    const rule = {
      name: 'r',
      priority: 100,
      direction: 'Inbound',
      access: 'Allow',
      protocol: 'Tcp',
    } as SecurityRule;
    const needs = requiredActions([
      { kind: 'azure.putRule', nsgId: NSG, rule },
      { kind: 'azure.deleteRule', nsgId: NSG.toUpperCase(), ruleName: 'old' },
      {
        kind: 'azure.deleteFirewallNatRule',
        firewallId: '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/azureFirewalls/fw',
        collection: 'c',
        ruleName: 'x',
      },
    ]);
    assert.equal(needs.size, 2);
    assert.deepEqual([...needs.get(NSG.toLowerCase())!.actions].sort(), [RULE_DELETE, RULE_WRITE].sort());
    assert.deepEqual([...[...needs.values()][1].actions], [FIREWALL_WRITE]);
    assert.throws(() => requiredActions([{ kind: 'aws.deleteGroup', groupId: 'sg-1' }]), /cannot apply/);
  });
});
