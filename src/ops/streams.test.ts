import { Repeater } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { endable, endSignal, type EndSignal, trackStreams } from './streams.ts';

/** A source that yields what is pushed and records whether it was returned. */
function source() {
  let push!: (value: number) => Promise<unknown>;
  // A push settles when the consumer asks for the next value: not awaited here.
  const state = { returned: false };
  const repeater = new Repeater<number>(async (p, stop) => {
    push = p;
    await stop;
    state.returned = true;
  });
  return { repeater, push: (v: number) => push(v), state };
}

describe('endable', () => {
  it('passes values through, and ends a waiting next() when `ended` settles, returning the source', async () => {
    const s = source();
    const { signal, end } = endSignal();
    const released: Promise<void>[] = [];
    const stream = endable(s.repeater, signal, (r) => released.push(r));
    const first = stream.next();
    void s.push(1);
    expect(await first).toEqual({ done: false, value: 1 });
    const waiting = stream.next();
    end();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(released).toHaveLength(1);
    await released[0];
    expect(s.state.returned).toBe(true);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('passes a failure of the source on, once', async () => {
    const failing = { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('FORBIDDEN')) }) };
    let finished = 0;
    const stream = endable(failing, endSignal().signal, () => finished++);
    await expect(stream.next()).rejects.toThrow('FORBIDDEN');
    expect(finished).toBe(1);
  });
});

describe('endable over many events', () => {
  it('keeps one end listener per open stream, however many values pass, and none once it ended', async () => {
    const s = source();
    const { signal } = endSignal();
    let listening = 0;
    const counted: EndSignal = {
      get ended() {
        return signal.ended;
      },
      onEnd(listener) {
        listening++;
        const stop = signal.onEnd(listener);
        return () => {
          listening--;
          stop();
        };
      },
    };
    const stream = endable(s.repeater, counted, () => {});
    for (let i = 0; i < 200; i++) {
      const next = stream.next();
      void s.push(i);
      expect(await next).toEqual({ done: false, value: i });
    }
    expect(listening).toBe(1);
    await stream.return!();
    expect(listening).toBe(0);
  });

  it('ends a stream opened after the signal at its first next()', async () => {
    const s = source();
    const { signal, end } = endSignal();
    end();
    let finished = 0;
    const stream = endable(s.repeater, signal, () => finished++);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(finished).toBe(1);
  });
});

describe('trackStreams', () => {
  it('counts open streams by transport, and ends them all', async () => {
    const streams = trackStreams((c) => ((c as { ws?: boolean }).ws ? 'ws' : 'sse'));
    const results: AsyncIterableIterator<number>[] = [];
    const hook = streams.plugin.onSubscribe as unknown as (p: { args: { contextValue: object } }) => {
      onSubscribeResult(p: { result: AsyncIterable<number>; setResult(r: AsyncIterableIterator<number>): void }): void;
    };
    for (const contextValue of [{ ws: true }, {}, {}]) {
      const s = source();
      hook({ args: { contextValue } }).onSubscribeResult({ result: s.repeater, setResult: (r) => results.push(r) });
    }
    expect(streams.open()).toEqual({ ws: 1, sse: 2 });
    const pending = results.map((r) => r.next());
    await streams.endAll(1000);
    expect(await Promise.all(pending)).toEqual([1, 2, 3].map(() => ({ done: true, value: undefined })));
    expect(streams.open()).toEqual({ ws: 0, sse: 0 });
  });
});
