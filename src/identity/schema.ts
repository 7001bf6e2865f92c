// GraphQL types, queries and mutations of identity and organizations.
import { AuditEventRef } from '../audit/schema.ts';
import { ORG_ROLES, type OrgRole } from '../authz/matrix.ts';
import { userSelect } from '../context.ts';
import { builder } from '../builder.ts';
import type { Membership, Organization, User } from '../db/client.ts';
import { recordById, required } from '../loaders.ts';
import { connectionOf, pageArgs } from '../pagination.ts';
import * as invites from './invites.ts';
import { login, logout } from './login.ts';
import * as members from './members.ts';
import { createOrganization } from './organizations.ts';

export const OrgRoleEnum = builder.enumType('OrgRole', { values: [...ORG_ROLES].reverse() });
export const MembershipStatusEnum = builder.enumType('MembershipStatus', { values: ['INVITED', 'ACTIVE', 'DISABLED'] as const });

type UserShape = Pick<User, 'id' | 'email' | 'displayName'>;

export const UserRef = builder.node(builder.objectRef<UserShape>('User'), {
  id: { resolve: (u) => u.id },
  // No type-level scope: a User is only reached through fields that are themselves guarded
  // (me, members, audit actors) or the login payload of the caller themself. By id (`node`): the
  // members of the caller's organization whose profile the identity policy lets them see.
  loadMany: (ids, ctx) => members.profilesByIds(ctx, ids),
  fields: (t) => ({
    email: t.exposeString('email'),
    displayName: t.exposeString('displayName', {
      nullable: true,
      description: 'Null when not set, and where the caller may not read their profile (another member, for VIEWER and EDITOR; an invitee).',
    }),
  }),
});

// On audit's type, added from here: audit sits below identity (identity's changes are audited).
builder.objectField(AuditEventRef, 'actor', (t) =>
  t.field({
    type: UserRef,
    nullable: true,
    description: 'Null for the system (expiry, deadlines, schedules) and for attempts by no one signed in.',
    resolve: (e, _args, ctx) => members.referencedUser(ctx, e.actorId),
  }),
);

export const OrganizationRef = builder.node(builder.objectRef<Organization>('Organization'), {
  id: { resolve: (o) => o.id },
  authScopes: { authenticated: true },
  loadMany: (ids, ctx) => ctx.db.organization.findMany({ where: { id: { in: ids } } }),
  fields: (t) => ({
    name: t.exposeString('name'),
    slug: t.exposeString('slug'),
  }),
});

type MembershipShape = Membership & { user?: UserShape; organization?: Organization };

export const MembershipRef = builder.node(builder.objectRef<MembershipShape>('Membership'), {
  id: { resolve: (m) => m.id },
  authScopes: { authenticated: true },
  loadMany: (ids, ctx) => members.membershipsByIds(ctx, ids),
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (m, _args, ctx) => members.membershipUser(ctx, m) }),
    organization: t.field({
      type: OrganizationRef,
      resolve: (m, _args, ctx) => m.organization ?? required(recordById.organization(ctx).load(m.organizationId), `organization ${m.organizationId}`),
    }),
    role: t.field({ type: OrgRoleEnum, resolve: (m) => m.role }),
    status: t.field({ type: MembershipStatusEnum, resolve: (m) => m.status }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const MembershipConnection = connectionOf(MembershipRef, 'Membership');

const ViewerRef = builder.objectRef<{ user: UserShape; organizationId: string | null; role: OrgRole | null }>('Viewer').implement({
  description: 'The caller, in the organization that this request acts in.',
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (v) => v.user }),
    organization: t.field({
      type: OrganizationRef,
      nullable: true,
      description: 'Null while the caller has not chosen one of several organizations, or has none.',
      resolve: (v, _args, ctx) => (v.organizationId ? ctx.db.organization.findUnique({ where: { id: v.organizationId } }) : null),
    }),
    role: t.field({ type: OrgRoleEnum, nullable: true, description: 'Their role in `organization`; null with it.', resolve: (v) => v.role }),
    memberships: t.field({
      type: [MembershipRef],
      description: "The caller's own memberships in every organization, whatever their status.",
      // The caller's own rows across organizations: the one read that is not tenant-scoped by design.
      resolve: (v, _args, ctx) =>
        ctx.services.system.membership.findMany({
          where: { userId: v.user.id },
          include: { organization: true, user: { select: userSelect } },
          orderBy: { createdAt: 'asc' },
        }),
    }),
  }),
});

