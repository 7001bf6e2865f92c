// Serialising check-then-act work across instances. SQLite has one writer at a time; on PostgreSQL
// a transaction that reads a count and then acts on it (last active owner, one pending request per
// subject) must first take a row lock that every such transaction of the organization takes too.
import type { Tx } from './client.ts';

/**
 * Locks the organization's row until the transaction ends (an UPDATE through Prisma, so it works
 * through the tenant-scoped client on both databases). Call it first in the transaction: a
 * concurrent one waits here and, on PostgreSQL's READ COMMITTED, its later reads see what the
 * first committed.
 */
export async function lockOrganization(tx: Tx, organizationId: string): Promise<void> {
  await tx.organization.update({ where: { id: organizationId }, data: { lockVersion: { increment: 1 } }, select: { id: true } });
}
