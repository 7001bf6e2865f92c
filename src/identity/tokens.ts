// Signed session tokens. A token carries identity only (the user id); role and status are read
// from the database on every request.
import { createHash, randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT, errors } from 'jose';

const ISSUER = 'governance-api';
const AUDIENCE = 'governance-api';

export interface TokenKeys {
  secret: Uint8Array;
  ttlSeconds: number;
}

export const tokenKeys = (secret: string, ttlSeconds: number): TokenKeys => ({
  secret: new TextEncoder().encode(secret),
  ttlSeconds,
});

export async function signSessionToken(keys: TokenKeys, userId: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${keys.ttlSeconds}s`)
    .sign(keys.secret);
}

export type TokenCheck = { ok: true; userId: string } | { ok: false; reason: 'expired' | 'invalid' };

export async function verifySessionToken(keys: TokenKeys, token: string): Promise<TokenCheck> {
  try {
    const { payload } = await jwtVerify(token, keys.secret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || !payload.sub) return { ok: false, reason: 'invalid' };
    return { ok: true, userId: payload.sub };
  } catch (error) {
    return { ok: false, reason: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}

/** A one-time secret (invite token) and the hash under which it is stored. */
export function newOneTimeToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashOneTimeToken(token) };
}

export const hashOneTimeToken = (token: string) => createHash('sha256').update(token).digest('hex');
