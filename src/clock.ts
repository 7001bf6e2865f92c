// The one source of "now" for domain time (scheduling, expiry, time-bound access, reviews,
// throttling, checkpoints), so that tests move time instead of sleeping. Durations measured for
// metrics and tracing keep reading the process's own timers.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface ManualClock extends Clock {
  set(d: Date): void;
  advance(ms: number): void;
}

/** A clock that stands still until told otherwise; starts at `start` (the real time by default). */
export function manualClock(start: Date = new Date()): ManualClock {
  let current = start.getTime();
  return {
    // A fresh Date each time: callers may mutate what they get.
    now: () => new Date(current),
    set: (d) => {
      current = d.getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}
