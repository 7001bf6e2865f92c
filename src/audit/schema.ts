// GraphQL types and queries of the audit log.
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.ts';
import type { AuditEvent } from '../db/client.ts';
import { UserRef } from '../identity/schema.ts';
import { connectionOf, pageArgs, paginate } from '../pagination.ts';
import { verifyChain, type ChainStatus } from './chain.ts';
import { auditKeysOf } from './keys.ts';
import { referencedUser } from '../identity/members.ts';

const AuditEventRef = builder.node(builder.objectRef<AuditEvent>('AuditEvent'), {
  id: { resolve: (e) => e.id },
  authScopes: { can: 'audit.read' },
  loadMany: (ids, ctx) => ctx.db.auditEvent.findMany({ where: { id: { in: ids } } }),
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime' }),
    actor: t.field({
      type: UserRef,
      resolve: (e, _args, ctx) => (e.actorId ? referencedUser(ctx, e.actorId) : null),
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
    keyId: t.exposeString('keyId', {
      description: 'Names the audit key the hash is an HMAC with (never the key); null for events hashed with plain SHA-256 before keys.',
    }),
  }),
});

const AuditEventConnection = connectionOf(AuditEventRef, 'AuditEvent');

const AuditChainStatusRef = builder.objectRef<ChainStatus>('AuditChainStatus').implement({
  fields: (t) => ({
    ok: t.exposeBoolean('ok'),
    checked: t.exposeInt('checked'),
    brokenAt: t.field({
      type: 'ID',
      description: 'The id of the first event that breaks the chain (or the last one, when what breaks lies past it), when ok is false.',
      resolve: (s) => (s.brokenAt ? encodeGlobalID('AuditEvent', s.brokenAt) : null),
    }),
    problem: t.exposeString('problem', { description: 'What breaks the chain, in a sentence, when ok is false.' }),
    keyedEvents: t.exposeInt('keyedEvents', { description: "Events whose hash is an HMAC with the server's audit key, recomputed." }),
    legacyEvents: t.exposeInt('legacyEvents', { description: 'Events written before keys, hashed with plain SHA-256 (only at the start of a chain).' }),
    checkpoints: t.exposeInt('checkpoints', { description: "Signed checkpoints whose signature, hash and digest verified with the server's public key." }),
    signedThrough: t.exposeInt('signedThrough', { description: 'The sequence number of the latest verified checkpoint; 0 when none.' }),
    lastCheckpointAt: t.field({
      type: 'DateTime',
      resolve: (s) => (s.lastCheckpointAt ? new Date(s.lastCheckpointAt) : null),
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
    description: "Recomputes the organization's audit chain with the audit key, checks its signed checkpoints, and names the first broken event.",
    authScopes: { can: 'audit.read' },
    resolve: (_root, _args, ctx) => verifyChain(ctx.db, ctx.member.organizationId, auditKeysOf(ctx.services.system), ctx.services.system),
  }),
}));
