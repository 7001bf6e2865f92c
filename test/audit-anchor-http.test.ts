// The HTTP anchor (AUDIT_ANCHOR_URL): a receiver that fails twice, then recovers. Each checkpoint's
// delivery is recorded before it leaves, retried with backoff on the services' clock until the
// receiver has it, logged once when it starts failing and once when it recovers, and shown in
// /metrics (pending then 0, failures, deliveries, the age of the oldest pending checkpoint).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainOf } from '../src/audit/chain.ts';
import { manualClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { auditKeyMaterial } from './audit-proof-helpers.ts';
import { orgWithRoles, until } from './fixtures.ts';
import { startTestServer, type TestServer } from './harness.ts';

const TOKEN = 'anchor-metrics-token-0123456789';
const keys = auditKeyMaterial();
const clock = manualClock();
const lines: Record<string, unknown>[] = [];
const log = pino({ level: 'info', base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line)) });

/** The receiver: answers 503 to its first `failures` requests, then 200, keeping every body. */
const received: { status: number; body: Record<string, unknown> }[] = [];
let failures = 2;
let receiver: Server;
let server: TestServer;
let metricsUrl: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const status = failures > 0 ? 503 : 200;
      if (failures > 0) failures--;
      received.push({ status, body: JSON.parse(text) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/checkpoints`;
  server = await startTestServer(
    { ...keys.env, AUDIT_ANCHOR_URL: url, METRICS_TOKEN: TOKEN, AUDIT_CHECKPOINT_SECONDS: '0.2', AUDIT_ANCHOR_RETRY_SECONDS: '0.2' },
    { clock, log },
  );
  metricsUrl = `http://127.0.0.1:${await server.app.start(0, '127.0.0.1')}/metrics`;
});
afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function anchorSeries(): Promise<Record<string, number>> {
  const response = await fetch(metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
  const out: Record<string, number> = {};
  for (const line of (await response.text()).split('\n'))
    if (line.startsWith('audit_anchor_')) out[line.slice(0, line.lastIndexOf(' '))] = Number(line.slice(line.lastIndexOf(' ') + 1));
  return out;
}

const series = (pending: number, age: number, delivered: number, failed: number) => ({
  'audit_anchor_checkpoints_pending{target="http"}': pending,
  'audit_anchor_oldest_pending_age_seconds{target="http"}': age,
  'audit_anchor_deliveries_total{target="http"}': delivered,
  'audit_anchor_delivery_failures_total{target="http"}': failed,
});

describe('the HTTP anchor', () => {
  it('retries with backoff until the receiver has every checkpoint, and shows it in /metrics', async () => {
    // The jobs have had their first run on the clock's first interval: nothing runs until it moves.
    await until(async () => (await server.db.jobOccurrence.count({ where: { job: { in: ['audit.checkpoint', 'audit.anchor'] } } })) === 2);
    const o = await orgWithRoles(server, 'Relayed');
    const chain = chainOf(o.id);

    clock.advance(1000);
    const signedAt = clock.now();
    await until(async () => (await server.db.auditAnchorDelivery.count({ where: { attempts: 1, lastError: 'answered HTTP 503' } })) === 1);
    const checkpoints = await server.db.auditCheckpoint.findMany({ orderBy: [{ at: 'asc' }, { seq: 'asc' }] });
    expect(checkpoints.map((c) => c.chain)).toContain(chain);
    const n = checkpoints.length;
    expect(received.map((r) => r.status)).toEqual([503]);
    expect(await anchorSeries()).toEqual(series(n, 0, 0, 1));

    clock.advance(1000);
    await until(async () => (await server.db.auditAnchorDelivery.count({ where: { attempts: 2 } })) === 1);
    // A claimed attempt raises `attempts` before it leaves (the first failure's lastError still
    // there): wait for the receiver's answer to have been recorded as the second failure.
    await until(async () => received.length === 2 && (await anchorSeries())['audit_anchor_delivery_failures_total{target="http"}'] === 2);
    expect(received.map((r) => r.status)).toEqual([503, 503]);
    expect(await anchorSeries()).toEqual(series(n, 1, 0, 2));

    clock.advance(1000);
    await until(async () => (await server.db.auditAnchorDelivery.count({ where: { status: 'DELIVERED' } })) === n);
    expect(await anchorSeries()).toEqual(series(0, 0, n, 2));
    // Each checkpoint arrived once, as signed, with the link to the one before it.
    const delivered = received.filter((r) => r.status === 200).map((r) => r.body);
    expect(delivered).toHaveLength(n);
    expect(delivered.map((b) => `${b.chain}/${b.seq}`).sort()).toEqual(checkpoints.map((c) => `${c.chain}/${c.seq}`).sort());
    const ours = delivered.find((b) => b.chain === chain)!;
    const row = checkpoints.find((c) => c.chain === chain)!;
    expect(ours).toEqual({
      format: 'governance-audit-checkpoint/1',
      chain,
      seq: row.seq,
      hash: row.hash,
      digest: row.digest,
      at: signedAt.toISOString(),
      keyId: row.keyId,
      signature: row.signature,
      prevSeq: 0,
      prevSignatureHash: '0'.repeat(64),
    });
    // One delivery per checkpoint: the first tried three times, the others once, once the receiver was back.
    const rows = await server.db.auditAnchorDelivery.findMany();
    expect(rows.map((r) => ({ target: r.target, status: r.status, lastError: r.lastError }))).toEqual(rows.map(() => ({ target: 'http', status: 'DELIVERED', lastError: null })));
    expect(rows.map((r) => r.attempts).sort()).toEqual([...Array(n - 1).fill(1), 3]);

    // The outage: one line when it started, one when it ended; no stack.
    const anchorLines = lines.filter((l) => String(l.msg).startsWith('audit anchor'));
    expect(anchorLines.map((l) => ({ level: l.level, msg: l.msg, problem: l.problem, failures: l.failures }))).toEqual([
      { level: 40, msg: 'audit anchor: delivery failed; retrying with backoff', problem: 'answered HTTP 503', failures: undefined },
      { level: 30, msg: 'audit anchor: delivering again', problem: undefined, failures: 2 },
    ]);
    expect(anchorLines.some((l) => 'err' in l || 'stack' in l)).toBe(false);
  });

  it('refuses an anchor URL that is not http(s) or carries credentials, and a timeout out of range', () => {
    for (const [env, message] of [
      [{ AUDIT_ANCHOR_URL: 'ftp://anchor.example/x' }, 'AUDIT_ANCHOR_URL: must be an http:// or https:// URL'],
      [{ AUDIT_ANCHOR_URL: 'https://user:secret@anchor.example/x' }, 'AUDIT_ANCHOR_URL: must be an http:// or https:// URL'],
      [{ AUDIT_ANCHOR_TIMEOUT_MS: '50' }, 'AUDIT_ANCHOR_TIMEOUT_MS:'],
      [{ AUDIT_ANCHOR_RETRY_SECONDS: '0' }, 'AUDIT_ANCHOR_RETRY_SECONDS:'],
    ] as const)
      expect(() => loadConfig({ NODE_ENV: 'test', ...keys.env, ...env })).toThrow(message);
  });
});
