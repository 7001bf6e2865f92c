// The per-request context: the caller (resolved by src/identity/caller.ts), and the data access
// built for them behind lazy accessors. Role and status are read on every request (and every
// subscription event re-checks them), never taken from the token.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Db } from './db/client.ts';
import { forgetRowFilters, type RowFilterRequest } from './db/row-filters.ts';
import { forCaller } from './db/tenant.ts';
import { unauthenticated, type AppError } from './errors.ts';
import { enforce } from './authz/decision.ts';
import { membershipDecision } from './authz/membership.ts';
import type { OrgRole } from './authz/matrix.ts';
import type { Logger } from './logger.ts';
import type { Services } from './services.ts';

// What a caller is; src/identity/caller.ts resolves it from the request's credentials.
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

/** The user fields a request carries and the API shows (never the password hash). */
export const userSelect = { id: true, email: true, displayName: true } as const;
/** A membership with the organization's KPI access version (keys the profile cache). */
export const memberSelect = { id: true, organizationId: true, role: true, status: true, organization: { select: { accessVersion: true } } } as const;

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
      enforce(membershipDecision(caller.membership?.status ?? null, user.email, caller.membership?.role ?? null));
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

/**
 * Makes `target` the request's context. `user`, `member` and `db` are lazy and throw the error that
 * says why the caller lacks them; they are defined non-enumerable on the envelop context object
 * itself because envelop merges a context factory's result with Object.assign, which would run
 * every getter at once (and make anonymous operations such as `login` fail).
 */
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

/**
 * The caller's role as it is now, for a context that outlives a request (a subscription's, whose
 * resolvers run at each event): `member` gives it from now on, and the row filters derived from the
 * old role are forgotten.
 */
export function followRole(ctx: Context, role: OrgRole) {
  const state = (ctx as Stateful)[STATE];
  const membership = state.caller.membership;
  if (!membership || membership.role === role) return;
  state.caller.membership = { ...membership, role };
  state.rowRequest = undefined;
  ctx.refreshRowFilters();
}
