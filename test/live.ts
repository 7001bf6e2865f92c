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

/** The collecting half of a subscriber, whatever the transport; `close` is the transport's. */
function collector(close: () => Promise<void>): { sub: Subscriber; notify: () => void } {
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
    close,
  };
  return { sub, notify };
}

export function subscribe(url: string, connectionParams: Record<string, unknown>, query: string, variables?: Record<string, unknown>): Subscriber {
  const client: Client = createClient({ url, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
  const { sub, notify } = collector(() => client.dispose() as Promise<void>);
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

/** What an SSE subscriber sends: a session token or a dev user, and the organization. */
export interface SseCredentials {
  token?: string;
  as?: string;
  org?: string;
}

/**
 * A subscriber over SSE (yoga's POST with `Accept: text/event-stream`) through `fetch` (the
 * server's port: the server sees a client going away only over a real connection): `events` and
 * `errors` as over graphql-ws, `completed` at `event: complete` or the end of the body; `frames`
 * keeps every frame as sent (`event` and raw `data`).
 */
export function subscribeSse(
  fetch: (input: string, init?: RequestInit) => Promise<Response>,
  credentials: SseCredentials,
  query: string,
  variables?: Record<string, unknown>,
): Subscriber & { frames: { event: string; data: string }[] } {
  const controller = new AbortController();
  const { sub, notify } = collector(async () => controller.abort());
  const frames: { event: string; data: string }[] = [];
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (credentials.token) headers.authorization = `Bearer ${credentials.token}`;
  if (credentials.as) headers['x-dev-user'] = credentials.as;
  if (credentials.org) headers['x-organization-id'] = credentials.org;
  const finish = () => {
    sub.completed = true;
    notify();
  };
  void (async () => {
    try {
      const response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal: controller.signal });
      if (!response.headers.get('content-type')?.includes('text/event-stream')) {
        const body = await response.json();
        sub.errors.push(...(body.errors ?? []));
        return finish();
      }
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let buffered = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return finish();
        buffered += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const frame = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const lines = frame.split('\n');
          const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim();
          const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
          if (!event) continue; // a keep-alive comment
          frames.push({ event, data });
          if (event === 'complete') return finish();
          const result = JSON.parse(data);
          if (result.errors) sub.errors.push(...result.errors);
          if (result.data) sub.events.push(Object.values(result.data)[0]);
          notify();
        }
      }
    } catch {
      finish();
    }
  })();
  return Object.assign(sub, { frames });
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
