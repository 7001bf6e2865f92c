// Alerts on a KPI: a threshold that fires when a recorded point crosses it.
import { builder } from '../../builder.ts';
import type { Alert } from '../../db/client.ts';
import { UserRef } from '../../identity/schema.ts';
import { recordById } from '../../loaders.ts';
import { ALERT_OPERATORS, createAlert, type AlertOperator } from '../kpis.ts';
import { KpiRef } from './kpi.ts';
import { referencedMember } from '../../identity/members.ts';

const AlertOperatorEnum = builder.enumType('AlertOperator', { values: ALERT_OPERATORS });

const AlertRef = builder.node(builder.objectRef<Alert>('Alert'), {
  id: { resolve: (a) => a.id },
  authScopes: { can: 'kpis.read' },
  loadMany: (ids, ctx) => ctx.db.alert.findMany({ where: { id: { in: ids } } }),
  fields: (t) => ({
    kpi: t.field({ type: KpiRef, nullable: true, description: 'Null where the caller may no longer see the KPI.', resolve: (a, _x, ctx) => recordById.kpi(ctx).load(a.kpiId) }),
    operator: t.field({ type: AlertOperatorEnum, resolve: (a) => a.operator as AlertOperator }),
    threshold: t.exposeFloat('threshold'),
    createdBy: t.field({ type: UserRef, resolve: (a, _x, ctx) => referencedMember(ctx, a.createdById) }),
  }),
});

builder.mutationField('createAlert', (t) =>
  t.field({
    type: AlertRef,
    authScopes: { can: 'kpis.write' },
    args: { kpiId: t.arg.globalID({ required: true, for: KpiRef }), operator: t.arg({ type: AlertOperatorEnum, required: true }), threshold: t.arg.float({ required: true }) },
    resolve: (_r, a, ctx) => createAlert(ctx, a.kpiId.id, a.operator, a.threshold),
  }),
);
