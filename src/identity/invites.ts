// Invitations: an ADMIN or OWNER invites by email, the invitee accepts with the one-time token. The
// invitee's account is global (they may belong to other organizations), so these flows use the
// system client and write organizationId explicitly.
import { auditedTransaction, callerActor } from '../audit/record.ts';
import { enforce } from '../authz/decision.ts';
import type { OrgRole } from '../authz/matrix.ts';
import type { Context } from '../context.ts';
import { AppError, ErrorCode, badInput, conflict } from '../errors.ts';
import { assertWithinLimits, INPUT_LIMITS } from './limits.ts';
import { checkPassword } from './login.ts';
import { hashPassword, passwordProblem } from './passwords.ts';
import { claimAccountDecision, inviteDecision, reinviteDecision } from './policy.ts';
import { hashOneTimeToken, newOneTimeToken, signSessionToken } from './tokens.ts';

const INVITE_TTL_MS = 7 * 24 * 3600_000;
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;

export function normalizeEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!EMAIL.test(e)) throw badInput(`"${email.slice(0, 80)}" is not an email address.`);
  return e;
}

export interface InviteResult {
  id: string;
  email: string;
  role: OrgRole;
  expiresAt: Date;
  token: string;
}

export async function inviteMember(ctx: Context, rawEmail: string, role: OrgRole): Promise<InviteResult> {
  assertWithinLimits({ email: [rawEmail, 'email'] });
  const member = ctx.member;
  enforce(inviteDecision(member.role, role));
  const email = normalizeEmail(rawEmail);
  const { system, config } = ctx.services;
  const { token, hash } = newOneTimeToken();
  const now = ctx.services.clock.now();
  const expiresAt = new Date(now.getTime() + INVITE_TTL_MS);
  const organizationId = member.organizationId;

  const invite = await auditedTransaction(callerActor(ctx, system), async (tx, record) => {
    // The invitee's account is global (they may belong to other organizations): looked up by email.
    const user = await tx.user.upsert({ where: { email }, create: { email }, update: {} });
    const existing = await tx.membership.findUnique({ where: { organizationId_userId: { organizationId, userId: user.id } } });
    if (existing && existing.status !== 'INVITED')
      throw conflict(`${email} is already a member here (${existing.status}). Change their role or status instead.`, 'members.invite.exists');
    if (existing) {
      enforce(reinviteDecision(member.role, existing.role, role));
      await tx.membership.update({ where: { id: existing.id }, data: { role } });
    }
    else await tx.membership.create({ data: { organizationId, userId: user.id, role, status: 'INVITED' } });
    // A new invite replaces any earlier one for the same person.
    await tx.invite.updateMany({ where: { organizationId, email, acceptedAt: null, revokedAt: null }, data: { revokedAt: now } });
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

export async function acceptInvite(ctx: Context, token: string, password: string, displayName?: string | null) {
  assertWithinLimits({ token: [token, 'inviteToken'], password: [password, 'password'], displayName: [displayName, 'displayName'] });
  const name = displayName?.trim();
  if (name === '') throw badInput(`A display name has 1 to ${INPUT_LIMITS.displayName} characters besides spaces.`);
  const { system, keys, clock } = ctx.services;
  const now = clock.now();
  const invite = await system.invite.findUnique({ where: { tokenHash: hashOneTimeToken(token) } });
  if (!invite || invite.acceptedAt || invite.revokedAt || invite.expiresAt <= now)
    throw badInput('This invite token is unknown, used, revoked or expired. Ask for a new invite.');
  const user = await system.user.findUniqueOrThrow({ where: { email: invite.email } });
  if (user.passwordHash) {
    // An existing account joins with its own password: an invite token never resets a password.
    if (!(await checkPassword(ctx, user.email, user.passwordHash, password)))
      throw new AppError(ErrorCode.UNAUTHENTICATED, "This email already has an account: accept the invite with that account's current password.");
  } else {
    const problem = passwordProblem(password);
    if (problem) throw badInput(problem);
    const earliest = await system.invite.findFirst({
      where: { email: invite.email, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true },
    });
    enforce(claimAccountDecision(invite.id, earliest?.id ?? null));
  }
  const passwordHash = user.passwordHash ? null : await hashPassword(password, ctx.services.config.PASSWORD_HASH_COST);
  await auditedTransaction(callerActor(ctx, system), async (tx, record) => {
    // Single use: only the first concurrent acceptance flips acceptedAt.
    const claimed = await tx.invite.updateMany({ where: { id: invite.id, acceptedAt: null, revokedAt: null }, data: { acceptedAt: now } });
    if (claimed.count !== 1) throw badInput('This invite token has just been used.');
    // The first password is set once: of two invitations accepted at the same moment, one claims the account.
    if (passwordHash) {
      const set = await tx.user.updateMany({ where: { id: user.id, passwordHash: null }, data: { passwordHash } });
      if (set.count !== 1) throw conflict('This account was claimed a moment ago; accept the invitation with its password.', 'invites.claim-account');
    }
    if (name) await tx.user.update({ where: { id: user.id }, data: { displayName: name } });
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
  const session = await signSessionToken(keys, user.id, now);
  return { token: session.token, expiresAt: session.expiresAt, user: await system.user.findUniqueOrThrow({ where: { id: user.id } }) };
}
