// Approval kinds the core's own tests register (buildApp's `approvalKinds`), one per contract
// kind, through the same interface the domains use. Approving renames the organization (an effect
// visible through the API) or, with `fail`, refuses with CONFLICT so the decision must roll back.
// ACCESS_SCOPE models delegated approvers: `payload.delegates` lists who may decide a request.
import type { ApprovalKindHandler, NewApprovalRequest } from '../src/approvals/kinds.ts';
import type { ApprovalRequest } from '../src/db/client.ts';
import { conflict } from '../src/errors.ts';

export interface TestPayload {
  label?: string;
  rename?: string;
  fail?: boolean;
  /** ACCESS_SCOPE only: user ids of delegated approvers. */
  delegates?: string[];
}

const payloadOf = (r: ApprovalRequest): TestPayload => JSON.parse(r.payload);

export function testApprovalKinds(): ApprovalKindHandler[] {
  const make = (kind: ApprovalKindHandler['kind']): ApprovalKindHandler => ({
    kind,
    summarize: (r: NewApprovalRequest) => `${kind} test: ${(r.payload as TestPayload | undefined)?.label ?? 'change'}`,
    async apply(tx, request, decision) {
      const p = payloadOf(request);
      if (p.fail) throw conflict('The target changed since the request was made; nothing was applied.', 'test.stale');
      if (p.rename) await tx.organization.update({ where: { id: request.organizationId }, data: { name: p.rename } });
      await decision.record({ action: 'test.applied', targetType: 'ApprovalRequest', targetId: request.id, metadata: { kind } });
    },
    async close(_tx, request, status, decision) {
      await decision.record({ action: 'test.closed', targetType: 'ApprovalRequest', targetId: request.id, metadata: { kind, status } });
    },
  });
  const scope = make('ACCESS_SCOPE');
  scope.extraDeciders = async (_db, request) => payloadOf(request).delegates ?? [];
  scope.extraInboxWhere = async (db, userId, organizationId) => {
    const any = await db.approvalRequest.count({ where: { organizationId, kind: 'ACCESS_SCOPE', payload: { contains: userId } } });
    return any ? { payload: { contains: `"${userId}"` } } : null;
  };
  return [make('WORKFLOW'), scope, make('PII_CHANGE')];
}

export const request = (kind: ApprovalKindHandler['kind'], payload: TestPayload = {}, justification = 'needed for the quarter'): NewApprovalRequest => ({
  kind,
  justification,
  payload: payload as Record<string, unknown>,
  ...(kind === 'PII_CHANGE' ? { proposedChanges: { email: 'new.address@example.test', phone: '+1 555 0100' }, piiAction: 'UPDATE_PII', targetType: 'Customer', targetId: 'c1' } : {}),
});
