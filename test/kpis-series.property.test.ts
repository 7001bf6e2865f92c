// `Kpi.series` against the rows the same caller pages through `data`: random commands (points
// written at random instants, scopes granted and revoked, KPI grants changed) interleaved with
// random series questions (every bucket, zones with daylight saving and quarter-hour offsets, 0-2
// group keys, `top`, filters) by random callers. Each answer must equal the aggregates computed
// here, in plain code, from every page of `data(filter)` for that caller at that moment. Values are
// multiples of 1/8, so sums are exact in any order and compared with toEqual. Bucket labels are
// computed independently of src/kpis/buckets.ts: from the local date Intl gives for each instant.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type GqlResult, type TestServer } from './harness.ts';
import type { KpiDataQuery } from './gql/graphql.ts';
import { dimensionsAndKpis, orgWithRoles, succeeded, userIdOf } from './fixtures.ts';
import { AssignRole, CreateRole, GrantAccessScope, KpiData, KpiSeries, RecordKpiData, RevokeAccessScope, SetKpiPermission } from './ops.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const DIMS = { region: ['R1', 'R2', 'R3'], product: ['P1', 'P2'] } as const;
type Dim = keyof typeof DIMS;
const KPIS: { key: string; dims: Dim[] }[] = [
  { key: 'ka', dims: ['region', 'product'] },
  { key: 'kb', dims: ['product'] },
];
const USERS = 2;
const BUCKETS = ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'] as const;
type Bucket = (typeof BUCKETS)[number];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Santiago'];
/** Instants near the zones' changes (and UTC month and year ends), besides random ones. */
const EDGES = ['2024-03-10T07:00:00Z', '2024-03-31T01:00:00Z', '2024-03-30T22:59:59.999Z', '2024-09-08T04:00:00Z', '2024-10-05T15:00:00Z', '2024-12-31T23:59:59.999Z', '2025-01-01T00:00:00Z', '2024-02-29T18:15:00Z'].map(Date.parse);
const FROM = Date.parse('2023-12-20T00:00:00Z');
const SPAN = Date.parse('2025-01-15T00:00:00Z') - FROM;

/** Local midnights of the zones' offsets (bucket starts, often), exactly or a millisecond before. */
const OFFSETS = [0, 60, 120, -180, -240, -300, 330, 345, 630, 660];
const midnight = fc
  .tuple(fc.integer({ min: 0, max: SPAN / 86_400_000 }), fc.constantFrom(...OFFSETS), fc.constantFrom(0, -1))
  .map(([day, offset, nudge]) => FROM + day * 86_400_000 - offset * 60_000 + nudge);
const instant = fc.oneof(fc.constantFrom(...EDGES), midnight, fc.integer({ min: 0, max: SPAN / 60_000 }).map((m) => FROM + m * 60_000));
const pointArb = fc.record({ at: instant, value: fc.integer({ min: -800, max: 800 }).map((v) => v / 8), region: fc.nat(2), product: fc.nat(1) });
const command = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('write' as const), kpi: fc.nat(KPIS.length - 1), points: fc.array(pointArb, { minLength: 1, maxLength: 12 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('scope' as const), user: fc.nat(USERS - 1), dim: fc.constantFrom<Dim>('region', 'product'), value: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('revoke' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('grant' as const), user: fc.nat(USERS - 1), kpi: fc.nat(KPIS.length - 1), access: fc.constantFrom('FULL', 'RESTRICTED', 'NONE') }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('check' as const),
      caller: fc.nat(USERS), // USERS means the admin
      kpi: fc.nat(KPIS.length - 1),
      bucket: fc.option(fc.constantFrom(...BUCKETS), { nil: undefined }),
      zone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
      groups: fc.nat(2),
      swap: fc.boolean(),
      top: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      from: fc.option(instant, { nil: undefined }),
      length: fc.option(fc.integer({ min: 1, max: SPAN / 60_000 }), { nil: undefined }),
      regions: fc.option(fc.subarray([0, 1, 2], { minLength: 1 }), { nil: undefined }),
    }),
  },
);

