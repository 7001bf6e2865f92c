// `npm run kpi:import -- FILE --kpi <key | id> [--url URL] [--batch N] [--format csv|ndjson]
//   [--progress-file PATH] [--organization ID] [--retries N]`
// Streams a CSV (header `period,value,<dimension key>...`) or NDJSON file of any size into a KPI
// through the server's GraphQL API, `recordKpiData` one batch at a time: validation, permissions,
// rollups and one audit event per batch are the server's own. Credentials from the environment:
// KPI_IMPORT_TOKEN, or KPI_IMPORT_EMAIL and KPI_IMPORT_PASSWORD (it logs in); never printed.
//
// Resumable without duplicates: every batch carries a `batchKey`, the SHA-256 of its index and
// points, which the server records with the batch in the same transaction; a batch sent again is
// not stored again. A progress file (FILE.kpi-import.json by default) remembers how far the
// committed batches reach, with the SHA-256 of the bytes before that point, so a re-run seeks
// past them without re-sending; the server's idempotency is the guarantee, the file only speed.
// A bad line (here, or refused by the server) stops the import before its batch commits, naming
// the line; the batches before it are committed, and fixing the line then re-running sends only
// what is not stored yet (earlier batches keep their content, hence their key).
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { csvFields, csvHeader, ImportLineError, pointFromCsv, pointFromJson, pointIndexOf, records, type ImportPoint, type RawRecord } from './kpi-import-format.ts';

const usage =
  'Usage: npm run kpi:import -- FILE --kpi <key | id> [--url http://localhost:4000/graphql] [--batch 5000] [--format csv|ndjson] [--progress-file PATH] [--organization ID] [--retries 3]\n' +
  'Credentials: KPI_IMPORT_TOKEN, or KPI_IMPORT_EMAIL and KPI_IMPORT_PASSWORD.';
const MAX_BATCH = 10_000;
/** Points per batch unless --batch says otherwise: per point, a batch of 5,000 costs the server about a quarter less than one of 1,000 (docs/benchmarks.md, the run "issue 20 closed"), and it is about 650 KB of JSON for two dimensions. */
const DEFAULT_BATCH = 5000;

class Stop extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

interface Progress {
  version: 1;
  kpiId: string;
  format: 'csv' | 'ndjson';
  batchSize: number;
  /** Batches committed, counted from the file's start. */
  batches: number;
  points: number;
  /** Byte offset after the last committed batch, and the physical line that follows it. */
  offset: number;
  line: number;
  /** SHA-256 of the file's bytes [0, offset): the file must be unchanged up to there to seek. */
  prefixSha256: string;
  done: boolean;
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        kpi: { type: 'string' },
        url: { type: 'string', default: 'http://localhost:4000/graphql' },
        batch: { type: 'string' },
        format: { type: 'string' },
        'progress-file': { type: 'string' },
        organization: { type: 'string' },
        retries: { type: 'string', default: '3' },
      },
    });
  } catch (error) {
    throw new Stop(`${(error as Error).message}\n${usage}`, 2);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || !values.kpi) throw new Stop(usage, 2);
  const file = positionals[0]!;
  if (!existsSync(file)) throw new Stop(`${file}: no such file.`, 2);
  const format = (values.format ?? (/\.(nd)?jsonl?$|\.ndjson$/i.test(file) ? 'ndjson' : /\.csv$/i.test(file) ? 'csv' : '')) as 'csv' | 'ndjson' | '';
  if (format !== 'csv' && format !== 'ndjson') throw new Stop(`--format must be csv or ndjson (not known from the name ${file}).`, 2);
  const batch = values.batch === undefined ? undefined : Number(values.batch);
  if (batch !== undefined && !(Number.isInteger(batch) && batch >= 1 && batch <= MAX_BATCH)) throw new Stop(`--batch must be a whole number from 1 to ${MAX_BATCH}.`, 2);
  const retries = Number(values.retries);
  if (!(Number.isInteger(retries) && retries >= 0 && retries <= 10)) throw new Stop('--retries must be a whole number from 0 to 10.', 2);
  return { file, format, kpi: values.kpi, url: values.url!, batch, progressFile: values['progress-file'] ?? `${file}.kpi-import.json`, organization: values.organization, retries };
}

// ---------------------------------------------------------------- the server

interface GqlError {
  message: string;
  extensions?: { code?: string; field?: string };
}

class Api {
  private token: string | null = null;
  constructor(
    private readonly url: string,
    private readonly organization: string | undefined,
    private readonly retries: number,
  ) {}

