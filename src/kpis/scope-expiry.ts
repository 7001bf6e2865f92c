// Time-bound access: holders are told before a scope ends. A background job (src/jobs/, once per
// interval across instances) finds the scopes ending within SCOPE_EXPIRY_NOTICE_SECONDS that were
// not announced yet; each is claimed by a conditional update of `expiryNotifiedAt`, so it is
// announced once even when two sweeps overlap. The announcement is a SCOPE_EXPIRING event on the
// holder's `myApprovalUpdates`, about the ACCESS_SCOPE request that granted the scope.
import { publishApproval } from '../approvals/core.ts';
import { logApprovalEvent } from '../approvals/event-log.ts';
import { auditedTransaction, systemActor } from '../audit/record.ts';
import type { ApprovalRequest } from '../db/client.ts';
import type { Services } from '../services.ts';
import { EVERY_VALUE } from './input.ts';
import { heldScopeCovers } from './policy.ts';

const BATCH = 500;

/** Announces the scopes about to end; returns how many it claimed. */
export async function announceExpiringScopes(services: Services): Promise<number> {
  const now = services.clock.now();
  const db = services.system;
  const horizon = new Date(now.getTime() + services.config.SCOPE_EXPIRY_NOTICE_SECONDS * 1000);
  const due = await db.accessScope.findMany({
    where: { revokedAt: null, expiryNotifiedAt: null, endsAt: { gt: now, lte: horizon } },
    orderBy: { endsAt: 'asc' },
    take: BATCH,
  });
  let claimed = 0;
  for (const scope of due) {
    const outcome = await auditedTransaction(systemActor(db, services.clock, scope.organizationId), async (tx, record) => {
      const won = await tx.accessScope.updateMany({ where: { id: scope.id, expiryNotifiedAt: null, revokedAt: null }, data: { expiryNotifiedAt: now } });
      if (won.count !== 1) return null;
      // The request that granted it: approval copies the requested window into the scope.
      const granting = await tx.approvalRequest.findFirst({
        where: {
          organizationId: scope.organizationId,
          kind: 'ACCESS_SCOPE',
          status: 'APPROVED',
          requestedById: scope.userId,
          dimensionKey: scope.dimensionKey,
          scopeValue: scope.value,
          startsAt: scope.startsAt,
          endsAt: scope.endsAt,
        },
        orderBy: { decidedAt: 'desc' },
      });
      // Already extended (another scope of theirs carries on past this end): nothing is lost, nothing to tell.
      const others = await tx.accessScope.findMany({
        where: { organizationId: scope.organizationId, userId: scope.userId, dimensionKey: scope.dimensionKey, value: { in: [scope.value, EVERY_VALUE] }, revokedAt: null, id: { not: scope.id } },
      });
      const end = scope.endsAt!;
      const extended = others.some((o) => heldScopeCovers(o, { startsAt: end, endsAt: new Date(end.getTime() + 1) }, now));
      await record({
        action: 'scope.expiry-notice',
        targetType: 'AccessScope',
        targetId: scope.id,
        metadata: { dimension: scope.dimensionKey, value: scope.value, endsAt: end, viaRequest: granting?.id ?? null, extended },
      });
      if (extended || !granting) return { announce: null } as { announce: ApprovalRequest | null };
      await logApprovalEvent(tx, now, 'SCOPE_EXPIRING', granting);
      return { announce: granting } as { announce: ApprovalRequest | null };
    });
    if (!outcome) continue;
    claimed++;
    if (outcome.announce) publishApproval(services, 'SCOPE_EXPIRING', outcome.announce);
  }
  return claimed;
}
