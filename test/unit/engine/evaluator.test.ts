import assert from 'node:assert/strict';
import { azureDefaultSecurityRules } from '../../../src/engine/azureEvaluator';
import { evaluateVm, type InterfaceVerdict, type Traffic } from '../../../src/engine/evaluator';
import type { VmNetwork } from '../../../src/engine/model';
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
  rule,
  securityGroup,
} from './builders';

const INTERNET = '203.0.113.7';
const ssh = (source = INTERNET, port = 22, protocol: Traffic['protocol'] = 'tcp'): Traffic => ({
  source,
  port,
  protocol,
});

function only(net: VmNetwork, traffic: Traffic): InterfaceVerdict {
  const verdicts = evaluateVm(net, traffic);
  assert.equal(verdicts.length, 1);
  return verdicts[0];
}

/** `layer:rule` of each decision, for compact assertions. */
function decided(v: InterfaceVerdict): string[] {
  return v.decidedBy.map((d) => `${d.layer}:${d.rule ?? '-'}`);
}

describe('Azure NSG evaluation', () => {
  it('no NSG anywhere lets everything in', () => {
    const v = only(azureVm(), ssh());
    assert.equal(v.allowed, true);
    assert.deepEqual(decided(v), ['no-nsg:-']);
  });

  it('default rules: internet denied by DenyAllInBound, VNet allowed by AllowVnetInBound, LB probe allowed', () => {
    const net = azureVm({ nicNsg: nsg('nsg-nic') });
    const v = only(net, ssh());
    assert.equal(v.allowed, false);
    assert.deepEqual(decided(v), ['nic-nsg:DenyAllInBound']);
    assert.equal(v.decidedBy[0].priority, 65500);
    assert.equal(v.decidedBy[0].defaultRule, true);
    assert.deepEqual(decided(only(net, ssh('10.0.2.9'))), ['nic-nsg:AllowVnetInBound']);
    assert.deepEqual(decided(only(net, ssh('168.63.129.16'))), ['nic-nsg:AllowAzureLoadBalancerInBound']);
    // A private address outside the VNet is not "VirtualNetwork"
    assert.equal(only(net, ssh('192.168.1.1')).allowed, false);
  });

  it('subnet-only and NIC-only allow rules', () => {
    const subnetOnly = azureVm({ subnetNsg: nsg('nsg-sub', [allow('allow-ssh', 300, '22')]) });
    assert.deepEqual(decided(only(subnetOnly, ssh())), ['subnet-nsg:allow-ssh']);
    const nicOnly = azureVm({ nicNsg: nsg('nsg-nic', [allow('allow-ssh', 300, '22')]) });
    assert.equal(only(nicOnly, ssh()).allowed, true);
    assert.equal(only(nicOnly, ssh(INTERNET, 3389)).allowed, false);
  });

  it('subnet and NIC must both allow; evaluation stops at the first deny', () => {
    const subnetDenies = azureVm({
      subnetNsg: nsg('nsg-sub'),
      nicNsg: nsg('nsg-nic', [allow('allow-ssh', 300, '22')]),
    });
    const v = only(subnetDenies, ssh());
    assert.equal(v.allowed, false);
    assert.deepEqual(decided(v), ['subnet-nsg:DenyAllInBound']);

    const nicDenies = azureVm({
      subnetNsg: nsg('nsg-sub', [allow('allow-ssh', 300, '22')]),
      nicNsg: nsg('nsg-nic', [deny('deny-ssh', 200, '22')]),
    });
    const w = only(nicDenies, ssh());
    assert.equal(w.allowed, false);
    assert.deepEqual(decided(w), ['subnet-nsg:allow-ssh', 'nic-nsg:deny-ssh']);

    const both = azureVm({
      subnetNsg: nsg('nsg-sub', [allow('allow-ssh', 300, '22')]),
      nicNsg: nsg('nsg-nic', [allow('nic-ssh', 400, '22')]),
    });
    assert.deepEqual(decided(only(both, ssh())), ['subnet-nsg:allow-ssh', 'nic-nsg:nic-ssh']);
  });

  it('lowest priority number wins regardless of rule order', () => {
    const net = azureVm({
      nicNsg: nsg('n', [
        allow('allow-late', 500, '22'),
        deny('deny-early', 100, '22'),
        allow('allow-mid', 300, '22'),
      ]),
    });
    assert.deepEqual(decided(only(net, ssh())), ['nic-nsg:deny-early']);
  });

  it('plural port and prefix fields, and port ranges', () => {
    const net = azureVm({
      nicNsg: nsg('n', [
        allow('mgmt', 300, ['22', '3389', '5985-5986'], ['198.51.100.0/24', '203.0.113.0/24']),
      ]),
    });
    for (const port of [22, 3389, 5985, 5986])
      assert.equal(only(net, ssh(INTERNET, port)).allowed, true, String(port));
    assert.equal(only(net, ssh(INTERNET, 5987)).allowed, false);
    assert.equal(only(net, ssh('198.51.100.200')).allowed, true);
    assert.equal(only(net, ssh('192.0.2.1')).allowed, false);
  });

  it('protocols: * matches tcp and udp, Tcp only tcp, Icmp neither', () => {
    const net = (protocol: 'Tcp' | 'Udp' | '*' | 'Icmp') =>
      azureVm({ nicNsg: nsg('n', [allow('r', 300, '53', '*', { protocol })]) });
    assert.equal(only(net('*'), ssh(INTERNET, 53, 'udp')).allowed, true);
    assert.equal(only(net('*'), ssh(INTERNET, 53, 'tcp')).allowed, true);
    assert.equal(only(net('Tcp'), ssh(INTERNET, 53, 'udp')).allowed, false);
    assert.equal(only(net('Udp'), ssh(INTERNET, 53, 'udp')).allowed, true);
    assert.equal(only(net('Icmp'), ssh(INTERNET, 53, 'tcp')).allowed, false);
  });

  it('service tags: Internet, VirtualNetwork, AzureLoadBalancer, unknown tags', () => {
    const net = azureVm({
      nicNsg: nsg('n', [
        allow('from-internet', 300, '22', 'Internet'),
        allow('from-vnet', 310, '3389', 'VirtualNetwork'),
        allow('from-storage', 320, '5985', 'Storage'),
        allow('from-lb', 330, '5986', 'AzureLoadBalancer'),
      ]),
    });
    assert.equal(only(net, ssh(INTERNET)).allowed, true);
    assert.equal(
      only(net, ssh('10.0.3.3')).decidedBy[0].rule,
      'AllowVnetInBound',
      'VNet source is not Internet',
    );
    assert.equal(only(net, ssh('10.0.3.3', 3389)).decidedBy[0].rule, 'from-vnet');
    assert.equal(only(net, ssh(INTERNET, 3389)).allowed, false);
    assert.equal(only(net, ssh(INTERNET, 5985)).allowed, false, 'unknown service tag never matches');
    assert.equal(only(net, ssh('168.63.129.16', 5986)).decidedBy[0].rule, 'from-lb');
    assert.equal(only(net, ssh(INTERNET, 5986)).allowed, false);
  });

  it('destination prefixes: the VM address, other addresses, VirtualNetwork', () => {
    const net = azureVm({
      privateIps: ['10.0.1.4'],
      nicNsg: nsg('n', [
        allow('to-other', 200, '22', '*', { destinationAddressPrefix: '10.0.1.99' }),
        allow('to-vnet', 300, '3389', '*', { destinationAddressPrefix: 'VirtualNetwork' }),
        allow('to-me', 310, '5985', '*', { destinationAddressPrefixes: ['10.0.1.4/32', '10.0.1.5'] }),
      ]),
    });
    assert.equal(only(net, ssh()).allowed, false);
    assert.equal(only(net, ssh(INTERNET, 3389)).allowed, true);
    assert.equal(only(net, ssh(INTERNET, 5985)).allowed, true);
  });

  it('ASG-only rules never match and do not crash', () => {
    const asg = '/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/applicationSecurityGroups/web';
    const net = azureVm({
      nicNsg: nsg('n', [
        rule('asg-src', 100, {
          access: 'Deny',
          destinationPortRange: '22',
          sourceAddressPrefix: undefined,
          sourceApplicationSecurityGroupIds: [asg],
        }),
        rule('asg-dst', 110, {
          destinationPortRange: '3389',
          destinationAddressPrefix: undefined,
          destinationApplicationSecurityGroupIds: [asg],
        }),
        allow('allow-ssh', 300, '22'),
      ]),
    });
    assert.deepEqual(decided(only(net, ssh())), ['nic-nsg:allow-ssh']);
    assert.equal(only(net, ssh(INTERNET, 3389)).allowed, false);
  });

  it('source ports: an Allow with a source-port restriction matches, a Deny only when it covers all ports', () => {
    const net = azureVm({
      nicNsg: nsg('n', [
        deny('deny-some-src-ports', 100, '22', '*', { sourcePortRange: '1024-65535' }),
        allow('allow-some-src-ports', 200, '22', '*', {
          sourcePortRanges: ['1024-2000'],
          sourcePortRange: undefined,
        }),
      ]),
    });
    assert.deepEqual(decided(only(net, ssh())), ['nic-nsg:allow-some-src-ports']);
    const fullDeny = azureVm({
      nicNsg: nsg('n', [deny('d', 100, '22', '*', { sourcePortRange: '0-65535' }), allow('a', 200, '22')]),
    });
    assert.deepEqual(decided(only(fullDeny, ssh())), ['nic-nsg:d']);
  });

  it('IPv6: ::/0 and v6 ranges match v6 sources only; 0.0.0.0/0 does not match v6', () => {
    const net = azureVm({
      privateIps: ['10.0.1.4', 'fd00:10::4'],
      vnetPrefixes: ['10.0.0.0/16', 'fd00:10::/64'],
      nicNsg: nsg('n', [
        allow('v4-any', 200, '22', '0.0.0.0/0'),
        allow('v6-range', 300, '3389', '2001:db8:1::/48'),
      ]),
    });
    const [v4, v6] = evaluateVm(net, ssh('2001:db8:1::5'));
    assert.equal(v4.destination, '10.0.1.4');
    assert.equal(v4.allowed, false, 'an IPv6 source never reaches an IPv4 destination');
    assert.equal(v6.allowed, false, '0.0.0.0/0 does not match an IPv6 source');
    const [, rdp6] = evaluateVm(net, ssh('2001:db8:1::5', 3389));
    assert.deepEqual(decided(rdp6), ['nic-nsg:v6-range']);
    const [, other6] = evaluateVm(net, ssh('2001:db8:2::5', 3389));
    assert.equal(other6.allowed, false);
    const [ssh4] = evaluateVm(net, ssh());
    assert.deepEqual(decided(ssh4), ['nic-nsg:v4-any']);
  });

  it('multi-NIC VMs are evaluated per interface', () => {
    const net = azureVm({
      nics: [{ nicNsg: nsg('nsg-a', [allow('allow-ssh', 300, '22')]) }, { nicNsg: nsg('nsg-b') }],
    });
    const verdicts = evaluateVm(net, ssh());
    assert.deepEqual(
      verdicts.map((v) => [v.destination, v.allowed]),
      [
        ['10.0.1.4', true],
        ['10.0.1.5', false],
      ],
    );
  });

  it('explicit default rules are used instead of the built-in ones', () => {
    const defaults = azureDefaultSecurityRules();
    assert.deepEqual(
      defaults.map((r) => `${r.direction}:${r.priority}:${r.name}`),
      [
        'Inbound:65000:AllowVnetInBound',
        'Inbound:65001:AllowAzureLoadBalancerInBound',
        'Inbound:65500:DenyAllInBound',
        'Outbound:65000:AllowVnetOutBound',
        'Outbound:65001:AllowInternetOutBound',
        'Outbound:65500:DenyAllOutBound',
      ],
    );
    const custom = azureVm({
      nicNsg: nsg('n', [], { defaultSecurityRules: [allow('odd-default', 65000, '*')] }),
    });
    assert.deepEqual(decided(only(custom, ssh())), ['nic-nsg:odd-default']);
  });

  it('outbound rules are ignored for inbound traffic', () => {
    const net = azureVm({ nicNsg: nsg('n', [allow('out', 100, '22', '*', { direction: 'Outbound' })]) });
    assert.equal(only(net, ssh()).allowed, false);
  });
});

