// Creating an organization: any signed-in user, who becomes its first OWNER.
import { randomBytes } from 'node:crypto';
import { openAuditChain } from '../audit/chain.ts';
import { auditedTransaction, callerActor } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { badInput } from '../errors.ts';
import { assertWithinLimits } from './limits.ts';

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
  assertWithinLimits({ name: [rawName, 'organizationName'] });
  const user = ctx.user;
  const name = rawName.trim();
  if (!name) throw badInput('An organization name needs at least one character besides spaces.');
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
