// What the KPI mutations and filters accept, checked before any I/O: a refusal is BAD_USER_INPUT
// whose message and `extensions.field` name the argument, so a client can point at it.
import { JUSTIFICATION_MAX } from '../approvals/core.ts';
import { isUniqueViolation } from '../db/client.ts';
import { badInput, conflict, tooLong } from '../errors.ts';
import { MAX_DIMENSIONS } from './access.ts';

export const LIMITS = {
  name: 120,
  unit: 20,
  description: 1000,
  dimensionValue: 100,
  /** Values of one dimension, and values one filter may list. */
  values: 500,
  justification: JUSTIFICATION_MAX,
  /** Points per recordKpiData batch: 10,000 points of two dimensions are about 1.3 MB of JSON, within the 2 MB body limit. */
  points: 10_000,
  /** Characters of a batch's key (recordKpiData's batchKey). */
  batchKey: 200,
  magnitude: 1e15,
} as const;

/** Every value of a dimension; only scopes and approvers may name it. */
export const EVERY_VALUE = '*';

const KEY = /^[a-z][a-z0-9_]{0,39}$/;
const quoted = (value: string) => `"${value.slice(0, 60)}${value.length > 60 ? '…' : ''}"`;

export const refuse = (field: string, problem: string) => badInput(`\`${field}\` ${problem}`, { field });

/** A dimension or KPI key. */
export function key(field: string, value: string): string {
  if (!KEY.test(value)) throw refuse(field, `is a key: 1 to 40 lower-case letters, digits or _, starting with a letter; ${quoted(value)} is not.`);
  return value;
}

/** Trimmed, 1 to `max` characters. */
export function requiredText(field: string, value: string, max: number): string {
  const v = value.trim();
  if (!v) throw refuse(field, 'is required.');
  if (v.length > max) throw tooLong(field, max, v.length);
  return v;
}

/** Trimmed, at most `max` characters; blank means none. */
export function optionalText(field: string, value: string | null | undefined, max: number): string | null {
  return value?.trim() ? requiredText(field, value, max) : null;
}

/** A value of a dimension as stored; `*` only where `wildcard` allows it (scopes, approvers). */
export function dimensionValue(field: string, value: string, wildcard = false): string {
  if (value === EVERY_VALUE && !wildcard) throw refuse(field, 'cannot be "*": that means every value, which only scopes may name.');
  if (!value || value.length > LIMITS.dimensionValue) throw refuse(field, `is a dimension value of 1 to ${LIMITS.dimensionValue} characters; ${quoted(value)} is not.`);
  return value;
}

export function boundedList<T>(field: string, list: readonly T[], max: number): readonly T[] {
  if (list.length > max) throw refuse(field, `lists at most ${max} items; it had ${list.length}.`);
  return list;
}

export function distinct(field: string, list: readonly string[]): readonly string[] {
  if (new Set(list).size !== list.length) throw refuse(field, 'names each item once.');
  return list;
}

export function finite(field: string, value: number): number;
export function finite(field: string, value: number | null | undefined): number | null;
export function finite(field: string, value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isFinite(value) || Math.abs(value) > LIMITS.magnitude) throw refuse(field, `is a finite number within ±${LIMITS.magnitude}; it was ${value}.`);
  return value;
}

/** A scope is active inside [startsAt, endsAt). */
export function scopeWindow(startsAt?: Date | null, endsAt?: Date | null) {
  if (startsAt && endsAt && endsAt <= startsAt) throw refuse('endsAt', 'must be after `startsAt`: a scope is active inside [startsAt, endsAt).');
}

/** A filter of KPI data by dimension: known keys are checked against the KPI later. */
export interface DimensionFilter {
  dimension: string;
  values: readonly string[];
}

export function dimensionFilters(field: string, filters: readonly DimensionFilter[] | null | undefined): readonly DimensionFilter[] {
  boundedList(field, filters ?? [], MAX_DIMENSIONS);
  for (const [i, f] of (filters ?? []).entries()) {
    key(`${field}[${i}].dimension`, f.dimension);
    boundedList(`${field}[${i}].values`, f.values, LIMITS.values);
    f.values.forEach((v, j) => dimensionValue(`${field}[${i}].values[${j}]`, v));
  }
  return filters ?? [];
}

/** Runs a create whose unique key may be taken: CONFLICT with `message` instead of a database error. */
export async function uniquely<T>(work: () => Promise<T>, message: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(message);
    throw error;
  }
}