describe('Azure Firewall (classic) evaluation', () => {
  const fwNet = (fw: ReturnType<typeof firewall>) => azureVm({ nicNsg: nsg('n'), firewalls: [fw] });

  it('a DNAT rule to the VM address and port reports the public endpoint', () => {
    const fw = firewall('fw-hub', {
      nat: [
        dnatRule('ssh-nat', { publicIp: '20.50.60.70', port: '50022' }, { address: '10.0.1.4', port: '22' }, [
          '203.0.113.0/24',
        ]),
      ],
    });
    const v = only(fwNet(fw), ssh());
    assert.equal(v.allowed, false, 'the NSG path is separate');
    assert.equal(v.firewall.length, 1);
    assert.equal(v.firewall[0].layer, 'firewall-dnat');
    assert.deepEqual(v.firewall[0].connect, { host: '20.50.60.70', port: 50022 });
    assert.equal(only(fwNet(fw), ssh('198.51.100.1')).firewall.length, 0, 'source outside the rule');
    assert.equal(only(fwNet(fw), ssh(INTERNET, 3389)).firewall.length, 0, 'other port');
    assert.equal(only(fwNet(fw), ssh(INTERNET, 22, 'udp')).firewall.length, 0, 'other protocol');
  });

  it('an earlier DNAT rule on the same frontend shadows a later one', () => {
    const fw = firewall('fw', {
      nat: [
        dnatRule('first', { publicIp: '20.50.60.70', port: '50022' }, { address: '10.9.9.9', port: '22' }),
        dnatRule('second', { publicIp: '20.50.60.70', port: '50022' }, { address: '10.0.1.4', port: '22' }),
      ],
    });
    assert.equal(only(fwNet(fw), ssh()).firewall.length, 0);
  });

  it('network rules: first match by collection priority; deny collections block', () => {
    const allowFw = firewall('fw', {
      network: [networkRule('allow-ssh', ['10.0.1.0/24'], ['22'], ['*'], ['Any'])],
    });
    const d = only(fwNet(allowFw), ssh()).firewall;
    assert.deepEqual(
      d.map((x) => `${x.layer}:${x.rule}`),
      ['firewall-network:allow-ssh'],
    );
    const denyFirst = firewall(
      'fw',
      {},
      {
        networkRuleCollections: [
          { name: 'block', priority: 100, action: 'Deny', rules: [networkRule('deny-ssh', ['*'], ['22'])] },
          {
            name: 'open',
            priority: 200,
            action: 'Allow',
            rules: [networkRule('allow-ssh', ['10.0.1.4'], ['20-30'])],
          },
        ],
      },
    );
    assert.equal(only(fwNet(denyFirst), ssh()).firewall.length, 0);
    const rangeSource = firewall('fw', {
      network: [networkRule('r', ['10.0.1.4'], ['22'], ['203.0.113.1-203.0.113.10'])],
    });
    assert.equal(only(fwNet(rangeSource), ssh('203.0.113.7')).firewall.length, 1);
    assert.equal(only(fwNet(rangeSource), ssh('203.0.113.70')).firewall.length, 0);
  });
});

