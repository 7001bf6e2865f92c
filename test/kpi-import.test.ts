// `npm run kpi:import` as an operator runs it: the CLI process (scripts/kpi-import.ts) against a
// listening server, checked through the API (`data`, `summary`, the audit trail): the file's points
// exactly, one audit event per batch, resuming after an answer lost mid-way without duplicates,
// a bad line named and its batch not stored, a VIEWER refused. Plus the file formats' pure rules.
import { execFile } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, PASSWORD, startTestServer, type GqlResult, type TestServer } from './harness.ts';
import type { KpiDataQuery } from './gql/graphql.ts';
import { orgWithRoles, rawId, restrictedAnalyst, type OrgFixture } from './fixtures.ts';
import { AuditEvents, CreateDimension, CreateKpi, KpiData, KpiSeries, Login } from './ops.ts';
import { csvFields, ImportLineError, pointFromJson, records } from '../scripts/kpi-import-format.ts';

const REGIONS = ['US', 'EMEA', 'APAC', 'LATAM'];
const PRODUCTS = ['p1', 'p2', 'p3'];
const dir = mkdtempSync(join(tmpdir(), 'kpi-import-'));
let server: TestServer;
let port: number;
let o: OrgFixture;
let kpiSeq = 0;

beforeAll(async () => {
  server = await startTestServer();
  port = await server.app.start(0, '127.0.0.1');
  o = await orgWithRoles(server, 'Importers');
  expect(codes(await server.gql(CreateDimension, { key: 'region', name: 'Region', values: REGIONS }, { as: o.admin }))).toEqual([]);
  expect(codes(await server.gql(CreateDimension, { key: 'product', name: 'Product', values: PRODUCTS }, { as: o.admin }))).toEqual([]);
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function newKpi(): Promise<{ id: string; key: string }> {
  const key = `imported_${++kpiSeq}`;
  const r = await server.gql(CreateKpi, { input: { key, name: `Imported ${kpiSeq}`, dimensionKeys: ['region', 'product'] } }, { as: o.admin });
  expect(r.errors).toBeUndefined();
  return { id: r.data!.createKpi!.id, key };
}

interface Row {
  period: string;
  value: number;
  region: string;
  product: string;
}

/** `n` points, every one distinct; values with fractions, so a lost or doubled row changes the sum. */
const rows = (n: number): Row[] =>
  Array.from({ length: n }, (_, i) => ({
    period: new Date(Date.UTC(2025, 0, 1) + Math.floor(i / 12) * 86_400_000).toISOString(),
    value: i * 1.25 - 300,
    region: REGIONS[i % 4]!,
    product: PRODUCTS[Math.floor(i / 4) % 3]!,
  }));
const csvOf = (rs: Row[]) => `period,value,region,product\n${rs.map((r) => `${r.period},${r.value},${r.region},${r.product}`).join('\n')}\n`;

/** Every point of the KPI as the admin pages it through `data`, sorted, and its summary. */
async function stored(kpiId: string): Promise<{ rows: Row[]; count: number; sum: number }> {
  const out: Row[] = [];
  let after: string | null = null;
  let summary = { count: 0, sum: 0 };
  for (;;) {
    const r: GqlResult<KpiDataQuery> = await server.gql(KpiData, { id: kpiId, first: 100, after }, { as: o.admin });
    expect(r.errors).toBeUndefined();
    const data = r.data!.kpi!.data!;
    summary = { count: r.data!.kpi!.summary!.count!, sum: r.data!.kpi!.summary!.sum ?? 0 };
    for (const e of data.edges!) {
      const n = e!.node!;
      const d = Object.fromEntries(n.dimensions!.map((x) => [x!.dimension, x!.value]));
      out.push({ period: new Date(n.period as string).toISOString(), value: n.value!, region: d.region!, product: d.product! });
    }
    if (!data.pageInfo!.hasNextPage) break;
    after = data.pageInfo!.endCursor!;
  }
  return { rows: sortRows(out), ...summary };
}
const sortRows = (rs: Row[]) => [...rs].sort((a, b) => a.period.localeCompare(b.period) || a.value - b.value || a.region.localeCompare(b.region) || a.product.localeCompare(b.product));
const sumOf = (rs: Row[]) => rs.reduce((s, r) => s + r.value, 0);

/** The KPI's monthly series by region (from its rollups) as [region, month, count, sum] cells, and the file's. */
async function monthlyByRegion(kpiId: string) {
  const r = await server.gql(KpiSeries, { id: kpiId, input: { bucket: 'MONTH', groupBy: ['region'] } }, { as: o.admin });
  expect(r.errors).toBeUndefined();
  return r.data!.kpi!.series!.groups.flatMap((g) => g.points.map((p) => [g.key[0], (p.period as string).slice(0, 7), p.count, round(p.sum!)]));
}
const round = (x: number) => Math.round(x * 1e6) / 1e6;
function monthlyOf(rs: Row[]) {
  const cells = new Map<string, [string, string, number, number]>();
  for (const r of rs) {
    const k = `${r.region} ${r.period.slice(0, 7)}`;
    const c = cells.get(k) ?? [r.region, r.period.slice(0, 7), 0, 0];
    c[2]++;
    c[3] += r.value;
    cells.set(k, c);
  }
  return [...cells.values()].sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1])).map(([g, m, n, sum]) => [g, m, n, round(sum)]);
}

