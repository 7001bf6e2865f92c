// The direct path of shared live results (shared-execution.ts), beside it: a group's result is
// serialised once and written to every member's frames, byte for byte what graphql-ws sends; a
// closed operation gets nothing; a result with errors, or an event that does not share, goes back
// to the stream, in order, and every later event with it.
import { buildSchema, parse, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DELIVER_DIRECTLY, SHARED_EXECUTION, sendLiveFramesTo, useSharedExecution, type DirectDelivery, type LiveFrames } from './shared-execution.ts';

const schema = buildSchema(`
  type Tick { n: Int!, label: String!, broken: String, extra: String }
  type Query { ok: Boolean }
  type Subscription { ticks: Tick! }
`);

/** A source like a live feed's queue (src/streams/live.ts): pushes go to the direct delivery while it takes them. */
class Source implements AsyncIterableIterator<unknown> {
  items: unknown[] = [];
  direct: DirectDelivery | null = null;
  waiting: ((r: IteratorResult<unknown>) => void) | null = null;
  readonly pending: Promise<void>[] = [];
  [DELIVER_DIRECTLY](deliver: DirectDelivery) {
    this.direct = deliver;
  }
  push(event: unknown) {
    if (this.direct) {
      const sent = this.direct(event, (e) => {
        this.direct = null;
        this.enqueue(e);
      });
      if (sent) return void this.pending.push(sent);
      this.direct = null;
    }
    this.enqueue(event);
  }
  enqueue(event: unknown) {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ done: false, value: event });
    } else this.items.push(event);
  }
  next(): Promise<IteratorResult<unknown>> {
    if (this.items.length) return Promise.resolve({ done: false, value: this.items.shift() });
    return new Promise((resolve) => (this.waiting = resolve));
  }
  async return(): Promise<IteratorResult<unknown>> {
    return { done: true, value: undefined };
  }
  [Symbol.asyncIterator]() {
    return this;
  }
}

class Frames implements LiveFrames {
  sent: Buffer[] = [];
  isOpen = true;
  constructor(readonly id: string) {}
  open() {
    return this.isOpen;
  }
  send(message: Buffer) {
    this.sent.push(message);
  }
}

const FIELDS = new Set(['Tick.n', 'Tick.label', 'Tick.broken']);
/** An event shared by every subscriber whose context has the same `view`. */
const tick = (n: number, broken = false) =>
  Object.assign({ ticks: { n, label: `tick ${n}`, broken: broken ? () => { throw new Error('no') } : 'fine' } }, {
    [SHARED_EXECUTION]: { fields: FIELDS, keyOf: (context: unknown) => (context as { view: string }).view },
  });

/** Documents as yoga's parse cache gives them: one object per query text. */
const documents = new Map<string, DocumentNode>();
const parsed = (query: string) => documents.get(query) ?? documents.set(query, parse(query)).get(query)!;

/** Subscribes through the plugin as envelop would; the frames (if any) are registered for its context. */
async function subscribeWith(query: string, view: string, frames?: Frames) {
  const source = new Source();
  let subscribeFn: ((args: ExecutionArgs) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult>) | null = null;
  const contextValue = { view };
  if (frames) sendLiveFramesTo(contextValue, frames);
  const args: ExecutionArgs = { schema, document: parsed(query), contextValue, rootValue: {} };
  const plugin = useSharedExecution(new Set(['ticks']));
  (plugin.onSubscribe as (p: unknown) => void)({ args, setSubscribeFn: (fn: typeof subscribeFn) => (subscribeFn = fn) });
  const schemaWithSource = { ...args, subscribeFieldResolver: () => source };
  const stream = (await subscribeFn!(schemaWithSource)) as AsyncIterableIterator<ExecutionResult>;
  return { source, stream };
}

const QUERY = 'subscription { ticks { n label } }';
const message = (id: string, n: number) => `{"id":"${id}","type":"next","payload":{"data":{"ticks":{"n":${n},"label":"tick ${n}"}}}}`;

