// Dimensions (region, product, …) and their allowed values: what KPIs are broken down by and
// what scopes name.
import { auditedTransaction, callerActor } from '../audit/record.ts';
import type { Context } from '../context.ts';
import type { Db, Tx } from '../db/client.ts';
import { badInput } from '../errors.ts';
import { boundedList, dimensionValue, distinct, key, LIMITS, requiredText, uniquely } from './input.ts';

export const valuesOf = (dimension: { values: string }) => JSON.parse(dimension.values) as string[];

export async function dimensionByKey(db: Db | Tx, key: string) {
  const dimension = await db.dimension.findFirst({ where: { key } });
  if (!dimension) throw badInput(`There is no dimension "${key.slice(0, 60)}" here. \`dimensions\` lists them; ADMIN and OWNER create them with createDimension.`);
  return dimension;
}

export async function createDimension(ctx: Context, dimensionKey: string, dimensionName: string, values: readonly string[] | null | undefined) {
  key('key', dimensionKey);
  const name = requiredText('name', dimensionName, LIMITS.name);
  const list = distinct('values', boundedList('values', values ?? [], LIMITS.values).map((v, i) => dimensionValue(`values[${i}]`, v.trim())));
  return uniquely(
    () =>
      auditedTransaction(callerActor(ctx), async (tx, record) => {
        const row = await tx.dimension.create({ data: { organizationId: ctx.member.organizationId, key: dimensionKey, name, values: JSON.stringify(list) } });
        await record({ action: 'dimension.create', targetType: 'Dimension', targetId: row.id, metadata: { key: dimensionKey, values: list.length } });
        return row;
      }),
    `A dimension with key "${dimensionKey}" already exists here.`,
  );
}
