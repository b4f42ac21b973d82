// VS Code's authentication sessions do not say when their access token expires; ARM tokens are
// JWTs that do. The SDKs refresh a token shortly before this time, calling getSession again.

const FALLBACK_MS = 5 * 60_000;

export function tokenExpiry(accessToken: string, now: number): number {
  const payload = accessToken.split('.')[1];
  if (!payload) return now + FALLBACK_MS;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && exp * 1000 > now ? exp * 1000 : now + FALLBACK_MS;
  } catch {
    return now + FALLBACK_MS;
  }
}
