// KPI row-level security under load: seeds BENCH_POINTS data points (default 200,000) over 20
// KPIs with dimensions region (4 values) and product (10 values), 50 restricted users with 1-2
// regions and 2-5 products each, plus a user holding 1,000 scopes and one holding a single scope
// per dimension. Then, over HTTP on loopback with 10 concurrent connections, measures a restricted
// user's first page of 100 points of one KPI and that KPI's summary, and the same as OWNER; prints
// req/s, p50/p99 and the ratios. Runs on SQLite, and on PostgreSQL when BENCH_POSTGRES_URL (default
// the local test server) is reachable. The server runs in a child process.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startInstance } from './instance.ts';
import { insertPoints } from './points.ts';
import { rebuildRollups } from '../src/db/sql/kpi-rollups.ts';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { openDatabase, providerOf, type Db } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { systemClock } from '../src/clock.ts';
import { createOrganizationWith } from '../src/identity/bootstrap.ts';
import { loadKpiProfile, visiblePointsOf } from '../src/kpis/access.ts';
import { pageStatement } from '../src/db/sql/kpi-points.ts';

const POINTS = Number(process.env.BENCH_POINTS ?? 200_000);
const KPIS = 20;
const USERS = 50;
const CONNECTIONS = 10;
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 6) * 1000;
const REGIONS = ['US', 'EMEA', 'APAC', 'LATAM'];
const PRODUCTS = Array.from({ length: 10 }, (_, i) => `p${i}`);
/** Product values beyond those in the data, so a user can hold 1,000 distinct scopes. */
const EXTRA_PRODUCTS = Array.from({ length: 1000 }, (_, i) => `x${i}`);

let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(list: readonly T[], n: number) => [...list].sort(() => random() - 0.5).slice(0, n);

export async function seedDatabase(url: string) {
  await migrateDatabase(url);
  const db = openDatabase(url);
  const members = [
    { email: 'owner@bench.test', role: 'OWNER' as const, passwordHash: 'x' },
    { email: 'one-scope@bench.test', role: 'VIEWER' as const, passwordHash: 'x' },
    { email: 'many-scopes@bench.test', role: 'VIEWER' as const, passwordHash: 'x' },
    ...Array.from({ length: USERS }, (_, i) => ({ email: `user${i}@bench.test`, role: 'VIEWER' as const, passwordHash: 'x' })),
  ];
  const org = await createOrganizationWith(db, systemClock, 'Bench', `bench-${randomBytes(3).toString('hex')}`, members);
  const organizationId = org.id;
  const owner = await db.user.findUniqueOrThrow({ where: { email: 'owner@bench.test' } });
  await db.dimension.create({ data: { organizationId, key: 'region', name: 'Region', values: JSON.stringify(REGIONS) } });
  await db.dimension.create({ data: { organizationId, key: 'product', name: 'Product', values: JSON.stringify([...PRODUCTS, ...EXTRA_PRODUCTS]) } });
  const kpis = [];
  for (let k = 0; k < KPIS; k++)
    kpis.push(await db.kpi.create({ data: { organizationId, key: `kpi${k}`, name: `KPI ${k}`, dimensionKeys: JSON.stringify(['region', 'product']), createdById: owner.id } }));
  const perKpi = Math.ceil(POINTS / KPIS);
  const start = Date.UTC(2020, 0, 1);
  await insertPoints(
    url,
    kpis.flatMap((kpi, k) =>
      Array.from({ length: perKpi }, (_, i) => ({
        id: `p${String(k).padStart(2, '0')}${String(i).padStart(7, '0')}`,
        organizationId,
        kpiId: kpi.id,
        period: new Date(start + i * 3_600_000),
        value: Math.round(random() * 10_000) / 10,
        d1: REGIONS[i % 4]!,
        d2: PRODUCTS[Math.floor(i / 4) % 10]!,
      })),
    ),
  );
  // Inserted around the API: their rollups (what `series` reads) recomputed from the rows.
  for (const kpi of kpis) await rebuildRollups(db, organizationId, providerOf(url), kpi.id);
  const role = await db.customRole.create({ data: { organizationId, name: 'Analysts' } });
  for (const kpi of kpis) await db.kpiPermission.create({ data: { organizationId, roleId: role.id, kpiId: kpi.id, access: 'RESTRICTED' } });
  const users = await db.user.findMany({ where: { email: { endsWith: '@bench.test', not: 'owner@bench.test' } } });
  const scopes: { organizationId: string; userId: string; dimensionKey: string; value: string }[] = [];
  for (const u of users) {
    await db.roleAssignment.create({ data: { organizationId, roleId: role.id, userId: u.id } });
    if (u.email === 'one-scope@bench.test') {
      scopes.push({ organizationId, userId: u.id, dimensionKey: 'region', value: 'US' }, { organizationId, userId: u.id, dimensionKey: 'product', value: 'p1' });
    } else if (u.email === 'many-scopes@bench.test') {
      scopes.push({ organizationId, userId: u.id, dimensionKey: 'region', value: 'US' }, { organizationId, userId: u.id, dimensionKey: 'product', value: 'p1' });
      for (const v of EXTRA_PRODUCTS.slice(0, 998)) scopes.push({ organizationId, userId: u.id, dimensionKey: 'product', value: v });
    } else {
      for (const r of pick(REGIONS, 1 + Math.floor(random() * 2))) scopes.push({ organizationId, userId: u.id, dimensionKey: 'region', value: r });
      for (const p of pick(PRODUCTS, 2 + Math.floor(random() * 4))) scopes.push({ organizationId, userId: u.id, dimensionKey: 'product', value: p });
    }
  }
  await db.accessScope.createMany({ data: scopes });
  return { db, organizationId, kpiId: kpis[0]!.id };
}

