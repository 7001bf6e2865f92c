// A graphql-ws subscriber for tests: collects what arrives and waits for a matching event.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Subscriber {
  events: any[];
  errors: any[];
  completed: boolean;
  /** Resolves with the first event (already received or coming) that matches. */
  waitFor(match: (event: any) => boolean, ms?: number): Promise<any>;
  /** Resolves when the server ends the subscription (with an error or complete). */
  ended(ms?: number): Promise<void>;
  close(): Promise<void>;
}

export const APPROVAL_EVENT = `type at request { id kind status summary requestedBy { email } }`;

export function subscribe(url: string, connectionParams: Record<string, unknown>, query: string, variables?: Record<string, unknown>): Subscriber {
  const client: Client = createClient({ url, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  const sub: Subscriber = {
    events: [],
    errors: [],
    completed: false,
    waitFor(match, ms = 8000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = sub.events.find(match);
          if (found) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no matching event within ${ms} ms; got ${JSON.stringify(sub.events)} errors ${JSON.stringify(sub.errors)}`));
        }, ms);
        listeners.add(check);
        check();
      });
    },
    ended(ms = 8000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (sub.completed) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => reject(new Error(`subscription still open after ${ms} ms`)), ms);
        listeners.add(check);
        check();
      });
    },
    close: () => client.dispose() as Promise<void>,
  };
  client.subscribe(
    { query, variables },
    {
      next: (r) => {
        if (r.errors) sub.errors.push(...r.errors);
        if (r.data) sub.events.push(Object.values(r.data)[0]);
        notify();
      },
      error: (e) => {
        sub.errors.push(...(Array.isArray(e) ? e : [e]));
        sub.completed = true;
        notify();
      },
      complete: () => {
        sub.completed = true;
        notify();
      },
    },
  );
  return sub;
}

/**
 * Waits until every subscriber is registered on the server: raises a warm-up event (whose
 * summary says "warm-up") until each has received one. A fixed pause is not enough on a busy
 * machine. Tests then ignore warm-up events (`real`).
 */
export async function warmUp(subscribers: Subscriber[], raise: () => Promise<unknown>) {
  const raised = new Set<unknown>();
  for (let attempt = 0; ; attempt++) {
    raised.add(await raise());
    try {
      // A warm-up event says so in its summary, or is about a request `raise` returned.
      await Promise.all(subscribers.map((s) => s.waitFor((e) => isWarmUp(e) || raised.has(e?.request?.id), 300)));
      return;
    } catch (error) {
      if (attempt >= 50) throw error;
    }
  }
}

export const isWarmUp = (event: any) => /warm-up/.test(event?.request?.summary ?? '');
export const real = (s: Subscriber) => s.events.filter((e) => !isWarmUp(e));

/** The subscriptions one test file opens as dev users of one server, closed together after it. */
export function devSubscriptions(url: () => string) {
  const open: Subscriber[] = [];
  return {
    watch(as: string, query: string, variables?: Record<string, unknown>) {
      const s = subscribe(url(), { devUser: as }, query, variables);
      open.push(s);
      return s;
    },
    closeAll: () => Promise.all(open.map((s) => s.close())),
  };
}