/** The audit events of the KPI's batches, oldest first: the points each recorded. */
async function batchEvents(kpiId: string): Promise<number[]> {
  const r = await server.gql(AuditEvents, { action: 'kpi.data.record', targetId: rawId(kpiId), first: 100 }, { as: o.owner });
  expect(r.errors).toBeUndefined();
  return r.data!.auditEvents!.edges!.map((e) => (JSON.parse(JSON.stringify(e!.node!.metadata)) as { points: number }).points).reverse();
}

/** Runs the CLI (`npm run kpi:import -- ...` runs this file with tsx); resolves with its status and output. */
function cli(args: string[], env: Record<string, string>, url = `http://127.0.0.1:${port}/graphql`): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/kpi-import.ts', ...args, '--url', url],
      { env: { PATH: process.env.PATH ?? '', ...env }, cwd: join(import.meta.dirname, '..') },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
const asAdmin = () => ({ KPI_IMPORT_EMAIL: o.admin, KPI_IMPORT_PASSWORD: PASSWORD });

describe('kpi:import', { timeout: 120_000 }, () => {
  it('imports a CSV exactly, one audit event per batch, and a second run stores nothing again', async () => {
    const kpi = await newKpi();
    const data = rows(2345);
    const file = join(dir, 'points.csv');
    writeFileSync(file, csvOf(data));
    const run = await cli([file, '--kpi', kpi.key, '--batch', '500'], asAdmin());
    expect(run.stderr).not.toContain(PASSWORD);
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining(`imported ${file} into KPI "${kpi.key}": 2345 points in 5 batches; 5 sent in `) });
    const got = await stored(kpi.id);
    expect(got.rows).toEqual(sortRows(data));
    expect(got.count).toBe(2345);
    expect(got.sum).toBeCloseTo(sumOf(data), 6);
    expect(await monthlyByRegion(kpi.id)).toEqual(monthlyOf(data));
    expect(await batchEvents(kpi.id)).toEqual([500, 500, 500, 500, 345]);

    // Again with the progress file: nothing is sent.
    const again = await cli([file, '--kpi', kpi.key], asAdmin());
    expect(again).toMatchObject({ code: 0, stdout: `${file}: already imported into KPI "${kpi.key}" (2345 points in 5 batches; ${file}.kpi-import.json). Nothing sent.\n` });
    // Without it: every batch is sent again, and the server's batch keys store none of them twice.
    rmSync(`${file}.kpi-import.json`);
    const resent = await cli([file, '--kpi', kpi.key, '--batch', '500'], asAdmin());
    expect(resent.code).toBe(0);
    expect((await stored(kpi.id)).rows).toEqual(sortRows(data));
    expect(await batchEvents(kpi.id)).toEqual([500, 500, 500, 500, 345]);
  });

  it('imports NDJSON (dimensions as an object or as the API’s list, dates alone at midnight UTC) with a token', async () => {
    const kpi = await newKpi();
    const data = rows(730);
    const lines = data.map((r, i) =>
      JSON.stringify({
        period: i % 3 === 0 && r.period.endsWith('T00:00:00.000Z') ? r.period.slice(0, 10) : r.period,
        value: i % 5 === 0 ? String(r.value) : r.value,
        dimensions: i % 2 ? { product: r.product, region: r.region } : [{ dimension: 'region', value: r.region }, { dimension: 'product', value: r.product }],
      }),
    );
    const file = join(dir, 'points.ndjson');
    writeFileSync(file, `${lines.slice(0, 100).join('\n')}\n\n${lines.slice(100).join('\r\n')}`);
    const token = (await server.gql(Login, { email: o.admin, password: PASSWORD })).data!.login!.token!;
    const run = await cli([file, '--kpi', kpi.id, '--batch', '300'], { KPI_IMPORT_TOKEN: token });
    expect(run.stderr).not.toContain(token);
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining(`: 730 points in 3 batches; 3 sent in `) });
    expect((await stored(kpi.id)).rows).toEqual(sortRows(data));
    expect(await batchEvents(kpi.id)).toEqual([300, 300, 130]);
  });

  it('resumes after the answer to a committed batch is lost and the server stops answering: exactly the file’s points', async () => {
    const kpi = await newKpi();
    const data = rows(1000);
    const file = join(dir, 'resume.csv');
    writeFileSync(file, csvOf(data));
    // A proxy in front of the server: batches 1 and 2 pass; batch 3 reaches the server (and commits)
    // but its answer never comes back; everything after is refused.
    let batches = 0;
    const proxy: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const isBatch = body.includes('KpiImportBatch');
        if (isBatch) batches++;
        if (isBatch && batches > 3) {
          res.writeHead(503).end('down for maintenance');
          return;
        }
        const forward = request({ host: '127.0.0.1', port, path: req.url, method: 'POST', headers: req.headers }, (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', () => {
            if (isBatch && batches === 3) req.socket.destroy();
            else res.writeHead(answer.statusCode!, answer.headers).end(Buffer.concat(parts));
          });
        });
        forward.end(body);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyPort = (proxy.address() as { port: number }).port;
    try {
      const cut = await cli([file, '--kpi', kpi.key, '--batch', '200', '--retries', '0'], asAdmin(), `http://127.0.0.1:${proxyPort}/graphql`);
      expect(cut.code).toBe(1);
      expect(cut.stderr).toMatch(/no answer \(.+\) after 1 attempt\(s\)\./);
    } finally {
      proxy.close();
    }
    // Batch 3 is stored although the CLI never heard so; its progress file stops at batch 2.
    expect((await stored(kpi.id)).count).toBe(600);
    expect(JSON.parse(readFileSync(`${file}.kpi-import.json`, 'utf8'))).toMatchObject({ batches: 2, points: 400, line: 402, done: false });

    const resumed = await cli([file, '--kpi', kpi.key], asAdmin());
    expect(resumed.stderr).toContain('resuming after batch 2 (line 402, 400 points committed)');
    expect(resumed).toMatchObject({ code: 0, stdout: expect.stringContaining(': 1000 points in 5 batches (2 committed by an earlier run, skipped); 3 sent in ') });
    const got = await stored(kpi.id);
    expect(got.rows).toEqual(sortRows(data));
    expect(await monthlyByRegion(kpi.id)).toEqual(monthlyOf(data));
    expect(await batchEvents(kpi.id)).toEqual([200, 200, 200, 200, 200]);
  });

  it('names a bad line and stores nothing of its batch; fixed, the import continues without duplicates', async () => {
    const kpi = await newKpi();
    const data = rows(1200);
    const lines = csvOf(data).split('\n');
    // Line 740 of the file (point 239 of the second batch of 500) names a region the dimension lacks.
    lines[739] = lines[739]!.replace(/,(US|EMEA|APAC|LATAM),/, ',MARS,');
    const file = join(dir, 'bad.csv');
    writeFileSync(file, lines.join('\n'));
    const refused = await cli([file, '--kpi', kpi.key, '--batch', '500'], asAdmin());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('line 740: `points[238].dimensions` gives "MARS", which is not a value of dimension "region". (BAD_USER_INPUT)');
    expect(refused.stderr).toContain('Nothing of batch 2 (lines 502-1001) was stored; 500 points in 1 batch(es) before it are.');
    expect((await stored(kpi.id)).rows).toEqual(sortRows(data.slice(0, 500)));

    // A line the CLI itself cannot read: reported before its batch is sent.
    lines[739] = lines[739]!.replace('MARS', 'US').replace(/^([^,]+),[^,]+,/, '$1,12abc,');
    writeFileSync(file, lines.join('\n'));
    const unreadable = await cli([file, '--kpi', kpi.key], asAdmin());
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toContain('line 740: value "12abc" is not a finite number.');
    expect((await stored(kpi.id)).count).toBe(500);

    writeFileSync(file, csvOf(data));
    const fixed = await cli([file, '--kpi', kpi.key], asAdmin());
    expect(fixed).toMatchObject({ code: 0, stdout: expect.stringContaining(': 1200 points in 3 batches (1 committed by an earlier run, skipped); 2 sent in ') });
    expect((await stored(kpi.id)).rows).toEqual(sortRows(data));
    expect(await batchEvents(kpi.id)).toEqual([500, 500, 200]);
  });

  it('refuses a VIEWER, with the server’s reason, storing nothing', async () => {
    const kpi = await newKpi();
    await restrictedAnalyst(server, o, o.admin, kpi.id, o.viewer, [['region', 'US']]);
    const file = join(dir, 'viewer.csv');
    writeFileSync(file, csvOf(rows(10)));
    const run = await cli([file, '--kpi', kpi.key], { KPI_IMPORT_EMAIL: o.viewer, KPI_IMPORT_PASSWORD: PASSWORD });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^batch 1 \(lines 2-11\): .+ \(FORBIDDEN\)\nNothing of batch 1 \(lines 2-11\) was stored; 0 points in 0 batch\(es\) before it are\./);
    expect((await stored(kpi.id)).count).toBe(0);
    expect(existsSync(`${file}.kpi-import.json`)).toBe(false);
  });

  it('refuses wrong credentials, an unknown KPI and a header that is not the KPI’s dimensions, before sending points', async () => {
    const kpi = await newKpi();
    const file = join(dir, 'header.csv');
    writeFileSync(file, 'period,value,region,colour\n2025-01-01,1,US,red\n');
    expect(await cli([file, '--kpi', kpi.key], { KPI_IMPORT_EMAIL: o.admin, KPI_IMPORT_PASSWORD: 'not-the-password' })).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(new RegExp(`^login as ${o.admin.replace(/\./g, '\\.')} refused: .+\\(UNAUTHENTICATED\\)\\n$`)),
    });
    expect(await cli([file, '--kpi', 'no_such_kpi'], asAdmin())).toMatchObject({ code: 1, stderr: 'KPI "no_such_kpi": no KPI with this key is visible to these credentials.\n' });
    const header = await cli([file, '--kpi', kpi.key], asAdmin());
    expect(header.code).toBe(1);
    expect(header.stderr).toContain(`line 1: the header's dimension columns must be the dimension keys of KPI "${kpi.key}" (region, product); unknown: colour; missing: product.`);
    expect(await cli([file, '--kpi', kpi.key], {})).toMatchObject({ code: 2, stderr: 'Credentials: set KPI_IMPORT_TOKEN, or KPI_IMPORT_EMAIL and KPI_IMPORT_PASSWORD.\n' });
    expect((await stored(kpi.id)).count).toBe(0);
  });
});

