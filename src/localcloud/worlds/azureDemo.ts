// The seeded demo world: two subscriptions whose VMs cover every branch of the Azure JIT decision
// tree (jit-domain.md §2). Addresses are private 10.x and documentation ranges (never contacted).
import { AzureWorldBuilder, type Location } from '../azure/worldBuilder';
import type { AzureWorldState } from '../azure/worldState';

export const DEMO_SUBSCRIPTIONS = {
  production: '6f1d3c2a-5b7e-4c11-9a3d-0c2b7e4f1a01',
  dev: '9b8e7d6c-2a1f-4e3d-8c5b-1a2b3c4d5e02',
};
export const DEMO_TENANT = '3c9a5e7f-1b2d-4e6f-8a0c-7d5e3b1a9f10';
/** The office address allowed on web-02 (a documentation address). */
export const DEMO_OFFICE_IP = '198.51.100.7';

const SSH = '22';
const RDP = '3389';

export function azureDemoWorld(): AzureWorldState {
  const b = new AzureWorldBuilder(DEMO_TENANT);
  b.principal('alice', 'Owner', ['*']);
  b.principal('bob', 'Owner', ['*']);
  b.principal('reader', 'Reader', ['*/read']);
  b.subscription(DEMO_SUBSCRIPTIONS.production, 'Contoso Production');
  b.subscription(DEMO_SUBSCRIPTIONS.dev, 'Contoso Dev');

  // --- Contoso Production / rg-prod-web: NSG branches ---------------------------------------
  const web: Location = { sub: DEMO_SUBSCRIPTIONS.production, rg: 'rg-prod-web', location: 'westeurope' };
  b.resourceGroup(web);
  const snetWebNsg = b.nsg(web, 'nsg-snet-web', [
    { name: 'Allow-HTTPS-Internet', priority: 100, access: 'Allow', source: 'Internet', ports: '443' },
    {
      name: 'Allow-SSH-Any',
      priority: 200,
      access: 'Allow',
      source: '*',
      ports: SSH,
      description: 'Temporary: vendor maintenance',
    },
  ]);
  const snetAppNsg = b.nsg(web, 'nsg-snet-app', [
    { name: 'Allow-RDP-Internet', priority: 300, access: 'Allow', source: 'Internet', ports: RDP },
    {
      name: 'Allow-WinRM-VNet',
      priority: 310,
      access: 'Allow',
      source: 'VirtualNetwork',
      ports: ['5985', '5986'],
    },
  ]);
  const prodNet = b.vnet(web, 'vnet-prod-weu', '10.10.0.0/16', [
    { name: 'snet-web', prefix: '10.10.1.0/24', nsgId: snetWebNsg },
    { name: 'snet-app', prefix: '10.10.2.0/24', nsgId: snetAppNsg },
    { name: 'snet-legacy', prefix: '10.10.9.0/24' },
  ]);
  // web-01: exposed to the Internet on 22 (subnet NSG allows it, NIC NSG allows it from Any).
  const web01Nsg = b.nsg(web, 'web-01-nsg', [
    { name: 'SSH', priority: 300, access: 'Allow', source: '*', ports: SSH },
  ]);
  vm(b, web, 'web-01', 'Linux', prodNet['snet-web'], '10.10.1.4', {
    publicIp: '203.0.113.10',
    nsgId: web01Nsg,
  });
  // web-02: same subnet (shared subnet NSG); its NIC NSG allows 22 from one office IP only.
  const web02Nsg = b.nsg(web, 'web-02-nsg', [
    { name: 'SSH-from-office', priority: 300, access: 'Allow', source: DEMO_OFFICE_IP, ports: SSH },
  ]);
  vm(b, web, 'web-02', 'Linux', prodNet['snet-web'], '10.10.1.5', {
    publicIp: '203.0.113.11',
    nsgId: web02Nsg,
  });
  // app-01: subnet NSG only (RDP open to the Internet at the subnet).
  vm(b, web, 'app-01', 'Windows', prodNet['snet-app'], '10.10.2.4', { publicIp: '203.0.113.12' });
  // app-02: NIC NSG and subnet NSG together; the NIC NSG denies RDP, so only WinRM from the VNet passes.
  const app02Nsg = b.nsg(web, 'app-02-nsg', [
    { name: 'Deny-RDP', priority: 200, access: 'Deny', source: '*', ports: RDP },
    {
      name: 'Allow-WinRM-VNet',
      priority: 210,
      access: 'Allow',
      source: 'VirtualNetwork',
      ports: ['5985', '5986'],
    },
  ]);
  vm(b, web, 'app-02', 'Windows', prodNet['snet-app'], '10.10.2.5', {
    publicIp: '203.0.113.13',
    nsgId: app02Nsg,
  });
  // legacy-01: no NSG anywhere and no firewall (not applicable).
  vm(b, web, 'legacy-01', 'Linux', prodNet['snet-legacy'], '10.10.9.4', { publicIp: '203.0.113.14' });

  // --- Contoso Production / rg-prod-data: firewalls -------------------------------------------
  const data: Location = { sub: DEMO_SUBSCRIPTIONS.production, rg: 'rg-prod-data', location: 'westeurope' };
  b.resourceGroup(data);
  const dataNet = b.vnet(data, 'vnet-prod-data', '10.20.0.0/16', [
    { name: 'AzureFirewallSubnet', prefix: '10.20.0.0/26' },
    { name: 'snet-db', prefix: '10.20.1.0/24' },
  ]);
  // db-01: no NSG, behind a classic-rule firewall that DNATs and allows SSH.
  vm(b, data, 'db-01', 'Linux', dataNet['snet-db'], '10.20.1.4');
  b.firewall(data, 'fw-prod-classic', {
    subnetId: dataNet['AzureFirewallSubnet'],
    publicIpId: b.publicIp(data, 'fw-prod-classic-pip', '203.0.113.40'),
    privateIp: '10.20.0.4',
    natRuleCollections: [
      {
        name: 'DNAT-SSH',
        properties: {
          priority: 200,
          action: { type: 'Dnat' },
          rules: [
            {
              name: 'ssh-db-01',
              protocols: ['TCP'],
              sourceAddresses: ['*'],
              destinationAddresses: ['203.0.113.40'],
              destinationPorts: ['2201'],
              translatedAddress: '10.20.1.4',
              translatedPort: '22',
            },
          ],
        },
      },
    ],
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
              destinationAddresses: ['10.20.1.0/24'],
              destinationPorts: [SSH],
            },
          ],
        },
      },
    ],
  });
  const secureNet = b.vnet(data, 'vnet-prod-secure', '10.21.0.0/16', [
    { name: 'AzureFirewallSubnet', prefix: '10.21.0.0/26' },
    { name: 'snet-secure', prefix: '10.21.1.0/24' },
  ]);
  // db-02: NIC NSG allows SSH from Any, behind a firewall managed by a Firewall Policy (unsupported by Defender JIT).
  const db02Nsg = b.nsg(data, 'db-02-nsg', [
    { name: 'SSH', priority: 300, access: 'Allow', source: '*', ports: SSH },
  ]);
  vm(b, data, 'db-02', 'Linux', secureNet['snet-secure'], '10.21.1.4', { nsgId: db02Nsg });
  b.firewall(data, 'fw-prod-policy', {
    subnetId: secureNet['AzureFirewallSubnet'],
    publicIpId: b.publicIp(data, 'fw-prod-policy-pip', '203.0.113.41'),
    privateIp: '10.21.0.4',
    policyId: b.firewallPolicy(data, 'fwp-prod'),
  });

  // --- Contoso Dev / rg-dev-tools ----------------------------------------------------------
  const dev: Location = { sub: DEMO_SUBSCRIPTIONS.dev, rg: 'rg-dev-tools', location: 'eastus' };
  b.resourceGroup(dev);
  const snetDevNsg = b.nsg(dev, 'nsg-snet-dev', [
    { name: 'Allow-Mgmt-Internet', priority: 200, access: 'Allow', source: 'Internet', ports: [SSH, RDP] },
  ]);
  const devNet = b.vnet(dev, 'vnet-dev-eus', '10.30.0.0/16', [
    { name: 'snet-dev', prefix: '10.30.1.0/24', nsgId: snetDevNsg },
  ]);
  // jump-01: Defender JIT already enabled (deny rule) with an active request (allow rule).
  const jump01Nsg = b.nsg(dev, 'jump-01-nsg', [
    {
      name: 'MicrosoftDefenderForCloud-JITRule-1938473625-8F4C2B1A9E7D4C3B8A1F6E5D4C3B2A19',
      priority: 100,
      access: 'Allow',
      source: '198.51.100.23',
      ports: SSH,
      destination: '10.30.1.4',
      description:
        "MDC JIT Network Access rule created by an initiation request for policy 'default' of VM 'jump-01'.",
    },
    {
      name: 'MicrosoftDefenderForCloud-JITRule_1938473625_8F4C2B1A9E7D4C3B8A1F6E5D4C3B2A19',
      priority: 1000,
      access: 'Deny',
      source: '*',
      ports: [SSH, RDP, '5985', '5986'],
      destination: '10.30.1.4',
      description: "MDC JIT Network Access rule for policy 'default' of VM 'jump-01'.",
    },
  ]);
  vm(b, dev, 'jump-01', 'Linux', devNet['snet-dev'], '10.30.1.4', {
    publicIp: '198.51.100.50',
    nsgId: jump01Nsg,
  });
  // build-01: stopped (deallocated), otherwise exposed.
  vm(b, dev, 'build-01', 'Linux', devNet['snet-dev'], '10.30.1.5', { power: 'deallocated' });
  // win-dev-01: its NSG has flushConnection on (expiry would cut established sessions).
  const winNsg = b.nsg(
    dev,
    'win-dev-01-nsg',
    [{ name: 'RDP', priority: 300, access: 'Allow', source: '*', ports: RDP }],
    { flushConnection: true },
  );
  vm(b, dev, 'win-dev-01', 'Windows', devNet['snet-dev'], '10.30.1.6', {
    publicIp: '198.51.100.51',
    nsgId: winNsg,
  });
  // test-01: shares the dev subnet NSG only; JIT on a neighbour must not change it.
  vm(b, dev, 'test-01', 'Linux', devNet['snet-dev'], '10.30.1.7');
  return b.build();
}

function vm(
  b: AzureWorldBuilder,
  at: Location,
  name: string,
  osType: 'Linux' | 'Windows',
  subnetId: string,
  privateIp: string,
  opts: { publicIp?: string; nsgId?: string; power?: 'running' | 'deallocated' } = {},
): void {
  const publicIpId = opts.publicIp ? b.publicIp(at, `${name}-pip`, opts.publicIp) : undefined;
  const nic = b.nic(at, `${name}-nic`, { subnetId, privateIp, publicIpId, nsgId: opts.nsgId });
  b.vm(at, name, { osType, nicIds: [nic], power: opts.power });
}
