// The approvals topic's payloads: what crosses pub/sub (in memory or Redis) and what a
// subscription hands to its resolver. Types and pure conversions only.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { ApprovalRequest } from '../db/client.ts';

/** SCOPE_EXPIRING: the scope an ACCESS_SCOPE request granted ends soon (to its requester only, once). */
/** APPROVAL_PROGRESS: an approval was recorded and the request still needs more (quorum). */
export type ApprovalEventType = 'REQUESTED' | 'APPROVAL_PROGRESS' | 'APPROVED' | 'REJECTED' | 'CANCELLED' | 'EXPIRED' | 'SCOPE_EXPIRING';

/** A request as published: no proposed values, no payload; dates as ISO text (it may cross Redis). */
export type PublishedRequest = Omit<ApprovalRequest, 'proposedChanges' | 'payload' | 'createdAt' | 'decidedAt' | 'startsAt' | 'endsAt'> & {
  createdAt: string;
  decidedAt: string | null;
  startsAt: string | null;
  endsAt: string | null;
};

export interface ApprovalMessage {
  type: ApprovalEventType;
  /** The event's position in its organization's log (event-log.ts): what its cursor encodes. */
  position: number;
  at: string;
  request: PublishedRequest;
}

declare module '../pubsub.ts' {
  interface Topics {
    'approval:event': [organizationId: string, payload: ApprovalMessage];
  }
}

/** What approvalEvents and myApprovalUpdates hand to their resolver. */
export interface ApprovalEventShape {
  type: ApprovalEventType;
  at: Date;
  /** Where the event stands in its organization's log; `after:` resumes from it. */
  cursor: string;
  request: ApprovalRequest;
}

export const requestGlobalId = (id: string) => encodeGlobalID('ApprovalRequest', id);

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function published(request: ApprovalRequest): PublishedRequest {
  const { proposedChanges: _p, payload: _q, ...rest } = request;
  return { ...rest, createdAt: request.createdAt.toISOString(), decidedAt: iso(request.decidedAt), startsAt: iso(request.startsAt), endsAt: iso(request.endsAt) };
}

/** A published request back as the row shape the GraphQL type reads. */
export const revive = (r: PublishedRequest): ApprovalRequest => ({
  ...r,
  createdAt: new Date(r.createdAt),
  decidedAt: r.decidedAt ? new Date(r.decidedAt) : null,
  startsAt: r.startsAt ? new Date(r.startsAt) : null,
  endsAt: r.endsAt ? new Date(r.endsAt) : null,
  proposedChanges: null,
  payload: '{}',
});