describe('direct delivery of shared results', () => {
  it('writes one serialised message per operation id to every member of the group, and nothing to the stream', async () => {
    const frames = [new Frames('1'), new Frames('1'), new Frames('op-7')];
    const subs = await Promise.all(frames.map((f) => subscribeWith(QUERY, 'owner', f)));
    const event = tick(1);
    for (const s of subs) s.source.push(event);
    await Promise.all(subs.flatMap((s) => s.source.pending));
    expect(frames.map((f) => f.sent.map(String))).toEqual([[message('1', 1)], [message('1', 1)], [message('op-7', 1)]]);
    // Same id, same bytes: serialised once.
    expect(frames[0]!.sent[0]).toBe(frames[1]!.sent[0]);
    // What graphql-ws would have sent for the same result.
    expect(JSON.parse(String(frames[2]!.sent[0]))).toEqual({ id: 'op-7', type: 'next', payload: { data: { ticks: { n: 1, label: 'tick 1' } } } });
    expect(subs.every((s) => s.source.items.length === 0 && s.source.direct !== null)).toBe(true);
  });

  it('sends nothing to an operation its client has completed', async () => {
    const open = new Frames('1');
    const closed = new Frames('2');
    const subs = [await subscribeWith(QUERY, 'owner', open), await subscribeWith(QUERY, 'owner', closed)];
    closed.isOpen = false;
    const event = tick(2);
    for (const s of subs) s.source.push(event);
    await Promise.all(subs.flatMap((s) => s.source.pending));
    expect([open.sent.map(String), closed.sent]).toEqual([[message('1', 2)], []]);
  });

  it('writes at once to a member that joins after the result is in', async () => {
    const first = new Frames('1');
    const late = new Frames('1');
    const a = await subscribeWith(QUERY, 'owner', first);
    const b = await subscribeWith(QUERY, 'owner', late);
    const event = tick(3);
    a.source.push(event);
    await Promise.all(a.source.pending);
    expect(late.sent).toEqual([]);
    b.source.push(event);
    expect(late.sent.map(String)).toEqual([message('1', 3)]);
  });

  it('keeps views apart: one execution and one message per view', async () => {
    const owner = new Frames('1');
    const admin = new Frames('1');
    const subs = [await subscribeWith(QUERY, 'owner', owner), await subscribeWith(QUERY, 'admin', admin)];
    const event = tick(4);
    for (const s of subs) s.source.push(event);
    await Promise.all(subs.flatMap((s) => s.source.pending));
    expect(owner.sent[0]).not.toBe(admin.sent[0]);
    expect([String(owner.sent[0]), String(admin.sent[0])]).toEqual([message('1', 4), message('1', 4)]);
  });

  it('hands a result with errors back to the stream, and every later event with it, in order', async () => {
    const frames = new Frames('1');
    const { source, stream } = await subscribeWith('subscription { ticks { n broken } }', 'owner', frames);
    source.push(tick(5, true));
    await Promise.all(source.pending);
    source.push(tick(6));
    expect(frames.sent).toEqual([]);
    expect(source.direct).toBeNull();
    const first = (await stream.next()).value as ExecutionResult;
    expect(first.data).toEqual({ ticks: { n: 5, broken: null } });
    expect(first.errors?.map((e) => e.message)).toEqual(['no']);
    expect(((await stream.next()).value as ExecutionResult).data).toEqual({ ticks: { n: 6, broken: 'fine' } });
  });

  it('leaves to the stream an operation that selects beyond the shared fields, and subscribers without frames', async () => {
    const beyond = new Frames('1');
    const a = await subscribeWith('subscription { ticks { n extra } }', 'owner', beyond);
    const b = await subscribeWith(QUERY, 'owner');
    const event = tick(7);
    a.source.push(event);
    b.source.push(event);
    expect(a.source.direct).toBeNull();
    expect(b.source.direct).toBeNull();
    expect(((await b.stream.next()).value as ExecutionResult).data).toEqual({ ticks: { n: 7, label: 'tick 7' } });
    expect(beyond.sent).toEqual([]);
  });
});