const AuthPayloadRef = builder.objectRef<{ token: string; expiresAt: Date; user: UserShape }>('AuthPayload').implement({
  fields: (t) => ({
    token: t.exposeString('token', { description: 'A bearer token for the Authorization header and for graphql-ws connectionParams.' }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      nullable: false,
      description: 'When the token stops being accepted (JWT_TTL_SECONDS after login); log in again before, or after `logout`.',
    }),
    user: t.field({ type: UserRef, resolve: (p) => p.user }),
  }),
});

const InviteRef = builder.node(builder.objectRef<invites.InviteResult>('Invite'), {
  id: { resolve: (i) => i.id },
  authScopes: { member: true },
  fields: (t) => ({
    email: t.exposeString('email'),
    role: t.field({ type: OrgRoleEnum, resolve: (i) => i.role }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    token: t.exposeString('token', {
      description: 'The one-time secret for acceptInvite; returned only to the inviter, in the payload of inviteMember.',
    }),
  }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: ViewerRef,
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => members.viewerOf(ctx),
  }),
  organization: t.field({
    type: OrganizationRef,
    authScopes: { can: 'organization.read' },
    resolve: (_root, _args, ctx) => ctx.db.organization.findUniqueOrThrow({ where: { id: ctx.member.organizationId } }),
  }),
  members: t.field({
    type: MembershipConnection,
    description: 'The members of the organization: all of them for ADMIN and OWNER, their own membership for VIEWER and EDITOR.',
    authScopes: { can: 'members.read' },
    args: pageArgs,
    resolve: (_root, args, ctx) => members.memberPage(ctx, args),
  }),
}));

builder.mutationFields((t) => ({
  login: t.field({
    type: AuthPayloadRef,
    args: { email: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => login(ctx, args.email, args.password),
  }),
  logout: t.boolean({
    description:
      'Ends the session of the token this request presents: from the next request on it is refused on every instance, and graphql-ws sockets opened with it are closed. Returns true.',
    nullable: false,
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => logout(ctx),
  }),
  acceptInvite: t.field({
    type: AuthPayloadRef,
    args: {
      token: t.arg.string({ required: true }),
      password: t.arg.string({ required: true }),
      displayName: t.arg.string(),
    },
    resolve: (_root, args, ctx) => invites.acceptInvite(ctx, args.token, args.password, args.displayName),
  }),
  createOrganization: t.field({
    type: OrganizationRef,
    authScopes: { authenticated: true },
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => createOrganization(ctx, args.name),
  }),
  inviteMember: t.field({
    type: InviteRef,
    authScopes: { can: 'members.invite' },
    args: { email: t.arg.string({ required: true }), role: t.arg({ type: OrgRoleEnum, required: true }) },
    resolve: (_root, args, ctx) => invites.inviteMember(ctx, args.email, args.role),
  }),
  updateMemberRole: t.field({
    type: MembershipRef,
    authScopes: { can: 'members.setRole' },
    args: { userId: t.arg.globalID({ required: true, for: UserRef }), role: t.arg({ type: OrgRoleEnum, required: true }) },
    resolve: (_root, args, ctx) => members.updateMemberRole(ctx, args.userId.id, args.role),
  }),
  setMemberStatus: t.field({
    type: MembershipRef,
    authScopes: { can: 'members.setStatus' },
    args: {
      userId: t.arg.globalID({ required: true, for: UserRef }),
      status: t.arg({ type: MembershipStatusEnum, required: true }),
    },
    resolve: (_root, args, ctx) => members.setMemberStatus(ctx, args.userId.id, args.status),
  }),
}));