  /** One operation. Transport faults (no answer, 502-504) are retried; GraphQL errors are returned. */
  async call<T>(query: string, variables: object): Promise<{ data?: T; errors?: GqlError[] }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.organization) headers['x-organization-id'] = this.organization;
    for (let attempt = 0; ; attempt++) {
      let problem: string;
      try {
        const response = await fetch(this.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
        const text = await response.text();
        let json: { data?: T; errors?: GqlError[] } | null = null;
        try {
          json = JSON.parse(text);
        } catch {
          // not GraphQL: a proxy's or a load balancer's page
        }
        if (json && (json.data !== undefined || json.errors)) return json;
        problem = `HTTP ${response.status} without a GraphQL answer`;
        if (![502, 503, 504].includes(response.status)) throw new Stop(`${this.url}: ${problem}.`);
      } catch (error) {
        if (error instanceof Stop) throw error;
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        problem = cause?.code ?? cause?.message ?? (error as Error).message;
      }
      if (attempt >= this.retries) throw new Stop(`${this.url}: no answer (${problem}) after ${attempt + 1} attempt(s).`);
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
    }
  }

  async logIn() {
    const token = process.env.KPI_IMPORT_TOKEN;
    if (token) {
      this.token = token;
      return;
    }
    const email = process.env.KPI_IMPORT_EMAIL;
    const password = process.env.KPI_IMPORT_PASSWORD;
    if (!email || !password) throw new Stop('Credentials: set KPI_IMPORT_TOKEN, or KPI_IMPORT_EMAIL and KPI_IMPORT_PASSWORD.', 2);
    const r = await this.call<{ login: { token: string } | null }>('mutation KpiImportLogin($email: String!, $password: String!) { login(email: $email, password: $password) { token } }', { email, password });
    if (!r.data?.login?.token) throw new Stop(`login as ${email} refused: ${describe(r.errors)}`);
    this.token = r.data.login.token;
  }
}

const describe = (errors: GqlError[] | undefined) => (errors ?? []).map((e) => `${e.message}${e.extensions?.code ? ` (${e.extensions.code})` : ''}`).join('; ') || 'no answer';

interface Kpi {
  id: string;
  key: string;
  dimensions: string[];
}
type KpiNode = { id: string; key: string; dimensions: { key: string }[] | null };

async function resolveKpi(api: Api, wanted: string): Promise<Kpi> {
  const of = (n: KpiNode): Kpi => ({ id: n.id, key: n.key, dimensions: (n.dimensions ?? []).map((d) => d.key) });
  let isId = false;
  try {
    isId = decodeGlobalID(wanted).typename === 'Kpi';
  } catch {
    // a key
  }
  if (isId) {
    const r = await api.call<{ kpi: KpiNode | null }>('query KpiImportKpi($id: ID!) { kpi(id: $id) { id key dimensions { key } } }', { id: wanted });
    if (r.errors) throw new Stop(`KPI ${wanted}: ${describe(r.errors)}`);
    if (!r.data?.kpi) throw new Stop(`KPI ${wanted}: not found, or not visible to these credentials.`);
    return of(r.data.kpi);
  }
  let after: string | null = null;
  for (;;) {
    type Page = { kpis: { edges: { node: KpiNode }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const r: { data?: Page; errors?: GqlError[] } = await api.call<Page>(
      'query KpiImportKpis($after: String) { kpis(first: 100, after: $after) { edges { node { id key dimensions { key } } } pageInfo { hasNextPage endCursor } } }',
      { after },
    );
    if (r.errors || !r.data) throw new Stop(`listing KPIs: ${describe(r.errors)}`);
    const found = r.data.kpis.edges.find((e) => e.node.key === wanted);
    if (found) return of(found.node);
    if (!r.data.kpis.pageInfo.hasNextPage) throw new Stop(`KPI "${wanted}": no KPI with this key is visible to these credentials.`);
    after = r.data.kpis.pageInfo.endCursor;
  }
}

// ---------------------------------------------------------------- progress

function readProgress(path: string): Progress | null {
  if (!existsSync(path)) return null;
  try {
    const p = JSON.parse(readFileSync(path, 'utf8')) as Progress;
    return p.version === 1 ? p : null;
  } catch {
    return null;
  }
}

function writeProgress(path: string, progress: Progress) {
  writeFileSync(`${path}.tmp`, `${JSON.stringify(progress)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** The key of a batch: its index and points, so an unchanged batch of an edited file keeps it. */
const batchKeyOf = (index: number, points: ImportPoint[]) => createHash('sha256').update(`kpi-import/1\n${index}\n${JSON.stringify(points)}`).digest('hex');

// ---------------------------------------------------------------- display

class Display {
  private last = 0;
  private readonly tty = Boolean(process.stderr.isTTY);
  private readonly started = performance.now();
  constructor(
    private readonly size: number,
    private readonly skippedPoints: number,
  ) {}

  update(offset: number, points: number, final = false) {
    const now = performance.now();
    if (!final && now - this.last < (this.tty ? 200 : 5000)) return;
    this.last = now;
    const seconds = (now - this.started) / 1000;
    const sent = points - this.skippedPoints;
    const rate = seconds > 0 ? sent / seconds : 0;
    const share = this.size ? offset / this.size : 1;
    const bytesPerSecond = seconds > 0 ? (offset - this.startOffset) / seconds : 0;
    const eta = bytesPerSecond > 0 ? (this.size - offset) / bytesPerSecond : NaN;
    const figures = `${(share * 100).toFixed(1).padStart(5)}%  ${points.toLocaleString('en-US')} points  ${Math.round(rate).toLocaleString('en-US')} points/s  ETA ${clock(eta)}`;
    if (this.tty) {
      const width = 30;
      const filled = Math.round(share * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${figures}\x1b[K${final ? '\n' : ''}`);
    } else process.stderr.write(`progress: ${figures}\n`);
  }

  startOffset = 0;
}

