// Builds Azure worlds (demo and generated) as the ARM JSON the service would return, including
// the back-references ARM computes (NSG -> NICs/subnets, NIC -> VM, public IP -> IP configuration).
import { randomBytes, randomUUID } from 'node:crypto';
import type { AzurePrincipal } from '../shared/principals';
import { newEtag, resourceGroupId, resourceId } from './armIds';
import { normalizeRuleProperties } from './securityRules';
import { emptyAzureWorld, key, type ArmResource, type AzureWorldState } from './worldState';

export interface RuleSpec {
  name: string;
  priority: number;
  access: 'Allow' | 'Deny';
  direction?: 'Inbound' | 'Outbound';
  protocol?: 'Tcp' | 'Udp' | '*';
  source: string | string[];
  ports: string | string[];
  destination?: string | string[];
  description?: string;
}

export interface Location {
  sub: string;
  rg: string;
  location: string;
}

const NET = 'Microsoft.Network';

export class AzureWorldBuilder {
  private readonly world: AzureWorldState;

  constructor(tenantId?: string) {
    this.world = emptyAzureWorld(tenantId);
  }

  principal(
    name: string,
    role: 'Owner' | 'Contributor' | 'Reader' | string,
    actions: string[],
    notActions: string[] = [],
  ): AzurePrincipal {
    const p: AzurePrincipal = {
      name,
      role,
      token: `lc-${name}-${randomBytes(12).toString('hex')}`,
      objectId: randomUUID(),
      actions,
      notActions,
    };
    this.world.principals.push(p);
    return p;
  }

  subscription(subscriptionId: string, displayName: string): void {
    this.world.subscriptions.push({
      id: `/subscriptions/${subscriptionId}`,
      subscriptionId,
      displayName,
      state: 'Enabled',
      tenantId: this.world.tenantId,
      subscriptionPolicies: {
        locationPlacementId: 'Public_2014-09-01',
        quotaId: 'PayAsYouGo_2014-09-01',
        spendingLimit: 'Off',
      },
      authorizationSource: 'RoleBased',
    });
  }

  resourceGroup(at: Location): void {
    const id = resourceGroupId(at.sub, at.rg);
    this.world.resourceGroups[key(id)] = {
      id,
      name: at.rg,
      type: 'Microsoft.Resources/resourceGroups',
      location: at.location,
      properties: { provisioningState: 'Succeeded' },
    };
  }

  nsg(at: Location, name: string, rules: RuleSpec[], opts: { flushConnection?: boolean } = {}): string {
    const id = resourceId(at.sub, at.rg, NET, 'networkSecurityGroups', name);
    const etag = newEtag();
    this.put({
      name,
      id,
      etag,
      type: 'Microsoft.Network/networkSecurityGroups',
      location: at.location,
      properties: {
        provisioningState: 'Succeeded',
        resourceGuid: randomUUID(),
        ...(opts.flushConnection !== undefined ? { flushConnection: opts.flushConnection } : {}),
        securityRules: rules.map((r) => ({
          name: r.name,
          id: `${id}/securityRules/${r.name}`,
          etag,
          type: 'Microsoft.Network/networkSecurityGroups/securityRules',
          properties: { provisioningState: 'Succeeded', ...ruleProperties(r) },
        })),
      },
    });
    return id;
  }

  vnet(
    at: Location,
    name: string,
    addressPrefix: string,
    subnets: { name: string; prefix: string; nsgId?: string }[],
  ): Record<string, string> {
    const id = resourceId(at.sub, at.rg, NET, 'virtualNetworks', name);
    const etag = newEtag();
    const ids: Record<string, string> = {};
    this.put({
      name,
      id,
      etag,
      type: 'Microsoft.Network/virtualNetworks',
      location: at.location,
      properties: {
        provisioningState: 'Succeeded',
        resourceGuid: randomUUID(),
        addressSpace: { addressPrefixes: [addressPrefix] },
        subnets: subnets.map((s) => {
          ids[s.name] = `${id}/subnets/${s.name}`;
          return {
            name: s.name,
            id: ids[s.name],
            etag,
            type: 'Microsoft.Network/virtualNetworks/subnets',
            properties: {
              provisioningState: 'Succeeded',
              addressPrefix: s.prefix,
              ...(s.nsgId ? { networkSecurityGroup: { id: s.nsgId } } : {}),
              privateEndpointNetworkPolicies: 'Disabled',
              privateLinkServiceNetworkPolicies: 'Enabled',
            },
          };
        }),
        virtualNetworkPeerings: [],
        enableDdosProtection: false,
      },
    });
    return ids;
  }

  publicIp(at: Location, name: string, ipAddress: string): string {
    const id = resourceId(at.sub, at.rg, NET, 'publicIPAddresses', name);
    this.put({
      name,
      id,
      etag: newEtag(),
      type: 'Microsoft.Network/publicIPAddresses',
      location: at.location,
      sku: { name: 'Standard', tier: 'Regional' },
      properties: {
        provisioningState: 'Succeeded',
        resourceGuid: randomUUID(),
        ipAddress,
        publicIPAddressVersion: 'IPv4',
        publicIPAllocationMethod: 'Static',
        idleTimeoutInMinutes: 4,
        ipTags: [],
      },
    });
    return id;
  }

