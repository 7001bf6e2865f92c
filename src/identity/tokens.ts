// Signed session tokens. A token carries identity only (the user id) and its own id (`jti`, which
// logout revokes); role and status are read from the database on every request.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT, errors } from 'jose';

const ISSUER = 'governance-api';
const AUDIENCE = 'governance-api';

export interface TokenKeys {
  secret: Uint8Array;
  ttlSeconds: number;
}

declare module '../services.ts' {
  interface Services {
    keys: TokenKeys;
  }
}

export const tokenKeys = (secret: string, ttlSeconds: number): TokenKeys => ({
  secret: new TextEncoder().encode(secret),
  ttlSeconds,
});

/** A signed session: the bearer token, its id (`jti`, what logout revokes) and when it expires. */
export interface Session {
  token: string;
  jti: string;
  expiresAt: Date;
}

export async function signSessionToken(keys: TokenKeys, userId: string, now: Date): Promise<Session> {
  const jti = randomUUID();
  // Whole seconds, as the token's `exp` carries them.
  const expiresAt = new Date((Math.floor(now.getTime() / 1000) + keys.ttlSeconds) * 1000);
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setJti(jti)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(expiresAt)
    .sign(keys.secret);
  return { token, jti, expiresAt };
}

export type TokenCheck = { ok: true; userId: string; jti: string; expiresAt: Date } | { ok: false; reason: 'expired' | 'invalid' | 'earlier-release' };

/**
 * Checks signature, issuer, audience and expiry. A token without a `jti` is refused: every
 * accepted token must be one that logout can revoke. Signed by this server's key but without one,
 * it was issued by a release from before sessions could be revoked (`earlier-release`), which
 * the caller is told apart from a token that is not ours.
 */
export async function verifySessionToken(keys: TokenKeys, token: string, now?: Date): Promise<TokenCheck> {
  try {
    const { payload } = await jwtVerify(token, keys.secret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], requiredClaims: ['exp'], currentDate: now });
    if (typeof payload.sub !== 'string' || !payload.sub) return { ok: false, reason: 'invalid' };
    if (payload.jti === undefined) return { ok: false, reason: 'earlier-release' };
    if (typeof payload.jti !== 'string' || !payload.jti) return { ok: false, reason: 'invalid' };
    return { ok: true, userId: payload.sub, jti: payload.jti, expiresAt: new Date(payload.exp! * 1000) };
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
