// The Azure provider's public face.
export { AzureProvider, type AzureProviderOptions, type InventorySource } from './azureProvider';
export { cliCredential, sessionCredential, staticTokenCredential } from './credentials';
export { RULE_WRITE, RULE_DELETE, FIREWALL_WRITE } from './permissions';
