import assert from 'node:assert/strict';
import {
  flat,
  nicReferences,
  powerStateOf,
  toArmSecurityRule,
  toFirewall,
  toInterface,
  toNsg,
  toSecurityRule,
  vnetAddressPrefixes,
} from '../../../../src/cloud/azure/translate';

const NSG = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-a';
const VNET = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-a';

/** One rule as the wire (and Resource Graph) carries it. */
const wireRule = {
  name: 'SSH',
  id: `${NSG}/securityRules/SSH`,
  etag: 'W/"1"',
  properties: {
    protocol: 'tcp',
    sourcePortRange: '*',
    destinationPortRange: '22',
    sourceAddressPrefix: '198.51.100.7',
    destinationAddressPrefix: '*',
    sourcePortRanges: [],
    destinationPortRanges: [],
    sourceAddressPrefixes: [],
    destinationAddressPrefixes: [],
    access: 'allow',
    priority: 300,
    direction: 'inbound',
  },
};

describe('Azure translation (ARM JSON -> model)', () => {
  it('reads a rule the same whether the SDK flattened it or it came raw from Resource Graph', () => {
    const fromWire = toSecurityRule(wireRule);
    const fromSdk = toSecurityRule(flat(wireRule));
    assert.deepEqual(fromWire, fromSdk);
    assert.deepEqual(fromWire, {
      name: 'SSH',
      priority: 300,
      direction: 'Inbound',
      access: 'Allow',
      protocol: 'Tcp',
      etag: 'W/"1"',
      sourceAddressPrefix: '198.51.100.7',
      sourcePortRange: '*',
      destinationAddressPrefix: '*',
      destinationPortRange: '22',
    });
  });

  it('keeps plural prefixes and application security groups, and drops the empty lists the service adds', () => {
    const rule = toSecurityRule({
      name: 'Multi',
      priority: 310,
      direction: 'Inbound',
      access: 'Deny',
      protocol: '*',
      sourceAddressPrefixes: ['10.0.0.0/8', '192.168.0.0/16'],
      destinationPortRanges: ['22', '3389'],
      destinationApplicationSecurityGroups: [{ id: 'asg-1' }],
      sourcePortRanges: [],
    });
    assert.deepEqual(rule.sourceAddressPrefixes, ['10.0.0.0/8', '192.168.0.0/16']);
    assert.deepEqual(rule.destinationPortRanges, ['22', '3389']);
    assert.deepEqual(rule.destinationApplicationSecurityGroupIds, ['asg-1']);
    assert.equal('sourcePortRanges' in rule, false);
    assert.equal(rule.access, 'Deny');
  });

  it('round-trips a rule to the PUT body without the fields the service owns', () => {
    const { etag, ...content } = toSecurityRule(wireRule);
    const body = toArmSecurityRule({ etag, ...content });
    assert.equal('id' in body, false);
    assert.equal('etag' in body, false);
    assert.deepEqual(toSecurityRule(body), content);
  });

  it('reads an NSG row from Resource Graph (no default rules: the engine supplies them)', () => {
    const nsg = toNsg({
      id: NSG,
      name: 'nsg-a',
      location: 'westeurope',
      etag: 'W/"1"',
      flushConnection: true,
      securityRules: [wireRule],
    });
    assert.equal(nsg.flushConnection, true);
    assert.equal(nsg.securityRules[0].priority, 300);
    assert.deepEqual(nsg.defaultSecurityRules, []);
  });

  it('reads the power state from a graph row, an instance view status list, or nothing', () => {
    assert.equal(
      powerStateOf({
        properties: { extended: { instanceView: { powerState: { code: 'PowerState/deallocated' } } } },
      }),
      'deallocated',
    );
    assert.equal(
      powerStateOf({
        instanceView: { statuses: [{ code: 'ProvisioningState/succeeded' }, { code: 'PowerState/running' }] },
      }),
      'running',
    );
    assert.equal(
      powerStateOf({ instanceView: { statuses: [{ code: 'PowerState/deallocating' }] } }),
      'stopping',
    );
    assert.equal(powerStateOf({}), 'unknown');
  });

  it('puts the primary NIC first and treats a single NIC as primary', () => {
    assert.deepEqual(nicReferences({ networkProfile: { networkInterfaces: [{ id: 'a' }] } }), [
      { id: 'a', primary: true },
    ]);
    assert.deepEqual(
      nicReferences({
        properties: {
          networkProfile: { networkInterfaces: [{ id: 'a' }, { id: 'b', properties: { primary: true } }] },
        },
      }),
      [
        { id: 'b', primary: true },
        { id: 'a', primary: false },
      ],
    );
  });

  it('counts peered address spaces in the VirtualNetwork tag', () => {
    const vnet = {
      id: VNET,
      properties: {
        addressSpace: { addressPrefixes: ['10.1.0.0/16'] },
        virtualNetworkPeerings: [
          { properties: { remoteAddressSpace: { addressPrefixes: ['10.2.0.0/16'] } } },
        ],
      },
    };
    assert.deepEqual(vnetAddressPrefixes(vnet), ['10.1.0.0/16', '10.2.0.0/16']);
    assert.deepEqual(vnetAddressPrefixes({ id: VNET }), []);
  });

  it('resolves a NIC: subnet NSG, VNet prefixes and public addresses through the lookups', () => {
    const subnetId = `${VNET}/subnets/snet`;
    const nic = toInterface(
      {
        id: 'nic-1',
        name: 'nic-1',
        properties: {
          networkSecurityGroup: { id: NSG },
          ipConfigurations: [
            { properties: { privateIPAddress: '10.1.0.5', subnet: { id: subnetId } } },
            { properties: { primary: true, privateIPAddress: '10.1.0.4', publicIPAddress: { id: 'pip-1' } } },
          ],
        },
      },
      true,
      {
        publicIp: (id) => (id === 'pip-1' ? '203.0.113.9' : undefined),
        subnet: (id) =>
          id === subnetId ? { properties: { networkSecurityGroup: { id: 'subnet-nsg' } } } : undefined,
        vnet: (id) => (id === VNET ? { addressSpace: { addressPrefixes: ['10.1.0.0/16'] } } : undefined),
      },
    );
    assert.deepEqual(nic, {
      id: 'nic-1',
      name: 'nic-1',
      primary: true,
      privateIps: ['10.1.0.4', '10.1.0.5'],
      publicIps: ['203.0.113.9'],
      nsgId: NSG,
      subnetId,
      subnetNsgId: 'subnet-nsg',
      vnetId: VNET,
      vnetAddressPrefixes: ['10.1.0.0/16'],
    });
  });

  it('reads a classic firewall from a graph row: VNet from its subnet, DNAT and network collections', () => {
    const fw = toFirewall(
      {
        id: 'fw-1',
        name: 'fw-1',
        etag: 'W/"9"',
        ipConfigurations: [
          {
            properties: {
              privateIPAddress: '10.1.0.4',
              subnet: { id: `${VNET}/subnets/AzureFirewallSubnet` },
              publicIPAddress: { id: 'pip-fw' },
            },
          },
        ],
        natRuleCollections: [
          {
            name: 'jit',
            properties: {
              priority: 100,
              action: { type: 'Dnat' },
              rules: [
                {
                  name: 'r1',
                  protocols: ['TCP'],
                  sourceAddresses: ['*'],
                  destinationAddresses: ['203.0.113.40'],
                  destinationPorts: ['2201'],
                  translatedAddress: '10.1.1.4',
                  translatedPort: '22',
                },
              ],
            },
          },
        ],
        networkRuleCollections: [
          {
            name: 'deny',
            properties: {
              priority: 200,
              action: { type: 'Deny' },
              rules: [{ name: 'n', protocols: ['any'] }],
            },
          },
        ],
      },
      (id) => (id === 'pip-fw' ? '203.0.113.40' : undefined),
    );
    assert.equal(fw.vnetId, VNET);
    assert.equal(fw.privateIp, '10.1.0.4');
    assert.deepEqual(fw.publicIps, ['203.0.113.40']);
    assert.equal(fw.natRuleCollections[0].rules[0].translatedPort, '22');
    assert.equal(fw.natRuleCollections[0].action, 'Dnat');
    assert.equal(fw.networkRuleCollections[0].action, 'Deny');
    assert.deepEqual(fw.networkRuleCollections[0].rules[0].protocols, ['Any']);
    assert.deepEqual(fw.networkRuleCollections[0].rules[0].destinationPorts, []);
  });
});
