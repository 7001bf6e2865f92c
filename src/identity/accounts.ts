// Identity flows: login, invites, organizations and member administration. The flows that span
// organizations by nature (login, accepting an invite, creating an organization, finding an
// invitee's account) use the system client, writing organizationId explicitly; everything else
// runs through the caller's tenant-scoped client.
import { randomBytes } from 'node:crypto';
import { publishMembershipChange } from '../approvals/core.ts';
import { auditedTransaction, callerActor } from '../audit/record.ts';
import { openAuditChain } from '../audit/chain.ts';
import type { OrgRole } from '../authz/matrix.ts';
import type { Context } from '../context.ts';
import type { Tx } from '../db/client.ts';
import { AppError, ErrorCode, badInput, conflict, forbidden, notFound, rateLimited } from '../errors.ts';
import { burnPasswordCheck, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { inviteRefusal, roleChangeRefusal, statusChangeRefusal, type MemberFacts } from './policy.ts';
import { clearFailures, lockedFor, recordFailure } from './throttle.ts';
import { hashOneTimeToken, newOneTimeToken, signSessionToken } from './tokens.ts';

const INVITE_TTL_MS = 7 * 24 * 3600_000;
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;

export function normalizeEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!EMAIL.test(e) || e.length > 254) throw badInput(`"${email.slice(0, 80)}" is not an email address.`);
  return e;
}

export async function login(ctx: Context, rawEmail: string, password: string) {
  const { system, keys } = ctx.services;
  const email = rawEmail.trim().toLowerCase();
  const wait = await lockedFor(system, email);
  if (wait > 0)
    throw rateLimited(`Too many failed logins for this email. Try again in ${wait} seconds, or reset the password with an admin.`, wait);
  const user = await system.user.findUnique({ where: { email } });
  const ok = user?.passwordHash ? await verifyPassword(password, user.passwordHash) : (await burnPasswordCheck(password), false);
  if (!user || !ok) {
    await recordFailure(system, email);
    await auditedTransaction(callerActor(ctx, system), (_tx, record) =>
      record({ organizationId: null, action: 'auth.login.failed', targetType: 'User', targetId: user?.id ?? null, metadata: { email } }),
    );
    throw new AppError(ErrorCode.UNAUTHENTICATED, 'Wrong email or password. After 5 failures in a row the email is locked for a while.');
  }
  await clearFailures(system, email);
  await auditedTransaction(callerActor(ctx, system), (_tx, record) =>
    record({ organizationId: null, action: 'auth.login', targetType: 'User', targetId: user.id, metadata: { email } }),
  );
  return { token: await signSessionToken(keys, user.id), user };
}

export async function acceptInvite(ctx: Context, token: string, password: string, displayName?: string | null) {
  const { system, keys } = ctx.services;
  const invite = await system.invite.findUnique({ where: { tokenHash: hashOneTimeToken(token) } });
  if (!invite || invite.acceptedAt || invite.revokedAt || invite.expiresAt <= new Date())
    throw badInput('This invite token is unknown, used, revoked or expired. Ask for a new invite.');
  const user = await system.user.findUniqueOrThrow({ where: { email: invite.email } });
  if (user.passwordHash) {
    // An existing account joins with its own password: an invite token never resets a password.
    if (!(await verifyPassword(password, user.passwordHash)))
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'This email already has an account: accept the invite with that account\'s current password.');
  } else {
    const problem = passwordProblem(password);
    if (problem) throw badInput(problem);
  }
  const passwordHash = user.passwordHash ? null : await hashPassword(password);
  const name = displayName?.trim();
  if (name !== undefined && (name.length === 0 || name.length > 120)) throw badInput('A display name has 1 to 120 characters.');
  await auditedTransaction(callerActor(ctx, system), async (tx, record) => {
    // Single use: only the first concurrent acceptance flips acceptedAt.
    const claimed = await tx.invite.updateMany({ where: { id: invite.id, acceptedAt: null, revokedAt: null }, data: { acceptedAt: new Date() } });
    if (claimed.count !== 1) throw badInput('This invite token has just been used.');
    await tx.user.update({
      where: { id: user.id },
      data: { ...(passwordHash ? { passwordHash } : {}), ...(name ? { displayName: name } : {}) },
    });
    const membership = await tx.membership.update({
      where: { organizationId_userId: { organizationId: invite.organizationId, userId: user.id } },
      data: { status: 'ACTIVE', role: invite.role },
    });
    await record({
      organizationId: invite.organizationId,
      action: 'member.invite.accept',
      targetType: 'Membership',
      targetId: membership.id,
      metadata: { email: user.email, role: invite.role, inviteId: invite.id },
    });
  });
  ctx.caller.user = { id: user.id, email: user.email, displayName: name ?? user.displayName };
  return { token: await signSessionToken(keys, user.id), user: await system.user.findUniqueOrThrow({ where: { id: user.id } }) };
}

function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return base || 'org';
}

export async function createOrganization(ctx: Context, rawName: string) {
  const user = ctx.user;
  const name = rawName.trim();
  if (name.length < 1 || name.length > 120) throw badInput('An organization name has 1 to 120 characters.');
  const { system } = ctx.services;
  let slug = slugify(name);
  if (await system.organization.findUnique({ where: { slug } })) slug = `${slug}-${randomBytes(3).toString('hex')}`;
  return auditedTransaction(callerActor(ctx, system), async (tx, record) => {
    const organization = await tx.organization.create({ data: { name, slug } });
    await openAuditChain(tx, organization.id);
    const membership = await tx.membership.create({
      data: { organizationId: organization.id, userId: user.id, role: 'OWNER', status: 'ACTIVE' },
    });
    await record({
      organizationId: organization.id,
      action: 'organization.create',
      targetType: 'Organization',
      targetId: organization.id,
      metadata: { name, slug, ownerMembershipId: membership.id },
    });
    return organization;
  });
}