describe('AWS security group evaluation', () => {
  it('no rules: implicit deny', () => {
    const v = only(awsVm({ groups: [securityGroup('sg-1')] }), ssh());
    assert.equal(v.allowed, false);
    assert.deepEqual(decided(v), ['implicit-deny:-']);
  });

  it('any rule of any attached group allows; every allowing rule is reported', () => {
    const a = securityGroup('sg-a', [ingress(22, '203.0.113.0/24', { ruleId: 'sgr-a' })]);
    const b = securityGroup('sg-b', [
      ingress([20, 30], '0.0.0.0/0', { ruleId: 'sgr-b' }),
      ingress(80, '0.0.0.0/0'),
    ]);
    const net = awsVm({ groups: [a, b] });
    assert.deepEqual(decided(only(net, ssh())), ['security-group:sgr-a', 'security-group:sgr-b']);
    assert.deepEqual(decided(only(net, ssh('8.8.8.8'))), ['security-group:sgr-b']);
    assert.equal(only(net, ssh('8.8.8.8', 31)).allowed, false);
    assert.equal(only(net, ssh(INTERNET, 22, 'udp')).allowed, false);
  });

  it('protocols: -1 is everything, numbers 6/17 are tcp/udp, icmp is neither', () => {
    const net = (ipProtocol: string, from?: number, to?: number) =>
      awsVm({
        groups: [
          securityGroup('sg', [
            { isEgress: false, ipProtocol, fromPort: from, toPort: to, cidrIpv4: '0.0.0.0/0' },
          ]),
        ],
      });
    assert.equal(only(net('-1'), ssh(INTERNET, 3389, 'udp')).allowed, true);
    assert.equal(only(net('6', 22, 22), ssh()).allowed, true);
    assert.equal(only(net('17', 22, 22), ssh()).allowed, false);
    assert.equal(only(net('17', 22, 22), ssh(INTERNET, 22, 'udp')).allowed, true);
    assert.equal(only(net('icmp', -1, -1), ssh()).allowed, false);
  });

  it('egress rules never allow inbound traffic', () => {
    const net = awsVm({ groups: [securityGroup('sg', [ingress(22, '0.0.0.0/0', { isEgress: true })])] });
    assert.equal(only(net, ssh()).allowed, false);
  });

  it('prefix lists: known lists by their CIDRs, unknown lists as any address', () => {
    const g = securityGroup('sg', [
      ingress(22, 'pl-known', { ruleId: 'sgr-pl1' }),
      ingress(3389, 'pl-unknown', { ruleId: 'sgr-pl2' }),
    ]);
    const net = awsVm({ groups: [g], prefixLists: { 'pl-known': ['198.51.100.0/24'] } });
    assert.equal(only(net, ssh()).allowed, false);
    assert.equal(only(net, ssh('198.51.100.9')).allowed, true);
    assert.deepEqual(decided(only(net, ssh('8.8.8.8', 3389))), ['security-group:sgr-pl2']);
  });

  it('referenced groups match no concrete address', () => {
    const net = awsVm({ groups: [securityGroup('sg', [ingress(22, 'sg-bastion')])] });
    assert.equal(only(net, ssh()).allowed, false);
    assert.equal(only(net, ssh('172.31.5.5')).allowed, false);
  });

  it('IPv6 ranges and multiple interfaces', () => {
    const web = securityGroup('sg-web', [ingress(22, '2001:db8::/32', { ruleId: 'sgr-v6' })]);
    const net = awsVm({
      interfaces: [
        { groups: [web], privateIps: ['172.31.0.10', '2600:1f18::10'] },
        { groups: [securityGroup('sg-closed')], privateIps: ['172.31.1.10'] },
      ],
    });
    const verdicts = evaluateVm(net, ssh('2001:db8:5::1'));
    assert.deepEqual(
      verdicts.map((v) => [v.destination, v.allowed]),
      [
        ['172.31.0.10', false],
        ['2600:1f18::10', true],
        ['172.31.1.10', false],
      ],
    );
    assert.equal(evaluateVm(net, ssh('2001:db9::1'))[0].allowed, false);
  });
});

describe('NSG compile cache', () => {
  it('sees a rule list replaced or grown after a first evaluation', () => {
    const n = nsg('n', [allow('allow-ssh', 300, '22')]);
    const net = azureVm({ nicNsg: n });
    assert.equal(only(net, ssh()).allowed, true);
    n.securityRules = [deny('deny-ssh', 300, '22')];
    assert.deepEqual(decided(only(net, ssh())), ['nic-nsg:deny-ssh']);
    n.securityRules.push(allow('allow-early', 100, '22'));
    assert.deepEqual(decided(only(net, ssh())), ['nic-nsg:allow-early']);
    n.securityRules = [];
    assert.deepEqual(decided(only(net, ssh())), ['nic-nsg:DenyAllInBound']);
  });
});
