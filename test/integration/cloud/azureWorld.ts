// A small Azure world for the provider's lifecycle tests: one VM per NSG layout (NIC only, subnet
// only, NIC + subnet), one behind a classic firewall, and 20 VMs sharing one subnet NSG, with 20
// owners and a reader.
import { AzureWorldBuilder, type Location } from '../../../src/localcloud/azure/worldBuilder';
import { emptyAwsWorld } from '../../../src/localcloud/aws/state';
import type { WorldState } from '../../../src/localcloud/index';

export const SUB = '11111111-2222-4333-8444-555555555555';
export const RG = 'rg-jit';
export const SHARED_VMS = 20;
export const OWNERS = Array.from({ length: SHARED_VMS }, (_, i) => `owner${String(i + 1).padStart(2, '0')}`);

export function vmIdOf(name: string): string {
  return `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/${name}`;
}

export function nsgIdOf(name: string): string {
  return `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/networkSecurityGroups/${name}`;
}

export function providerTestWorld(): WorldState {
  const b = new AzureWorldBuilder();
  for (const name of OWNERS) b.principal(name, 'Owner', ['*']);
  b.principal('reader', 'Reader', ['*/read']);
  b.subscription(SUB, 'JIT provider tests');
  const at: Location = { sub: SUB, rg: RG, location: 'westeurope' };
  b.resourceGroup(at);
  const ssh = (name: string, priority: number) => ({
    name,
    priority,
    access: 'Allow' as const,
    source: '*',
    ports: '22',
  });
  const subnetNsg = b.nsg(at, 'nsg-snet-a', [ssh('Allow-SSH-Any', 200)]);
  const sharedNsg = b.nsg(at, 'nsg-snet-shared', [ssh('Allow-SSH-Any', 200)]);
  const net = b.vnet(at, 'vnet-a', '10.40.0.0/16', [
    { name: 'snet-a', prefix: '10.40.1.0/24', nsgId: subnetNsg },
    { name: 'snet-b', prefix: '10.40.2.0/24' },
    { name: 'snet-shared', prefix: '10.40.3.0/24', nsgId: sharedNsg },
  ]);
  const vm = (name: string, subnetId: string, privateIp: string, nsgId?: string) => {
    const nic = b.nic(at, `${name}-nic`, { subnetId, privateIp, ...(nsgId ? { nsgId } : {}) });
    b.vm(at, name, { osType: 'Linux', nicIds: [nic] });
  };
  vm('vm-nic', net['snet-b'], '10.40.2.4', b.nsg(at, 'vm-nic-nsg', [ssh('SSH', 300)]));
  vm('vm-subnet', net['snet-a'], '10.40.1.4');
  vm('vm-both', net['snet-a'], '10.40.1.5', b.nsg(at, 'vm-both-nsg', [ssh('SSH', 300)]));
  for (let i = 0; i < SHARED_VMS; i++) vm(`vm-shared-${i}`, net['snet-shared'], `10.40.3.${i + 4}`);

  const fwNet = b.vnet(at, 'vnet-fw', '10.50.0.0/16', [
    { name: 'AzureFirewallSubnet', prefix: '10.50.0.0/26' },
    { name: 'snet-app', prefix: '10.50.1.0/24' },
  ]);
  vm('vm-fw', fwNet['snet-app'], '10.50.1.4', b.nsg(at, 'vm-fw-nsg', [ssh('SSH', 300)]));
  b.firewall(at, 'fw-classic', {
    subnetId: fwNet['AzureFirewallSubnet'],
    publicIpId: b.publicIp(at, 'fw-classic-pip', '203.0.113.60'),
    privateIp: '10.50.0.4',
    networkRuleCollections: [
      {
        name: 'Allow-Mgmt',
        properties: {
          priority: 300,
          action: { type: 'Allow' },
          rules: [
            {
              name: 'ssh-any',
              protocols: ['TCP'],
              sourceAddresses: ['*'],
              destinationAddresses: ['10.50.1.0/24'],
              destinationPorts: ['22'],
            },
          ],
        },
      },
    ],
  });
  return { azure: b.build(), aws: emptyAwsWorld() };
}

/**
 * Two VMs whose only way in is a NIC NSG rule allowing SSH from the `VirtualNetwork` tag: one in a VNet
 * with a private address space, one in a VNet whose address space is public (allowed in Azure). Only
 * the VNet's address space tells them apart.
 */
export function virtualNetworkTagWorld(): WorldState {
  const b = new AzureWorldBuilder();
  b.principal('alice', 'Owner', ['*']);
  b.subscription(SUB, 'VirtualNetwork tag');
  const at: Location = { sub: SUB, rg: RG, location: 'westeurope' };
  b.resourceGroup(at);
  const vm = (name: string, addressSpace: string, subnetPrefix: string, privateIp: string) => {
    const net = b.vnet(at, `${name}-vnet`, addressSpace, [{ name: 'snet', prefix: subnetPrefix }]);
    const nsgId = b.nsg(at, `${name}-nsg`, [
      { name: 'SSH-From-VNet', priority: 300, access: 'Allow', source: 'VirtualNetwork', ports: '22' },
    ]);
    const nic = b.nic(at, `${name}-nic`, { subnetId: net['snet'], privateIp, nsgId });
    b.vm(at, name, { osType: 'Linux', nicIds: [nic] });
  };
  vm('vm-vnet-private', '10.60.0.0/16', '10.60.1.0/24', '10.60.1.4');
  vm('vm-vnet-public', '20.50.0.0/16', '20.50.1.0/24', '20.50.1.4');
  return { azure: b.build(), aws: emptyAwsWorld() };
}
