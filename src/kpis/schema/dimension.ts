// Dimensions: their type, the list, and creating one (ADMIN, OWNER).
import { builder } from '../../builder.ts';
import type { Dimension } from '../../db/client.ts';
import { createDimension, valuesOf } from '../dimensions.ts';

export const DimensionRef = builder.node(builder.objectRef<Dimension>('Dimension'), {
  id: { resolve: (d) => d.id },
  authScopes: { can: 'kpis.read' },
  loadMany: (ids, ctx) => ctx.db.dimension.findMany({ where: { id: { in: ids } } }),
  fields: (t) => ({
    key: t.exposeString('key'),
    name: t.exposeString('name'),
    values: t.stringList({ resolve: (d) => valuesOf(d) }),
  }),
});

builder.queryField('dimensions', (t) =>
  t.field({ type: [DimensionRef], authScopes: { can: 'kpis.read' }, resolve: (_r, _a, ctx) => ctx.db.dimension.findMany({ orderBy: { key: 'asc' } }) }),
);

builder.mutationField('createDimension', (t) =>
  t.field({
    type: DimensionRef,
    authScopes: { can: 'kpis.manage' },
    args: { key: t.arg.string({ required: true }), name: t.arg.string({ required: true }), values: t.arg.stringList() },
    resolve: (_r, a, ctx) => createDimension(ctx, a.key, a.name, a.values),
  }),
);
