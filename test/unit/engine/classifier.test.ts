import assert from 'node:assert/strict';
import { classify, isDefenderJitRuleName } from '../../../src/engine/classifier';
import {
  awsJitGroupTags,
  azureDenyDescription,
  azureDenyRuleName,
  vmKeyOf,
} from '../../../src/engine/metadata';
import type { JitPolicyBody } from '../../../src/engine/metadata';
import {
  allow,
  awsVm,
  azureVm,
  deny,
  dnatRule,
  firewall,
  ingress,
  networkRule,
  nsg,
  securityGroup,
  vmId,
} from './builders';

const POLICY: JitPolicyBody = {
  ports: [{ port: 22, protocol: 'tcp', allowedSourcePrefixes: ['*'], maxDurationMs: 3 * 3_600_000 }],
  requireJustification: false,
};

function ourDenyRule(vmName = 'vm1') {
  const key = vmKeyOf(vmId(vmName));
  return deny(azureDenyRuleName(key, vmName, 'tcp'), 1000, ['22', '3389'], '*', {
    destinationAddressPrefix: '10.0.1.4',
    description: azureDenyDescription(key, POLICY),
  });
}

describe('isDefenderJitRuleName', () => {
  it('recognises both Defender prefixes, deny and allow forms', () => {
    assert.ok(isDefenderJitRuleName('SecurityCenter-JITRule_1234567_0123456789ABCDEF0123456789ABCDEF'));
    assert.ok(isDefenderJitRuleName('SecurityCenter-JITRule-1234567-0123456789ABCDEF0123456789ABCDEF'));
    assert.ok(isDefenderJitRuleName('MicrosoftDefenderForCloud-JITRule_-99_abc'));
    assert.ok(!isDefenderJitRuleName('allow-ssh'));
    assert.ok(!isDefenderJitRuleName('MySecurityCenter-JITRule_1'));
  });
});

