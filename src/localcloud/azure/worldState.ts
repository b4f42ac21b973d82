// The Azure half of a local-cloud world: plain JSON in the shapes ARM returns, so that saving,
// loading and serving are the same data. Resources are keyed by lower-cased id (ARM ids are
// case-insensitive); child resources (subnets, security rules) live inside their parents, as ARM
// returns them.
import type { AzurePrincipal } from '../shared/principals';

/** Any ARM resource as the service returns it. */
export interface ArmResource {
  id: string;
  name: string;
  type: string;
  location?: string;
  etag?: string;
  tags?: Record<string, string>;
  properties?: Record<string, unknown> & { provisioningState?: string };
  [key: string]: unknown;
}

export interface ArmSubscription {
  id: string;
  subscriptionId: string;
  displayName: string;
  state: 'Enabled' | 'Disabled' | 'Warned' | 'PastDue' | 'Deleted';
  tenantId: string;
  subscriptionPolicies: {
    locationPlacementId: string;
    quotaId: string;
    spendingLimit: 'On' | 'Off' | 'CurrentPeriodOff';
  };
  authorizationSource: string;
}

export interface AzureWorldState {
  tenantId: string;
  principals: AzurePrincipal[];
  subscriptions: ArmSubscription[];
  /** Resource groups keyed by lower-cased id. */
  resourceGroups: Record<string, ArmResource>;
  /** Top-level resources (VMs, NICs, VNets, NSGs, public IPs, firewalls, firewall policies) by lower-cased id. */
  resources: Record<string, ArmResource>;
  /** VM power state code (e.g. 'PowerState/running') by lower-cased VM id. */
  powerStates: Record<string, string>;
}

export function emptyAzureWorld(tenantId = '72f988bf-0000-4000-8000-000000000001'): AzureWorldState {
  return { tenantId, principals: [], subscriptions: [], resourceGroups: {}, resources: {}, powerStates: {} };
}

export const key = (id: string): string => id.toLowerCase();
