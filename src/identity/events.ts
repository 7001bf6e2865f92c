// Identity's topics and their payloads: what other domains hear of members and sessions. Approvals
// listens to membership changes (its live subscriptions re-check rights); identity names no listener.
import { randomUUID } from 'node:crypto';
import type { Services } from '../services.ts';

/** A member's role or status changed: their live subscriptions re-check what they may receive. */
export interface MembershipChange {
  type: 'MEMBERSHIP';
  id: string;
  at: string;
  userId: string;
}

declare module '../pubsub.ts' {
  interface Topics {
    'membership:event': [organizationId: string, payload: MembershipChange];
    /** A session ended by logout: every instance closes the graphql-ws sockets opened with it. */
    'session:revoked': [payload: { jti: string }];
  }
}

/** Tells live subscriptions of `userId` to re-check their rights (role or status changed), after the change committed. */
export function publishMembershipChange(services: Services, organizationId: string, userId: string) {
  services.pubsub.publish('membership:event', organizationId, { type: 'MEMBERSHIP', id: randomUUID(), at: services.clock.now().toISOString(), userId });
}