// The page as a table asks for it (as bench/peer.ts does): nodes, dimension values in the KPI's order.
const PAGE = 'query($id: ID!) { kpi(id: $id) { data(first: 100) { nodes { period value dimensionValues } } } }';
const SUMMARY = 'query($id: ID!) { kpi(id: $id) { summary { count sum avg min max } } }';

async function load(port: number, query: string, id: string, users: string[]) {
  const latencies: number[] = [];
  const deadline = performance.now() + DURATION_MS;
  let i = 0;
  let failures = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const as = users[i++ % users.length]!;
      const t = performance.now();
      const r = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-dev-user': as },
        body: JSON.stringify({ query, variables: { id } }),
      });
      const body = (await r.json()) as { errors?: unknown; data?: { kpi?: unknown } };
      if (body.errors || !body.data?.kpi) {
        failures++;
        if (failures === 1) console.error(`  first failure (${as}): ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
      }
      latencies.push(performance.now() - t);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { rps: latencies.length / seconds, p50: q(0.5), p99: q(0.99), failures };
}

const fmt = (r: { rps: number; p50: number; p99: number; failures: number }) =>
  `${r.rps.toFixed(0).padStart(5)} req/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms${r.failures ? `  (${r.failures} failed)` : ''}`;

/** The statement the restricted page becomes (src/db/sql/kpi-points.ts), and the database's plan for it. */
async function explain(db: Db, url: string, organizationId: string, kpiId: string) {
  const user = await db.user.findUniqueOrThrow({ where: { email: 'user0@bench.test' } });
  const profile = await loadKpiProfile(db, organizationId, user.id, 'VIEWER', new Date());
  const query = { visible: visiblePointsOf(profile, kpiId), conditions: [{ kpiId }] };
  if (url.startsWith('file:')) {
    const { text, params } = pageStatement('sqlite', organizationId, query, 101);
    const { default: Database } = await import('better-sqlite3');
    const raw = new Database(url.slice(5), { readonly: true });
    const plan = raw.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as { detail: string }[];
    raw.close();
    return plan.map((p) => p.detail).join('; ');
  }
  const { text, params } = pageStatement('postgresql', organizationId, query, 101);
  let n = 0;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(`EXPLAIN ${text.replace(/\?/g, () => `$${++n}`)}`, params);
  await client.end();
  return rows.map((r: Record<string, string>) => Object.values(r)[0]).join(' | ');
}

async function run(label: string, url: string) {
  const t = performance.now();
  const { db, organizationId, kpiId } = await seedDatabase(url);
  if (!url.startsWith('file:')) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('ANALYZE');
    await c.end();
  }
  console.log(`\n${label}: seeded ${POINTS} points, ${KPIS} KPIs, ${USERS + 2} restricted users in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  console.log(`  plan of the restricted page query: ${await explain(db, url, organizationId, kpiId)}`);
  await db.$disconnect();
  const server = await startInstance({ DATABASE_URL: url, MAX_COST: '100000' });
  const id = encodeGlobalID('Kpi', kpiId);
  const restricted = Array.from({ length: USERS }, (_, i) => `user${i}@bench.test`);
  const owner = ['owner@bench.test'];
  await load(server.port, PAGE, id, owner); // warm-up
  const results = {
    restrictedPage: await load(server.port, PAGE, id, restricted),
    ownerPage: await load(server.port, PAGE, id, owner),
    restrictedSummary: await load(server.port, SUMMARY, id, restricted),
    ownerSummary: await load(server.port, SUMMARY, id, owner),
    oneScope: await load(server.port, PAGE, id, ['one-scope@bench.test']),
    manyScopes: await load(server.port, PAGE, id, ['many-scopes@bench.test']),
  };
  console.log(`  restricted page of 100   ${fmt(results.restrictedPage)}`);
  console.log(`  owner page of 100        ${fmt(results.ownerPage)}`);
  console.log(`  restricted summary       ${fmt(results.restrictedSummary)}`);
  console.log(`  owner summary            ${fmt(results.ownerSummary)}`);
  console.log(`  1 scope per dimension    ${fmt(results.oneScope)}`);
  console.log(`  1,000 scopes             ${fmt(results.manyScopes)}`);
  const ratio = (a: { p50: number }, b: { p50: number }) => (a.p50 / b.p50).toFixed(2);
  console.log(
    `  ratios (p50 latency): restricted/owner page ${ratio(results.restrictedPage, results.ownerPage)}, summary ${ratio(results.restrictedSummary, results.ownerSummary)}; 1,000 scopes / 1 scope ${ratio(results.manyScopes, results.oneScope)}`,
  );
  await server.stop();
}

export async function kpiBench() {
  console.log(`KPI row-level security: ${CONNECTIONS} connections, ${DURATION_MS / 1000} s per figure, HTTP on loopback`);
  const dir = mkdtempSync(join(tmpdir(), 'gov-bench-kpi-'));
  try {
    await run('SQLite', `file:${join(dir, 'bench.db')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const base = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
  const name = `gov_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  if (!(await admin.connect().then(() => true, () => false))) {
    console.log(`PostgreSQL: skipped, unreachable at ${base}`);
    return;
  }
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  try {
    await run('PostgreSQL', url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
