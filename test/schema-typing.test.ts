// A schema a frontend can type (issue 12): non-null wherever the value always exists for whoever may
// read it, nullable where a record may be invisible or a field-level rule answers null with FORBIDDEN;
// and only public ids leave the server: every ID in a real response is a global id that node(id:)
// accepts, an approval request links to its record (`target`), and no internal database id appears
// anywhere in a response (summaries, audit targets and metadata, run outputs, messages).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeGlobalID } from '@pothos/plugin-relay';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type GqlResult, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';
import { graphql } from './gql/index.ts';
import {
  AddGroupMember, ApproveRequest, AssignGroupRole, AssignRole, AuditEvents, CreateCustomer, CreateDimension, CreateGroup, CreateKpi, CreateRole,
  CreateWorkflow, DeleteCustomer, GrantAccessScope, InviteMember, RecordKpiData, RequestAccess, RunWorkflow, SetKpiPermission, UpdateCustomer,
} from './ops.ts';
import { inDays, OpenReview } from './reviews-ops.ts';

const schema = buildSchema(readFileSync(join(import.meta.dirname, '..', 'schema.graphql'), 'utf8'));

const fieldOf = (coordinate: string) => {
  const [typeName, fieldName] = coordinate.split('.') as [string, string];
  const type = schema.getType(typeName);
  if (!isObjectType(type) && !isInterfaceType(type)) throw new Error(`${typeName} is not an object or interface type`);
  const field = type.getFields()[fieldName];
  if (!field) throw new Error(`${coordinate} does not exist`);
  return field;
};

/** Fields whose value always exists for whoever may read them: a client must not have to check them for null. */
const NON_NULL = [
  'Query.approvalRequests', 'Query.kpis', 'Query.workflows', 'Query.customers', 'Query.leads', 'Query.members', 'Query.auditEvents', 'Query.me',
  'Query.myAccessScopes', 'Query.dimensions', 'Query.organization',
  'Mutation.login', 'Mutation.approveRequest', 'Mutation.rejectRequest', 'Mutation.requestAccess', 'Mutation.createWorkflow', 'Mutation.runWorkflow',
  'Mutation.updateCustomer', 'Mutation.deleteCustomer', 'Mutation.recordKpiData', 'Subscription.approvalEvents', 'Subscription.myApprovalUpdates',
  'AuthPayload.token', 'AuthPayload.expiresAt', 'AuthPayload.user',
  'Viewer.user', 'Viewer.memberships', 'User.id', 'User.email', 'Membership.role', 'Membership.status', 'Membership.user', 'Organization.name',
  'ApprovalRequest.id', 'ApprovalRequest.kind', 'ApprovalRequest.status', 'ApprovalRequest.summary', 'ApprovalRequest.requestedBy',
  'ApprovalRequest.createdAt', 'ApprovalRequest.requiredApprovals', 'ApprovalRequest.approvals', 'ApprovalEvent.type', 'ApprovalEvent.request',
  'ApprovalEvent.at', 'ApprovalTarget.id', 'ApprovalTarget.name',
  'Kpi.key', 'Kpi.name', 'Kpi.access', 'Kpi.data', 'Kpi.summary', 'Kpi.dimensions', 'KpiSummary.count', 'KpiDataPoint.period', 'KpiDataPoint.value',
  'KpiDataPoint.dimensions', 'DimensionValue.value', 'Dimension.key', 'Dimension.values', 'AccessScope.value', 'AccessScope.active', 'AccessScope.dimension',
  'Workflow.name', 'Workflow.trigger', 'Workflow.approvalStatus', 'Workflow.requiresApproval', 'Workflow.enabled', 'Workflow.createdBy', 'Workflow.definedBy',
  'WorkflowRun.status', 'WorkflowRun.startedAt', 'WorkflowRun.workflow', 'WorkflowAction.kind', 'WorkflowAction.config',
  'Customer.name', 'Customer.status', 'Customer.pendingChanges', 'Lead.name', 'UpdateCustomerPayload.customer', 'DeletePayload.deleted',
  'AuditEvent.action', 'AuditEvent.at', 'AuditEvent.metadata', 'AuditEvent.sequence', 'AuditEvent.hash', 'AuditChainStatus.ok',
  'AccessReview.title', 'AccessReview.status', 'AccessReview.progress', 'AccessReviewItem.subject', 'AccessReviewItem.reviewer', 'AccessReviewItem.review',
  'PageInfo.hasNextPage',
];

