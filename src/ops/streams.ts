// Open subscription streams, over SSE and graphql-ws alike, counted by transport and ended on
// shutdown the way a stream ends by itself: an SSE client gets `event: complete`, a graphql-ws client
// a `complete` message for each operation, before its socket is closed.
import type { DocumentNode } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';

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

/**
 * `source`, ending (done) as soon as `signal` is given, even while a `next()` is waiting; the
 * source is then returned so that it releases its pub/sub subscription. `finished` runs once, when
 * the consumer is told the stream is over (or it failed), with the source's `return()` under way.
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
): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let over = false;
  let wake: ((result: IteratorResult<T>) => void) | null = null;
  const stopListening = signal.onEnd(() => wake?.(DONE));
  const finish = (failure?: { error: unknown }) => {
    if (over) return;
    over = true;
    stopListening();
    observation?.ended(failure);
    // Not awaited here: a source stuck in its own work must not hold the consumer.
    finished(Promise.resolve(iterator.return?.()).then(() => {}, () => {}));
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
      let result: IteratorResult<T>;
      try {
        result = await Promise.race([iterator.next(), new Promise<IteratorResult<T>>((resolve) => (wake = resolve))]);
      } catch (error) {
        finish({ error });
        throw error;
      } finally {
        wake = null;
      }
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

/**
 * `transportOf` tells a graphql-ws operation's context from an HTTP one; `observe` gives what
 * watches each stream (the metrics), reported to by the one wrapper every stream has anyway.
 */
export function trackStreams(
  transportOf: (graphqlContext: unknown) => Transport,
  observe?: (args: { document: DocumentNode; operationName?: string | null; contextValue?: unknown }) => StreamObservation,
): Streams {
  const open = new Map<object, Transport>();
  /** Sources still releasing their subscriptions (pub/sub, Redis), which must finish before pub/sub closes. */
  const releasing = new Set<Promise<void>>();
  const { signal, end } = endSignal();
  let drained: (() => void) | null = null;

  const plugin: Plugin = {
    onSubscribe({ args }) {
      return {
        onSubscribeResult({ result, setResult }) {
          if (!isAsyncIterable(result)) return;
          const token = {};
          open.set(token, transportOf(args.contextValue));
          setResult(
            endable(
              result,
              signal,
              (released) => {
                open.delete(token);
                releasing.add(released);
                void released.then(() => releasing.delete(released));
                if (open.size === 0) drained?.();
              },
              observe?.(args),
            ),
          );
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
