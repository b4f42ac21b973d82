import assert from 'node:assert/strict';
import { classify } from '../../../src/engine/classifier';
import type { AzureVmNetwork } from '../../../src/engine/model';
import { planEnable } from '../../../src/engine/planner';
import { applyPlanToNetwork } from '../../../src/engine/simulate';
import { allow, azureVm, jitPolicy, nsg } from './builders';

const exposed = (): AzureVmNetwork => azureVm({ nicNsg: nsg('web', [allow('AllowSSH', 300, '22')]) });

describe('classifier: classifying the same network objects again', () => {
  it('answers the same, in a result of its own', () => {
    const net = exposed();
    const first = classify(net);
    const again = classify(net);
    assert.equal(first.status, 'unhealthy');
    assert.deepEqual(again, first);
    again.powerNote = 'changed by a caller';
    assert.equal(classify(net).powerNote, undefined);
  });

  it('sees a plan applied to the network (new objects)', () => {
    const net = exposed();
    assert.equal(classify(net).jit.enabled, false);
    const enabled = applyPlanToNetwork(net, planEnable(net, jitPolicy(net.vm.id)));
    assert.equal(classify(enabled).jit.enabled, true);
    assert.equal(classify(net).jit.enabled, false);
  });

  it('sees a rule list replaced, or grown in place, on the same network object', () => {
    const net = exposed();
    const own = Object.values(net.nsgs)[0];
    assert.equal(classify(net).status, 'unhealthy');
    own.securityRules = [];
    assert.equal(classify(net).status, 'healthy');
    own.securityRules.push(allow('AllowRdp', 310, '3389'));
    assert.equal(classify(net).status, 'unhealthy');
    assert.deepEqual(
      classify(net).exposures.map((e) => e.port),
      [3389],
    );
  });

  it('answers for the management ports asked about', () => {
    const net = exposed();
    assert.equal(classify(net).exposures.length, 1);
    assert.equal(classify(net, [3389]).exposures.length, 0);
  });

  it('sees a VM stopped since (same network object, new power state)', () => {
    const net = exposed();
    assert.equal(classify(net).powerNote, undefined);
    net.vm.powerState = 'deallocated';
    assert.match(classify(net).powerNote ?? '', /deallocated/);
  });
});
