// KPIs, their data points and alerts: creating them, recording data in batches (all or nothing)
// and firing alerts on the points that cross them. Every change commits with its audit event.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { auditedTransaction, callerActor } from '../audit/record.ts';
import { refusalError } from '../authz/decision.ts';
import type { Context } from '../context.ts';
import { isUniqueViolation, type Db, type Prisma } from '../db/client.ts';
import { timeOrderedId } from '../db/ids.ts';
import { insertPoints, upsertRollups, type RollupPoint } from '../db/sql/kpi-rollups.ts';
import { notFound } from '../errors.ts';
import { accessOf, bumpAccessVersion, dimensionColumn, MAX_DIMENSIONS, profileFor } from './access.ts';
import { dimensionByKey, valuesOf } from './dimensions.ts';
import { boundedList, dimensionValue, distinct, finite, key, LIMITS, optionalText, refuse, requiredText, uniquely } from './input.ts';
import { writeKpiDecision } from './policy.ts';

export const dimensionKeysOf = (kpi: { dimensionKeys: string }) => JSON.parse(kpi.dimensionKeys) as string[];

export interface CreateKpiInput {
  key: string;
  name: string;
  unit?: string | null;
  description?: string | null;
  target?: number | null;
  dimensionKeys: readonly string[];
}

export async function createKpi(ctx: Context, input: CreateKpiInput) {
  const data = {
    key: key('input.key', input.key),
    name: requiredText('input.name', input.name, LIMITS.name),
    unit: optionalText('input.unit', input.unit, LIMITS.unit),
    description: optionalText('input.description', input.description, LIMITS.description),
    target: finite('input.target', input.target),
  };
  const dimensionKeys = distinct('input.dimensionKeys', boundedList('input.dimensionKeys', input.dimensionKeys, MAX_DIMENSIONS));
  dimensionKeys.forEach((k, i) => key(`input.dimensionKeys[${i}]`, k));
  // The creator may gain FULL on it: the rest of this request must see that.
  try {
    return await uniquely(
      () =>
        auditedTransaction(callerActor(ctx), async (tx, record) => {
          for (const k of dimensionKeys) await dimensionByKey(tx, k);
          const row = await tx.kpi.create({
            data: { ...data, organizationId: ctx.member.organizationId, dimensionKeys: JSON.stringify(dimensionKeys), createdById: ctx.user.id },
          });
          await bumpAccessVersion(tx, row.organizationId);
          await record({ action: 'kpi.create', targetType: 'Kpi', targetId: row.id, metadata: { key: row.key, dimensions: dimensionKeys } });
          return row;
        }),
      `A KPI with key "${data.key}" already exists here.`,
    );
  } finally {
    ctx.refreshRowFilters();
  }
}

/** Aggregates over the points the caller's client may see (row-level security applies). */
export async function kpiSummary(db: Db, where: Prisma.KpiDataPointWhereInput) {
  const r = await db.kpiDataPoint.aggregate({ where, _count: { _all: true }, _sum: { value: true }, _avg: { value: true }, _min: { value: true }, _max: { value: true } });
  return { count: r._count._all, sum: r._sum.value, avg: r._avg.value, min: r._min.value, max: r._max.value };
}

/** The KPI if the caller may see it; NOT_FOUND otherwise (the row filter decides). */
export async function visibleKpi(ctx: Context, kpiId: string) {
  const kpi = await ctx.db.kpi.findUnique({ where: { id: kpiId } });
  if (!kpi) throw notFound('KPI', encodeGlobalID('Kpi', kpiId));
  return kpi;
}

export interface PointInput {
  period: Date;
  value: number;
  dimensions: readonly { dimension: string; value: string }[];
}

export const ALERT_OPERATORS = ['GT', 'GTE', 'LT', 'LTE'] as const;
export type AlertOperator = (typeof ALERT_OPERATORS)[number];

const crosses = (operator: string, value: number, threshold: number) =>
  operator === 'GT' ? value > threshold : operator === 'GTE' ? value >= threshold : operator === 'LT' ? value < threshold : value <= threshold;

/** What a batch may hold whatever the KPI: checked before anything is read. */
function checkBatchShape(points: readonly PointInput[]) {
  if (points.length === 0) throw refuse('points', 'needs at least one point.');
  boundedList('points', points, LIMITS.points);
  points.forEach((p, i) => {
    if (!(p.period instanceof Date) || Number.isNaN(p.period.getTime())) throw refuse(`points[${i}].period`, 'is not a valid date-time.');
    finite(`points[${i}].value`, p.value);
    boundedList(`points[${i}].dimensions`, p.dimensions, MAX_DIMENSIONS).forEach((d, j) => {
      key(`points[${i}].dimensions[${j}].dimension`, d.dimension);
      dimensionValue(`points[${i}].dimensions[${j}].value`, d.value);
    });
  });
}

