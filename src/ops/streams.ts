// Open subscription streams, over SSE and graphql-ws alike: counted by transport, bounded per user
// (MAX_SUBSCRIPTIONS_PER_USER on this instance, the rest refused with OPERATION_LIMIT), ended with
// a last error saying why when the session that opened them ends (logout on any instance, the
// token's expiry), and ended on shutdown the way a stream ends by itself: an SSE client gets
// `event: complete`, a graphql-ws client a `complete` message for each operation, before its
// socket is closed.
import { GraphQLError, type DocumentNode, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Clock } from '../clock.ts';
import type { Context } from '../context.ts';
import { ErrorCode } from '../errors.ts';
import { sessionEndedError, type SessionEnd, type SessionWatch } from '../identity/sessions.ts';

export type Transport = 'ws' | 'sse';

export interface Streams {
  /** Wraps every subscription's result so that shutdown can end it. */
  plugin: Plugin;
  open(): Record<Transport, number>;
  /**
   * Ends every open stream (and any opened from now on) and waits, at most `timeoutMs`, until their
   * consumers have taken the end, so that the `complete` they send goes out before sockets close.
   */
  endAll(timeoutMs: number): Promise<void>;
}

/** What a stream's wrapper reports of it (src/ops/metrics.ts counts it). */
export interface StreamObservation {
  /** A result the stream gives its consumer. */
  result(result: unknown): void;
  /** The stream is over: by itself, by its consumer, or by shutdown; `failure` when it failed. */
  ended(failure?: { error: unknown }): void;
}

const DONE = Object.freeze({ done: true, value: undefined }) as IteratorReturnResult<undefined>;

/** Tells streams that the server is ending them; each stream listens once, and stops listening when it ends. */
export interface EndSignal {
  readonly ended: boolean;
  /** Calls `listener` when the signal is given (at once if it was); returns what stops listening. */
  onEnd(listener: () => void): () => void;
}

export function endSignal(): { signal: EndSignal; end(): void } {
  const listeners = new Set<() => void>();
  let ended = false;
  return {
    signal: {
      get ended() {
        return ended;
      },
      onEnd(listener) {
        if (ended) {
          listener();
          return () => {};
        }
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    end() {
      if (ended) return;
      ended = true;
      for (const listener of listeners) listener();
      listeners.clear();
    },
  };
}

/** How one stream ends before its source does, with a last result that says why (a session that ended). */
export interface StreamEnding<T> {
  /** Registers `end(last)`; returns what stops listening. */
  listen(end: (last: T) => void): () => void;
  /** Asked before each result is given: the last result instead, when the stream is over by now (a time reached). */
  due(): T | null;
}

/**
 * `source`, ending (done) as soon as `signal` is given, even while a `next()` is waiting; the
 * source is then returned so that it releases its pub/sub subscription. `finished` runs once, when
 * the consumer is told the stream is over (or it failed), with the source's `return()` under way.
 * With `ending`, the stream also ends when it says so: its last result is given in place of any
 * value of the source not yet given, then done; nothing of the source comes after it.
 *
 * Each `next()` races the source against a promise of its own, never against one shared and
 * long-lived: a reaction added to a promise that settles only at shutdown stays until then, and
 * one per event per subscriber grew the heap by about 340 bytes per subscriber per event.
 */
export function endable<T>(
  source: AsyncIterable<T>,
  signal: EndSignal,
  finished: (released: Promise<void>) => void,
  observation?: StreamObservation,
  ending?: StreamEnding<T>,
): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let over = false;
  let wake: ((result: IteratorResult<T>) => void) | null = null;
  /** The last result, once `ending` said the stream is over; given at the next `next()`. */
  let last: { value: T } | null = null;
  const stopListening = signal.onEnd(() => wake?.(DONE));
  const stopEnding = ending?.listen((value) => {
    if (over || last) return;
    last = { value };
    wake?.(DONE);
  });
  const finish = (failure?: { error: unknown }) => {
    if (over) return;
    over = true;
    stopListening();
    stopEnding?.();
    observation?.ended(failure);
    // Not awaited here: a source stuck in its own work must not hold the consumer.
    finished(Promise.resolve(iterator.return?.()).then(() => {}, () => {}));
  };
  const giveLast = (): IteratorResult<T> => {
    const { value } = last!;
    observation?.result(value);
    finish();
    return { done: false, value };
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (over) return DONE;
      if (signal.ended) {
        finish();
        return DONE;
      }
      if (last) return giveLast();
      let result: IteratorResult<T>;
      try {
        result = await Promise.race([iterator.next(), new Promise<IteratorResult<T>>((resolve) => (wake = resolve))]);
      } catch (error) {
        if (last) return giveLast();
        finish({ error });
        throw error;
      } finally {
        wake = null;
      }
      if (over) return DONE;
      if (!last && !result.done) {
        const due = ending?.due() ?? null;
        if (due !== null) last = { value: due };
      }
      if (last) return giveLast();
      if (result.done) finish();
      else observation?.result(result.value);
      return result;
    },
    async return() {
      finish();
      return DONE;
    },
    async throw(error?: unknown) {
      finish();
      throw error;
    },
  };
}

