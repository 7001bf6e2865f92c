// With REDIS_URL, an event published on one instance reaches subscribers of another. Runs when
// TEST_REDIS_URL is set (CI's service suite), and then fails if Redis is unreachable.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { openPubSub } from '../src/pubsub.ts';

const redisUrl = process.env.TEST_REDIS_URL;

describe.runIf(Boolean(redisUrl))('pub/sub through Redis', () => {
  it('delivers an event from one instance to a subscriber on another', async () => {
    const one = openPubSub(redisUrl, createLogger('silent'));
    const two = openPubSub(redisUrl, createLogger('silent'));
    try {
      const organizationId = `org-${Date.now()}`;
      const iterator = two.pubsub.subscribe('org:event', organizationId)[Symbol.asyncIterator]();
      const next = iterator.next();
      // Published until one arrives: the subscription reaches Redis asynchronously, and what is
      // published before that is not delivered. Each ping names its attempt.
      let received: IteratorResult<unknown> | undefined;
      void next.then((r) => (received = r));
      for (let attempt = 0; !received && attempt < 250; attempt++) {
        one.pubsub.publish('org:event', organizationId, { type: 'ping', id: String(attempt) });
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(received?.value).toEqual({ type: 'ping', id: expect.stringMatching(/^\d+$/) });
      await iterator.return?.();
    } finally {
      await one.close();
      await two.close();
    }
  });
});
