// KPIs: their type with data and summary (rows filtered in SQL by the caller's row filters), the
// list, one by id, creating one and recording data.
import { builder } from '../../builder.ts';
import type { Context } from '../../context.ts';
import type { Kpi, Prisma } from '../../db/client.ts';
import { dimensionByKey } from '../../loaders.ts';
import { connectionOf, pageArgs, pageOfRows, paginate } from '../../pagination.ts';
import { accessOf, dimensionColumn, profileFor, visibleKpiOf, visiblePointsOf } from '../access.ts';
import { countPoints, readPoints, readVisibleKpi, summarizePoints, type PointQuery, type PointRow, type PointSummary } from '../../db/sql/kpi-points.ts';
import { dimensionFilters, refuse, type DimensionFilter } from '../input.ts';
import { createKpi, dimensionKeysOf, recordKpiData } from '../kpis.ts';
import { KPI_ACCESS_LEVELS } from '../policy.ts';
import { DimensionRef } from './dimension.ts';
import { longLists, narrowToOccurring, occurringValues } from '../present-values.ts';
import { TIME_BUCKETS } from '../buckets.ts';
import { checkSeriesInput, kpiSeries, type Series, type SeriesGroup, type SeriesPoint } from '../series.ts';

export const KpiAccessEnum = builder.enumType('KpiAccess', { values: KPI_ACCESS_LEVELS });

const DimensionValueRef = builder.objectRef<{ dimension: string; value: string }>('DimensionValue').implement({
  fields: (t) => ({ dimension: t.exposeString('dimension'), value: t.exposeString('value') }),
});

type PointShape = PointRow & { keys: string[] };
const KpiDataPointRef = builder.objectRef<PointShape>('KpiDataPoint').implement({
  fields: (t) => ({
    period: t.expose('period', { type: 'DateTime' }),
    value: t.exposeFloat('value'),
    dimensions: t.field({
      type: [DimensionValueRef],
      resolve: (p) => p.keys.map((dimension, i) => ({ dimension, value: p[dimensionColumn(i)] ?? '' })),
    }),
    dimensionValues: t.stringList({
      description: "The row's value of each of the KPI's dimensions, in the order of `Kpi.dimensions`: `dimensions` without the repeated names (a page of 100 rows is about 40% smaller).",
      resolve: (p) => p.keys.map((_, i) => p[dimensionColumn(i)] ?? ''),
    }),
  }),
});
const KpiDataPointConnection = connectionOf(KpiDataPointRef, 'KpiDataPoint');

const KpiSummaryRef = builder.objectRef<PointSummary>('KpiSummary').implement({
  description: 'Aggregates over the rows that the caller may see, and no others.',
  fields: (t) => ({
    count: t.exposeInt('count'),
    sum: t.exposeFloat('sum', { nullable: true }),
    avg: t.exposeFloat('avg', { nullable: true }),
    min: t.exposeFloat('min', { nullable: true }),
    max: t.exposeFloat('max', { nullable: true }),
  }),
});

const DimensionFilterInput = builder.inputType('DimensionFilter', {
  fields: (t) => ({ dimension: t.string({ required: true }), values: t.stringList({ required: true }) }),
});
const KpiDataFilterInput = builder.inputType('KpiDataFilter', {
  fields: (t) => ({
    from: t.field({ type: 'DateTime' }),
    to: t.field({ type: 'DateTime' }),
    dimensions: t.field({ type: [DimensionFilterInput] }),
  }),
});

type DataFilter = { from?: Date | null; to?: Date | null; dimensions?: readonly DimensionFilter[] | null } | null | undefined;

/** The caller's filter as SQL conditions; row-level security is added by the extension on top. */
function dataWhere(kpi: Kpi, filter: DataFilter, field = 'filter'): Prisma.KpiDataPointWhereInput {
  const keys = dimensionKeysOf(kpi);
  const and: Prisma.KpiDataPointWhereInput[] = [{ kpiId: kpi.id }];
  if (filter?.from) and.push({ period: { gte: filter.from } });
  if (filter?.to) and.push({ period: { lt: filter.to } });
  for (const [i, d] of dimensionFilters(`${field}.dimensions`, filter?.dimensions).entries()) {
    const index = keys.indexOf(d.dimension);
    if (index < 0) throw refuse(`${field}.dimensions[${i}].dimension`, `names "${d.dimension}", which KPI "${kpi.key}" does not have; its dimensions are ${keys.join(', ') || 'none'}.`);
    and.push({ [dimensionColumn(index)]: { in: [...d.values] } });
  }
  return { AND: and };
}

const encodePointKey = (p: PointRow) => `${p.period.toISOString()}|${p.id}`;
/** Rows after the cursor's (period, id), newest first: `period <= at` first, so the index bounds the scan. */
function afterPoint(key: string | null): Prisma.KpiDataPointWhereInput[] {
  if (!key) return [];
  const [period, id] = key.split('|');
  const at = new Date(period ?? '');
  if (!id || Number.isNaN(at.getTime())) throw refuse('after', 'does not come from this list: pass an endCursor it returned.');
  return [{ period: { lte: at }, OR: [{ period: { lt: at } }, { id: { lt: id } }] }];
}

