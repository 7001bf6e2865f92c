// `npm run bench -- import`: points per second of the import path against a plain multi-row
// INSERT of the same rows through the same driver, on SQLite and PostgreSQL, in the same run.
//  - import path: `recordKpiData(kpiId, points, batchKey)` through the app's GraphQL endpoint
//    (in-process fetch, as `npm run kpi:import` sends it minus the socket): validation,
//    permissions, the batch key, the rollups and one audit event per batch, committed together;
//  - plain INSERT: the same rows (ids made as the import path makes them, src/db/ids.ts), the
//    same batches, each batch one transaction of multi-row `INSERT INTO "KpiDataPoint" ... VALUES
//    (...), (...)` statements through the app's own Prisma client and driver adapter: no
//    validation, no rollups, no audit.
// Each round writes a fresh KPI per system (the table grows alike for both); the systems
// alternate within a round; medians over rounds. Request bodies and statement parameters are
// built before the clock starts. Knobs: IMPORT_POINTS (100,000), IMPORT_BATCH (5,000, the CLI's default),
// IMPORT_ORDER (time; or scattered), IMPORT_ROUNDS (3), BENCH_POSTGRES_URL (the local test server;
// skipped when unreachable).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { providerOf } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { createOrganizationWith } from '../src/identity/bootstrap.ts';
import { createLogger } from '../src/logger.ts';
import { timeOrderedId } from '../src/db/ids.ts';

const POINTS = Number(process.env.IMPORT_POINTS ?? 100_000);
const BATCH = Number(process.env.IMPORT_BATCH ?? 5000);
const ROUNDS = Number(process.env.IMPORT_ROUNDS ?? 3);
/** Rows per INSERT statement: 8 parameters a row stays under SQLite's 32,766. */
const ROWS_PER_STATEMENT = 2500;
const REGIONS = ['US', 'EMEA', 'APAC', 'LATAM'];
const PRODUCTS = Array.from({ length: 10 }, (_, i) => `P${i + 1}`);
const OWNER = 'owner@import.bench';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Point {
  period: string;
  value: number;
  region: string;
  product: string;
}

/**
 * The rows: by default laid out as the peer harness generates a KPI's rows (gen-data.mjs): day
 * after day, one point per (day, region, product), so 100,000 points are one KPI's rows of the
 * 2,000,000-row data set (2,500 days); the order an export from a warehouse has. IMPORT_ORDER=scattered
 * spreads every batch over 730 days and all 40 combinations instead (each batch then touches
 * every month's rollups): the worst case for the rollups, reported beside it.
 */
const ORDER = process.env.IMPORT_ORDER === 'scattered' ? 'scattered' : 'time';
const DAY = 86_400_000;
const points: Point[] = Array.from({ length: POINTS }, (_, i) =>
  ORDER === 'time'
    ? {
        period: new Date(Date.UTC(2019, 0, 1) + Math.floor(i / 40) * DAY).toISOString(),
        value: Math.round(((i * 7919) % 1_000_000) / 7) / 100,
        region: REGIONS[i % 4]!,
        product: PRODUCTS[Math.floor(i / 4) % 10]!,
      }
    : {
        period: new Date(Date.UTC(2024, 0, 1) + (i % 730) * DAY + (i % 24) * 3_600_000).toISOString(),
        value: Math.round(((i * 7919) % 100_000) / 7) / 100,
        region: REGIONS[i % 4]!,
        product: PRODUCTS[Math.floor(i / 4) % 10]!,
      },
);

