import assert from 'node:assert/strict';
import { foundGrantsOf, grantsOf } from '../../../src/engine/jitState';
import type { AzureVmNetwork, SecurityRule } from '../../../src/engine/model';
import { planEnable, planRequest } from '../../../src/engine/planner';
import { applyPlanToNetwork } from '../../../src/engine/simulate';
import { accessRequest, azureVm, dnatRule, firewall, jitPolicy, nsg } from './builders';

const NOW = Date.UTC(2025, 0, 2, 10, 0, 0);

/** A VM with JIT enabled and one grant for 22 from 203.0.113.7: one rule in each of its two NSGs. */
function grantedVm(): AzureVmNetwork {
  const net = azureVm({ subnetNsg: nsg('subnet'), nicNsg: nsg('nic') });
  const enabled = applyPlanToNetwork(net, planEnable(net, jitPolicy(net.vm.id))) as AzureVmNetwork;
  return applyPlanToNetwork(
    enabled,
    planRequest(enabled, accessRequest(net.vm.id), NOW).plan,
  ) as AzureVmNetwork;
}

/** `net` with the grant rules in the NSG named `nsgName` rewritten by `edit` (the rest untouched). */
function withGrantRulesEdited(
  net: AzureVmNetwork,
  nsgName: string,
  edit: (r: SecurityRule) => SecurityRule,
): AzureVmNetwork {
  const grantRules = new Set(grantsOf(net)[0].rules.map((r) => (r.kind === 'nsgRule' ? r.ruleName : '')));
  const nsgs = { ...net.nsgs };
  for (const [id, n] of Object.entries(nsgs)) {
    if (n.name !== nsgName) continue;
    nsgs[id] = { ...n, securityRules: n.securityRules.map((r) => (grantRules.has(r.name) ? edit(r) : r)) };
  }
  return { ...net, nsgs };
}

describe('jitState: grants found in the cloud', () => {
  it('reads a whole grant with its requested source', () => {
    const [found] = foundGrantsOf(grantedVm());
    assert.equal(found.grant.source, '203.0.113.7');
    assert.equal(found.foundParts, 2);
    assert.equal(found.expectedParts, 2);
  });

  it('leaves out a grant rule without a source instead of reading it as "*"', () => {
    const net = withGrantRulesEdited(grantedVm(), 'subnet', (r) => ({
      ...r,
      sourceAddressPrefix: undefined,
      sourceAddressPrefixes: [],
    }));
    const [found] = foundGrantsOf(net);
    assert.equal(found.grant.source, '203.0.113.7');
    assert.equal(found.foundParts, 1, 'the source-less part is not counted');
    assert.equal(found.expectedParts, 2, 'so the grant reads as incomplete');
    assert.deepEqual(
      found.grant.rules.map((r) => r.kind === 'nsgRule' && r.nsgId.endsWith('/nic')),
      [true],
    );
  });

  it('reads no grant at all when none of its rules has a source', () => {
    const noSource = (r: SecurityRule): SecurityRule => ({ ...r, sourceAddressPrefix: '' });
    const broken = withGrantRulesEdited(
      withGrantRulesEdited(grantedVm(), 'subnet', noSource),
      'nic',
      noSource,
    );
    assert.deepEqual(foundGrantsOf(broken), []);
  });

  it("reports a firewall DNAT grant's requester, not the firewall's address, as its source", () => {
    const fw = firewall('fw', {
      nat: [dnatRule('web', { publicIp: '20.50.60.70', port: '50000' }, { address: '10.0.1.9', port: '80' })],
    });
    const net = azureVm({ nicNsg: nsg('n'), firewalls: [fw] });
    const enabled = applyPlanToNetwork(net, planEnable(net, jitPolicy(net.vm.id))) as AzureVmNetwork;
    const request = planRequest(enabled, accessRequest(net.vm.id), NOW).plan;
    const after = applyPlanToNetwork(enabled, request) as AzureVmNetwork;
    const [found] = foundGrantsOf(after);
    const nsgRuleSources = Object.values(after.nsgs)
      .flatMap((n) => n.securityRules)
      .filter((r) => found.grant.rules.some((ref) => ref.kind === 'nsgRule' && ref.ruleName === r.name))
      .map((r) => r.sourceAddressPrefix);
    assert.deepEqual(nsgRuleSources, [fw.privateIp], 'the NSG part admits the firewall');
    assert.equal(found.grant.source, '203.0.113.7');
    assert.equal(found.foundParts, 2);
  });
});
