// GraphQL types and queries of the audit log.
import { userSelect } from '../context.ts';
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.ts';
import type { AuditEvent } from '../db/client.ts';
import { UserRef } from '../identity/schema.ts';
import { connectionOf, pageArgs, paginate } from '../pagination.ts';
import { verifyChain } from './chain.ts';

const AuditEventRef = builder.node(builder.objectRef<AuditEvent>('AuditEvent'), {
  id: { resolve: (e) => e.id },
  authScopes: { can: 'audit.read' },
  loadMany: (ids, ctx) => ctx.db.auditEvent.findMany({ where: { id: { in: ids } } }),
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime' }),
    actor: t.field({
      type: UserRef,
      resolve: (e, _args, ctx) => (e.actorId ? ctx.db.user.findUnique({ where: { id: e.actorId }, select: userSelect }) : null),
    }),
    actorEmail: t.exposeString('actorEmail'),
    action: t.exposeString('action', { description: 'Dotted verb, e.g. workflow.create, approval.approve, auth.denied.' }),
    targetType: t.exposeString('targetType'),
    targetId: t.exposeString('targetId'),
    requestId: t.exposeString('requestId'),
    metadata: t.field({ type: 'JSON', description: 'Never holds PII beyond an email address.', resolve: (e) => JSON.parse(e.metadata) }),
    sequence: t.exposeInt('seq', { description: "Position in the organization's chain, from 1." }),
    prevHash: t.exposeString('prevHash'),
    hash: t.exposeString('hash'),
  }),
});

const AuditEventConnection = connectionOf(AuditEventRef, 'AuditEvent');

const AuditChainStatusRef = builder
  .objectRef<{ ok: boolean; checked: number; brokenAt: string | null }>('AuditChainStatus')
  .implement({
    fields: (t) => ({
      ok: t.exposeBoolean('ok'),
      checked: t.exposeInt('checked'),
      brokenAt: t.field({
        type: 'ID',
        description: 'The id of the first event whose hash does not match, when ok is false.',
        resolve: (s) => (s.brokenAt ? encodeGlobalID('AuditEvent', s.brokenAt) : null),
      }),
    }),
  });

/** A raw id, or a User global id for actorId. */
const rawUserId = (value: string) => {
  try {
    const d = decodeGlobalID(value);
    if (d.typename === 'User') return d.id;
  } catch {
    // raw id
  }
  return value;
};

builder.queryFields((t) => ({
  auditEvents: t.field({
    type: AuditEventConnection,
    description: 'The organization’s audit log, newest first.',
    authScopes: { can: 'audit.read' },
    args: {
      action: t.arg.string({ description: 'Exact action, or a prefix ending in a dot (e.g. `member.`).' }),
      actorId: t.arg.id(),
      targetType: t.arg.string(),
      targetId: t.arg.string(),
      ...pageArgs,
    },
    resolve: (_root, args, ctx) => {
      const where = {
        ...(args.action ? { action: args.action.endsWith('.') ? { startsWith: args.action } : args.action } : {}),
        ...(args.actorId ? { actorId: rawUserId(args.actorId) } : {}),
        ...(args.targetType ? { targetType: args.targetType } : {}),
        ...(args.targetId ? { targetId: args.targetId } : {}),
      };
      return paginate(
        ctx,
        args,
        (e: AuditEvent) => String(e.seq),
        (take, after) =>
          ctx.db.auditEvent.findMany({
            where: { ...where, ...(after ? { seq: { lt: Number(after) || 0 } } : {}) },
            orderBy: { seq: 'desc' },
            take,
          }),
        () => ctx.db.auditEvent.count({ where }),
      );
    },
  }),
  verifyAuditChain: t.field({
    type: AuditChainStatusRef,
    description: "Recomputes the organization's audit chain and names the first broken event.",
    authScopes: { can: 'audit.read' },
    resolve: (_root, _args, ctx) => verifyChain(ctx.db, ctx.member.organizationId),
  }),
}));
