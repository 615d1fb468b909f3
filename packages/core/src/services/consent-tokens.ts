import { errors, jwtVerify, SignJWT } from 'jose';
import { ConsentTokenError } from '../errors/consent-errors.js';

/** The issuer and type of Rapport's double opt-in tokens; a JWS made for anything else is refused. */
const ISSUER = 'rapport:consent';
const TYPE = 'rapport-consent+jwt';

/** What a double opt-in token carries: the pending record it confirms and whose it is. */
export interface ConsentTokenClaims {
  /** The pending record's id (the JWT `jti`). */
  requestId: string;
  /** The customer the request was made for (the JWT `sub`). */
  customerId: string;
}

/**
 * Signs a double opt-in token: a compact JWS (HS256) whose claims bind it to the tenant
 * (`aud`), the pending record (`jti`) and the customer (`sub`), valid from `issuedAt` for
 * `ttlSeconds`. jose does the signing and checking, so no home-made HMAC format exists.
 */
export async function signConsentToken(
  secret: Uint8Array,
  claims: ConsentTokenClaims & { tenantId: string; issuedAt: Date; ttlSeconds: number },
): Promise<{ token: string; expiresAt: Date }> {
  const issued = Math.floor(claims.issuedAt.getTime() / 1000);
  const expires = issued + claims.ttlSeconds;
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: TYPE })
    .setIssuer(ISSUER)
    .setAudience(claims.tenantId)
    .setSubject(claims.customerId)
    .setJti(claims.requestId)
    .setIssuedAt(issued)
    .setExpirationTime(expires)
    .sign(secret);
  return { token, expiresAt: new Date(expires * 1000) };
}

/**
 * Checks a token's signature, type, issuer and expiry at `now` (the Crm's clock) and that it
 * was issued for `tenantId`; throws a {@link ConsentTokenError} naming the reason otherwise.
 */
export async function verifyConsentToken(secret: Uint8Array, token: string, tenantId: string, now: Date): Promise<ConsentTokenClaims> {
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      typ: TYPE,
      currentDate: now,
      requiredClaims: ['jti', 'sub', 'exp'],
    }));
  } catch (error) {
    throw new ConsentTokenError(failureOf(error), null, error);
  }
  const requestId = payload.jti as string;
  if (payload.aud !== tenantId) throw new ConsentTokenError('wrong-tenant', requestId);
  return { requestId, customerId: payload.sub as string };
}

function failureOf(error: unknown): 'expired' | 'tampered' | 'malformed' {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'tampered';
  return 'malformed';
}
