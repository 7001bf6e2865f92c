// Ids of rows written in bulk (KPI data points): UUID version 7 (RFC 9562), whose first 48 bits
// are the milliseconds of the time they are written at and the rest random. Rows written together
// get ids that sort together, so the primary key's B-tree grows at one edge instead of at a random
// leaf per row: a batch of 1,000 points dirties a handful of the id index's pages instead of
// hundreds (bulk import, docs/benchmarks.md). The time in an id is only a locality hint, never
// read back: what a row says about time is in its columns.
import { randomUUID } from 'node:crypto';

let lastMs = -1;
let timeHex = '';

/**
 * A UUIDv7 for the time `ms` (the wall clock's now by default): Node's random UUID (version 4,
 * 122 random bits, drawn from a pooled buffer) with its first 48 bits replaced by the time and its
 * version nibble by 7; the variant bits are the same in both versions.
 */
export function timeOrderedId(ms: number): string {
  if (ms !== lastMs) {
    const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0').slice(-12);
    timeHex = `${hex.slice(0, 8)}-${hex.slice(8)}-7`;
    lastMs = ms;
  }
  return timeHex + randomUUID().slice(15);
}
