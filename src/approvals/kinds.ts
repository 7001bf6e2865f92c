// The one interface through which a domain plugs a request kind into the approvals core.
// The core owns the request's life (raise, decide once, cancel, expire, audit, events); a kind says
// who besides the matrix's roles may decide, what approval does, and how to summarise a request.
import type { RecordEvent } from '../audit/chain.ts';
import type { ApprovalKind, ApprovalRequest, Db, Prisma, Tx } from '../db/client.ts';
import type { ApprovalEventType } from './events.ts';

export type { ApprovalKind };
export const APPROVAL_KINDS = ['WORKFLOW', 'ACCESS_SCOPE', 'PII_CHANGE'] as const satisfies readonly ApprovalKind[];

/** What a domain passes to open a request; the core adds organization, requester and status. */
export interface NewApprovalRequest {
  kind: ApprovalKind;
  justification?: string | null;
  workflowId?: string | null;
  dimensionKey?: string | null;
  scopeValue?: string | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
  piiAction?: 'UPDATE_PII' | 'SOFT_DELETE' | 'HARD_DELETE' | null;
  targetType?: string | null;
  targetId?: string | null;
  /** May hold PII: shown to OWNER and the requester only, never audited or published. */
  proposedChanges?: unknown;
  /** PII-free data the kind needs to apply the request. */
  payload?: Record<string, unknown>;
}

export interface DecisionContext {
  /** The decider, or null when the system closes a request (expiry). */
  actorId: string | null;
  /** The moment of the decision (the services' clock), for the rows its effects stamp. */
  at: Date;
  /** Appends an audit event in the decision's transaction. */
  record: RecordEvent;
  /** Runs `effect` once the decision has committed (publishing events of side effects). */
  afterCommit(effect: () => void): void;
  /** Publishes an event about another request (e.g. one the effect withdrew); only call it from `afterCommit`. */
  publish(type: ApprovalEventType, request: ApprovalRequest): void;
}

export interface ApprovalKindHandler {
  kind: ApprovalKind;
  /** One line a person can read, with no PII in it (it goes into events and audit metadata). */
  summarize(request: NewApprovalRequest): string;
  /**
   * Users who may decide this request although the matrix's cell for their role is `limited`
   * (delegated approvers). Only consulted for such roles.
   */
  extraDeciders?(db: Db | Tx, request: ApprovalRequest): Promise<readonly string[]>;
  /**
   * The requests of this kind `userId` may decide through `extraDeciders`, as a filter on
   * ApprovalRequest; null when there are none (then a `limited` role decides nothing of this kind).
   */
  extraInboxWhere?(db: Db | Tx, userId: string, organizationId: string): Promise<Prisma.ApprovalRequestWhereInput | null>;
  /**
   * Applies an approved request inside the decision's transaction: if it throws, the decision is
   * not taken. Throw an AppError (e.g. CONFLICT when the target changed) to say why.
   */
  apply(tx: Tx, request: ApprovalRequest, decision: DecisionContext): Promise<void>;
  /** Reacts to a rejection, cancellation or expiry in the same transaction (optional). */
  close?(tx: Tx, request: ApprovalRequest, status: 'REJECTED' | 'CANCELLED' | 'EXPIRED', decision: DecisionContext): Promise<void>;
}

export type ApprovalKinds = ReadonlyMap<ApprovalKind, ApprovalKindHandler>;

declare module '../services.ts' {
  interface Services {
    /** The approval kinds the domains (or a test) registered, by the wiring. */
    approvals: ApprovalKinds;
  }
}

export function kindRegistry(handlers: readonly ApprovalKindHandler[]): ApprovalKinds {
  const map = new Map<ApprovalKind, ApprovalKindHandler>();
  for (const h of handlers) {
    if (map.has(h.kind)) throw new Error(`two handlers for approval kind ${h.kind}`);
    map.set(h.kind, h);
  }
  return map;
}
