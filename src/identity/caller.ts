// Who the caller of a request is: the presented credential checked (a session token or, in
// development, X-Dev-User), then the user, the session's revocation and the membership the request
// acts in, read in one statement on every request (src/db/sql/caller.ts). Role and status are
// never taken from the token.
import { decodeGlobalID } from '@pothos/plugin-relay';
import { refusalError } from '../authz/decision.ts';
import { readCaller, type CallerRow } from '../db/sql/caller.ts';
import { AppError, ErrorCode } from '../errors.ts';
import type { Caller, CallerMembership } from '../context.ts';
import type { Services } from '../services.ts';
import { membershipDecision } from '../authz/membership.ts';
import { noMembershipDecision, notMemberDecision } from './policy.ts';
import { REVOKED_MESSAGE } from './sessions.ts';
import { verifySessionToken, type TokenCheck, type TokenKeys } from './tokens.ts';

export interface CredentialInput {
  authorization?: string | null;
  organizationId?: string | null;
  devUser?: string | null;
}

/**
 * The client's address: the socket's, or with TRUST_PROXY = n the address the n-th proxy from us
 * received the request from (each proxy appends its peer to X-Forwarded-For), which a client
 * cannot forge past the proxies we trust.
 */
export function clientAddressOf(trustedProxies: number, socketAddress: string | undefined, forwardedFor: string | null | undefined): string {
  const socket = socketAddress ?? 'local';
  if (!trustedProxies) return socket;
  const chain = [...(forwardedFor ?? '').split(',').map((s) => s.trim()).filter(Boolean), socket];
  return chain[Math.max(0, chain.length - 1 - trustedProxies)]!;
}

/** Reads a raw id or an Organization global id. */
function organizationIdFrom(value: string): string {
  try {
    const { typename, id } = decodeGlobalID(value);
    if (typename === 'Organization') return id;
  } catch {
    // not a global id: a raw one
  }
  return value;
}

/**
 * Signature checks of tokens seen recently, by the exact token text. Verifying an HS256 token
 * through WebCrypto was about a tenth of a KPI page's CPU; the same bytes under the same key verify
 * the same way, and expiry is compared with the clock on every use. What can change (logout,
 * role, status) is read from the database on every request regardless. Bounded; oldest first.
 */
const verifiedTokens = new Map<string, { keys: TokenKeys; check: Extract<TokenCheck, { ok: true }> }>();
const VERIFIED_TOKENS_LIMIT = 10_000;

async function verifiedToken(keys: TokenKeys, token: string, now: Date): Promise<TokenCheck> {
  const hit = verifiedTokens.get(token);
  if (hit && hit.keys === keys) {
    if (hit.check.expiresAt > now) return hit.check;
    verifiedTokens.delete(token);
  }
  const check = await verifySessionToken(keys, token, now);
  if (check.ok) {
    if (verifiedTokens.size >= VERIFIED_TOKENS_LIMIT) verifiedTokens.delete(verifiedTokens.keys().next().value!);
    verifiedTokens.set(token, { keys, check });
  }
  return check;
}

/** What the caller is told of a token that was not accepted. */
export const CREDENTIAL_PROBLEMS = {
  expired: 'Your session token has expired. Log in again with `login`.',
  'earlier-release': 'Your session token is from an earlier release of this server. Log in again with `login`.',
  invalid: 'Your session token is not valid (malformed, tampered with, or signed by another server). Log in again with `login`.',
} as const;

export async function resolveCaller(services: Services, input: CredentialInput): Promise<Caller> {
  const { config, keys } = services;
  const caller: Caller = { user: null, credentialProblem: null, membership: null, organizationProblem: null };
  const organizationId = input.organizationId ? organizationIdFrom(input.organizationId.trim()) : null;

  let rows: CallerRow[] = [];
  if (input.devUser && config.AUTH_DEV_HEADERS && config.NODE_ENV !== 'production') {
    rows = await readCaller(services.sql, 'email', input.devUser.trim().toLowerCase(), null, organizationId);
    if (!rows.length) caller.credentialProblem = `X-Dev-User names no user (${input.devUser}).`;
  } else if (input.authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(input.authorization.trim());
    const check = match ? await verifiedToken(keys, match[1]!, services.clock.now()) : ({ ok: false, reason: 'invalid' } as const);
    if (check.ok) {
      // The token's user and whether logout revoked it, read with the membership on every request.
      rows = await readCaller(services.sql, 'id', check.userId, check.jti, organizationId);
      if (!rows.length) caller.credentialProblem = 'The account of this token no longer exists.';
      else if (Number(rows[0]!.revoked) === 1) {
        rows = [];
        caller.credentialProblem = REVOKED_MESSAGE;
      } else caller.session = { jti: check.jti, expiresAt: check.expiresAt };
    } else {
      caller.credentialProblem = CREDENTIAL_PROBLEMS[check.reason];
    }
  }
  const first = rows[0];
  if (!first) return caller;
  caller.user = { id: first.id, email: first.email, displayName: first.displayName };
  const memberships = rows
    .filter((r) => r.membershipId)
    .map((r): CallerMembership => ({ id: r.membershipId!, organizationId: r.organizationId!, role: r.role!, status: r.status!, organization: { accessVersion: Number(r.accessVersion) } }));

  if (organizationId) {
    caller.membership = memberships[0] ?? null;
    if (!caller.membership)
      caller.organizationProblem = refusalError(notMemberDecision(input.organizationId ?? organizationId));
  } else {
    // An invitation is inert until accepted: it never becomes (or competes for) the default.
    if (memberships.length === 1) caller.membership = memberships[0]!;
    else if (memberships.length > 1)
      caller.organizationProblem = new AppError(
        ErrorCode.BAD_USER_INPUT,
        'You belong to several organizations: say which one this request acts in with the X-Organization-Id header (graphql-ws: connectionParams.organizationId). `me { memberships }` lists them.',
        { rule: 'tenant.choose' },
      );
    else
      caller.organizationProblem = refusalError(noMembershipDecision());
  }
  const m = caller.membership;
  const standing = m && membershipDecision(m.status, first.email, m.role);
  if (standing && !standing.allowed) caller.organizationProblem = refusalError(standing);
  return caller;
}


/**
 * The caller of an HTTP request, resolved before its operation is parsed (src/yoga.ts), so that
 * what observes the parse and validation (metrics) knows whether the caller is signed in, and the
 * context reuses it instead of resolving it again.
 */
const callersOfRequests = new WeakMap<object, Caller>();
export const rememberCaller = (request: object, caller: Caller) => void callersOfRequests.set(request, caller);
export const callerOfRequest = (request: object): Caller | undefined => callersOfRequests.get(request);