describe('classify: Azure decision tree', () => {
  it('classic VM → not applicable', () => {
    const c = classify(azureVm({ classic: true, nicNsg: nsg('n', [allow('ssh', 300, '22')]) }));
    assert.equal(c.status, 'notApplicable');
    assert.match(c.reason, /Classic/);
  });

  it('JIT enabled by this project → healthy', () => {
    const c = classify(azureVm({ nicNsg: nsg('n', [ourDenyRule(), allow('ssh', 4000, '22')]) }));
    assert.equal(c.status, 'healthy');
    assert.deepEqual(c.jit, { enabled: true, by: 'jit-vm-access' });
    assert.equal(c.exposures.length, 0, 'the deny rule shadows the allow');
  });

  it('our deny rule for another VM on a shared subnet NSG does not count', () => {
    const c = classify(
      azureVm({ subnetNsg: nsg('shared', [ourDenyRule('other-vm'), allow('ssh', 4000, '22')]) }),
    );
    assert.equal(c.jit.enabled, false);
    assert.equal(c.status, 'unhealthy');
  });

  it('JIT enabled by Defender → healthy, even with source Any (a documented false result)', () => {
    const c = classify(
      azureVm({
        nicNsg: nsg('n', [
          deny('SecurityCenter-JITRule_1_00000000000000000000000000000000', 1000, ['22'], '*', {
            destinationAddressPrefix: '10.0.1.4',
          }),
          allow('MicrosoftDefenderForCloud-JITRule-2-00000000000000000000000000000000', 100, '22', '*', {
            destinationAddressPrefix: '10.0.1.4',
          }),
        ]),
      }),
    );
    assert.equal(c.status, 'healthy');
    assert.deepEqual(c.jit, { enabled: true, by: 'defender' });
    assert.equal(c.exposures.length, 1, 'the open grant is still shown');
    assert.equal(c.exposures[0].scope, 'any');
  });

  it('NSG without allow rules for management ports → healthy', () => {
    const c = classify(azureVm({ nicNsg: nsg('n', [allow('https', 300, '443')]) }));
    assert.equal(c.status, 'healthy');
    assert.deepEqual(c.exposures, []);
  });

  it('NSG allows 22 from anywhere, no firewall → unhealthy with the exact exposure', () => {
    const c = classify(azureVm({ nicNsg: nsg('nsg-web', [allow('allow-ssh', 300, '22')]) }));
    assert.equal(c.status, 'unhealthy');
    assert.equal(c.exposures.length, 1);
    const e = c.exposures[0];
    assert.equal(e.port, 22);
    assert.equal(e.scope, 'any');
    assert.equal(e.text, '22/tcp open to any address via allow-ssh (300) on nsg-web');
    assert.match(c.reason, /allow-ssh on nsg-web/);
  });

  it('allow from the Internet tag → scope internet', () => {
    const c = classify(azureVm({ nicNsg: nsg('nsg-web', [allow('allow-ssh', 300, '22', 'Internet')]) }));
    assert.equal(c.exposures[0].scope, 'internet');
    assert.equal(c.exposures[0].text, '22/tcp open to Internet via allow-ssh (300) on nsg-web');
  });

  it('allow from one office range → still unhealthy (documented), exposure scope range', () => {
    const c = classify(
      azureVm({ nicNsg: nsg('nsg-app', [allow('office-rdp', 310, '3389', '203.0.113.0/24')]) }),
    );
    assert.equal(c.status, 'unhealthy');
    assert.equal(c.exposures[0].scope, 'range');
    assert.deepEqual(c.exposures[0].sources, ['203.0.113.0/24']);
    assert.equal(c.exposures[0].text, '3389/tcp open to 203.0.113.0/24 via office-rdp (310) on nsg-app');
  });

  it('allow from a private range outside the VNet → unhealthy (documented) but no exposure', () => {
    const c = classify(azureVm({ nicNsg: nsg('n', [allow('corp', 300, '22', '192.168.0.0/16')]) }));
    assert.equal(c.status, 'unhealthy');
    assert.deepEqual(c.exposures, []);
    assert.match(c.reason, /nothing is reachable from the Internet/);
  });

  it('an earlier deny narrows what the allow exposes', () => {
    const c = classify(
      azureVm({
        nicNsg: nsg('n', [
          deny('deny-bad', 100, '22', '203.0.113.0/25'),
          allow('ssh', 300, '22', '203.0.113.0/24'),
        ]),
      }),
    );
    assert.deepEqual(c.exposures[0].sources, ['203.0.113.128/25']);
  });

  it('allow on the NIC NSG but the subnet NSG denies → unhealthy (documented), no exposure', () => {
    const c = classify(azureVm({ subnetNsg: nsg('sub'), nicNsg: nsg('nic', [allow('ssh', 300, '22')]) }));
    assert.equal(c.status, 'unhealthy');
    assert.deepEqual(c.exposures, []);
  });

  it('allowed by both NSGs → the exposure names both rules', () => {
    const c = classify(
      azureVm({
        subnetNsg: nsg('sub', [allow('sub-ssh', 200, '22')]),
        nicNsg: nsg('nic', [allow('nic-ssh', 300, '22', 'Internet')]),
      }),
    );
    assert.equal(c.exposures.length, 1);
    assert.equal(
      c.exposures[0].text,
      '22/tcp open to Internet via sub-ssh (200) on sub and nic-ssh (300) on nic',
    );
  });

  it('allow rules for another VM (destination) do not count', () => {
    const c = classify(
      azureVm({
        subnetNsg: nsg('sub', [
          allow('other-ssh', 300, '22', '*', { destinationAddressPrefix: '10.0.1.99' }),
        ]),
      }),
    );
    assert.equal(c.status, 'healthy');
  });

  it('NSG allows + firewall without allow rules → healthy', () => {
    const c = classify(
      azureVm({ nicNsg: nsg('n', [allow('ssh', 300, '22')]), firewalls: [firewall('fw-hub')] }),
    );
    assert.equal(c.status, 'healthy');
    assert.match(c.reason, /fw-hub allows none/);
    assert.equal(c.exposures.length, 1, 'the NSG exposure is still reported');
  });

  it('NSG allows + firewall with a DNAT to the VM → unhealthy, DNAT exposure with endpoint', () => {
    const fw = firewall('fw-hub', {
      nat: [
        dnatRule('ssh-nat', { publicIp: '20.50.60.70', port: '50022' }, { address: '10.0.1.4', port: '22' }),
      ],
    });
    const c = classify(
      azureVm({ nicNsg: nsg('n', [allow('ssh', 300, '22', '10.0.0.0/16')]), firewalls: [fw] }),
    );
    assert.equal(c.status, 'unhealthy');
    assert.deepEqual(
      c.exposures.map((e) => e.text),
      ['22/tcp open to any address via DNAT rule ssh-nat (nat, 100) on fw-hub: connect to 20.50.60.70:50022'],
    );
  });

  it('no NSG + no firewall → not applicable', () => {
    const c = classify(azureVm());
    assert.equal(c.status, 'notApplicable');
  });

  it('no NSG + firewall with a network allow rule → unhealthy', () => {
    const fw = firewall('fw', {
      network: [networkRule('allow-rdp', ['10.0.1.0/24'], ['3389'], ['198.51.100.0/24'])],
    });
    const c = classify(azureVm({ firewalls: [fw] }));
    assert.equal(c.status, 'unhealthy');
    const texts = c.exposures.map((e) => e.text);
    assert.ok(
      texts.includes('3389/tcp open to 198.51.100.0/24 via network rule allow-rdp (net, 200) on fw'),
      texts.join('\n'),
    );
    assert.ok(texts.includes('22/tcp open to any address (no NSG on the NIC or its subnet)'));
  });

  it('no NSG + firewall without allow rules → healthy', () => {
    const fw = firewall('fw', { network: [networkRule('web', ['10.0.1.4'], ['443'])] });
    assert.equal(classify(azureVm({ firewalls: [fw] })).status, 'healthy');
  });

  it('policy-managed firewall → not applicable when the tree reaches the firewall question', () => {
    const managed = firewall('fw-policy', {}, { firewallPolicyId: '/subscriptions/s/firewallPolicies/p' });
    assert.equal(classify(azureVm({ firewalls: [managed] })).status, 'notApplicable');
    assert.equal(
      classify(azureVm({ nicNsg: nsg('n', [allow('ssh', 300, '22')]), firewalls: [managed] })).status,
      'notApplicable',
    );
    assert.equal(classify(azureVm({ nicNsg: nsg('n'), firewalls: [managed] })).status, 'healthy');
  });

  it('custom management ports', () => {
    const net = azureVm({ nicNsg: nsg('n', [allow('alt-ssh', 300, '2222')]) });
    assert.equal(classify(net).status, 'healthy');
    assert.equal(classify(net, [2222]).status, 'unhealthy');
  });

  it('udp-only and port-range rules', () => {
    assert.equal(
      classify(azureVm({ nicNsg: nsg('n', [allow('u', 300, '22', '*', { protocol: 'Udp' })]) })).status,
      'healthy',
    );
    const c = classify(
      azureVm({ nicNsg: nsg('n', [allow('wide', 300, '1-10000', '*', { protocol: '*' })]) }),
    );
    assert.deepEqual(
      c.exposures.map((e) => e.port),
      [22, 3389, 5985, 5986],
    );
  });

  it('warns about flushConnection and unreadable NSGs; notes stopped VMs', () => {
    const net = azureVm({ nicNsg: nsg('n', [], { flushConnection: true }), powerState: 'deallocated' });
    net.vm.interfaces[0].subnetNsgId = '/subscriptions/s/nsg/missing';
    const c = classify(net);
    assert.ok(c.warnings.some((w) => /flushConnection/.test(w) && /cut/.test(w)));
    assert.ok(c.warnings.some((w) => /missing could not be read/.test(w)));
    assert.match(c.powerNote ?? '', /deallocated/);
    assert.equal(c.status, 'healthy', 'stopped VMs keep the status their rules give');
  });

  it('multi-NIC, IPv6: exposures per address', () => {
    const c = classify(
      azureVm({
        nics: [
          {
            privateIps: ['10.0.1.4', 'fd00::4'],
            vnetPrefixes: ['10.0.0.0/16', 'fd00::/64'],
            nicNsg: nsg('a', [allow('v6', 300, '22', '::/0')]),
          },
          { nicNsg: nsg('b') },
        ],
      }),
    );
    assert.equal(c.status, 'unhealthy');
    assert.deepEqual(
      c.exposures.map((e) => e.text),
      ['22/tcp on fd00::4 open to any address via v6 (300) on a'],
    );
  });
});

