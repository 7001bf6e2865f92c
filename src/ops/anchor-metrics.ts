// The audit anchors in /metrics (registered on the registry of src/ops/metrics.ts): checkpoints
// not yet delivered to each target and the age of the oldest of them (read at scrape time from
// the database), and deliveries and failed attempts since start. Absent without an anchor.
import { Counter, Gauge, type Registry } from 'prom-client';
import { anchorTargets, type AnchorObserver, type AnchorTarget } from '../audit/anchor.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { DatabaseFaults } from '../db/faults.ts';
import type { Logger } from '../logger.ts';

export function anchorMetrics(
  registry: Registry,
  config: Pick<Config, 'AUDIT_ANCHOR_DIR' | 'AUDIT_ANCHOR_URL'>,
  db: Db,
  clock: Clock,
  log: Logger,
  databaseFaults: DatabaseFaults,
): AnchorObserver {
  const targets = anchorTargets(config);
  const delivered = new Counter({ name: 'audit_anchor_deliveries_total', help: 'Checkpoints delivered to an audit anchor, by target (directory, http)', labelNames: ['target'], registers: [] });
  const failed = new Counter({ name: 'audit_anchor_delivery_failures_total', help: 'Failed attempts to deliver a checkpoint to an audit anchor, by target (retried with backoff)', labelNames: ['target'], registers: [] });
  if (!targets.length) return { delivered: () => undefined, failed: () => undefined };
  for (const target of targets) {
    delivered.inc({ target }, 0);
    failed.inc({ target }, 0);
  }
  registry.registerMetric(delivered);
  registry.registerMetric(failed);

  /** Checkpoints the target does not have yet, the ones whose delivery is not even recorded included. */
  const undelivered = (target: AnchorTarget) => ({ deliveries: { none: { target, status: 'DELIVERED' } } });
  const scrape = async (what: string, read: () => Promise<void>) => {
    try {
      await read();
    } catch (error) {
      if (!databaseFaults.report(error, 'a metrics scrape')) log.warn({ err: error }, `metrics: could not read ${what}`);
    }
  };
  new Gauge({
    name: 'audit_anchor_checkpoints_pending',
    help: 'Signed checkpoints not yet delivered to an audit anchor, by target (read at scrape time)',
    labelNames: ['target'],
    registers: [registry],
    async collect() {
      await scrape('the pending anchor deliveries', async () => {
        for (const target of targets) this.set({ target }, await db.auditCheckpoint.count({ where: undelivered(target) }));
      });
    },
  });
  new Gauge({
    name: 'audit_anchor_oldest_pending_age_seconds',
    help: 'Age of the oldest signed checkpoint not yet delivered to an audit anchor, by target (0: none), seconds',
    labelNames: ['target'],
    registers: [registry],
    async collect() {
      await scrape('the oldest pending anchor delivery', async () => {
        for (const target of targets) {
          const oldest = await db.auditCheckpoint.findFirst({ where: undelivered(target), orderBy: { at: 'asc' }, select: { at: true } });
          this.set({ target }, oldest ? Math.max(0, (clock.now().getTime() - oldest.at.getTime()) / 1000) : 0);
        }
      });
    },
  });
  return { delivered: (target) => delivered.inc({ target }), failed: (target) => failed.inc({ target }) };
}
