// Forward cursor pagination over a unique key, with the configured maximum page size.
import type { ObjectRef } from '@pothos/core';
import { builder } from './builder.ts';
import type { Context } from './context.ts';
import { badInput } from './errors.ts';
import { DEFAULT_PAGE_SIZE, hasNul } from './input-limits.ts';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: () => Promise<number>;
}

const encodeCursor = (key: string) => Buffer.from(`k:${key}`).toString('base64url');

/** The key a cursor holds; BAD_USER_INPUT naming `after` for anything this list did not return (a NUL never is). */
export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString();
  if (!text.startsWith('k:') || text.length < 3 || hasNul(text))
    throw badInput(`\`after\`: "${cursor.slice(0, 60)}" is not a cursor from this list: pass an endCursor it returned.`, { argument: 'after' });
  return text.slice(2);
}


/** Validates first/after and reads one page: `fetch` gets the row count to take (one extra) and the key to start after. */
export async function paginate<T>(
  ctx: Context,
  args: PageArgs,
  keyOf: (row: T) => string,
  fetch: (take: number, afterKey: string | null) => Promise<T[]>,
  count: () => Promise<number>,
): Promise<Page<T>> {
  const max = ctx.services.config.MAX_PAGE_SIZE;
  const first = args.first ?? Math.min(DEFAULT_PAGE_SIZE, max);
  if (!Number.isInteger(first) || first < 0 || first > max)
    throw badInput(`\`first\` must be between 0 and ${max} (the maximum page size); it was ${args.first}. Page through with \`after\`.`);
  const afterKey = args.after ? decodeCursor(args.after) : null;
  const rows = first === 0 ? [] : await fetch(first + 1, afterKey);
  const hasNextPage = rows.length > first;
  const edges = rows.slice(0, first).map((node) => new Edge(node, keyOf));
  let total: Promise<number> | undefined;
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: afterKey !== null,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
    totalCount: () => (total ??= count()),
  };
}

/** An edge whose cursor is encoded when a query selects it (a page of 100 rarely asks for 100 cursors). */
class Edge<T> {
  private encoded: string | undefined;
  constructor(
    readonly node: T,
    private readonly keyOf: (row: T) => string,
  ) {}
  get cursor(): string {
    return (this.encoded ??= encodeCursor(this.keyOf(this.node)));
  }
}

/** Prisma arguments for a keyset page over `id` after `afterKey`, in the given order. */
export const prismaPage = (take: number, afterKey: string | null): { take: number; skip?: number; cursor?: { id: string } } =>
  afterKey ? { take, skip: 1, cursor: { id: afterKey } } : { take };

/** What a page of rows keyed by `id` needs of a Prisma model (its delegate on the tenant-scoped client). */
interface RowsById<T> {
  findMany(args: { where?: object; orderBy: object[]; include?: object; take: number; skip?: number; cursor?: { id: string } }): PromiseLike<T[]>;
  count(args: { where?: object }): PromiseLike<number>;
}

/** One page of a model's rows in `orderBy` (ending with `id`, so the order is total), with their total count. */
export function pageOfRows<T extends { id: string }>(ctx: Context, args: PageArgs, rows: RowsById<T>, query: { where?: object; orderBy: object[]; include?: object }) {
  return paginate(
    ctx,
    args,
    (row: T) => row.id,
    (take, after) => Promise.resolve(rows.findMany({ ...query, ...prismaPage(take, after) })),
    () => Promise.resolve(rows.count({ where: query.where })),
  );
}

export const pageArgs = builder.args((t) => ({
  first: t.int({ description: 'Page size: 0 to the server maximum (MAX_PAGE_SIZE, default 100); 20 when omitted.' }),
  after: t.string({ description: 'The endCursor of the previous page.' }),
}));

/** Declares `<Name>Connection` and `<Name>Edge` as in the contract, with `totalCount`. */
export function connectionOf<T>(ref: ObjectRef<any, T>, name: string) {
  return builder.connectionObject(
    {
      type: ref,
      name: `${name}Connection`,
      fields: (t) => ({
        totalCount: t.int({ resolve: (page) => (page as unknown as Page<T>).totalCount() }),
      }),
    },
    { name: `${name}Edge` },
  );
}