const localDates = new Map<string, Intl.DateTimeFormat>();
/** The local calendar date of `t` in `zone`, as [year, month, day]. */
function localDate(t: number, zone: string): [number, number, number] {
  let f = localDates.get(zone);
  if (!f) localDates.set(zone, (f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const [y, m, d] = f.format(t).split('-').map(Number);
  return [y!, m!, d!];
}
/** The bucket of instant `t`, named by its local calendar (ISO weeks by their Monday). */
function label(t: number, bucket: Bucket, zone: string): string {
  const [y, m, d] = localDate(t, zone);
  switch (bucket) {
    case 'DAY':
      return `${y}-${m}-${d}`;
    case 'WEEK': {
      const day = Date.UTC(y, m - 1, d);
      const monday = new Date(day - ((new Date(day).getUTCDay() + 6) % 7) * 86_400_000);
      return `W${monday.toISOString().slice(0, 10)}`;
    }
    case 'MONTH':
      return `${y}-${m}`;
    case 'QUARTER':
      return `${y}-Q${Math.ceil(m / 3)}`;
    case 'YEAR':
      return `${y}`;
  }
}

interface Figures {
  count: number;
  sum: number | null;
  avg: number | null;
  min: number | null;
  max: number | null;
}
const figures = (values: number[]): Figures =>
  values.length
    ? { count: values.length, sum: values.reduce((a, b) => a + b, 0), avg: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values), max: Math.max(...values) }
    : { count: 0, sum: null, avg: null, min: null, max: null };
const byKey = (a: string[], b: string[]) => (a.join('\u0000') < b.join('\u0000') ? -1 : a.join('\u0000') > b.join('\u0000') ? 1 : 0);

describe('Kpi.series (property)', () => {
  it('equals the aggregates of the rows the caller pages through data, under writes, grants and revocations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 4, maxLength: 14 }), async (commands) => {
        const o = await orgWithRoles(server, 'SeriesProp', { u0: 'VIEWER', u1: 'VIEWER' });
        const as = { as: o.admin };
        const kpiIds = await dimensionsAndKpis(server, as, DIMS, KPIS);
        const userIds = await Promise.all(Array.from({ length: USERS }, (_, i) => userIdOf(server, o.owner, o.emails[`u${i}`]!)));
        const roleIds: string[] = [];
        for (let u = 0; u < USERS; u++) {
          roleIds.push(succeeded(await server.gql(CreateRole, { name: `r${u}` }, as)).data!.createRole!.id);
          succeeded(await server.gql(AssignRole, { roleId: roleIds[u]!, userId: userIds[u]! }, as));
          for (const kpiId of kpiIds) succeeded(await server.gql(SetKpiPermission, { roleId: roleIds[u]!, kpiId, access: 'RESTRICTED' }, as));
        }
        const scopes: string[] = [];
        for (const c of commands) {
          if (c.kind === 'write') {
            const dims = KPIS[c.kpi]!.dims;
            const points = c.points.map((p) => ({
              period: new Date(p.at).toISOString(),
              value: p.value,
              dimensions: dims.map((d) => ({ dimension: d, value: d === 'region' ? DIMS.region[p.region]! : DIMS.product[p.product]! })),
            }));
            succeeded(await server.gql(RecordKpiData, { kpiId: kpiIds[c.kpi]!, points }, as));
          } else if (c.kind === 'scope') {
            const value = c.value === 3 || c.value >= DIMS[c.dim].length ? '*' : DIMS[c.dim][c.value]!;
            const r = await server.gql(GrantAccessScope, { userId: userIds[c.user]!, dimension: c.dim, value }, as);
            // A scope already held is a CONFLICT: nothing changes.
            if (!r.errors) scopes.push(r.data!.grantAccessScope!.id);
          } else if (c.kind === 'revoke') {
            if (scopes.length) succeeded(await server.gql(RevokeAccessScope, { id: scopes.splice(c.pick % scopes.length, 1)[0]! }, as));
          } else if (c.kind === 'grant') {
            succeeded(await server.gql(SetKpiPermission, { roleId: roleIds[c.user]!, kpiId: kpiIds[c.kpi]!, access: c.access as 'FULL' }, as));
          } else {
            const caller = c.caller === USERS ? o.admin : o.emails[`u${c.caller}`]!;
            const dims = KPIS[c.kpi]!.dims;
            const groupBy = (c.swap ? [...dims].reverse() : dims).slice(0, c.groups);
            const from = c.from;
            const to = from !== undefined && c.length !== undefined ? from + c.length * 60_000 : undefined;
            const filter = {
              ...(from !== undefined ? { from: new Date(from).toISOString() } : {}),
              ...(to !== undefined ? { to: new Date(to).toISOString() } : {}),
              ...(c.regions && dims.includes('region') ? { dimensions: [{ dimension: 'region', values: c.regions.map((i) => DIMS.region[i]!) }] } : {}),
            };
            const input = { bucket: c.bucket, timeZone: c.zone, groupBy, top: c.top, filter };
            // Every page of data(filter) for this caller.
            const rows: { t: number; value: number; dims: Record<string, string> }[] = [];
            let visible = true;
            for (let after: string | null | undefined = undefined; ; ) {
              const page: GqlResult<KpiDataQuery> = succeeded(await server.gql(KpiData, { id: kpiIds[c.kpi]!, filter, first: 100, after }, { as: caller }));
              if (!page.data!.kpi) {
                visible = false;
                break;
              }
              const data: NonNullable<NonNullable<typeof page.data>['kpi']>['data'] & object = page.data!.kpi.data!;
              for (const e of data.edges!) rows.push({ t: Date.parse(e!.node!.period!), value: e!.node!.value!, dims: Object.fromEntries(e!.node!.dimensions!.map((d: { dimension?: string | null; value?: string | null } | null) => [d!.dimension!, d!.value!])) });
              if (!data.pageInfo!.hasNextPage) break;
              after = data.pageInfo!.endCursor;
            }
            const r = succeeded(await server.gql(KpiSeries, { id: kpiIds[c.kpi]!, input, filter }, { as: caller }));
            if (!visible) {
              expect(r.data!.kpi).toBeNull();
              continue;
            }
            const series = r.data!.kpi!.series!;
            const zone = c.zone ?? 'UTC';
            // The oracle: groups by key, buckets by local label, from the rows.
            const groups = new Map<string, { key: string[]; values: number[]; buckets: Map<string, { first: number; values: number[] }> }>();
            for (const row of rows) {
              const key = groupBy.map((d) => row.dims[d]!);
              const id = JSON.stringify(key);
              let g = groups.get(id);
              if (!g) groups.set(id, (g = { key, values: [], buckets: new Map() }));
              g.values.push(row.value);
              if (c.bucket) {
                const l = label(row.t, c.bucket, zone);
                const b = g.buckets.get(l) ?? { first: row.t, values: [] };
                b.first = Math.min(b.first, row.t);
                b.values.push(row.value);
                g.buckets.set(l, b);
              }
            }
            let want = [...groups.values()].sort((a, b) => byKey(a.key, b.key));
            if (c.top) want = want.sort((a, b) => figures(b.values).sum! - figures(a.values).sum! || byKey(a.key, b.key)).slice(0, c.top);
            const context = { input, rows: rows.length };
            expect({ ...context, total: series.total }).toEqual({ ...context, total: figures(rows.map((x) => x.value)) });
            expect({ ...context, total: series.total }).toEqual({ ...context, total: r.data!.kpi!.summary });
            expect({ ...context, groups: series.groups.map((g) => ({ key: g.key, total: g.total })) }).toEqual({ ...context, groups: want.map((g) => ({ key: g.key, total: figures(g.values) })) });
            for (const [i, g] of series.groups.entries()) {
              const buckets = [...want[i]!.buckets].sort((a, b) => a[1].first - b[1].first);
              const got = g.points.map((p) => {
                const t = Date.parse(p.period!);
                // `period` is the bucket's first instant: the instant before it is in another bucket.
                expect({ ...context, period: p.period, before: label(t - 1, c.bucket!, zone) }).not.toEqual({ ...context, period: p.period, before: label(t, c.bucket!, zone) });
                return { label: label(t, c.bucket!, zone), count: p.count, sum: p.sum, avg: p.avg, min: p.min, max: p.max };
              });
              expect({ ...context, key: g.key, points: got }).toEqual({ ...context, key: g.key, points: buckets.map(([l, b]) => ({ label: l, ...figures(b.values) })) });
            }
          }
        }
      }),
      { numRuns: Number(process.env.SERIES_PROPERTY_RUNS ?? 6), ...(process.env.SERIES_PROPERTY_SEED ? { seed: Number(process.env.SERIES_PROPERTY_SEED) } : {}) },
    );
  }, 240_000);
});