const clock = (seconds: number) => {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 3600) ? `${Math.floor(s / 3600)}:` : ''}${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

// ---------------------------------------------------------------- the import

const RECORD = 'mutation KpiImportBatch($kpiId: ID!, $points: [KpiPointInput!]!, $batchKey: String) { recordKpiData(kpiId: $kpiId, points: $points, batchKey: $batchKey) }';

async function main() {
  const o = options();
  const api = new Api(o.url, o.organization, o.retries);
  await api.logIn();
  const kpi = await resolveKpi(api, o.kpi);
  const size = statSync(o.file).size;

  // Where to start: after the committed batches of an earlier run on the same bytes. `hash` holds
  // the SHA-256 of the bytes up to the committed offset, fed on as batches commit.
  const saved = readProgress(o.progressFile);
  let hash = createHash('sha256');
  let progress: Progress = { version: 1, kpiId: kpi.id, format: o.format, batchSize: o.batch ?? DEFAULT_BATCH, batches: 0, points: 0, offset: 0, line: 1, prefixSha256: '', done: false };
  if (saved && saved.kpiId === kpi.id && saved.format === o.format) {
    if (o.batch !== undefined && o.batch !== saved.batchSize)
      throw new Stop(`${o.progressFile} records an import with --batch ${saved.batchSize}; resume with that size (or omit --batch), or delete the file to start over.`, 2);
    progress.batchSize = saved.batchSize;
    if (saved.offset <= size) await feed(hash, o.file, 0, saved.offset);
    if (saved.offset <= size && hash.copy().digest('hex') === saved.prefixSha256) {
      progress = { ...saved };
      if (saved.done && saved.offset === size) {
        console.log(`${o.file}: already imported into KPI "${kpi.key}" (${saved.points} points in ${saved.batches} batches; ${o.progressFile}). Nothing sent.`);
        return;
      }
      if (saved.batches) console.error(`resuming after batch ${saved.batches} (line ${saved.line}, ${saved.points} points committed)`);
    } else {
      hash = createHash('sha256');
      console.error(`${o.file} changed before line ${saved.line} since the last run: starting from the top (batches already stored are recognized by the server and not stored again)`);
    }
  }
  const batchSize = progress.batchSize;

  // The header (CSV) is read from the top even when resuming.
  let keys: string[] = [];
  let headerEnd = 0;
  let headerNextLine = 1;
  if (o.format === 'csv') {
    const first = await firstRecord(o.file);
    if (!first) throw new Stop(`${o.file}: empty; a CSV needs a header line period,value,<dimension key>...`);
    keys = csvHeader(csvFields(first.text, first.line), first.line);
    const unknown = keys.filter((k) => !kpi.dimensions.includes(k));
    const missing = kpi.dimensions.filter((k) => !keys.includes(k));
    if (unknown.length || missing.length)
      throw new ImportLineError(
        first.line,
        `the header's dimension columns must be the dimension keys of KPI "${kpi.key}" (${kpi.dimensions.join(', ') || 'none'})${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}${missing.length ? `; missing: ${missing.join(', ')}` : ''}.`,
      );
    headerEnd = first.end;
    headerNextLine = first.line + 1 + lineBreaksIn(first.text);
  }
  const start = Math.max(progress.offset, headerEnd);
  const firstLine = progress.offset >= headerEnd ? progress.line : headerNextLine;

  const display = new Display(size, progress.points);
  display.startOffset = start;
  let hashed = progress.offset;

  let batch: ImportPoint[] = [];
  let batchRecords: RawRecord[] = [];
  const sendBatch = async () => {
    const index = progress.batches;
    const first = batchRecords[0]!.line;
    const last = batchRecords[batchRecords.length - 1]!.line;
    const r = await api.call<{ recordKpiData: number | null }>(RECORD, { kpiId: kpi.id, points: batch, batchKey: batchKeyOf(index, batch) });
    if (r.errors?.length || typeof r.data?.recordKpiData !== 'number') {
      const e = r.errors?.[0];
      const at = pointIndexOf(e?.extensions?.field);
      const where = at !== null && batchRecords[at] ? `line ${batchRecords[at]!.line}` : `batch ${index + 1} (lines ${first}-${last})`;
      throw new Stop(
        `${where}: ${describe(r.errors)}\nNothing of batch ${index + 1} (lines ${first}-${last}) was stored; ${progress.points} points in ${index} batch(es) before it are. Fix and run again to continue.`,
      );
    }
    if (r.data.recordKpiData !== batch.length)
      throw new Stop(`batch ${index + 1} (lines ${first}-${last}): the server recorded ${r.data.recordKpiData} points for this batch key, not ${batch.length}; was the file changed, or the key used by another import?`);
    const end = batchRecords[batchRecords.length - 1]!.end;
    // Hash the bytes from the previous committed offset up to this batch's end.
    await feed(hash, o.file, hashed, end);
    hashed = end;
    progress = { ...progress, batches: index + 1, points: progress.points + batch.length, offset: end, line: last + 1 + lineBreaksIn(batchRecords[batchRecords.length - 1]!.text), prefixSha256: hash.copy().digest('hex') };
    writeProgress(o.progressFile, progress);
    batch = [];
    batchRecords = [];
    display.update(progress.offset, progress.points);
  };

  const started = performance.now();
  const skipped = progress.batches;
  for await (const record of records(createReadStream(o.file, { start, highWaterMark: 1 << 20 }), { start, firstLine, csvQuotes: o.format === 'csv' })) {
    batch.push(o.format === 'csv' ? pointFromCsv(record, keys) : pointFromJson(record));
    batchRecords.push(record);
    if (batch.length === batchSize) await sendBatch();
  }
  if (batch.length) await sendBatch();
  progress = { ...progress, offset: size, done: true };
  // The end of the file after the last batch (blank lines) belongs to the prefix too.
  await feed(hash, o.file, hashed, size);
  progress.prefixSha256 = hash.digest('hex');
  writeProgress(o.progressFile, progress);
  display.update(size, progress.points, true);
  const seconds = (performance.now() - started) / 1000;
  const sent = progress.batches - skipped;
  console.log(
    `imported ${o.file} into KPI "${kpi.key}": ${progress.points} points in ${progress.batches} batches` +
      `${skipped ? ` (${skipped} committed by an earlier run, skipped)` : ''}; ${sent} sent in ${seconds.toFixed(1)} s`,
  );
}

const lineBreaksIn = (text: string) => text.split('\n').length - 1;

/** Feeds `hash` the file's bytes [from, to). */
async function feed(hash: Hash, file: string, from: number, to: number) {
  if (to > from) for await (const chunk of createReadStream(file, { start: from, end: to - 1 })) hash.update(chunk as Buffer);
}

async function firstRecord(file: string): Promise<RawRecord | null> {
  for await (const record of records(createReadStream(file, { highWaterMark: 64 * 1024 }), { csvQuotes: true })) return record;
  return null;
}

process.once('SIGINT', () => {
  console.error('\ninterrupted; run the same command again to resume (committed batches are not sent again).');
  process.exit(130);
});

try {
  await main();
} catch (error) {
  if (error instanceof ImportLineError) {
    console.error(`${error.message}\nNothing of the batch holding it was sent; the batches before it are committed. Fix the line and run again to continue.`);
    process.exit(1);
  }
  if (error instanceof Stop) {
    console.error(error.message);
    process.exit(error.code);
  }
  throw error;
}
