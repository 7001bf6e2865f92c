// Prisma `where` objects compiled to SQL for the statements of this folder. The row filters are
// declared once, as the Prisma `where`s the tenant extension adds to every query
// (src/kpis/access.ts renders them from the caller's visible rows); a statement here turns the
// very same objects into its WHERE, so a rule is never written a second time in SQL. The compiler
// knows only the few shapes those filters, the callers' conditions and keyset cursors use;
// anything else is refused, never dropped, so a condition can make a statement fail but never
// widen it.
import { dateParam, type Provider } from '../client.ts';

/** A Prisma `where` of one table, as the compiler walks it. */
export type Where = object;
/** Columns a condition may name, with the PostgreSQL array type for `in`. */
export type Columns = Readonly<Record<string, string>>;

const COMPARISONS: Record<string, string> = { equals: '=', lt: '<', lte: '<=', gt: '>', gte: '>=' };

export class UncompilableFilter extends Error {
  override name = 'UncompilableFilter';
}

const scalar = (provider: Provider, value: unknown): unknown => {
  if (value instanceof Date) return dateParam(provider, value);
  if (typeof value === 'string' || typeof value === 'number') return value;
  throw new UncompilableFilter(`cannot compare with ${typeof value}`);
};

/** What one compilation appends to and how it spells columns. */
export interface Compilation {
  columns: Columns;
  provider: Provider;
  params: unknown[];
  /** SQLite: columns written `+"col"`, which keeps the planner from choosing an index on them. */
  unindexed?: ReadonlySet<string>;
}

function column(c: Compilation, name: string, condition: unknown): string {
  const { provider, params } = c;
  const type = c.columns[name];
  if (!type) throw new UncompilableFilter(`unknown column ${name}`);
  const sqlName = provider === 'sqlite' && c.unindexed?.has(name) ? `+"${name}"` : `"${name}"`;
  if (condition === null) return `${sqlName} IS NULL`;
  if (typeof condition !== 'object' || condition instanceof Date) {
    params.push(scalar(provider, condition));
    return `${sqlName} = ?`;
  }
  const parts: string[] = [];
  for (const [op, value] of Object.entries(condition as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (op === 'in') {
      if (!Array.isArray(value)) throw new UncompilableFilter(`${name}.in is not a list`);
      if (value.length === 0) {
        parts.push('1 = 0');
      } else if (provider === 'postgresql') {
        params.push(value.map((v) => scalar(provider, v)));
        parts.push(`${sqlName} = ANY(?::${type}[])`);
      } else {
        params.push(...value.map((v) => scalar(provider, v)));
        parts.push(`${sqlName} IN (${value.map(() => '?').join(', ')})`);
      }
    } else if (COMPARISONS[op]) {
      params.push(scalar(provider, value));
      parts.push(`${sqlName} ${COMPARISONS[op]} ?`);
    } else {
      throw new UncompilableFilter(`operator ${op} on ${name}`);
    }
  }
  return parts.length ? parts.join(' AND ') : '1 = 1';
}

/** A Prisma `where` as SQL with `?` placeholders, appending its parameters. */
export function compileWhere(where: Where, c: Compilation): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(where as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (key === 'AND' || key === 'OR') {
      const list = (Array.isArray(value) ? value : [value]) as Where[];
      const compiled = list.map((w) => `(${compileWhere(w, c)})`);
      if (key === 'AND') parts.push(compiled.length ? compiled.join(' AND ') : '1 = 1');
      // Prisma: an empty OR matches nothing.
      else parts.push(compiled.length ? `(${compiled.join(' OR ')})` : '1 = 0');
    } else {
      parts.push(column(c, key, value));
    }
  }
  return parts.length ? parts.join(' AND ') : '1 = 1';
}

/**
 * The tenant's condition first, then the rest: every statement's WHERE goes through here, so
 * none can be compiled without an organization.
 */
export function compileTenantWhere(organizationId: string, where: readonly Where[], c: Compilation): string {
  if (!organizationId) throw new UncompilableFilter('no organization');
  return compileWhere({ AND: [{ organizationId }, ...where] }, c);
}

/**
 * PostgreSQL hashes an `= ANY(list)` of 9 or more values only when it plans with the list known;
 * a reused generic plan compares every row with every value (1,000 scopes: 9 ms instead of 1).
 */
export const LONG_LIST = 9;
export const planOf = (params: readonly unknown[]) => ({ planEachTime: params.some((p) => Array.isArray(p) && p.length >= LONG_LIST) });
