// Reads through the real SDK clients: subscriptions, resource groups, VMs, NICs, VNets, subnets,
// public IPs, NSGs with default rules, firewalls, the permissions API.
import assert from 'node:assert/strict';
import { startLocalCloud, type LocalCloud } from '../../../src/localcloud/index';
import { DEMO_SUBSCRIPTIONS } from '../../../src/localcloud/worlds/azureDemo';
import { azureClients, collect, type AzureClients } from './azureClients';

describe('local cloud (Azure): reads through the real SDK clients', () => {
  let cloud: LocalCloud;
  let c: AzureClients;
  const prod = DEMO_SUBSCRIPTIONS.production;

  before(async () => {
    cloud = await startLocalCloud({ world: 'demo' });
    c = azureClients(cloud, 'alice', prod);
  });
  after(() => cloud.stop());

  it('lists both demo subscriptions and gets one', async () => {
    const subs = await collect(c.subscriptions.subscriptions.list());
    assert.deepEqual(subs.map((s) => s.displayName).sort(), ['Contoso Dev', 'Contoso Production']);
    const one = await c.subscriptions.subscriptions.get(prod);
    assert.equal(one.subscriptionId, prod);
    assert.equal(one.state, 'Enabled');
  });

  it('lists all VMs of a subscription, by resource group, and gets one with its power state', async () => {
    const all = await collect(c.compute.virtualMachines.listAll());
    assert.deepEqual(all.map((v) => v.name).sort(), [
      'app-01',
      'app-02',
      'db-01',
      'db-02',
      'legacy-01',
      'web-01',
      'web-02',
    ]);
    const web = await collect(c.compute.virtualMachines.list('rg-prod-web'));
    assert.equal(web.length, 5);
    const vm = await c.compute.virtualMachines.get('rg-prod-web', 'web-01');
    assert.equal(vm.storageProfile?.osDisk?.osType, 'Linux');
    assert.match(vm.networkProfile?.networkInterfaces?.[0].id ?? '', /networkInterfaces\/web-01-nic$/);
    const view = await c.compute.virtualMachines.instanceView('rg-prod-web', 'web-01');
    assert.ok(view.statuses?.some((s) => s.code === 'PowerState/running'));
    const dev = azureClients(cloud, 'alice', DEMO_SUBSCRIPTIONS.dev);
    const stopped = await dev.compute.virtualMachines.instanceView('rg-dev-tools', 'build-01');
    assert.ok(stopped.statuses?.some((s) => s.code === 'PowerState/deallocated'));
  });

  it('gets NICs with private/public IPs and NSG, VNets with subnets and subnet NSGs, public IPs', async () => {
    const nic = await c.network.networkInterfaces.get('rg-prod-web', 'web-01-nic');
    const ipc = nic.ipConfigurations?.[0];
    assert.equal(ipc?.privateIPAddress, '10.10.1.4');
    assert.match(nic.networkSecurityGroup?.id ?? '', /web-01-nsg$/);
    const pip = await c.network.publicIPAddresses.get('rg-prod-web', 'web-01-pip');
    assert.equal(pip.ipAddress, '203.0.113.10');
    assert.equal(pip.ipConfiguration?.id, ipc?.id);
    const vnet = await c.network.virtualNetworks.get('rg-prod-web', 'vnet-prod-weu');
    assert.equal(vnet.subnets?.length, 3);
    const subnets = await collect(c.network.subnets.list('rg-prod-web', 'vnet-prod-weu'));
    const web = subnets.find((s) => s.name === 'snet-web');
    assert.match(web?.networkSecurityGroup?.id ?? '', /nsg-snet-web$/);
    const one = await c.network.subnets.get('rg-prod-web', 'vnet-prod-weu', 'snet-legacy');
    assert.equal(one.networkSecurityGroup, undefined);
    const nics = await collect(c.network.networkInterfaces.listAll());
    assert.ok(nics.length >= 7);
    assert.ok((await collect(c.network.publicIPAddresses.list('rg-prod-web'))).length >= 5);
  });

  it('gets NSGs with rules, default rules and back-references; lists them', async () => {
    const nsg = await c.network.networkSecurityGroups.get('rg-prod-web', 'nsg-snet-web');
    assert.deepEqual(
      nsg.securityRules?.map((r) => r.name),
      ['Allow-HTTPS-Internet', 'Allow-SSH-Any'],
    );
    assert.equal(nsg.defaultSecurityRules?.length, 6);
    assert.equal(nsg.subnets?.length, 1);
    assert.match(nsg.etag ?? '', /^W\/"[0-9a-f-]{36}"$/);
    const defaults = await collect(c.network.defaultSecurityRules.list('rg-prod-web', 'nsg-snet-web'));
    assert.deepEqual(
      defaults.map((r) => r.priority),
      [65000, 65001, 65500, 65000, 65001, 65500],
    );
    const deny = await c.network.defaultSecurityRules.get('rg-prod-web', 'nsg-snet-web', 'DenyAllInBound');
    assert.equal(deny.access, 'Deny');
    const rule = await c.network.securityRules.get('rg-prod-web', 'nsg-snet-web', 'Allow-SSH-Any');
    assert.equal(rule.destinationPortRange, '22');
    assert.deepEqual(rule.sourceAddressPrefixes, []);
    const rules = await collect(c.network.securityRules.list('rg-prod-web', 'nsg-snet-app'));
    const winrm = rules.find((r) => r.name === 'Allow-WinRM-VNet');
    assert.deepEqual(winrm?.destinationPortRanges, ['5985', '5986']);
    assert.equal(winrm?.destinationPortRange, undefined);
    const dev = azureClients(cloud, 'alice', DEMO_SUBSCRIPTIONS.dev);
    const flush = await dev.network.networkSecurityGroups.get('rg-dev-tools', 'win-dev-01-nsg');
    assert.equal(flush.flushConnection, true);
    assert.ok((await collect(c.network.networkSecurityGroups.listAll())).length >= 6);
  });

  it('gets a classic firewall and a policy-managed one', async () => {
    const classic = await c.network.azureFirewalls.get('rg-prod-data', 'fw-prod-classic');
    assert.equal(classic.natRuleCollections?.[0].rules?.[0].translatedPort, '22');
    assert.equal(classic.firewallPolicy, undefined);
    const policy = await c.network.azureFirewalls.get('rg-prod-data', 'fw-prod-policy');
    assert.match(policy.firewallPolicy?.id ?? '', /firewallPolicies\/fwp-prod$/);
    assert.equal((await collect(c.network.azureFirewalls.listAll())).length, 2);
  });

  it('answers the permissions API for owner and reader', async () => {
    const owner = await collect(c.authorization.permissions.listForResourceGroup('rg-prod-web'));
    assert.deepEqual(owner[0].actions, ['*']);
    const reader = azureClients(cloud, 'reader', prod);
    const perms = await collect(
      reader.authorization.permissions.listForResource(
        'rg-prod-web',
        'Microsoft.Network',
        '',
        'networkSecurityGroups',
        'web-01-nsg',
      ),
    );
    assert.deepEqual(perms[0].actions, ['*/read']);
  });

  it('answers 404s with the service codes', async () => {
    await assert.rejects(
      c.network.networkSecurityGroups.get('rg-nope', 'x'),
      (e: { statusCode?: number; code?: string }) =>
        e.statusCode === 404 && e.code === 'ResourceGroupNotFound',
    );
    await assert.rejects(
      c.network.networkSecurityGroups.get('rg-prod-web', 'nope'),
      (e: { statusCode?: number; code?: string }) => e.statusCode === 404 && e.code === 'ResourceNotFound',
    );
    await assert.rejects(
      c.network.securityRules.get('rg-prod-web', 'nsg-snet-web', 'nope'),
      (e: { statusCode?: number; code?: string }) => e.statusCode === 404 && e.code === 'NotFound',
    );
  });
});