/**
 * The statement's confinement, from the same decisions as every other read: the caller's
 * organization (never the KPI row's) and the rows of this KPI their profile may see.
 */
async function pointQuery(ctx: Context, organizationId: string, kpi: Kpi, conditions: Prisma.KpiDataPointWhereInput[]): Promise<PointQuery> {
  const profile = await profileFor(ctx.rowRequest);
  let visible = visiblePointsOf(profile, kpi.id);
  // Long scope lists narrowed to the values the KPI's points have (the same rows; present-values.ts).
  const long = longLists(visible);
  if (long.length) visible = narrowToOccurring(visible, await occurringValues(ctx.services.sql, { id: kpi.id, organizationId, dataVersion: kpi.dataVersion }, long));
  return { visible, conditions };
}

const TimeBucketEnum = builder.enumType('TimeBucket', {
  description: 'How `period` is cut into buckets: weeks start on Monday (ISO 8601), quarters are calendar quarters.',
  values: TIME_BUCKETS,
});
const KpiSeriesInputRef = builder.inputType('KpiSeriesInput', {
  fields: (t) => ({
    bucket: t.field({ type: TimeBucketEnum, description: 'Bucket of `period`; omitted: no time axis (each group\'s `points` is empty and its `total` holds the figures).' }),
    timeZone: t.string({ description: 'IANA time zone whose calendar cuts the buckets (e.g. Europe/Berlin); UTC when omitted.' }),
    groupBy: t.stringList({ description: "Keys of the KPI's dimensions to split by, 0 to 2, in this order; no split when omitted." }),
    filter: t.field({ type: KpiDataFilterInput }),
    top: t.int({ description: 'Only the N groups with the largest SUM (ties by key), largest first; all groups, ordered by key, when omitted.' }),
  }),
});
const KpiSeriesPointRef = builder.objectRef<SeriesPoint>('KpiSeriesPoint').implement({
  fields: (t) => ({
    period: t.expose('period', { type: 'DateTime', description: 'The instant the bucket starts in `timeZone`.' }),
    count: t.exposeInt('count'),
    sum: t.exposeFloat('sum', { nullable: true }),
    avg: t.exposeFloat('avg', { nullable: true }),
    min: t.exposeFloat('min', { nullable: true }),
    max: t.exposeFloat('max', { nullable: true }),
  }),
});
const KpiSeriesGroupRef = builder.objectRef<SeriesGroup>('KpiSeriesGroup').implement({
  fields: (t) => ({
    key: t.exposeStringList('key', { description: "The group's value of each `groupBy` dimension, in order; empty without groupBy (one group)." }),
    total: t.field({ type: KpiSummaryRef, resolve: (g) => g.total }),
    points: t.field({ type: [KpiSeriesPointRef], description: 'One per bucket holding at least one row the caller may see, oldest first.', resolve: (g) => g.points }),
  }),
});
const KpiSeriesRef = builder.objectRef<Series>('KpiSeries').implement({
  fields: (t) => ({
    bucket: t.field({ type: TimeBucketEnum, nullable: true, resolve: (s) => s.bucket }),
    timeZone: t.exposeString('timeZone'),
    groupBy: t.exposeStringList('groupBy'),
    total: t.field({ type: KpiSummaryRef, description: 'Over every row the caller may see within the filter: the same figures as `summary(filter)`.', resolve: (s) => s.total }),
    groups: t.field({ type: [KpiSeriesGroupRef], resolve: (s) => s.groups }),
  }),
});