/** Fields a caller may legitimately get null for (an optional column, a record they may not see, a field-level refusal). */
const NULLABLE = [
  'Query.node', 'Query.kpi', 'Query.workflow', 'Query.customer', 'Query.lead', 'Query.approvalRequest', 'Query.accessReview',
  'Workflow.actions', 'Workflow.runs', 'WorkflowRun.output', 'WorkflowRun.finishedAt', 'WorkflowRun.error', 'Workflow.description', 'Workflow.approvalRequest',
  'ApprovalRequest.proposedChanges', 'ApprovalRequest.target', 'ApprovalRequest.targetId', 'ApprovalRequest.targetType', 'ApprovalRequest.workflow',
  'ApprovalRequest.decidedBy', 'ApprovalRequest.decidedAt', 'ApprovalRequest.piiAction', 'ApprovalRequest.dimension',
  'Customer.email', 'Customer.phone', 'Customer.company', 'Lead.email', 'User.displayName', 'Viewer.organization', 'Viewer.role',
  'Kpi.unit', 'Kpi.target', 'KpiSummary.sum', 'Alert.kpi', 'AccessReview.kpi', 'AccessReviewItem.role', 'AccessReviewItem.decision',
  'AuditEvent.actor', 'AuditEvent.targetId', 'PageInfo.endCursor', 'KpiAccessExplanation.kpi', 'UpdateCustomerPayload.pendingChange',
];

function* outputFields(): Generator<[string, GraphQLField<unknown, unknown>]> {
  for (const type of Object.values(schema.getTypeMap()))
    if ((isObjectType(type) || isInterfaceType(type)) && !type.name.startsWith('__'))
      for (const field of Object.values(type.getFields())) yield [`${type.name}.${field.name}`, field];
}

describe('nullability in the schema', () => {
  it('declares non-null the fields whose value always exists', () => {
    expect(NON_NULL.filter((c) => !isNonNullType(fieldOf(c).type))).toEqual([]);
  });

  it('keeps nullable the fields a caller may get null for', () => {
    expect(NULLABLE.filter((c) => isNonNullType(fieldOf(c).type))).toEqual([]);
  });

  it('types every connection as non-null edges of non-null nodes, with pageInfo and totalCount', () => {
    const connections = Object.values(schema.getTypeMap()).filter((t): t is GraphQLObjectType => isObjectType(t) && t.name.endsWith('Connection'));
    expect(connections.length).toBeGreaterThanOrEqual(11);
    for (const connection of connections) {
      const edge = connection.name.replace(/Connection$/, 'Edge');
      const node = edge.replace(/Edge$/, '');
      const fields = connection.getFields();
      expect([connection.name, String(fields.edges?.type), String(fields.pageInfo?.type), String(fields.totalCount?.type)]).toEqual([
        connection.name,
        `[${edge}!]!`,
        'PageInfo!',
        'Int!',
      ]);
      const edgeFields = (schema.getType(edge) as GraphQLObjectType).getFields();
      expect([edge, String(edgeFields.node?.type), String(edgeFields.cursor?.type)]).toEqual([edge, `${node}!`, 'String!']);
    }
  });

  it('has no list with nullable items, in output or input', () => {
    const holes: string[] = [];
    const itemsNullable = (type: GraphQLType): boolean => {
      const inner = isNonNullType(type) ? type.ofType : type;
      return isListType(inner) && (!isNonNullType(inner.ofType) || itemsNullable(inner.ofType));
    };
    for (const [coordinate, field] of outputFields()) {
      if (itemsNullable(field.type)) holes.push(coordinate);
      for (const arg of field.args) if (itemsNullable(arg.type)) holes.push(`${coordinate}(${arg.name})`);
    }
    expect(holes).toEqual([]);
  });
});

// ---------------------------------------------------------------- real responses

