// The per-request context: who the caller is, in which organization, and the data access built
// for them. Role and status are read here on every request (and every subscription event
// re-checks them), never taken from the token.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { decodeGlobalID } from '@pothos/plugin-relay';
import type { OrgRole } from './authz/matrix.ts';
import type { Db } from './db/client.ts';
import { forgetRowFilters, type RowFilterRequest } from './db/row-filters.ts';
import { forCaller } from './db/tenant.ts';
import { AppError, ErrorCode, unauthenticated } from './errors.ts';
import { enforce, refusalError } from './authz/decision.ts';
import { membershipDecision, noMembershipDecision, notMemberDecision } from './identity/policy.ts';
import { REVOKED_MESSAGE } from './identity/sessions.ts';
import { verifySessionToken, type TokenCheck, type TokenKeys } from './identity/tokens.ts';
import type { Logger } from './logger.ts';
import type { Services } from './services.ts';

export interface CallerUser {
  id: string;
  email: string;
  displayName: string | null;
}

export interface CallerMembership {
  id: string;
  organizationId: string;
  role: OrgRole;
  status: 'INVITED' | 'ACTIVE' | 'DISABLED';
  /** The organization's KPI access version, read with the membership (keys the profile cache). */
  organization?: { accessVersion: number };
}

export interface Caller {
  user: CallerUser | null;
  /** Why a presented credential was not accepted. */
  credentialProblem: string | null;
  /** The session token the request presented (none with X-Dev-User): what `logout` revokes. */
  session?: { jti: string; expiresAt: Date } | null;
  membership: CallerMembership | null;
  /** Why the request has no usable organization (not a member, disabled, ambiguous). */
  organizationProblem: AppError | null;
}

export interface Context {
  requestId: string;
  log: Logger;
  services: Services;
  caller: Caller;
  /** The client's address (the socket's, or X-Forwarded-For's as TRUST_PROXY says): login throttling keys on it. */
  clientAddress: string;
  /** The tenant-scoped client of the caller's organization: every business query goes through it. */
  readonly db: Db;
  /** The caller, who must be signed in. */
  readonly user: CallerUser;
  /** The caller's active membership in the organization the request acts in. */
  readonly member: CallerMembership;
  /** The caller as row-filter providers see it, with the request's memo (profiles read once per request). */
  readonly rowRequest: RowFilterRequest;
  /** Forgets the row filters after a change of the caller's own grants within the request. */
  refreshRowFilters(): void;
  /**
   * Resolves the caller's row filters now (once per request). Called before a transaction opens:
   * resolving them inside one would need a second pooled connection while the transaction holds
   * its own, and enough parallel transactions would exhaust the pool waiting on each other.
   */
  loadRowFilters(): Promise<void>;
}

/** Carries the request id through async work, so masked errors and logs can quote it. */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();

export const newRequestId = (incoming?: string | null) =>
  incoming && /^[A-Za-z0-9._:-]{8,64}$/.test(incoming) ? incoming : randomUUID();

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

/** The user fields a request carries and the API shows (never the password hash). */
export const userSelect = { id: true, email: true, displayName: true } as const;
/** A membership with the organization's KPI access version (keys the profile cache). */
const memberSelect = { id: true, organizationId: true, role: true, status: true, organization: { select: { accessVersion: true } } } as const;

interface CallerRow {
  id: string;
  email: string;
  displayName: string | null;
  revoked: number;
  membershipId: string | null;
  organizationId: string | null;
  role: OrgRole | null;
  status: CallerMembership['status'] | null;
  accessVersion: number | null;
}

/**
 * The caller in one statement through the driver, on every request: the user (by id from a token,
 * or by email from X-Dev-User), whether logout revoked the token's session, and the membership the
 * request acts in (the named organization's, or up to two that are not invitations) with the
 * organization's access version. Nothing is cached, so a role change, a disabled membership or a
 * logout takes effect on the next request on every instance.
 */
