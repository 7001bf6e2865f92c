// GraphQL types and queries of the audit log.
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { builder } from '../builder.ts';
import type { AuditEvent } from '../db/client.ts';
import { connectionOf, pageArgs, paginate } from '../pagination.ts';
import { verifyChain, type ChainStatus } from './chain.ts';
import { auditKeysOf } from './keys.ts';

/** Audit target types whose API type has another name (the trail keeps the model's name). */
const TARGET_NODE_TYPES: Readonly<Record<string, string>> = { CustomRole: 'Role', ScopeApprover: 'User' };

/** Metadata keys that hold an id, and the API type it names; `role.reparent` keeps the parents in `from` and `to`. */
const METADATA_IDS: Readonly<Record<string, string>> = {
  ownerMembershipId: 'Membership',
  inviteId: 'Invite',
  request: 'ApprovalRequest',
  viaRequest: 'ApprovalRequest',
  workflowId: 'Workflow',
  runId: 'WorkflowRun',
  review: 'AccessReview',
  viaReview: 'AccessReview',
  reviewItem: 'AccessReviewItem',
  subjectUserId: 'User',
  parentId: 'Role',
};
const ACTION_METADATA_IDS: Readonly<Record<string, Readonly<Record<string, string>>>> = { 'role.reparent': { from: 'Role', to: 'Role' } };

const isNodeType = (schema: GraphQLSchema, name: string) => {
  const type = schema.getType(name);
  return isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Node');
};

/**
 * The event's target as the API names it: the global id of a record (for node(id:)), or, for a
 * denied operation, the path of the field refused. Null for a target without an API type (an
 * approval policy: its kind and subject are in the metadata).
 */
function publicTargetId(e: AuditEvent, schema: GraphQLSchema): string | null {
  if (!e.targetId || !e.targetType) return null;
  if (e.targetType === 'Operation') return e.targetId;
  const type = TARGET_NODE_TYPES[e.targetType] ?? e.targetType;
  return isNodeType(schema, type) ? encodeGlobalID(type, e.targetId) : null;
}

/** The metadata as recorded, with the ids in it shown as global ids: no internal id leaves the server. */
function publicMetadata(e: AuditEvent): unknown {
  const metadata = JSON.parse(e.metadata) as Record<string, unknown>;
  const ids = { ...METADATA_IDS, ...ACTION_METADATA_IDS[e.action] };
  return Object.fromEntries(
    Object.entries(metadata).map(([key, value]) => [key, ids[key] && typeof value === 'string' ? encodeGlobalID(ids[key], value) : value]),
  );
}

/** Its `actor` (a User) is added by identity, which sits above audit: every identity change is audited. */
export const AuditEventRef = builder.node(builder.objectRef<AuditEvent>('AuditEvent'), {
  id: { resolve: (e) => e.id },
  authScopes: { can: 'audit.read' },
  loadMany: (ids, ctx) => ctx.db.auditEvent.findMany({ where: { id: { in: ids } } }),
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime' }),
    actorEmail: t.exposeString('actorEmail', { nullable: true }),
    action: t.exposeString('action', { description: 'Dotted verb, e.g. workflow.create, approval.approve, auth.denied.' }),
    targetType: t.exposeString('targetType', {
      nullable: true,
      description: 'The kind of record acted on, as the trail names it (the model: CustomRole is the API\'s Role), or Operation for a denied attempt.',
    }),
    targetId: t.string({
      nullable: true,
      description:
        'The global id of the record acted on (pass it to node(id:); it stays valid after the record is gone), or for an Operation the path of the field refused; null for a target the API has no type for (an approval policy).',
      resolve: (e, _args, _ctx, info) => publicTargetId(e, info.schema),
    }),
    requestId: t.exposeString('requestId', { nullable: true }),
    metadata: t.field({
      type: 'JSON',
      description: 'Never holds PII beyond an email address; the ids in it are global ids.',
      resolve: (e) => publicMetadata(e),
    }),
    sequence: t.exposeInt('seq', { description: "Position in the organization's chain, from 1." }),
    prevHash: t.exposeString('prevHash'),
    hash: t.exposeString('hash'),
    keyId: t.exposeString('keyId', {
      nullable: true,
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
      nullable: true,
      description: 'The id of the first event that breaks the chain (or the last one, when what breaks lies past it), when ok is false.',
      resolve: (s) => (s.brokenAt ? encodeGlobalID('AuditEvent', s.brokenAt) : null),
    }),
    problem: t.exposeString('problem', {
      nullable: true, description: 'What breaks the chain, in a sentence, when ok is false.' }),
    keyedEvents: t.exposeInt('keyedEvents', { description: "Events whose hash is an HMAC with the server's audit key, recomputed." }),
    legacyEvents: t.exposeInt('legacyEvents', { description: 'Events written before keys, hashed with plain SHA-256 (only at the start of a chain).' }),
    checkpoints: t.exposeInt('checkpoints', { description: "Signed checkpoints whose signature, hash and digest verified with the server's public key." }),
    signedThrough: t.exposeInt('signedThrough', { description: 'The sequence number of the latest verified checkpoint; 0 when none.' }),
    lastCheckpointAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (s) => (s.lastCheckpointAt ? new Date(s.lastCheckpointAt) : null),
    }),
  }),
});

/** The raw id of a global id of `typename` (any Node type when omitted) this API issued; null when `value` is not one. */
function rawIdOf(value: string, schema: GraphQLSchema, typename?: string): string | null {
  try {
    const d = decodeGlobalID(value);
    if (d.id && (typename ? d.typename === typename : isNodeType(schema, d.typename)) && encodeGlobalID(d.typename, d.id) === value) return d.id;
  } catch {
    // not a global id
  }
  return null;
}

builder.queryFields((t) => ({
  auditEvents: t.field({
    type: AuditEventConnection,
    description: 'The organization’s audit log, newest first.',
    authScopes: { can: 'audit.read' },
    args: {
      action: t.arg.string({ description: 'Exact action, or a prefix ending in a dot (e.g. `member.`).' }),
      actorId: t.arg.id({ description: "A User's id." }),
      targetType: t.arg.string(),
      targetId: t.arg.string({ description: "An event's `targetId`: a record's global id, or a refused field's path." }),
      ...pageArgs,
    },
    resolve: (_root, args, ctx, info) => {
      // Stored ids are matched too: filters written before the trail showed global ids keep working.
      const where = {
        ...(args.action ? { action: args.action.endsWith('.') ? { startsWith: args.action } : args.action } : {}),
        ...(args.actorId ? { actorId: rawIdOf(args.actorId, info.schema, 'User') ?? args.actorId } : {}),
        ...(args.targetType ? { targetType: args.targetType } : {}),
        ...(args.targetId ? { targetId: rawIdOf(args.targetId, info.schema) ?? args.targetId } : {}),
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