/**
 * A selection of every field reachable from `type` without required arguments, `depth` object levels
 * deep, never entering a type already on the path (so no cycle repeats), with __typename everywhere.
 */
function selectionOf(type: GraphQLObjectType | GraphQLInterfaceType, depth: number, path: ReadonlySet<string> = new Set([type.name])): string {
  const parts = ['__typename'];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((a) => isNonNullType(a.type))) continue;
    const named = getNamedType(field.type);
    if (isScalarType(named) || isEnumType(named)) parts.push(field.name);
    else if ((isObjectType(named) || isInterfaceType(named)) && depth > 0 && !path.has(named.name))
      parts.push(`${field.name} { ${selectionOf(named, depth - 1, new Set([...path, named.name]))} }`);
  }
  return parts.join(' ');
}

const queryType = schema.getQueryType()!;
const walk = (roots: Record<string, string>, depth = 5) =>
  `query Walk { ${Object.entries(roots)
    .map(([name, args]) => {
      const named = getNamedType(queryType.getFields()[name]!.type) as GraphQLObjectType;
      return `${name}${args} { ${selectionOf(named, depth)} }`;
    })
    .join(' ')} }`;

interface IdValue {
  coordinate: string;
  value: string;
  parent: Record<string, unknown>;
}

/** Strings that name a record (the other …Id strings, requestId and keyId, are not database ids). */
const ID_STRINGS = new Set(['AuditEvent.targetId']);

/** Every value of an id-like field in a response (ID-typed, or one of ID_STRINGS), with where it was found. */
function idValues(data: Record<string, unknown>): IdValue[] {
  const out: IdValue[] = [];
  const visit = (value: unknown, type: GraphQLOutputType) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) return value.forEach((v) => visit(v, type));
    const named = getNamedType(type);
    if (!(isObjectType(named) || isInterfaceType(named))) return;
    const object = value as Record<string, unknown>;
    const concrete = schema.getType(String(object.__typename ?? named.name)) as GraphQLObjectType;
    for (const [key, child] of Object.entries(object)) {
      if (key === '__typename') continue;
      const field = concrete.getFields()[key]!;
      const leaf = getNamedType(field.type);
      const idLike = leaf.name === 'ID' || ID_STRINGS.has(`${concrete.name}.${key}`);
      if (idLike) for (const v of [child].flat()) if (typeof v === 'string') out.push({ coordinate: `${concrete.name}.${key}`, value: v, parent: object });
      if (!isScalarType(leaf) && !isEnumType(leaf)) visit(child, field.type);
    }
  };
  for (const [key, value] of Object.entries(data)) visit(value, queryType.getFields()[key]!.type);
  return out;
}

const isNodeType = (name: string) => {
  const type: GraphQLNamedType | undefined = schema.getType(name);
  return isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Node');
};

/** Why `value` is not a global id of a Node type, or null when it is one. */
function notGlobal(value: string): string | null {
  try {
    const { typename, id } = decodeGlobalID(value);
    if (!id || !isNodeType(typename)) return `decodes to "${typename}:${id}", not a Node id`;
    return Buffer.from(`${typename}:${id}`).toString('base64') === value ? null : 'is not the canonical encoding';
  } catch {
    return 'does not decode';
  }
}

let server: TestServer;
let o: OrgFixture;
const ids: Record<string, string> = {};
let blocked: GqlResult<unknown>;

const Targets = graphql(`
  query SchemaTypingTargets {
    approvalRequests(first: 100) {
      edges { node { id kind summary targetType targetId target { __typename id name } workflow { id } } }
    }
  }
`);

const TargetNode = graphql(`
  query SchemaTypingNode($id: ID!) {
    node(id: $id) { __typename id ... on Customer { name } ... on Workflow { name } ... on WorkflowRun { status } ... on ApprovalRequest { kind } }
  }
`);

