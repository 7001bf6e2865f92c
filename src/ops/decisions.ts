// Approval decisions, observed where every one of them takes effect: the kind's `apply` (approved)
// or `close` (rejected, cancelled, expired), inside the decision's transaction. Each gets a span
// (its SQL statements nest under it) and, once the transaction has committed, a count.
import type { ApprovalKindHandler } from '../approvals/kinds.ts';
import type { Metrics } from './metrics.ts';
import type { Tracing } from './tracing.ts';

export function observedKinds(handlers: readonly ApprovalKindHandler[], tracing: Tracing, metrics: Pick<Metrics, 'decided'>): ApprovalKindHandler[] {
  return handlers.map((handler) => ({
    ...handler,
    apply: (tx, request, decision) =>
      tracing.span('approval.decision', { 'approval.kind': request.kind, 'approval.status': 'APPROVED', 'approval.request_id': request.id }, async () => {
        await handler.apply(tx, request, decision);
        decision.afterCommit(() => metrics.decided(request.kind, 'APPROVED'));
      }),
    close: (tx, request, status, decision) =>
      tracing.span('approval.decision', { 'approval.kind': request.kind, 'approval.status': status, 'approval.request_id': request.id }, async () => {
        await handler.close?.(tx, request, status, decision);
        decision.afterCommit(() => metrics.decided(request.kind, status));
      }),
  }));
}
