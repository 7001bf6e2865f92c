// Fan-out of approval events over graphql-ws: N subscribers (default 500, BENCH_SUBSCRIBERS), one
// request raised at a time, latency from the server's publish (the event's `at`) to each client's
// receipt, and server memory: heap per subscriber (after GC, before and after subscribing), total RSS.
// Then the same across two instances sharing the SQLite file and Redis (REDIS_URL, default the
// local one; skipped with a note when unreachable). Servers run in child processes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { startInstance, type Instance } from './instance.ts';

const N = Number(process.env.BENCH_SUBSCRIBERS ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const QUERY = 'subscription { approvalEvents { type at request { id } } }';

async function subscribeAll(ports: number[], count: number, onEvent: (id: string, at: string, receivedAt: number) => void) {
  const clients: Client[] = [];
  for (let i = 0; i < count; i++) {
    const port = ports[i % ports.length]!;
    const client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, connectionParams: { devUser: `decider${i}@bench.test` }, retryAttempts: 0 });
    client.subscribe(
      { query: QUERY },
      {
        next: (r: any) => onEvent(r.data.approvalEvents.request.id, r.data.approvalEvents.at, Date.now()),
        error: (e) => console.error('subscription error', e),
        complete: () => {},
      },
    );
    clients.push(client);
  }
  return clients;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function scenario(name: string, instances: Instance[]) {
  const before = await Promise.all(instances.map((i) => i.call({ cmd: 'memory' })));
  const received = new Map<string, number[]>();
  const clients = await subscribeAll(instances.map((i) => i.port), N, (id, at, t) => {
    const list = received.get(id) ?? [];
    list.push(t - Date.parse(at));
    received.set(id, list);
  });
  const waitAll = async (id: string) => {
    const deadline = Date.now() + 30_000;
    while ((received.get(id)?.length ?? 0) < N) {
      if (Date.now() > deadline) throw new Error(`${name}: only ${received.get(id)?.length ?? 0}/${N} subscribers got ${id}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  // Warm-up: proves every subscription is registered before measuring.
  for (let attempt = 0; ; attempt++) {
    const { id } = await instances[0]!.call({ cmd: 'raise', as: 'requester@bench.test' });
    try {
      await waitAll(id);
      break;
    } catch (error) {
      if (attempt > 5) throw error;
    }
  }
  const after = await Promise.all(instances.map((i) => i.call({ cmd: 'memory' })));
  const latencies: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const { id } = await instances[0]!.call({ cmd: 'raise', as: 'requester@bench.test' });
    await waitAll(id);
    latencies.push(...received.get(id)!);
  }
  latencies.sort((a, b) => a - b);
  const heap = after.reduce((s, m, i) => s + m.heapUsed - before[i].heapUsed, 0) / N;
  const rss = after.reduce((s, m) => s + m.rss, 0);
  console.log(
    `${name}: ${N} subscribers, ${ROUNDS} requests → delivery latency p50 ${pct(latencies, 50)} ms, p99 ${pct(latencies, 99)} ms, max ${latencies.at(-1)} ms; ` +
      `server heap per subscriber ${(heap / 1024).toFixed(1)} KiB (after GC), server RSS with all subscribed ${(rss / 1048576).toFixed(0)} MiB`,
  );
  await Promise.all(clients.map((c) => c.dispose()));
}

export async function fanout() {
  const dir = mkdtempSync(join(tmpdir(), 'gov-bench-'));
  const url = `file:${join(dir, 'bench.db')}`;
  try {
    const single = await startInstance({ DATABASE_URL: url, BENCH_SEED_MEMBERS: String(N) });
    await scenario('fan-out, one instance', [single]);
    await single.stop();

    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    const reachable = await redis.connect().then(() => true, () => false);
    redis.disconnect();
    if (!reachable) {
      console.log(`fan-out, two instances: skipped, Redis unreachable at ${REDIS_URL}`);
      return;
    }
    const a = await startInstance({ DATABASE_URL: url, REDIS_URL });
    const b = await startInstance({ DATABASE_URL: url, REDIS_URL });
    await scenario('fan-out, two instances + Redis (half the subscribers on each, raised on one)', [a, b]);
    await Promise.all([a.stop(), b.stop()]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