/** Every internal id of the organization's rows: none may appear in a response. */
async function internalIds(organizationId: string): Promise<string[]> {
  const db = server.db;
  const where = { where: { organizationId }, select: { id: true } } as const;
  const tables = await Promise.all([
    db.approvalRequest.findMany(where), db.customer.findMany(where), db.lead.findMany(where), db.workflow.findMany(where), db.workflowRun.findMany(where),
    db.kpi.findMany(where), db.dimension.findMany(where), db.customRole.findMany(where), db.group.findMany(where), db.accessScope.findMany(where),
    db.accessReview.findMany(where), db.accessReviewItem.findMany(where), db.auditEvent.findMany(where), db.alert.findMany(where), db.invite.findMany(where),
    db.membership.findMany({ where: { organizationId }, select: { id: true, userId: true } }),
  ]);
  const memberships = tables.at(-1) as { id: string; userId: string }[];
  return [organizationId, ...tables.flat().map((r) => r.id), ...memberships.map((m) => m.userId)];
}

beforeAll(async () => {
  // The walks below select far more than a client would: the operation limits are raised for them.
  server = await startTestServer({ MAX_TOKENS: '100000', MAX_DEPTH: '40', MAX_COST: '100000000' });
  o = await orgWithRoles(server, 'Typing');
  const as = (who: string) => ({ as: who });
  const viewerId = await userIdOf(server, o.owner, o.viewer);

  await server.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US', 'EMEA'] }, as(o.owner));
  ids.kpi = (await server.gql(CreateKpi, { input: { key: 'revenue', name: 'Revenue', dimensionKeys: ['region'] } }, as(o.owner))).data!.createKpi.id;
  const points = [{ period: '2026-01-01T00:00:00Z', value: 10, dimensions: [{ dimension: 'region', value: 'US' }] }];
  await server.gql(RecordKpiData, { kpiId: ids.kpi, points }, as(o.owner));
  const parent = (await server.gql(CreateRole, { name: 'Readers' }, as(o.owner))).data!.createRole.id;
  ids.role = (await server.gql(CreateRole, { name: 'Analysts', parentRoleId: parent }, as(o.owner))).data!.createRole.id;
  await server.gql(SetKpiPermission, { roleId: parent, kpiId: ids.kpi, access: 'RESTRICTED' }, as(o.owner));
  await server.gql(AssignRole, { roleId: ids.role, userId: viewerId }, as(o.owner));
  const group = (await server.gql(CreateGroup, { name: 'Finance' }, as(o.owner))).data!.createGroup.id;
  await server.gql(AddGroupMember, { groupId: group, userId: viewerId }, as(o.owner));
  await server.gql(AssignGroupRole, { groupId: group, roleId: ids.role }, as(o.owner));
  await server.gql(GrantAccessScope, { userId: viewerId, dimension: 'region', value: 'US' }, as(o.owner));

  ids.acme = (await server.gql(CreateCustomer, { input: { name: 'Acme Corp', email: 'buyer@acme.test' } }, as(o.owner))).data!.createCustomer.id;
  ids.globex = (await server.gql(CreateCustomer, { input: { name: 'Globex', email: 'ops@globex.test' } }, as(o.owner))).data!.createCustomer.id;
  ids.piiRequest = (await server.gql(UpdateCustomer, { id: ids.acme, input: { email: 'new@acme.test' } }, as(o.admin))).data!.updateCustomer.pendingChange!.id;
  ids.deleteRequest = (await server.gql(DeleteCustomer, { id: ids.globex, mode: 'HARD' }, as(o.admin))).data!.deleteCustomer.pendingChange!.id;

  const risky = { name: 'Raise the target', actions: [{ kind: 'SET_KPI_TARGET' as const, config: { kpiKey: 'revenue', target: 100 } }] };
  const workflow = (await server.gql(CreateWorkflow, { input: risky }, as(o.editor))).data!.createWorkflow;
  ids.workflow = workflow.id;
  ids.workflowRequest = workflow.approvalRequest!.id;
  blocked = await server.gql(RunWorkflow, { id: ids.workflow }, as(o.editor));
  const snapshot = { name: 'Snapshot revenue', actions: [{ kind: 'SNAPSHOT_KPI' as const, config: { kpiKey: 'revenue' } }] };
  const snapshotId = (await server.gql(CreateWorkflow, { input: snapshot }, as(o.owner))).data!.createWorkflow.id;
  expect((await server.gql(RunWorkflow, { id: snapshotId }, as(o.owner))).data?.runWorkflow.status).toBe('SUCCEEDED');

  ids.accessRequest = (await server.gql(RequestAccess, { dimension: 'region', value: 'EMEA', justification: 'Q3 review' }, as(o.viewer))).data!.requestAccess.id;
  await server.gql(OpenReview, { input: { title: 'Quarterly', deadline: inDays(7), defaultOutcome: 'KEEP' } }, as(o.admin));
  expect(codes(await server.gql(InviteMember, { email: 'someone@typing.test', role: 'VIEWER' }, as(o.viewer)))).toEqual(['FORBIDDEN']);
});

