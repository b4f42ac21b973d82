// Who a bearer token belongs to, for the requester recorded on grants. Entra ID access tokens are
// JWTs whose claims name the user; an opaque token (the local cloud's) names nobody.

interface Claims {
  upn?: string;
  unique_name?: string;
  preferred_username?: string;
  email?: string;
  oid?: string;
}

/** The token's user principal name (or e-mail, or object id); undefined when it is not a JWT. */
export function identityFromToken(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
    return claims.upn ?? claims.unique_name ?? claims.preferred_username ?? claims.email ?? claims.oid;
  } catch {
    return undefined;
  }
}
