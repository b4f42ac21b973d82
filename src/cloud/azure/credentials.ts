// TokenCredentials for the three ways the provider is used. The caller chooses; the provider only
// sees a TokenCredential.
import type { AccessToken, TokenCredential } from '@azure/core-auth';

/** The CLI: the Azure CLI's login first, then the standard chain (environment, managed identity, ...). */
export async function cliCredential(): Promise<TokenCredential> {
  const { AzureCliCredential, ChainedTokenCredential, DefaultAzureCredential } =
    await import('@azure/identity');
  return new ChainedTokenCredential(new AzureCliCredential(), new DefaultAzureCredential());
}

/**
 * A session from an editor's sign-in (VS Code's built-in `microsoft` authentication provider): the
 * extension passes a function that returns the session's access token for the scopes. Sessions do not
 * say when their token expires, so the SDK is told a short lifetime and asks again often; VS Code
 * refreshes the session itself.
 */
export function sessionCredential(
  getAccessToken: (scopes: string[]) => Promise<string>,
  now: () => number = Date.now,
  assumedLifetimeMs = 5 * 60_000,
): TokenCredential {
  return {
    async getToken(scopes: string | string[]): Promise<AccessToken> {
      const token = await getAccessToken(Array.isArray(scopes) ? scopes : [scopes]);
      return { token, expiresOnTimestamp: now() + assumedLifetimeMs };
    },
  };
}

/** A fixed bearer token: the local cloud's principals (opaque tokens that never expire). */
export function staticTokenCredential(token: string): TokenCredential {
  return {
    async getToken(): Promise<AccessToken> {
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}
