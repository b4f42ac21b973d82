// Azure sign-in through VS Code's built-in `microsoft` authentication provider, and the session
// wrapped as the @azure/core-auth TokenCredential the ARM SDK clients take.
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import * as vscode from 'vscode';
import { tokenExpiry } from './tokenExpiry';

export const MICROSOFT_PROVIDER = 'microsoft';
export const ARM_SCOPE = 'https://management.core.windows.net/.default';

export function azureScopes(tenant: string | undefined): string[] {
  return tenant ? [ARM_SCOPE, `VSCODE_TENANT:${tenant}`] : [ARM_SCOPE];
}

/** Time allowed for the auth provider to answer a silent query (it may not exist, e.g. in some hosts). */
const SILENT_TIMEOUT_MS = 3000;

export async function azureSessionSilently(
  tenant: string | undefined,
): Promise<vscode.AuthenticationSession | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      vscode.authentication.getSession(MICROSOFT_PROVIDER, azureScopes(tenant), { silent: true }),
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), SILENT_TIMEOUT_MS))),
    ]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

export async function signInToAzure(tenant: string | undefined): Promise<vscode.AuthenticationSession> {
  return vscode.authentication.getSession(MICROSOFT_PROVIDER, azureScopes(tenant), { createIfNone: true });
}

export class VsCodeSessionCredential implements TokenCredential {
  constructor(private readonly tenant: string | undefined) {}

  async getToken(): Promise<AccessToken | null> {
    const session = await vscode.authentication.getSession(MICROSOFT_PROVIDER, azureScopes(this.tenant), {
      silent: true,
    });
    if (!session) return null;
    return { token: session.accessToken, expiresOnTimestamp: tokenExpiry(session.accessToken, Date.now()) };
  }
}
