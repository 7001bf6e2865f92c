// One typed pub/sub for the process: in memory by default, through Redis when REDIS_URL is set,
// so events raised on one instance reach subscribers on every instance.
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import { setMaxListeners } from 'node:events';
import type { ApprovalMessage } from './approvals/events.ts';
import type { ReviewMessage } from './reviews/events.ts';

/** Topics and their payloads. Later features add theirs here. */
export type Topics = {
  'org:event': [organizationId: string, payload: { type: string; id: string }];
  'approval:event': [organizationId: string, payload: ApprovalMessage];
  /** A session ended by logout: every instance closes the graphql-ws sockets opened with it. */
  'session:revoked': [payload: { jti: string }];
  'review:event': [organizationId: string, payload: ReviewMessage];
};

export type PubSub = ReturnType<typeof createPubSub<Topics>>;

export interface PubSubHandle {
  pubsub: PubSub;
  close(): Promise<void>;
}

export function openPubSub(redisUrl?: string): PubSubHandle {
  if (!redisUrl) {
    // One listener per live subscription is by design: lift Node's leak warning threshold (10).
    const eventTarget = new EventTarget();
    setMaxListeners(0, eventTarget);
    return { pubsub: createPubSub<Topics>({ eventTarget }), close: async () => {} };
  }
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    pubsub: createPubSub<Topics>({ eventTarget }),
    async close() {
      // A client still connecting has nothing to flush, and quit() on it rejects unhandled later.
      const end = (client: Redis) => (client.status === 'ready' ? client.quit() : Promise.resolve(client.disconnect()));
      await Promise.allSettled([end(publishClient), end(subscribeClient)]);
    },
  };
}