export interface InviteResult {
  id: string;
  email: string;
  role: OrgRole;
  expiresAt: Date;
  token: string;
}

export async function inviteMember(ctx: Context, rawEmail: string, role: OrgRole): Promise<InviteResult> {
  const member = ctx.member;
  const refusal = inviteRefusal(member.role, role);
  if (refusal) throw forbidden(refusal.message, refusal.rule);
  const email = normalizeEmail(rawEmail);
  const { system, config } = ctx.services;
  const { token, hash } = newOneTimeToken();
  const expiresAt = new Date(Date.now() + INVITE_TTL_MS);
  const organizationId = member.organizationId;

  const invite = await auditedTransaction(callerActor(ctx, system), async (tx, record) => {
    // The invitee's account is global (they may belong to other organizations): looked up by email.
    const user = await tx.user.upsert({ where: { email }, create: { email }, update: {} });
    const existing = await tx.membership.findUnique({ where: { organizationId_userId: { organizationId, userId: user.id } } });
    if (existing && existing.status !== 'INVITED')
      throw conflict(`${email} is already a member here (${existing.status}). Change their role or status instead.`, 'members.invite.exists');
    if (existing) await tx.membership.update({ where: { id: existing.id }, data: { role } });
    else await tx.membership.create({ data: { organizationId, userId: user.id, role, status: 'INVITED' } });
    // A new invite replaces any earlier one for the same person.
    await tx.invite.updateMany({ where: { organizationId, email, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
    const invite = await tx.invite.create({
      data: { organizationId, email, role, tokenHash: hash, invitedById: ctx.user.id, expiresAt },
    });
    await record({ action: 'member.invite', targetType: 'Invite', targetId: invite.id, metadata: { email, role } });
    return invite;
  });
  const organization = await system.organization.findUniqueOrThrow({ where: { id: organizationId } });
  const base = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}`;
  await ctx.services.mailer.sendInvite({
    to: email,
    organizationName: organization.name,
    acceptUrl: `${base}/graphql#acceptInvite?token=${token}`,
    expiresAt,
  });
  return { id: invite.id, email, role, expiresAt, token };
}

async function loadTarget(tx: Tx, userId: string) {
  // `tx` is tenant-scoped: a user of another organization is simply not found.
  const target = await tx.membership.findFirst({ where: { userId }, include: { user: true } });
  if (!target) throw notFound('member', userId);
  return target;
}

const activeOwners = (tx: Tx) => tx.membership.count({ where: { role: 'OWNER', status: 'ACTIVE' } });

const factsOf = (m: { userId: string; role: OrgRole; status: MemberFacts['status'] }): MemberFacts => ({
  userId: m.userId,
  role: m.role,
  status: m.status,
});

export async function updateMemberRole(ctx: Context, userId: string, role: OrgRole) {
  const actor = ctx.member;
  const updated = await auditedTransaction(callerActor(ctx), async (tx, record) => {
    const target = await loadTarget(tx, userId);
    const refusal = roleChangeRefusal(factsOf({ ...actor, userId: ctx.user.id }), factsOf(target), role, await activeOwners(tx));
    if (refusal) throw forbidden(refusal.message, refusal.rule);
    if (target.role === role) return target;
    const updated = await tx.membership.update({ where: { id: target.id }, data: { role } });
    await record({
      action: 'member.role.update',
      targetType: 'Membership',
      targetId: target.id,
      metadata: { email: target.user.email, from: target.role, to: role },
    });
    return updated;
  });
  // Live subscriptions of that member re-check what they may still receive.
  publishMembershipChange(ctx.services, updated.organizationId, updated.userId);
  return updated;
}

export async function setMemberStatus(ctx: Context, userId: string, status: MemberFacts['status']) {
  const actor = ctx.member;
  if (status === 'INVITED') throw badInput('A status can be set to ACTIVE or DISABLED; INVITED is set by `inviteMember`.');
  const updated = await auditedTransaction(callerActor(ctx), async (tx, record) => {
    const target = await loadTarget(tx, userId);
    const refusal = statusChangeRefusal(factsOf({ ...actor, userId: ctx.user.id }), factsOf(target), status, await activeOwners(tx));
    if (refusal) throw forbidden(refusal.message, refusal.rule);
    if (target.status === 'INVITED' && status === 'ACTIVE')
      throw badInput(`${target.user.email} has not accepted the invite yet; only they can activate the membership.`);
    if (target.status === status) return target;
    const updated = await tx.membership.update({ where: { id: target.id }, data: { status } });
    if (status === 'DISABLED')
      await tx.invite.updateMany({ where: { email: target.user.email, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
    await record({
      action: status === 'DISABLED' ? 'member.disable' : 'member.enable',
      targetType: 'Membership',
      targetId: target.id,
      metadata: { email: target.user.email, from: target.status, to: status },
    });
    return updated;
  });
  publishMembershipChange(ctx.services, updated.organizationId, updated.userId);
  return updated;
}