describe('classify: AWS decision tree', () => {
  it('JIT group attached → healthy', () => {
    const tags = awsJitGroupTags('i-0123456789abcdef0', 'web-1', POLICY, {
      revoked: [],
      interfaceGroups: {},
    });
    const net = awsVm({
      groups: [securityGroup('sg-open', [ingress(22, '0.0.0.0/0')]), securityGroup('sg-jit', [], { tags })],
    });
    const c = classify(net);
    assert.equal(c.status, 'healthy');
    assert.deepEqual(c.jit, { enabled: true, by: 'jit-vm-access' });
  });

  it('a JIT group for another instance does not count', () => {
    const tags = awsJitGroupTags('i-other', 'other', POLICY, { revoked: [], interfaceGroups: {} });
    const net = awsVm({
      groups: [securityGroup('sg-open', [ingress(22, '0.0.0.0/0')]), securityGroup('sg-jit', [], { tags })],
    });
    assert.equal(classify(net).status, 'unhealthy');
  });

  it('management port open to 0.0.0.0/0 → unhealthy', () => {
    const c = classify(
      awsVm({
        groups: [securityGroup('sg-web', [ingress(22, '0.0.0.0/0', { ruleId: 'sgr-1' })], { name: 'web' })],
      }),
    );
    assert.equal(c.status, 'unhealthy');
    assert.equal(c.exposures[0].text, '22/tcp open to any address via sgr-1 on web (sg-web)');
  });

  it('::/0, all-traffic and unknown prefix lists count as any address', () => {
    assert.equal(
      classify(awsVm({ groups: [securityGroup('sg', [ingress(3389, '::/0')])], privateIps: ['172.31.0.10'] }))
        .status,
      'unhealthy',
    );
    assert.equal(
      classify(awsVm({ groups: [securityGroup('sg', [ingress('all', '0.0.0.0/0')])] })).status,
      'unhealthy',
    );
    assert.equal(
      classify(awsVm({ groups: [securityGroup('sg', [ingress(22, 'pl-123')])] })).status,
      'unhealthy',
    );
    const known = awsVm({
      groups: [securityGroup('sg', [ingress(22, 'pl-123')])],
      prefixLists: { 'pl-123': ['203.0.113.0/24'] },
    });
    const c = classify(known);
    assert.equal(c.status, 'healthy');
    assert.equal(c.exposures[0].scope, 'range');
  });

  it('narrow range → healthy, with a range exposure', () => {
    const c = classify(awsVm({ groups: [securityGroup('sg', [ingress([20, 23], '203.0.113.7/32')])] }));
    assert.equal(c.status, 'healthy');
    assert.deepEqual(
      c.exposures.map((e) => [e.port, e.scope, e.sources]),
      [[22, 'range', ['203.0.113.7/32']]],
    );
  });

  it('VPC-internal sources and referenced groups are not exposures', () => {
    const c = classify(
      awsVm({ groups: [securityGroup('sg', [ingress(22, '172.31.0.0/16'), ingress(22, 'sg-bastion')])] }),
    );
    assert.equal(c.status, 'healthy');
    assert.deepEqual(c.exposures, []);
  });

  it('no groups at all → healthy', () => {
    assert.equal(classify(awsVm()).status, 'healthy');
  });
});
