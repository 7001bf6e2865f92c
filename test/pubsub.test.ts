// With REDIS_URL, an event published on one instance reaches subscribers of another. Runs when
// TEST_REDIS_URL is set (CI's service suite), and then fails if Redis is unreachable.
import { describe, expect, it } from 'vitest';
import { openPubSub } from '../src/pubsub.ts';

const redisUrl = process.env.TEST_REDIS_URL;

describe.runIf(Boolean(redisUrl))('pub/sub through Redis', () => {
  it('delivers an event from one instance to a subscriber on another', async () => {
    const one = openPubSub(redisUrl);
    const two = openPubSub(redisUrl);
    try {
      const organizationId = `org-${Date.now()}`;
      const iterator = two.pubsub.subscribe('org:event', organizationId)[Symbol.asyncIterator]();
      const next = iterator.next();
      // Let the subscription reach Redis before publishing.
      await new Promise((r) => setTimeout(r, 200));
      one.pubsub.publish('org:event', organizationId, { type: 'ping', id: '1' });
      const received = await Promise.race([next, new Promise((_, reject) => setTimeout(() => reject(new Error('no event within 5 s')), 5000))]);
      expect((received as IteratorResult<unknown>).value).toEqual({ type: 'ping', id: '1' });
      await iterator.return?.();
    } finally {
      await one.close();
      await two.close();
    }
  });
});