afterAll(() => server?.close());

describe('only public ids leave the server', () => {
  it('links each request to its record: target resolves, targetId is its global id, node(id:) finds it', async () => {
    const r = await server.gql(Targets, {}, { as: o.owner });
    expect(r.errors).toBeUndefined();
    const byId = new Map(r.data!.approvalRequests.edges.map((e) => [e.node.id, e.node]));
    expect(byId.get(ids.piiRequest)).toEqual({
      id: ids.piiRequest,
      kind: 'PII_CHANGE',
      summary: 'Change of email of customer "Acme Corp"',
      targetType: 'Customer',
      targetId: ids.acme,
      target: { __typename: 'Customer', id: ids.acme, name: 'Acme Corp' },
      workflow: null,
    });
    expect(byId.get(ids.deleteRequest)).toMatchObject({ summary: 'Permanent deletion of customer "Globex"', targetId: ids.globex, target: { id: ids.globex } });
    expect(byId.get(ids.workflowRequest)).toMatchObject({
      kind: 'WORKFLOW',
      targetType: 'Workflow',
      targetId: ids.workflow,
      target: { __typename: 'Workflow', id: ids.workflow, name: 'Raise the target' },
      workflow: { id: ids.workflow },
    });
    expect(byId.get(ids.accessRequest)).toMatchObject({ kind: 'ACCESS_SCOPE', targetType: null, targetId: null, target: null });
    const node = await server.gql(TargetNode, { id: byId.get(ids.piiRequest)!.targetId! }, { as: o.owner });
    expect(node.data).toEqual({ node: { __typename: 'Customer', id: ids.acme, name: 'Acme Corp' } });
  });

  it('names the run and the request of APPROVAL_REQUIRED by global ids that node(id:) resolves', async () => {
    const [error] = blocked.errors!;
    expect(error!.extensions).toMatchObject({ code: 'APPROVAL_REQUIRED', approvalRequestId: ids.workflowRequest });
    const runId = String(error!.extensions!.runId);
    expect(notGlobal(runId)).toBeNull();
    expect((await server.gql(TargetNode, { id: runId }, { as: o.editor })).data).toEqual({ node: { __typename: 'WorkflowRun', id: runId, status: 'BLOCKED' } });
    expect((await server.gql(TargetNode, { id: ids.workflowRequest }, { as: o.editor })).data).toEqual({
      node: { __typename: 'ApprovalRequest', id: ids.workflowRequest, kind: 'WORKFLOW' },
    });
  });

  it('shows audit targets and the ids in metadata as global ids, and filters by them', async () => {
    const r = await server.gql(AuditEvents, { targetId: ids.acme, first: 50 }, { as: o.owner });
    const events = r.data!.auditEvents.edges.map((e) => e.node);
    expect(events.map((e) => [e.action, e.targetType, e.targetId])).toEqual([['customer.create', 'Customer', ids.acme]]);
    const requested = await server.gql(AuditEvents, { targetId: ids.piiRequest, first: 50 }, { as: o.owner });
    expect(requested.data!.auditEvents.edges.map((e) => [e.node.action, e.node.targetId, e.node.metadata])).toEqual([
      ['approval.request', ids.piiRequest, { kind: 'PII_CHANGE', summary: 'Change of email of customer "Acme Corp"' }],
    ]);
  });

  it('keeps the global id of a record deleted for good; its target is gone, and NOT_FOUND names the global id', async () => {
    expect((await server.gql(ApproveRequest, { id: ids.deleteRequest }, { as: o.owner })).data?.approveRequest.status).toBe('APPROVED');
    const r = await server.gql(Targets, {}, { as: o.owner });
    expect(r.data!.approvalRequests.edges.find((e) => e.node.id === ids.deleteRequest)!.node).toMatchObject({ targetId: ids.globex, target: null });
    expect((await server.gql(TargetNode, { id: ids.globex }, { as: o.owner })).data).toEqual({ node: null });
    const viaRequest = (await server.gql(AuditEvents, { action: 'customer.delete', targetId: ids.globex }, { as: o.owner })).data!.auditEvents.edges;
    expect(viaRequest.map((e) => e.node.metadata)).toEqual([{ mode: 'HARD', viaRequest: ids.deleteRequest }]);

    const again = await server.gql(UpdateCustomer, { id: ids.globex, input: { notes: 'too late' } }, { as: o.owner });
    expect(again.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ['NOT_FOUND', `No customer with id ${ids.globex} exists in this organization, or you may not see it.`],
    ]);
  });

  it('answers every ID (and audit targetId) of a wide walk as a global id of a Node, and no internal id anywhere', async () => {
    const roots = {
      me: '', organization: '', members: '(first: 100)', approvalRequests: '(first: 100)', auditEvents: '(first: 100)', workflows: '(first: 100)',
      kpis: '(first: 100)', customers: '(first: 100, includeDeleted: true)', leads: '(first: 100, includeDeleted: true)', accessReviews: '', myReviewItems: '',
      myAccessScopes: '', roles: '', groups: '', dimensions: '', approvalPolicies: '', verifyAuditChain: '',
    };
    const query = walk(roots, 6);
    const r = await server.raw({ query }, { as: o.owner });
    expect(r.errors).toBeUndefined();
    const found = idValues(r.data);
    const problems = found.flatMap(({ coordinate, value, parent }) => {
      if (coordinate === 'AuditEvent.targetId' && parent.targetType === 'Operation') return []; // the path of a refused field
      const why = notGlobal(value);
      if (why) return [`${coordinate} ${value} ${why}`];
      if (coordinate.endsWith('.id') && isNodeType(coordinate.split('.')[0]!) && decodeGlobalID(value).typename !== parent.__typename)
        return [`${coordinate} ${value} names another type`];
      return [];
    });
    expect(problems).toEqual([]);
    const covered = new Set(found.map((f) => f.coordinate));
    for (const coordinate of [
      'ApprovalRequest.id', 'ApprovalRequest.targetId', 'Customer.id', 'Workflow.id', 'WorkflowRun.id', 'Kpi.id', 'Dimension.id', 'AccessScope.id',
      'Role.id', 'Group.id', 'User.id', 'Membership.id', 'Organization.id', 'AuditEvent.id', 'AuditEvent.targetId', 'AccessReview.id', 'AccessReviewItem.id',
    ])
      expect(covered).toContain(coordinate);

    const text = JSON.stringify(r.data);
    const leaked = (await internalIds(o.id)).filter((id) => text.includes(id));
    expect(leaked).toEqual([]);
    // The snapshot's output names its KPI by global id.
    expect(text).toContain(`"kpiId":"${ids.kpi}"`);
  });

  it("answers a VIEWER's walk with refusals only at nullable fields, and no internal id", async () => {
    const roots = {
      me: '', organization: '', members: '', approvalRequests: '', workflows: '', kpis: '', customers: '', leads: '', myAccessScopes: '',
      myReviewItems: '', accessReviews: '', dimensions: '',
    };
    const r = await server.raw({ query: walk(roots) }, { as: o.viewer });
    expect(r.data).not.toBeNull();
    const refused = (r.errors ?? []).map((e) => {
      const path = e.path!.filter((p) => typeof p === 'string') as string[];
      return { code: e.extensions?.code, field: path.at(-1), message: e.message };
    });
    expect(new Set(refused.map((e) => e.code))).toEqual(new Set(['FORBIDDEN']));
    expect(refused.filter((e) => /non-nullable/.test(e.message))).toEqual([]);
    expect(new Set(refused.map((e) => e.field))).toEqual(new Set(['actions', 'runs']));
    const leaked = (await internalIds(o.id)).filter((id) => JSON.stringify(r.data).includes(id));
    expect(leaked).toEqual([]);
  });
});
