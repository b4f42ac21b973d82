// Which clouds the grant service talks to, decided from settings and the Azure sign-in state.
// The local sandbox replaces the real accounts while it is selected.

export type ConnectionPlan =
  | { kind: 'none' }
  | { kind: 'sandbox' }
  | {
      kind: 'accounts';
      azure?: { tenant?: string; subscriptions: string[] };
      aws?: { profiles: string[]; regions: string[] };
    };

export interface ConnectionInputs {
  sandboxEnabled: boolean;
  azureSignedIn: boolean;
  azureTenant: string;
  azureSubscriptions: string[];
  awsProfiles: string[];
  awsRegions: string[];
}

export function connectionPlan(s: ConnectionInputs): ConnectionPlan {
  if (s.sandboxEnabled) return { kind: 'sandbox' };
  const azure = s.azureSignedIn
    ? { ...(s.azureTenant ? { tenant: s.azureTenant } : {}), subscriptions: s.azureSubscriptions }
    : undefined;
  const aws = s.awsProfiles.length ? { profiles: s.awsProfiles, regions: s.awsRegions } : undefined;
  if (!azure && !aws) return { kind: 'none' };
  return { kind: 'accounts', ...(azure ? { azure } : {}), ...(aws ? { aws } : {}) };
}

/** Equal plans reuse the running service; a different plan builds a new one. */
export function samePlan(a: ConnectionPlan, b: ConnectionPlan): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
