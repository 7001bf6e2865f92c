// Graceful shutdown, in the order that lets each part finish what the next one still needs:
// stop accepting, end the streams as they would end by themselves, close the sockets, stop the
// background jobs, let requests in flight finish, then close the connections and flush.
import type { HttpServer } from './http/server.ts';
import type { Interval } from './jobs/schedule.ts';
import type { Streams } from './ops/streams.ts';
import type { SocketServer } from './ws/server.ts';

export interface RunningServer {
  http: HttpServer;
  sockets: SocketServer;
  streams: Pick<Streams, 'endAll'>;
  jobs: Interval;
  /** Closed last, one after the other in this order (pub/sub, database, metrics, tracing). */
  connections: (() => Promise<unknown>)[];
}

export async function shutDown(running: RunningServer, timeoutMs: number): Promise<void> {
  const { http, sockets, streams, jobs, connections } = running;
  const closed = http.stopAccepting();
  // Subscriptions end as they would by themselves (SSE: `event: complete`; graphql-ws: a
  // `complete` per operation), then the sockets close with 1001.
  await streams.endAll(timeoutMs);
  await sockets.close();
  await jobs.stop();
  await http.finishInFlight(timeoutMs);
  await closed;
  for (const close of connections) await close();
}