/** The batch as rows of `kpi`: every dimension of the KPI exactly once, with one of its values. */
async function pointRows(ctx: Context, kpi: { id: string; key: string; organizationId: string; dimensionKeys: string }, points: readonly PointInput[]) {
  const keys = dimensionKeysOf(kpi);
  const dimensions = await ctx.db.dimension.findMany({ where: { key: { in: keys } } });
  const allowed = new Map(dimensions.map((d) => [d.key, new Set(valuesOf(d))]));
  return points.map((p, i) => {
    const field = `points[${i}].dimensions`;
    const given = new Map<string, string>();
    for (const d of p.dimensions) {
      if (given.has(d.dimension)) throw refuse(field, `gives dimension "${d.dimension}" twice.`);
      if (!keys.includes(d.dimension)) throw refuse(field, `names "${d.dimension}", which KPI "${kpi.key}" does not have; its dimensions are ${keys.join(', ') || 'none'}.`);
      if (!allowed.get(d.dimension)?.has(d.value)) throw refuse(field, `gives "${d.value.slice(0, 60)}", which is not a value of dimension "${d.dimension}".`);
      given.set(d.dimension, d.value);
    }
    const missing = keys.filter((k) => !given.has(k));
    if (missing.length) throw refuse(field, `needs exactly one value for every dimension of KPI "${kpi.key}"; missing ${missing.join(', ')}.`);
    const row: Prisma.KpiDataPointCreateManyInput = { organizationId: kpi.organizationId, kpiId: kpi.id, period: p.period, value: p.value };
    keys.forEach((k, index) => (row[dimensionColumn(index)] = given.get(k)!));
    return row;
  });
}

/** A client's key for a batch (resumable imports): 1 to LIMITS.batchKey characters. */
function checkBatchKey(batchKey: string | null | undefined): string | null {
  if (batchKey === null || batchKey === undefined) return null;
  if (!batchKey.trim()) throw refuse('batchKey', 'is blank: omit it, or give the key that names this batch (e.g. the file and line it starts at).');
  if (batchKey.length > LIMITS.batchKey) throw refuse('batchKey', `is at most ${LIMITS.batchKey} characters; it had ${batchKey.length}.`);
  return batchKey;
}

/** A batch of 10,000 points on a loaded machine can outlive Prisma's default 5 s transaction. */
const BATCH_TRANSACTION = { timeout: 30_000 };

/**
 * Validates and stores a batch of points, all or nothing, with their rollups and one audit event;
 * fires alerts and publishes them after commit. With `batchKey`, a batch already recorded under
 * that key (for this KPI) is not recorded again: the call returns the count recorded then, also
 * when two calls with the same key race (the key's row is unique; the loser re-reads it).
 */
export async function recordKpiData(ctx: Context, kpiId: string, points: readonly PointInput[], batchKey?: string | null) {
  checkBatchShape(points);
  const key = checkBatchKey(batchKey);
  const kpi = await visibleKpi(ctx, kpiId);
  const decision = writeKpiDecision(ctx.member.role, kpi.key, accessOf(await profileFor(ctx.rowRequest), kpi.id));
  if (!decision.allowed) throw refusalError(decision);
  const rows = await pointRows(ctx, kpi, points);
  const recorded = async () => (key === null ? null : ((await ctx.db.kpiBatch.findUnique({ where: { kpiId_key: { kpiId: kpi.id, key } } }))?.points ?? null));
  // A batch recorded before fails at its key's row, the transaction's first statement, before any
  // point is written: then the count recorded with it is the answer (no lookup first: most batches are new).
  let fired: { id: string }[];
  try {
    fired = await auditedTransaction(callerActor(ctx), async (tx, record) => {
      // First, so that a batch sent again, or a concurrent one with the same key (which waits here), fails as a duplicate.
      if (key !== null) await tx.kpiBatch.create({ data: { organizationId: kpi.organizationId, kpiId: kpi.id, key, points: rows.length } });
      const now = ctx.services.clock.now();
      await insertPoints(tx, kpi.organizationId, ctx.services.sql.provider, kpi.id, now, rows.map((row) => ({ ...(row as RollupPoint), id: timeOrderedId(now.getTime()) })));
      await upsertRollups(tx, kpi.organizationId, ctx.services.sql.provider, kpi.id, rows as RollupPoint[]);
      // Readers cache which dimension values occur per dataVersion (present-values.ts).
      await tx.kpi.updateMany({ where: { id: kpi.id }, data: { dataVersion: { increment: 1 } } });
      const alerts = await tx.alert.findMany({ where: { kpiId: kpi.id } });
      const firings = alerts.flatMap((alert) =>
        rows
          .filter((row) => crosses(alert.operator, row.value, alert.threshold))
          .map((row) => ({ organizationId: kpi.organizationId, alertId: alert.id, kpiId: kpi.id, period: row.period as Date, value: row.value })),
      );
      const created = firings.length ? await tx.alertFiring.createManyAndReturn({ data: firings, select: { id: true } }) : [];
      await record({
        action: 'kpi.data.record',
        targetType: 'Kpi',
        targetId: kpi.id,
        metadata: { key: kpi.key, points: rows.length, alertsFired: created.length, ...(key === null ? {} : { batchKey: key }) },
      });
      return created;
    }, BATCH_TRANSACTION);
  } catch (error) {
    const after = isUniqueViolation(error) ? await recorded() : null;
    if (after !== null) return after;
    throw error;
  }
  for (const f of fired) ctx.services.pubsub.publish('org:event', kpi.organizationId, { type: 'alert.fired', id: f.id });
  return rows.length;
}

export async function createAlert(ctx: Context, kpiId: string, operator: AlertOperator, threshold: number) {
  finite('threshold', threshold);
  const kpi = await visibleKpi(ctx, kpiId);
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    const row = await tx.alert.create({ data: { organizationId: kpi.organizationId, kpiId: kpi.id, operator, threshold, createdById: ctx.user.id } });
    await record({ action: 'alert.create', targetType: 'Alert', targetId: row.id, metadata: { kpi: kpi.key, operator, threshold } });
    return row;
  });
}
