// One typed pub/sub for the process: in memory by default, through Redis when REDIS_URL is set,
// so events raised on one instance reach subscribers on every instance.
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import { setMaxListeners } from 'node:events';

/**
 * Topics and their payloads. Each domain declares its own in its events.ts, by augmenting this
 * interface (`declare module '../pubsub.ts' { interface Topics { ... } }`): pub/sub names no domain,
 * and the domains build on it.
 */
export interface Topics {
  'org:event': [organizationId: string, payload: { type: string; id: string }];
}

/** The topics as the object type createPubSub takes (an interface is not assignable to its index signature). */
type TopicArgs = { [Topic in keyof Topics]: Topics[Topic] };

export type PubSub = ReturnType<typeof createPubSub<TopicArgs>>;

export interface PubSubHandle {
  pubsub: PubSub;
  close(): Promise<void>;
}

export function openPubSub(redisUrl?: string): PubSubHandle {
  if (!redisUrl) {
    // One listener per live subscription is by design: lift Node's leak warning threshold (10).
    const eventTarget = new EventTarget();
    setMaxListeners(0, eventTarget);
    return { pubsub: createPubSub<TopicArgs>({ eventTarget }), close: async () => {} };
  }
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    pubsub: createPubSub<TopicArgs>({ eventTarget }),
    async close() {
      // A client still connecting has nothing to flush, and quit() on it rejects unhandled later.
      const end = (client: Redis) => (client.status === 'ready' ? client.quit() : Promise.resolve(client.disconnect()));
      await Promise.allSettled([end(publishClient), end(subscribeClient)]);
    },
  };
}
