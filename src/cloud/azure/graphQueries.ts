// Azure Resource Graph queries the provider sends. Each starts with a stable tag line so the local
// cloud can recognise it (it has no general KQL engine); every query projects `id` so paging works.
// Bump the tag's version whenever a query's output columns change.

export const VMS_QUERY_TAG = '// jit-vm-access:vms v1';
export const NSGS_QUERY_TAG = '// jit-vm-access:nsgs v2';
export const FIREWALLS_QUERY_TAG = '// jit-vm-access:firewalls v1';
export const PUBLIC_IPS_QUERY_TAG = '// jit-vm-access:publicips v1';
export const VNETS_QUERY_TAG = '// jit-vm-access:vnets v1';

/** One row per (VM, NIC, IP configuration). */
export interface VmRow {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
  osType: string;
  powerState: string;
  nicId: string;
  primaryNic: boolean | null;
  privateIp: string;
  publicIpId: string;
  subnetId: string;
  nicNsgId: string;
  subnetNsgId: string;
}

/**
 * Without `defaultSecurityRules`: they are the same six read-only rules in every NSG (the engine
 * supplies them), and they are four fifths of an NSG's JSON.
 */
export interface NsgRow {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
  etag: string;
  flushConnection: boolean;
  securityRules: unknown[];
}

export interface FirewallRow {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
  etag: string;
  firewallPolicyId: string;
  networkRuleCollections: unknown[];
  natRuleCollections: unknown[];
  applicationRuleCollections: unknown[];
  /** Subnet ids of the firewall's IP configurations (the AzureFirewallSubnet it sits in). */
  ipConfigurations: unknown[];
}

export interface PublicIpRow {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  ipAddress: string;
  attachedTo: string;
}

/** One row per VNet: its address space and its peerings (raw ARM JSON), for the `VirtualNetwork` tag. */
export interface VnetRow {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  addressSpace: { addressPrefixes?: string[] };
  /** Raw peerings: `{ properties: { remoteAddressSpace: { addressPrefixes } } }`. */
  virtualNetworkPeerings: unknown[];
}

export const VMS_QUERY = `${VMS_QUERY_TAG}
Resources
| where type =~ 'microsoft.compute/virtualmachines'
| extend powerState = tostring(properties.extended.instanceView.powerState.code), osType = tostring(properties.storageProfile.osDisk.osType)
| mv-expand nicRef = properties.networkProfile.networkInterfaces
| extend nicId = tolower(tostring(nicRef.id)), primaryNic = tobool(nicRef.properties.primary)
| join kind=leftouter (
    Resources
    | where type =~ 'microsoft.network/networkinterfaces'
    | extend nicNsgId = tostring(properties.networkSecurityGroup.id)
    | mv-expand ipc = properties.ipConfigurations
    | project nicId = tolower(id), nicNsgId, privateIp = tostring(ipc.properties.privateIPAddress),
              publicIpId = tostring(ipc.properties.publicIPAddress.id), subnetId = tolower(tostring(ipc.properties.subnet.id))
  ) on nicId
| join kind=leftouter (
    Resources
    | where type =~ 'microsoft.network/virtualnetworks'
    | mv-expand subnet = properties.subnets
    | project subnetId = tolower(tostring(subnet.id)), subnetNsgId = tostring(subnet.properties.networkSecurityGroup.id)
  ) on subnetId
| project id, name, resourceGroup, subscriptionId, location, osType, powerState, nicId, primaryNic, privateIp, publicIpId, subnetId, nicNsgId, subnetNsgId`;

export const NSGS_QUERY = `${NSGS_QUERY_TAG}
Resources
| where type =~ 'microsoft.network/networksecuritygroups'
| project id, name, resourceGroup, subscriptionId, location, etag, flushConnection = tobool(properties.flushConnection),
          securityRules = properties.securityRules`;

export const FIREWALLS_QUERY = `${FIREWALLS_QUERY_TAG}
Resources
| where type =~ 'microsoft.network/azurefirewalls'
| project id, name, resourceGroup, subscriptionId, location, etag, firewallPolicyId = tostring(properties.firewallPolicy.id),
          networkRuleCollections = properties.networkRuleCollections, natRuleCollections = properties.natRuleCollections,
          applicationRuleCollections = properties.applicationRuleCollections, ipConfigurations = properties.ipConfigurations`;

export const PUBLIC_IPS_QUERY = `${PUBLIC_IPS_QUERY_TAG}
Resources
| where type =~ 'microsoft.network/publicipaddresses'
| project id, name, resourceGroup, subscriptionId, ipAddress = tostring(properties.ipAddress), attachedTo = tostring(properties.ipConfiguration.id)`;

export const VNETS_QUERY = `${VNETS_QUERY_TAG}
Resources
| where type =~ 'microsoft.network/virtualnetworks'
| project id, name, resourceGroup, subscriptionId, addressSpace = properties.addressSpace,
          virtualNetworkPeerings = properties.virtualNetworkPeerings`;