/** The last result of a stream whose session ended. */
export const sessionEndedResult = (why: SessionEnd): ExecutionResult => ({ errors: [sessionEndedError(why)] });

/** The refusal of a subscription over the user's limit on this instance. */
export function subscriptionLimitResult(limit: number): ExecutionResult {
  return {
    errors: [
      new GraphQLError(`You have ${limit} subscriptions open on this server, the most one user may have (MAX_SUBSCRIPTIONS_PER_USER); end one before opening another.`, {
        extensions: { code: ErrorCode.OPERATION_LIMIT, rule: 'subscriptions.per-user', measured: limit + 1, limit },
      }),
    ],
  };
}

export interface StreamLimits {
  /** Open streams one user may have on this instance, both transports together. */
  maxPerUser: number;
  /** Sessions' ends: a stream opened with a session ends with it. */
  sessions: SessionWatch;
  /** The services' clock: a stream whose session's time is up gives no more events, whatever its timer. */
  clock: Clock;
}

/** The session and user of an operation's context, as the context resolved them (none for X-Dev-User's session). */
function callerOf(contextValue: unknown) {
  const caller = (contextValue as Partial<Context> | undefined)?.caller;
  return { userId: caller?.user?.id ?? null, session: caller?.user ? (caller.session ?? null) : null };
}

/** A stream's end with its session, if it has one. */
function sessionEnding(limits: StreamLimits | undefined, session: { jti: string; expiresAt: Date } | null): StreamEnding<ExecutionResult> | undefined {
  if (!limits || !session) return undefined;
  const { sessions, clock } = limits;
  return {
    listen: (end) => sessions.watch(session, (why) => end(sessionEndedResult(why))),
    due: () => (session.expiresAt.getTime() <= clock.now().getTime() ? sessionEndedResult('expired') : null),
  };
}

/**
 * `transportOf` tells a graphql-ws operation's context from an HTTP one; `observe` gives what
 * watches each stream (the metrics), reported to by the one wrapper every stream has anyway;
 * `limits` bounds each user's streams and ends them with their session.
 */
export function trackStreams(
  transportOf: (graphqlContext: unknown) => Transport,
  observe?: (args: { document: DocumentNode; operationName?: string | null; contextValue?: unknown }) => StreamObservation,
  limits?: StreamLimits,
): Streams {
  const open = new Map<object, Transport>();
  /** Streams per user on this instance, open or being opened (a slot is taken before the subscribe runs). */
  const perUser = new Map<string, number>();
  const release = (userId: string | null) => {
    if (userId === null) return;
    const left = (perUser.get(userId) ?? 1) - 1;
    if (left > 0) perUser.set(userId, left);
    else perUser.delete(userId);
  };
  /** Sources still releasing their subscriptions (pub/sub, Redis), which must finish before pub/sub closes. */
  const releasing = new Set<Promise<void>>();
  const { signal, end } = endSignal();
  let drained: (() => void) | null = null;

  const plugin: Plugin = {
    onSubscribe({ args, subscribeFn, setSubscribeFn, setResultAndStopExecution }) {
      const { userId, session } = callerOf(args.contextValue);
      // One slot per stream, taken now: subscriptions opened in parallel are counted before any has started.
      let slot: string | null = null;
      if (limits && userId !== null) {
        const held = perUser.get(userId) ?? 0;
        if (held >= limits.maxPerUser) {
          setResultAndStopExecution(subscriptionLimitResult(limits.maxPerUser));
          return;
        }
        perUser.set(userId, held + 1);
        slot = userId;
        // A subscribe that throws gives no result to the hook below: its slot is given back here.
        setSubscribeFn(async (subscribeArgs) => {
          try {
            return await subscribeFn(subscribeArgs);
          } catch (error) {
            release(slot);
            slot = null;
            throw error;
          }
        });
      }
      return {
        onSubscribeResult({ result, setResult }) {
          if (!isAsyncIterable(result)) {
            // Refused (errors) or not a stream: no slot held.
            release(slot);
            slot = null;
            return;
          }
          const token = {};
          open.set(token, transportOf(args.contextValue));
          const stream = endable(
              result,
              signal,
              (released) => {
                open.delete(token);
                release(slot);
                slot = null;
                releasing.add(released);
                void released.then(() => releasing.delete(released));
                if (open.size === 0) drained?.();
              },
              observe?.(args),
              sessionEnding(limits, session),
            );
          setResult(stream);
          // An SSE client that went away, even while the subscription was being set up (when yoga
          // has no stream to return yet, and never returns it): the stream ends, and its slot is free.
          const gone = (args.contextValue as { request?: Request } | undefined)?.request?.signal;
          if (gone?.aborted) void stream.return!();
          else gone?.addEventListener('abort', () => void stream.return!(), { once: true });
        },
      };
    },
  };

  return {
    plugin,
    open() {
      const counts = { ws: 0, sse: 0 };
      for (const transport of open.values()) counts[transport]++;
      return counts;
    },
    async endAll(timeoutMs) {
      end();
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
      if (open.size) await Promise.race([new Promise<void>((resolve) => (drained = resolve)), timeout]);
      await Promise.race([Promise.all(releasing), timeout]);
      // graphql-ws sends `complete` a few promise turns after its loop saw the end: let them run.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}