  nic(
    at: Location,
    name: string,
    opts: { subnetId: string; privateIp: string; publicIpId?: string; nsgId?: string },
  ): string {
    const id = resourceId(at.sub, at.rg, NET, 'networkInterfaces', name);
    const etag = newEtag();
    this.put({
      name,
      id,
      etag,
      type: 'Microsoft.Network/networkInterfaces',
      location: at.location,
      kind: 'Regular',
      properties: {
        provisioningState: 'Succeeded',
        resourceGuid: randomUUID(),
        ipConfigurations: [
          {
            name: 'ipconfig1',
            id: `${id}/ipConfigurations/ipconfig1`,
            etag,
            type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
            properties: {
              provisioningState: 'Succeeded',
              privateIPAddress: opts.privateIp,
              privateIPAllocationMethod: 'Static',
              subnet: { id: opts.subnetId },
              ...(opts.publicIpId ? { publicIPAddress: { id: opts.publicIpId } } : {}),
              primary: true,
              privateIPAddressVersion: 'IPv4',
            },
          },
        ],
        dnsSettings: { dnsServers: [], appliedDnsServers: [] },
        enableAcceleratedNetworking: false,
        enableIPForwarding: false,
        ...(opts.nsgId ? { networkSecurityGroup: { id: opts.nsgId } } : {}),
        primary: true,
        nicType: 'Standard',
      },
    });
    return id;
  }

  vm(
    at: Location,
    name: string,
    opts: {
      osType: 'Linux' | 'Windows';
      nicIds: string[];
      size?: string;
      power?: 'running' | 'stopped' | 'deallocated';
    },
  ): string {
    const id = resourceId(at.sub, at.rg, 'Microsoft.Compute', 'virtualMachines', name);
    const linux = opts.osType === 'Linux';
    this.put({
      name,
      id,
      type: 'Microsoft.Compute/virtualMachines',
      location: at.location,
      properties: {
        vmId: randomUUID(),
        hardwareProfile: { vmSize: opts.size ?? (linux ? 'Standard_B2s' : 'Standard_D2s_v5') },
        storageProfile: {
          imageReference: linux
            ? { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' }
            : {
                publisher: 'MicrosoftWindowsServer',
                offer: 'WindowsServer',
                sku: '2022-datacenter-azure-edition',
                version: 'latest',
              },
          osDisk: {
            osType: opts.osType,
            name: `${name}_OsDisk_1`,
            createOption: 'FromImage',
            caching: 'ReadWrite',
            managedDisk: { storageAccountType: 'Premium_LRS' },
            diskSizeGB: linux ? 30 : 127,
          },
          dataDisks: [],
        },
        osProfile: linux
          ? {
              computerName: name,
              adminUsername: 'azureuser',
              linuxConfiguration: { disablePasswordAuthentication: true, provisionVMAgent: true },
              secrets: [],
            }
          : {
              computerName: name.slice(0, 15),
              adminUsername: 'azureadmin',
              windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: true },
              secrets: [],
            },
        networkProfile: {
          networkInterfaces: opts.nicIds.map((nicId, i) => ({ id: nicId, properties: { primary: i === 0 } })),
        },
        provisioningState: 'Succeeded',
      },
    });
    this.world.powerStates[key(id)] = `PowerState/${opts.power ?? 'running'}`;
    return id;
  }

  firewallPolicy(at: Location, name: string): string {
    const id = resourceId(at.sub, at.rg, NET, 'firewallPolicies', name);
    this.put({
      name,
      id,
      etag: newEtag(),
      type: 'Microsoft.Network/firewallPolicies',
      location: at.location,
      properties: {
        provisioningState: 'Succeeded',
        threatIntelMode: 'Alert',
        sku: { tier: 'Standard' },
        ruleCollectionGroups: [],
        firewalls: [],
      },
    });
    return id;
  }

  /** A firewall in a VNet's AzureFirewallSubnet; classic rule collections or a firewall policy. */
  firewall(
    at: Location,
    name: string,
    opts: {
      subnetId: string;
      publicIpId: string;
      privateIp: string;
      policyId?: string;
      natRuleCollections?: unknown[];
      networkRuleCollections?: unknown[];
    },
  ): string {
    const id = resourceId(at.sub, at.rg, NET, 'azureFirewalls', name);
    const etag = newEtag();
    const coll = (kind: string, list: unknown[] = []) =>
      list.map((c) => {
        const cc = c as { name: string };
        return { ...cc, id: `${id}/${kind}/${cc.name}`, etag };
      });
    this.put({
      name,
      id,
      etag,
      type: 'Microsoft.Network/azureFirewalls',
      location: at.location,
      properties: {
        provisioningState: 'Succeeded',
        sku: { name: 'AZFW_VNet', tier: 'Standard' },
        threatIntelMode: 'Alert',
        ipConfigurations: [
          {
            name: 'azureFirewallIpConfiguration',
            id: `${id}/azureFirewallIpConfigurations/azureFirewallIpConfiguration`,
            etag,
            properties: {
              provisioningState: 'Succeeded',
              privateIPAddress: opts.privateIp,
              subnet: { id: opts.subnetId },
              publicIPAddress: { id: opts.publicIpId },
            },
          },
        ],
        ...(opts.policyId
          ? {
              firewallPolicy: { id: opts.policyId },
              networkRuleCollections: [],
              natRuleCollections: [],
              applicationRuleCollections: [],
            }
          : {
              networkRuleCollections: coll('networkRuleCollections', opts.networkRuleCollections),
              natRuleCollections: coll('natRuleCollections', opts.natRuleCollections),
              applicationRuleCollections: [],
            }),
      },
    });
    return id;
  }

