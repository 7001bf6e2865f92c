// The file formats of `npm run kpi:import` (scripts/kpi-import.ts), as pure functions: records
// cut from a byte stream (with the line each starts on and the byte offset after it, so a resumed
// import can seek past what was committed), the quoted-CSV subset of RFC 4180, and a point from a
// CSV row or an NDJSON line. Problems are ImportLineError naming the line; the server validates
// the rest (dimension keys and values, ranges) and its message is reported with the line.

export interface RawRecord {
  /** Without the line terminator (\n or \r\n); a quoted CSV field may hold line breaks. */
  text: string;
  /** 1-based physical line the record starts on. */
  line: number;
  /** Byte offset just after the record's terminator. */
  end: number;
}

export interface ImportPoint {
  period: string;
  value: number;
  dimensions: { dimension: string; value: string }[];
}

export class ImportLineError extends Error {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;

/**
 * Cuts `chunks` (a file read from byte `start`, which begins physical line `firstLine`) into
 * records. With `csvQuotes`, a line break inside double quotes continues the record. Blank lines
 * are skipped. Splitting on the byte 0x0A is safe in UTF-8 (no multi-byte character holds it).
 */
export async function* records(chunks: AsyncIterable<Buffer>, options: { start?: number; firstLine?: number; csvQuotes: boolean }): AsyncGenerator<RawRecord> {
  let offset = options.start ?? 0;
  let line = options.firstLine ?? 1;
  let pending: Buffer[] = [];
  let recordLine = line;
  let quotes = 0;
  const finish = (parts: Buffer[], end: number): RawRecord | null => {
    let text = Buffer.concat(parts).toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const record = { text, line: recordLine, end };
    return text.trim() === '' ? null : record;
  };
  for await (const chunk of chunks) {
    let from = 0;
    for (;;) {
      const at = chunk.indexOf(NEWLINE, from);
      const piece = chunk.subarray(from, at < 0 ? chunk.length : at);
      if (options.csvQuotes) for (let i = 0; i < piece.length; i++) if (piece[i] === QUOTE) quotes++;
      pending.push(piece);
      if (at < 0) break;
      line++;
      from = at + 1;
      if (options.csvQuotes && quotes % 2 === 1) {
        pending.push(chunk.subarray(at, at + 1));
        continue;
      }
      const record = finish(pending, offset + from);
      pending = [];
      quotes = 0;
      if (record) yield record;
      recordLine = line;
    }
    offset += chunk.length;
  }
  if (options.csvQuotes && quotes % 2 === 1) throw new ImportLineError(recordLine, 'a quoted field is not closed before the end of the file.');
  const last = finish(pending, offset);
  if (last) yield last;
}

/** The fields of one CSV record: comma-separated, a field in double quotes may hold commas, line breaks and "" for a quote. */
export function csvFields(text: string, line: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close < 0) throw new ImportLineError(line, 'a quoted field is not closed.');
        value += text.slice(i, close);
        i = close + 1;
        if (text[i] === '"') {
          value += '"';
          i++;
          continue;
        }
        break;
      }
      fields.push(value);
      if (i === text.length) return fields;
      if (text[i] !== ',') throw new ImportLineError(line, `a quoted field is followed by ${JSON.stringify(text[i])} instead of a comma (field ${fields.length}).`);
      i++;
    } else {
      const comma = text.indexOf(',', i);
      const value = text.slice(i, comma < 0 ? text.length : comma);
      if (value.includes('"')) throw new ImportLineError(line, `field ${fields.length + 1} holds a double quote but is not quoted.`);
      fields.push(value);
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}

/** A date alone is midnight UTC; anything else goes to the server as written (it checks it). */
export const periodOf = (text: string) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00.000Z` : text);

function valueOf(raw: unknown, line: number): number {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ImportLineError(line, `value ${JSON.stringify(raw)} is not a finite number.`);
  return value;
}

/** The header of a CSV file: `period,value,<dimension key>...`. Returns the dimension keys. */
export function csvHeader(fields: string[], line: number): string[] {
  if (fields[0] !== 'period' || fields[1] !== 'value')
    throw new ImportLineError(line, `the header must start with "period,value" and then name the KPI's dimension keys; it is ${JSON.stringify(fields.join(','))}.`);
  const keys = fields.slice(2);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice) throw new ImportLineError(line, `the header names dimension "${twice}" twice.`);
  return keys;
}

export function pointFromCsv(record: RawRecord, keys: readonly string[]): ImportPoint {
  const fields = csvFields(record.text, record.line);
  if (fields.length !== keys.length + 2) throw new ImportLineError(record.line, `has ${fields.length} fields; the header has ${keys.length + 2}.`);
  return {
    period: periodOf(fields[0]!),
    value: valueOf(fields[1], record.line),
    dimensions: keys.map((dimension, i) => ({ dimension, value: fields[i + 2]! })),
  };
}

/**
 * One NDJSON line: `{"period": ..., "value": ..., "dimensions": {"region": "US", ...}}`, or with
 * `dimensions` in the API's shape, `[{"dimension": "region", "value": "US"}, ...]`.
 */
export function pointFromJson(record: RawRecord): ImportPoint {
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.text);
  } catch (error) {
    throw new ImportLineError(record.line, `is not JSON (${(error as Error).message}).`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ImportLineError(record.line, 'is not a JSON object.');
  const o = parsed as Record<string, unknown>;
  if (typeof o.period !== 'string') throw new ImportLineError(record.line, '"period" must be a string (an ISO 8601 date-time, or a date for midnight UTC).');
  const raw = o.dimensions ?? {};
  let dimensions: ImportPoint['dimensions'];
  if (Array.isArray(raw)) {
    dimensions = raw.map((d, i) => {
      if (!d || typeof d !== 'object' || typeof d.dimension !== 'string' || typeof d.value !== 'string')
        throw new ImportLineError(record.line, `"dimensions"[${i}] must be {"dimension": string, "value": string}.`);
      return { dimension: d.dimension as string, value: d.value as string };
    });
  } else if (typeof raw === 'object') {
    dimensions = Object.entries(raw as Record<string, unknown>).map(([dimension, value]) => {
      if (typeof value !== 'string') throw new ImportLineError(record.line, `"dimensions"."${dimension}" must be a string.`);
      return { dimension, value };
    });
  } else throw new ImportLineError(record.line, '"dimensions" must be an object of key: value, or a list of {"dimension", "value"}.');
  return { period: periodOf(o.period), value: valueOf(o.value, record.line), dimensions };
}

/** `points[12].dimensions` -> 12: which point of a batch a server refusal names. */
export function pointIndexOf(field: unknown): number | null {
  const m = typeof field === 'string' ? /^points\[(\d+)\]/.exec(field) : null;
  return m ? Number(m[1]) : null;
}
