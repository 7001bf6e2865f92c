// Resuming a live stream (live.ts), beside it: the replay of the log meets the live feed without a
// gap or a duplicate, whatever the feed brings while the log is read (a late publish of an event the
// replay also gives, an event committed after the replay's read) or after it (a publish later still). The log read is held open by
// the test, so the overlap happens every run.
import { systemClock } from '../clock.ts';
import { Repeater } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { allow } from '../authz/decision.ts';
import type { SqlDriver } from '../db/client.ts';
import { liveStream, type LiveOwner } from './live.ts';

interface Message {
  position: number;
}

/** One active OWNER, as the per-event membership statement reads it. */
const sql: SqlDriver = {
  provider: 'sqlite',
  all: async <T>() => [{ userId: 'u1', role: 'OWNER', status: 'ACTIVE' }] as T[],
  poolStats: () => null,
  close: async () => {},
};

/** Lets the feed take what was published (its loop runs on promises). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('resuming a live stream', () => {
  it('gives the log after the cursor, then only the live events past what it replayed, in order', async () => {
    const log: Message[] = [1, 2, 3, 4, 5].map((position) => ({ position }));
    let publish!: (m: Message) => Promise<unknown>;
    let readLog!: () => void;
    const logRead = new Promise<void>((resolve) => (readLog = resolve));
    const owner: LiveOwner = { sql, clock: systemClock };
    const stream = liveStream<LiveOwner, Message, null, null, number>({
      messages: () => new Repeater<Message>(async (push, stop) => ((publish = push), await stop)),
      membershipDecision: () => allow('test.member'),
      roleDecision: () => null,
      factsOf: () => null,
      eventFor: (_s, _w, message) => message.position,
      resume: {
        start: async (_o, _s, cursor) => Number(cursor),
        async *messagesAfter(_o, _org, position) {
          // What the statement reads: the log as it is when the read starts.
          const read = log.filter((m) => m.position > position);
          await logRead;
          yield* read;
        },
        positionOf: (m) => m.position,
        latestPosition: async () => log.length,
      },
    });

    const events = await stream.open(owner, { organizationId: 'o1', userId: 'u1', role: 'OWNER', status: 'ACTIVE' }, null, '2');
    await settle();
    // While the log is read: event 4 published late (the replay has it), event 6 committed after the read.
    await publish({ position: 4 });
    log.push({ position: 6 });
    await publish({ position: 6 });
    await settle();
    readLog();
    // Pulled one at a time, as graphql-js does.
    const received: number[] = [];
    for (let i = 0; i < 4; i++) received.push((await events.next()).value);
    // After the replay: event 5 published later still (through Redis, say), then a new one.
    await publish({ position: 5 });
    await publish({ position: 7 });
    received.push((await events.next()).value);
    expect(received).toEqual([3, 4, 5, 6, 7]);
    await events.return?.();
  });

  it('refuses a cursor before anything is sent', async () => {
    const stream = liveStream<LiveOwner, Message, null, null, number>({
      messages: () => new Repeater<Message>(async (_push, stop) => void (await stop)),
      membershipDecision: () => allow('test.member'),
      roleDecision: () => null,
      factsOf: () => null,
      eventFor: (_s, _w, message) => message.position,
      resume: {
        start: async () => {
          throw new Error('refused');
        },
        messagesAfter: async function* () {},
        positionOf: (m) => m.position,
        latestPosition: async () => 0,
      },
    });
    await expect(stream.open({ sql, clock: systemClock }, { organizationId: 'o1', userId: 'u1', role: 'OWNER', status: 'ACTIVE' }, null, 'x')).rejects.toThrow('refused');
  });

  it('catches up from the log when the pub/sub reconnects: what it missed, once and in order, then live', async () => {
    const log: Message[] = [1, 2].map((position) => ({ position }));
    let publish!: (m: Message) => Promise<unknown>;
    let reconnected!: (subscribed: Promise<void>) => void;
    const owner: LiveOwner = { sql, clock: systemClock, onPubSubReconnect: (listener) => ((reconnected = listener), () => {}) };
    const stream = liveStream<LiveOwner, Message, null, null, number>({
      messages: () => new Repeater<Message>(async (push, stop) => ((publish = push), await stop)),
      membershipDecision: () => allow('test.member'),
      roleDecision: () => null,
      factsOf: () => null,
      // Event 5 is one this subscriber may not have.
      eventFor: (_s, _w, message) => (message.position === 5 ? null : message.position),
      resume: {
        start: async (_o, _s, cursor) => Number(cursor),
        async *messagesAfter(_o, _org, position) {
          yield* log.filter((m) => m.position > position);
        },
        positionOf: (m) => m.position,
        latestPosition: async () => log[log.length - 1]!.position,
      },
    });

    const events = await stream.open(owner, { organizationId: 'o1', userId: 'u1', role: 'OWNER', status: 'ACTIVE' }, null);
    await settle();
    log.push({ position: 3 });
    await publish({ position: 3 });
    // Redis lost: 4, 5 and 6 are logged, never published to this instance.
    log.push(...[4, 5, 6].map((position) => ({ position })));
    reconnected(Promise.resolve());
    await settle();
    // Redis brings 6 late (a retried publish), then a new event.
    await publish({ position: 6 });
    log.push({ position: 7 });
    await publish({ position: 7 });
    const received: number[] = [];
    for (let i = 0; i < 4; i++) received.push((await events.next()).value);
    expect(received).toEqual([3, 4, 6, 7]);
    await events.return?.();
  });
});
