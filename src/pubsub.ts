// One typed pub/sub for the process: in memory by default, through Redis when REDIS_URL is set,
// so events raised on one instance reach subscribers on every instance.
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import { setMaxListeners } from 'node:events';
import { oncePerInterval, serviceAddress, type Logger } from './logger.ts';

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

/** Cross-instance delivery: in-process (no REDIS_URL), through Redis, or degraded while Redis is unreachable. */
export type Delivery = 'in-process' | 'redis' | 'degraded';

export interface PubSubHandle {
  pubsub: PubSub;
  /** How events reach other instances now (for /ready and /metrics). */
  delivery(): Delivery;
  /** Publishes that Redis could not take (lost for other instances), since start. */
  failedPublishes(): number;
  /**
   * Calls the listener each time the subscriber connection to Redis is (back) up: what other
   * instances published while it was down never arrived. `subscribed` resolves once its channels
   * are subscribed again. Null in process (nothing is ever lost). Returns the remover.
   */
  onReconnect: ((listener: (subscribed: Promise<void>) => void) => () => void) | null;
  close(): Promise<void>;
}

export function openPubSub(redisUrl: string | undefined, log: Logger, faultLogIntervalMs = 30_000): PubSubHandle {
  if (!redisUrl) {
    // One listener per live subscription is by design: lift Node's leak warning threshold (10).
    const eventTarget = new EventTarget();
    setMaxListeners(0, eventTarget);
    return { pubsub: createPubSub<TopicArgs>({ eventTarget }), delivery: () => 'in-process', failedPublishes: () => 0, onReconnect: null, close: async () => {} };
  }
  const where = serviceAddress(redisUrl, 6379);
  const report = oncePerInterval(log, faultLogIntervalMs);
  // ioredis reconnects by itself (backoff up to 2 s) and resubscribes on reconnect. Without an
  // 'error' listener an unreachable Redis throws from the client's emitter and ends the process.
  // The subscriber's commands wait for the connection (maxRetriesPerRequest: null), so a live
  // subscription opened during an outage starts receiving when Redis returns; a publish is retried
  // over a few reconnections, then counted and reported as lost for the other instances.
  const publishClient = new Redis(redisUrl, { maxRetriesPerRequest: 5 });
  // No ready check (an INFO) on the subscriber: a SUBSCRIBE issued while it connects can go out
  // first, and then the INFO is refused in subscriber mode, failing that subscription for good.
  const subscribeClient = new Redis(redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: false });
  let failed = 0;
  for (const [role, client] of [['publisher', publishClient], ['subscriber', subscribeClient]] as const) {
    client.on('error', (error: Error) =>
      report(`${role}:${error.message}`, `Redis (REDIS_URL, ${where}) unreachable for the ${role}: ${error.message}. Retrying; live events do not reach other instances meanwhile.`),
    );
    client.on('ready', () => log.info(`Redis (REDIS_URL, ${where}) connected: the ${role} is ready`));
  }
  const lost = (what: string) => (error: Error) => {
    if (what === 'publish') failed++;
    report(`${what}:${error.message}`, `Redis (REDIS_URL, ${where}) did not take a ${what}: ${error.message}`);
  };
  // The event target calls these without handling their promises: a rejection would end the process.
  const publisher = { publish: (channel: string, message: string) => publishClient.publish(channel, message).catch(lost('publish')) };
  const subscriber = {
    on: (event: string, listener: (...args: any[]) => void) => subscribeClient.on(event, listener),
    subscribe: (channel: string) => subscribeClient.subscribe(channel).catch(lost('subscribe')),
    unsubscribe: (channel: string) => subscribeClient.unsubscribe(channel).catch(lost('unsubscribe')),
  };
  // Back after a loss: ioredis emits 'ready' just before it subscribes the channels again; a PING
  // sent after that is answered after them. Listeners hear of it at once (what arrives from now on
  // is news) with a promise of the moment messages flow again (a read of what was missed must
  // start after it). At the first connection too: a subscription opened before Redis was reachable.
  const reconnectListeners = new Set<(subscribed: Promise<void>) => void>();
  subscribeClient.on('ready', () => {
    const subscribed = new Promise<void>((resolve) =>
      setImmediate(() =>
        subscribeClient.ping().then(
          () => resolve(),
          (error: Error) => (lost('ping')(error), resolve()),
        ),
      ),
    );
    for (const listener of reconnectListeners) listener(subscribed);
  });
  const eventTarget = createRedisEventTarget({ publishClient: publisher as unknown as Redis, subscribeClient: subscriber as unknown as Redis });
  return {
    pubsub: createPubSub<TopicArgs>({ eventTarget }),
    delivery: () => (publishClient.status === 'ready' && subscribeClient.status === 'ready' ? 'redis' : 'degraded'),
    failedPublishes: () => failed,
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => void reconnectListeners.delete(listener);
    },
    async close() {
      // A client still connecting has nothing to flush, and quit() on it rejects unhandled later.
      const end = (client: Redis) => (client.status === 'ready' ? client.quit() : Promise.resolve(client.disconnect()));
      await Promise.allSettled([end(publishClient), end(subscribeClient)]);
    },
  };
}
