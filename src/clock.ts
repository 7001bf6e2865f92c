// The one source of "now" for domain time (scheduling, expiry, time-bound access, reviews,
// throttling, checkpoints), so that tests move time instead of sleeping. Durations measured for
// metrics and tracing keep reading the process's own timers.
export interface Clock {
  now(): Date;
  /**
   * Calls `fire` once the clock reaches `when` (at once, in a later turn, when it has already);
   * returns what cancels it. Optional: `atTime` below falls back to the process's timers.
   */
  at?(when: Date, fire: () => void): () => void;
}

/** The longest delay setTimeout takes (about 24.8 days); a later time is reached in steps. */
const MAX_DELAY = 2 ** 31 - 1;

/** Calls `fire` once `clock` reaches `when`; returns what cancels it. Timers do not keep the process alive. */
export function atTime(clock: Clock, when: Date, fire: () => void): () => void {
  if (clock.at) return clock.at(when, fire);
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const arm = () => {
    if (cancelled) return;
    const delay = when.getTime() - clock.now().getTime();
    if (delay <= 0) return fire();
    timer = setTimeout(arm, Math.min(delay, MAX_DELAY));
    timer.unref();
  };
  // Never synchronously: the caller finishes registering first.
  timer = setTimeout(arm, 0);
  timer.unref();
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}

export const systemClock: Clock = { now: () => new Date() };

export interface ManualClock extends Clock {
  set(d: Date): void;
  advance(ms: number): void;
}

/**
 * A clock that stands still until told otherwise; starts at `start` (the real time by default).
 * Moving it (`set`, `advance`) fires, in order of their time, the `at` callbacks it has reached,
 * before it returns.
 */
export function manualClock(start: Date = new Date()): ManualClock {
  let current = start.getTime();
  const pending = new Set<{ when: number; fire: () => void }>();
  const fireReached = () => {
    const due = [...pending].filter((p) => p.when <= current).sort((a, b) => a.when - b.when);
    for (const p of due) {
      // Cancelled by an earlier callback of this same move: not fired.
      if (!pending.delete(p)) continue;
      p.fire();
    }
  };
  return {
    // A fresh Date each time: callers may mutate what they get.
    now: () => new Date(current),
    set: (d) => {
      current = d.getTime();
      fireReached();
    },
    advance: (ms) => {
      current += ms;
      fireReached();
    },
    at(when, fire) {
      const entry = { when: when.getTime(), fire };
      if (entry.when <= current) {
        // Reached already: fired in a later turn, like the system clock's.
        let cancelled = false;
        queueMicrotask(() => cancelled || fire());
        return () => void (cancelled = true);
      }
      pending.add(entry);
      return () => void pending.delete(entry);
    },
  };
}
