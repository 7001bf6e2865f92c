// Batched reads of the records a page's rows refer to (DataLoader): the resolvers of one level of
// a page ask for their references one by one, and each kind is read in one statement for all of
// them, so a page costs the same number of statements whatever its size. Every batch goes through
// the caller's tenant-scoped client (`ctx.db`): the organization and the row filters confine it as
// they confined the one-row reads it replaces.
import DataLoader from 'dataloader';
import type { Context } from './context.ts';

/**
 * A DataLoader per context, made on first use and kept beside the context (never in it).
 * `cache: false` batches without remembering: a graphql-ws subscription keeps its context across
 * events, and a request's mutations change rows that a remembered read would then show stale
 * (a review's progress, a request's status). Remember only what no operation changes.
 */
export function requestLoader<K, V>(batch: (ctx: Context, keys: readonly K[]) => Promise<readonly V[]>, options: { cache: boolean }) {
  const loaders = new WeakMap<Context, DataLoader<K, V>>();
  return (ctx: Context): DataLoader<K, V> => {
    let loader = loaders.get(ctx);
    if (!loader) loaders.set(ctx, (loader = new DataLoader((keys) => batch(ctx, keys), { cache: options.cache })));
    return loader;
  };
}

/** `rows` in the order of `keys`, null where none came back (absent, or not the caller's to see). */
export function inOrderOf<K, T>(keys: readonly K[], rows: readonly T[], keyOf: (row: T) => K): (T | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => byKey.get(key) ?? null);
}

/** `rows` grouped by `keyOf`, one list per key in the order of `keys` (the rows' order kept within each). */
export function groupedBy<K, T>(keys: readonly K[], rows: readonly T[], keyOf: (row: T) => K): T[][] {
  const groups = new Map<K, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key)!);
}

/** The keys of a batch once each (an uncached loader passes a key as often as it was asked for). */
export const distinct = <K>(keys: readonly K[]) => [...new Set(keys)];

/** What a by-id loader needs of a model: its delegate on the tenant-scoped client. */
interface ModelById<T> {
  findMany(args: { where: { id: { in: string[] } } }): PromiseLike<T[]>;
}

/** Rows of one model by id, batched, through the caller's tenant-scoped client: null where the caller may not see it. */
export function rowsById<T extends { id: string }>(model: (ctx: Context) => ModelById<T>) {
  return requestLoader<string, T | null>(
    async (ctx, ids) => inOrderOf(ids, await model(ctx).findMany({ where: { id: { in: distinct(ids) } } }), (row) => row.id),
    { cache: false },
  );
}

/** A reference that always names a row the caller may read (a run's workflow, a permission's role): its absence is a bug. */
export async function required<T>(value: Promise<T | null>, what: string): Promise<T> {
  const row = await value;
  if (!row) throw new Error(`${what} referenced by a record the caller may read was not found`);
  return row;
}

/** The records of the shared models that pages refer to by id. */
export const recordById = {
  organization: rowsById((ctx) => ctx.db.organization),
  kpi: rowsById((ctx) => ctx.db.kpi),
  customRole: rowsById((ctx) => ctx.db.customRole),
  accessScope: rowsById((ctx) => ctx.db.accessScope),
  workflow: rowsById((ctx) => ctx.db.workflow),
  accessReview: rowsById((ctx) => ctx.db.accessReview),
  accessReviewItem: rowsById((ctx) => ctx.db.accessReviewItem),
};

/** Dimensions by key (their unique name within the organization). */
export const dimensionByKey = requestLoader(
  async (ctx: Context, keys: readonly string[]) => inOrderOf(keys, await ctx.db.dimension.findMany({ where: { key: { in: distinct(keys) } } }), (d) => d.key),
  { cache: false },
);
