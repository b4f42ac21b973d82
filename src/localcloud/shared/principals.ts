// Principals are part of a world: who may call, with which credentials, allowed to do what.

/** An Azure identity: the bearer token is its credential; actions follow RBAC syntax with wildcards. */
export interface AzurePrincipal {
  name: string;
  /** Display role, e.g. 'Owner' or 'Reader'. */
  role: string;
  /** Opaque bearer token the client presents. */
  token: string;
  objectId: string;
  /** RBAC actions, e.g. '*', '*\/read', 'Microsoft.Network/networkSecurityGroups/securityRules/write'. */
  actions: string[];
  notActions: string[];
}

/** An AWS identity: found by its access key id; actions like 'ec2:*', 'ec2:Describe*'. */
export interface AwsPrincipal {
  name: string;
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  profile: string;
  allowedActions: string[];
}

/** Case-insensitive match of an action against a pattern where '*' matches any run of characters. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
    'i',
  );
  return re.test(action);
}

/** RBAC semantics: allowed when some action matches and no notAction matches. */
export function isActionAllowed(allowed: string[], denied: string[], action: string): boolean {
  return allowed.some((p) => actionMatches(p, action)) && !denied.some((p) => actionMatches(p, action));
}
