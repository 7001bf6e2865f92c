// Graceful shutdown, in the order that lets each part finish what the next one still needs:
// stop accepting, end the streams as they would end by themselves, close the sockets, stop the
// background jobs, let requests in flight finish, record the workflow runs still in flight when the
// timeout is up as abandoned, then close the connections and flush.
import type { HttpServer } from './http/server.ts';
import type { Interval } from './jobs/schedule.ts';
import type { Streams } from './ops/streams.ts';
import type { SocketServer } from './ws/server.ts';

export interface RunningServer {
  http: HttpServer;
  sockets: SocketServer;
  streams: Pick<Streams, 'endAll'>;
  jobs: Interval;
  /** Waits for the workflow runs in flight until `deadline`, then records those left as abandoned (UNKNOWN). */
  runs: (deadline: Promise<void>) => Promise<unknown>;
  /** Closed last, one after the other in this order (pub/sub, database, metrics, tracing). */
  connections: (() => Promise<unknown>)[];
}

export async function shutDown(running: RunningServer, timeoutMs: number): Promise<void> {
  const { http, sockets, streams, jobs, runs, connections } = running;
  // Runs in flight get the shutdown's timeout from its start, not after the other phases.
  let timer: NodeJS.Timeout | undefined;
  const runsDeadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  const closed = http.stopAccepting();
  // Subscriptions end as they would by themselves (SSE: `event: complete`; graphql-ws: a
  // `complete` per operation), then the sockets close with 1001.
  await streams.endAll(timeoutMs);
  await sockets.close();
  await jobs.stop();
  await http.finishInFlight(timeoutMs);
  await runs(runsDeadline);
  clearTimeout(timer);
  await closed;
  for (const close of connections) await close();
}