async function target(name: string, url: string) {
  await migrateDatabase(url);
  const app = await buildApp(
    loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, JWT_SECRET: 'bench-secret-bench-secret-bench-secret-01', AUTH_DEV_HEADERS: '1', SEED_DEMO: '0', LOG_LEVEL: 'silent', MAX_BODY_BYTES: String(16 * 1024 * 1024) }),
    { log: createLogger(process.env.BENCH_LOG_LEVEL ?? 'silent') },
  );
  const db = app.services.system;
  const provider = providerOf(url);
  try {
    const org = await createOrganizationWith(db, app.services.clock, 'Import bench', `import-${randomBytes(3).toString('hex')}`, [{ email: OWNER, role: 'OWNER', passwordHash: 'x' }]);
    const gql = async (query: string, variables: object) => {
      const r = await app.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'x-dev-user': OWNER }, body: JSON.stringify({ query, variables }) });
      const json = (await r.json()) as { data?: any; errors?: unknown[] };
      if (json.errors) throw new Error(`${name}: ${JSON.stringify(json.errors).slice(0, 400)}`);
      return json.data;
    };
    await gql('mutation($v: [String!]) { createDimension(key: "region", name: "Region", values: $v) { id } }', { v: REGIONS });
    await gql('mutation($v: [String!]) { createDimension(key: "product", name: "Product", values: $v) { id } }', { v: PRODUCTS });
    let kpis = 0;
    const newKpi = async () => {
      const key = `import_${++kpis}`;
      const data = await gql('mutation($input: CreateKpiInput!) { createKpi(input: $input) { id } }', { input: { key, name: key, dimensionKeys: ['region', 'product'] } });
      return { globalId: data.createKpi.id as string, id: Buffer.from(data.createKpi.id, 'base64').toString().split(':')[1]! };
    };
    const batches = Array.from({ length: Math.ceil(POINTS / BATCH) }, (_, b) => points.slice(b * BATCH, (b + 1) * BATCH));

    const viaApi = async () => {
      const kpi = await newKpi();
      const bodies = batches.map((batch, b) =>
        JSON.stringify({
          query: 'mutation KpiImportBatch($kpiId: ID!, $points: [KpiPointInput!]!, $batchKey: String) { recordKpiData(kpiId: $kpiId, points: $points, batchKey: $batchKey) }',
          variables: {
            kpiId: kpi.globalId,
            batchKey: `bench:${kpi.id}:${b}`,
            points: batch.map((p) => ({ period: p.period, value: p.value, dimensions: [{ dimension: 'region', value: p.region }, { dimension: 'product', value: p.product }] })),
          },
        }),
      );
      const t0 = performance.now();
      for (const [b, body] of bodies.entries()) {
        const r = await app.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'x-dev-user': OWNER }, body });
        const json = (await r.json()) as { data?: { recordKpiData: number }; errors?: unknown[] };
        if (json.data?.recordKpiData !== batches[b]!.length) throw new Error(`${name}: batch ${b}: ${JSON.stringify(json).slice(0, 400)}`);
      }
      return POINTS / ((performance.now() - t0) / 1000);
    };

    const plain = async () => {
      const kpi = await newKpi();
      const now = new Date().toISOString();
      const time = provider === 'sqlite' ? (iso: string) => iso.replace('Z', '+00:00') : (iso: string) => iso.slice(0, 23).replace('T', ' ');
      const statements = batches.map((batch) => {
        const out: { text: string; params: unknown[] }[] = [];
        for (let i = 0; i < batch.length; i += ROWS_PER_STATEMENT) {
          const rows = batch.slice(i, i + ROWS_PER_STATEMENT);
          const params: unknown[] = [];
          const tuples = rows.map((p) => {
            const n = params.length;
            params.push(timeOrderedId(Date.now()), org.id, kpi.id, time(p.period), p.value, p.region, p.product, time(now));
            const ph = (k: number) => (provider === 'postgresql' ? `$${n + k}` : '?');
            const ts = (k: number) => (provider === 'postgresql' ? `${ph(k)}::timestamp(3)` : ph(k));
            return `(${ph(1)}, ${ph(2)}, ${ph(3)}, ${ts(4)}, ${ph(5)}, ${ph(6)}, ${ph(7)}, ${ts(8)})`;
          });
          out.push({ text: `INSERT INTO "KpiDataPoint" (id, "organizationId", "kpiId", period, value, d1, d2, "createdAt") VALUES ${tuples.join(', ')}`, params });
        }
        return out;
      });
      const t0 = performance.now();
      for (const batch of statements) await db.$transaction(batch.map((s) => db.$executeRawUnsafe(s.text, ...s.params)));
      return POINTS / ((performance.now() - t0) / 1000);
    };

    const api: number[] = [];
    const raw: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternate which goes first, so a drift in the machine's load hits both alike.
      const order = round % 2 ? ([viaApi, plain] as const) : ([plain, viaApi] as const);
      for (const run of order) {
        const rate = await run();
        (run === viaApi ? api : raw).push(rate);
        console.log(`  round ${round} ${name.padEnd(10)} ${(run === viaApi ? 'recordKpiData (rollups + audit)' : 'plain multi-row INSERT').padEnd(32)} ${Math.round(rate).toLocaleString('en-US').padStart(8)} points/s`);
      }
    }
    const count = await db.kpiDataPoint.count({ where: { organizationId: org.id } });
    if (count !== POINTS * ROUNDS * 2) throw new Error(`${name}: ${count} points stored, expected ${POINTS * ROUNDS * 2}`);
    const a = median(api);
    const p = median(raw);
    console.log(`import, ${name}: recordKpiData ${Math.round(a).toLocaleString('en-US')} points/s, plain INSERT ${Math.round(p).toLocaleString('en-US')} points/s: ratio ${(a / p).toFixed(2)} (target ≥ 0.5)`);
    return { name, importPath: a, plainInsert: p, ratio: a / p };
  } finally {
    await app.stop();
  }
}

export async function importBench() {
  console.log(
    `import: ${POINTS.toLocaleString('en-US')} points a round in batches of ${BATCH}, ${ROUNDS} rounds, 2 dimensions (4 regions x 10 products), ` +
      (ORDER === 'time' ? `in time order, one point per day and combination (${Math.ceil(POINTS / 40)} days)` : 'scattered: every batch over 730 days'),
  );
  const dir = mkdtempSync(join(tmpdir(), 'gov-import-bench-'));
  const results = [];
  try {
    results.push(await target('SQLite', `file:${join(dir, 'import.db')}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const base = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: base });
  const reachable = await admin.connect().then(
    () => true,
    () => false,
  );
  if (!reachable) console.log(`import: PostgreSQL skipped (${base} unreachable)`);
  else {
    const name = `gov_import_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    try {
      results.push(await target('PostgreSQL', url.toString()));
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }
  return results;
}