function readCaller(services: Services, by: 'id' | 'email', key: string, jti: string | null, organizationId: string | null) {
  const params: string[] = [];
  let revoked = '0';
  if (jti) {
    revoked = 'CASE WHEN EXISTS (SELECT 1 FROM "RevokedToken" r WHERE r."jti" = ?) THEN 1 ELSE 0 END';
    params.push(jti);
  }
  let membership = `m."status" <> 'INVITED'`;
  if (organizationId) {
    membership = 'm."organizationId" = ?';
    params.push(organizationId);
  }
  params.push(key);
  return services.sql.all<CallerRow>(
    `SELECT u."id", u."email", u."displayName", ${revoked} AS "revoked", m."id" AS "membershipId", m."organizationId", m."role", m."status", o."accessVersion"
     FROM "User" u
     LEFT JOIN "Membership" m ON m."userId" = u."id" AND ${membership}
     LEFT JOIN "Organization" o ON o."id" = m."organizationId"
     WHERE u."${by}" = ? LIMIT 2`,
    params,
  );
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

export async function resolveCaller(services: Services, input: CredentialInput): Promise<Caller> {
  const { config, keys } = services;
  const caller: Caller = { user: null, credentialProblem: null, membership: null, organizationProblem: null };
  const organizationId = input.organizationId ? organizationIdFrom(input.organizationId.trim()) : null;

  let rows: CallerRow[] = [];
  if (input.devUser && config.AUTH_DEV_HEADERS && config.NODE_ENV !== 'production') {
    rows = await readCaller(services, 'email', input.devUser.trim().toLowerCase(), null, organizationId);
    if (!rows.length) caller.credentialProblem = `X-Dev-User names no user (${input.devUser}).`;
  } else if (input.authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(input.authorization.trim());
    const check = match ? await verifiedToken(keys, match[1]!, services.clock.now()) : ({ ok: false, reason: 'invalid' } as const);
    if (check.ok) {
      // The token's user and whether logout revoked it, read with the membership on every request.
      rows = await readCaller(services, 'id', check.userId, check.jti, organizationId);
      if (!rows.length) caller.credentialProblem = 'The account of this token no longer exists.';
      else if (Number(rows[0]!.revoked) === 1) {
        rows = [];
        caller.credentialProblem = REVOKED_MESSAGE;
      } else caller.session = { jti: check.jti, expiresAt: check.expiresAt };
    } else {
      caller.credentialProblem =
        check.reason === 'expired'
          ? 'Your session token has expired. Log in again with `login`.'
          : 'Your session token is not valid (malformed, tampered with, or signed by another server). Log in again with `login`.';
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
  const standing = m && membershipDecision(m.status, first.email);
  if (standing && !standing.allowed) caller.organizationProblem = refusalError(standing);
  return caller;
}

/**
 * The context of a member acting now outside any request (a workflow's creator, the demo personas),
 * with their current role and status; null when they are not an active member of the organization.
 */
export async function contextFor(services: Services, userId: string, organizationId: string, requestId: string): Promise<Context | null> {
  const [user, membership] = await Promise.all([
    services.system.user.findUnique({ where: { id: userId }, select: userSelect }),
    services.system.membership.findUnique({ where: { organizationId_userId: { organizationId, userId } }, select: memberSelect }),
  ]);
  if (!user || !membership || membership.status !== 'ACTIVE') return null;
  return createContext(services, { user, membership, credentialProblem: null, organizationProblem: null }, requestId, 'internal');
}

/**
 * Makes `target` the request's context. `user`, `member` and `db` are lazy and throw the error that
 * says why the caller lacks them; they are defined non-enumerable on the envelop context object
 * itself because envelop merges a context factory's result with Object.assign, which would run
 * every getter at once (and make anonymous operations such as `login` fail).
 */
/** What a context keeps per request behind its accessors. */
interface ContextState {
  services: Services;
  caller: Caller;
  log?: Logger;
  scoped?: Db;
  rowRequest?: RowFilterRequest;
  filters?: ReturnType<Services['rowFilters']['filtersFor']>;
}
const STATE = Symbol('context state');
type Stateful = Context & { [STATE]: ContextState };

const rowFiltersOfRequest = (ctx: Stateful) => {
  const state = ctx[STATE];
  return (state.filters ??= state.services.rowFilters.filtersFor(ctx.rowRequest));
};

/**
 * The lazy members of every context, defined with the same accessor functions each time: a
 * context holds no closures of its own (ten thousand open subscriptions hold ten thousand
 * contexts), and the logger bound to the request id is made when something logs.
 */
const ACCESSORS: PropertyDescriptorMap = {
  log: {
    enumerable: false,
    get(this: Stateful) {
      const state = this[STATE];
      return (state.log ??= state.services.log.child({ requestId: this.requestId }));
    },
  },
  user: {
    enumerable: false,
    get(this: Stateful) {
      const { caller } = this[STATE];
      if (!caller.user) throw unauthenticated(caller.credentialProblem ?? undefined);
      return caller.user;
    },
  },
  member: {
    enumerable: false,
    get(this: Stateful) {
      const { caller } = this[STATE];
      const user = this.user;
      if (caller.organizationProblem) throw caller.organizationProblem;
      enforce(membershipDecision(caller.membership?.status ?? null, user.email));
      return caller.membership;
    },
  },
  rowRequest: {
    enumerable: false,
    get(this: Stateful) {
      const state = this[STATE];
      const { organizationId, role, organization } = this.member;
      state.rowRequest ??= { system: state.services.system, organizationId, userId: this.user.id, role, accessVersion: organization?.accessVersion ?? null, clock: state.services.clock, memo: new Map() };
      return state.rowRequest;
    },
  },
  db: {
    enumerable: false,
    get(this: Stateful) {
      const state = this[STATE];
      const { organizationId } = this.member;
      const registry = state.services.rowFilters;
      state.scoped ??= state.services.system.$extends(
        forCaller({ organizationId, guarded: registry.models, rowFilters: () => rowFiltersOfRequest(this) }),
      ) as unknown as Db;
      return state.scoped;
    },
  },
  loadRowFilters: {
    enumerable: false,
    async value(this: Stateful) {
      const { caller } = this[STATE];
      if (caller.membership?.status === 'ACTIVE' && !caller.organizationProblem) await rowFiltersOfRequest(this);
    },
  },
  refreshRowFilters: {
    enumerable: false,
    value(this: Stateful) {
      const state = this[STATE];
      state.filters = undefined;
      if (state.rowRequest) forgetRowFilters(state.rowRequest);
    },
  },
};

export function createContext<T extends object>(
  services: Services,
  caller: Caller,
  requestId: string,
  clientAddress: string,
  target: T = {} as T,
): T & Context {
  const ctx = Object.assign(target, { requestId, services, caller, clientAddress }) as T & Stateful;
  Object.defineProperty(ctx, STATE, { enumerable: false, value: { services, caller } satisfies ContextState });
  Object.defineProperties(ctx, ACCESSORS);
  return ctx;
}