describe('kpi:import file formats', () => {
  const all = async (text: string, csvQuotes = true, chunk = 3) => {
    const bytes = Buffer.from(text);
    const parts = Array.from({ length: Math.ceil(bytes.length / chunk) }, (_, i) => bytes.subarray(i * chunk, (i + 1) * chunk));
    const out = [];
    for await (const r of records(Readable.from(parts), { csvQuotes })) out.push(r);
    return out;
  };

  it('cuts records at line breaks outside quotes, with the line each starts on and the byte after it', async () => {
    const text = 'a,b\r\n\n"x\ny",é\n\nlast';
    expect(await all(text)).toEqual([
      { text: 'a,b', line: 1, end: 5 },
      { text: '"x\ny",é', line: 3, end: Buffer.byteLength('a,b\r\n\n"x\ny",é\n') },
      { text: 'last', line: 6, end: Buffer.byteLength(text) },
    ]);
    await expect(all('a\n"open\n')).rejects.toThrow(new ImportLineError(2, 'a quoted field is not closed before the end of the file.'));
  });

  it('reads quoted CSV fields and refuses what is not CSV', () => {
    expect(csvFields('2025-01-01,"1,5","say ""hi""",', 1)).toEqual(['2025-01-01', '1,5', 'say "hi"', '']);
    expect(csvFields('""', 1)).toEqual(['']);
    expect(() => csvFields('"a"b,c', 4)).toThrow('line 4: a quoted field is followed by "b" instead of a comma (field 1).');
    expect(() => csvFields('a,b"c', 5)).toThrow('line 5: field 2 holds a double quote but is not quoted.');
  });

  it('reads an NDJSON point in either dimensions shape and names what is wrong', () => {
    const at = (text: string) => ({ text, line: 9, end: 0 });
    expect(pointFromJson(at('{"period":"2025-02-03","value":"2.5","dimensions":{"region":"US"}}'))).toEqual({ period: '2025-02-03T00:00:00.000Z', value: 2.5, dimensions: [{ dimension: 'region', value: 'US' }] });
    expect(pointFromJson(at('{"period":"2025-02-03T10:00:00Z","value":1,"dimensions":[{"dimension":"region","value":"US"}]}')).dimensions).toEqual([{ dimension: 'region', value: 'US' }]);
    expect(() => pointFromJson(at('{"period":"2025-02-03","value":null}'))).toThrow('line 9: value null is not a finite number.');
    expect(() => pointFromJson(at('[1]'))).toThrow('line 9: is not a JSON object.');
    expect(() => pointFromJson(at('{"period":"x","value":1,"dimensions":{"region":3}}'))).toThrow('line 9: "dimensions"."region" must be a string.');
  });
});