export const KpiRef = builder.node(builder.objectRef<Kpi>('Kpi'), {
  id: { resolve: (k) => k.id },
  authScopes: { can: 'kpis.read' },
  loadMany: (ids, ctx) => ctx.db.kpi.findMany({ where: { id: { in: ids } } }),
  fields: (t) => ({
    key: t.exposeString('key'),
    name: t.exposeString('name'),
    unit: t.exposeString('unit', { nullable: true }),
    description: t.exposeString('description', { nullable: true }),
    target: t.exposeFloat('target', { nullable: true }),
    dimensions: t.field({
      type: [DimensionRef],
      resolve: async (k, _a, ctx) => {
        const rows = await Promise.all(dimensionKeysOf(k).map((key) => dimensionByKey(ctx).load(key)));
        return rows.filter((row) => row !== null);
      },
    }),
    access: t.field({ type: KpiAccessEnum, description: "The caller's effective access to this KPI.", resolve: async (k, _a, ctx) => accessOf(await profileFor(ctx.rowRequest), k.id) }),
    data: t.field({
      type: KpiDataPointConnection,
      description: 'Newest period first.',
      args: { filter: t.arg({ type: KpiDataFilterInput }), ...pageArgs },
      // One statement per page and one for totalCount, through the driver (src/db/sql/kpi-points.ts).
      resolve: (k, args, ctx) => {
        const where = dataWhere(k, args.filter);
        const keys = dimensionKeysOf(k);
        const { organizationId } = ctx.member;
        let query: Promise<PointQuery> | undefined;
        const confined = () => (query ??= pointQuery(ctx, organizationId, k, [where]));
        return paginate(
          ctx,
          args,
          encodePointKey,
          async (take, after) => {
            const cursor = afterPoint(after);
            const q = await confined();
            const rows = (await readPoints(ctx.services.sql, organizationId, { ...q, conditions: [...q.conditions, ...cursor] }, take)) as PointShape[];
            for (const row of rows) row.keys = keys;
            return rows;
          },
          async () => countPoints(ctx.services.sql, organizationId, await confined()),
        );
      },
    }),
    summary: t.field({
      type: KpiSummaryRef,
      args: { filter: t.arg({ type: KpiDataFilterInput }) },
      resolve: async (k, args, ctx) => {
        const { organizationId } = ctx.member;
        return summarizePoints(ctx.services.sql, organizationId, await pointQuery(ctx, organizationId, k, [dataWhere(k, args.filter)]));
      },
    }),
    series: t.field({
      type: KpiSeriesRef,
      description: "Aggregates of the rows the caller may see, split by time bucket and dimensions: what a dashboard's chart needs, in one request.",
      args: { input: t.arg({ type: KpiSeriesInputRef, required: true }) },
      // From the exact rollups where whole UTC days, months or years fit a bucket, from rows elsewhere (src/kpis/series.ts).
      resolve: async (k, { input }, ctx) => {
        checkSeriesInput(k, input);
        const { organizationId } = ctx.member;
        const conditions = dataWhere(k, { dimensions: input.filter?.dimensions }, 'input.filter');
        return kpiSeries(ctx.services.sql, organizationId, k, input, await pointQuery(ctx, organizationId, k, [conditions]));
      },
    }),
  }),
});
const KpiConnection = connectionOf(KpiRef, 'Kpi');

builder.queryFields((t) => ({
  kpis: t.field({
    type: KpiConnection,
    description: 'The KPIs the caller may see (access other than NONE), by key.',
    authScopes: { can: 'kpis.read' },
    args: pageArgs,
    resolve: (_r, args, ctx) =>
      pageOfRows<Kpi>(ctx, args, ctx.db.kpi, { orderBy: [{ key: 'asc' }, { id: 'asc' }] }),
  }),
  kpi: t.field({
    type: KpiRef,
    nullable: true,
    description: 'Null for a KPI the caller may not see.',
    authScopes: { can: 'kpis.read' },
    args: { id: t.arg.globalID({ required: true, for: KpiRef }) },
    // Through the driver, confined by the caller's organization and the Kpi row filter of their profile.
    resolve: async (_r, args, ctx) => readVisibleKpi(ctx.services.sql, ctx.member.organizationId, args.id.id, visibleKpiOf(await profileFor(ctx.rowRequest), args.id.id)),
  }),
}));

const CreateKpiInputRef = builder.inputType('CreateKpiInput', {
  fields: (t) => ({
    key: t.string({ required: true }),
    name: t.string({ required: true }),
    unit: t.string(),
    description: t.string(),
    target: t.float(),
    dimensionKeys: t.stringList({ required: true }),
  }),
});
const DimensionValueInput = builder.inputType('DimensionValueInput', {
  fields: (t) => ({ dimension: t.string({ required: true }), value: t.string({ required: true }) }),
});
const KpiPointInput = builder.inputType('KpiPointInput', {
  fields: (t) => ({
    period: t.field({ type: 'DateTime', required: true }),
    value: t.float({ required: true }),
    dimensions: t.field({ type: [DimensionValueInput], required: true }),
  }),
});

builder.mutationFields((t) => ({
  createKpi: t.field({
    type: KpiRef,
    authScopes: { can: 'kpis.write' },
    args: { input: t.arg({ type: CreateKpiInputRef, required: true }) },
    resolve: (_r, a, ctx) => createKpi(ctx, a.input),
  }),
  recordKpiData: t.int({
    description:
      'Stores a batch of points (at most 10,000), all or none, with the rollups `series` reads; returns how many were stored. Needs FULL access to the KPI. With `batchKey`, a batch already recorded under that key for this KPI is not stored again: the call returns the count stored then (resumable imports).',
    authScopes: { can: 'kpis.write' },
    args: {
      kpiId: t.arg.globalID({ required: true, for: KpiRef }),
      points: t.arg({ type: [KpiPointInput], required: true }),
      batchKey: t.arg.string({ description: 'Names this batch for this KPI (1 to 200 characters), so that sending it again after an interruption stores nothing twice.' }),
    },
    resolve: (_r, a, ctx) => recordKpiData(ctx, a.kpiId.id, a.points, a.batchKey),
  }),
}));