  build(): AzureWorldState {
    linkBackReferences(this.world);
    return this.world;
  }

  private put(r: ArmResource): void {
    this.world.resources[key(r.id)] = r;
  }
}

export function ruleProperties(r: RuleSpec): Record<string, unknown> {
  const many = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
  const src = many(r.source);
  const ports = many(r.ports);
  const dst = many(r.destination ?? '*');
  return normalizeRuleProperties({
    ...(r.description ? { description: r.description } : {}),
    protocol: r.protocol ?? 'Tcp',
    sourcePortRange: '*',
    ...(ports.length === 1 ? { destinationPortRange: ports[0] } : { destinationPortRanges: ports }),
    ...(src.length === 1 ? { sourceAddressPrefix: src[0] } : { sourceAddressPrefixes: src }),
    ...(dst.length === 1 ? { destinationAddressPrefix: dst[0] } : { destinationAddressPrefixes: dst }),
    access: r.access,
    priority: r.priority,
    direction: r.direction ?? 'Inbound',
  });
}

/** Fills the references ARM computes: NSG.networkInterfaces/subnets, NIC.virtualMachine, public IP.ipConfiguration, subnet.ipConfigurations. */
export function linkBackReferences(world: AzureWorldState): void {
  const res = world.resources;
  const refs = (id: string, prop: string): { id: string }[] => {
    const r = res[key(id)];
    if (!r?.properties) return [];
    return ((r.properties[prop] as { id: string }[] | undefined) ??= []) as { id: string }[];
  };
  const subnetById = new Map<string, Record<string, unknown>>();
  for (const r of Object.values(res)) {
    const t = r.type.toLowerCase();
    if (t === 'microsoft.network/networksecuritygroups' && r.properties) {
      r.properties.networkInterfaces = [];
      r.properties.subnets = [];
    }
    if (t === 'microsoft.network/virtualnetworks')
      for (const s of (r.properties?.subnets as
        { id: string; properties: Record<string, unknown> }[] | undefined) ?? []) {
        s.properties.ipConfigurations = [];
        subnetById.set(key(s.id), s.properties);
      }
  }
  for (const r of Object.values(res)) {
    const t = r.type.toLowerCase();
    const p = r.properties ?? {};
    if (t === 'microsoft.network/virtualnetworks')
      for (const s of (p.subnets as
        { id: string; properties: { networkSecurityGroup?: { id: string } } }[] | undefined) ?? [])
        if (s.properties.networkSecurityGroup)
          refs(s.properties.networkSecurityGroup.id, 'subnets').push({ id: s.id });
    if (t === 'microsoft.network/networkinterfaces') {
      const nsgId = (p.networkSecurityGroup as { id?: string } | undefined)?.id;
      if (nsgId) refs(nsgId, 'networkInterfaces').push({ id: r.id });
      for (const ipc of (p.ipConfigurations as
        { id: string; properties: Record<string, { id: string } | undefined> }[] | undefined) ?? []) {
        const pip = ipc.properties.publicIPAddress?.id;
        const pipRes = pip ? res[key(pip)] : undefined;
        if (pipRes?.properties) pipRes.properties.ipConfiguration = { id: ipc.id };
        const subnet = ipc.properties.subnet?.id ? subnetById.get(key(ipc.properties.subnet.id)) : undefined;
        (subnet?.ipConfigurations as { id: string }[] | undefined)?.push({ id: ipc.id });
      }
    }
    if (t === 'microsoft.compute/virtualmachines')
      for (const n of (p.networkProfile as { networkInterfaces?: { id: string }[] } | undefined)
        ?.networkInterfaces ?? []) {
        const nic = res[key(n.id)];
        if (nic?.properties) nic.properties.virtualMachine = { id: r.id };
      }
    if (t === 'microsoft.network/azurefirewalls')
      for (const ipc of (p.ipConfigurations as
        { id: string; properties: { publicIPAddress?: { id: string } } }[] | undefined) ?? []) {
        const pipRes = ipc.properties.publicIPAddress
          ? res[key(ipc.properties.publicIPAddress.id)]
          : undefined;
        if (pipRes?.properties) pipRes.properties.ipConfiguration = { id: ipc.id };
      }
  }
}
