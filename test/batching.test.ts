// A page costs a constant number of SQL statements, whatever its size: the records its rows refer
// to (requesters, deciders, approvers, actors, members' users and organization, review items'
// subjects, scopes and roles, groups' members) are read in batches (src/loaders.ts). Each page is
// read for an organization of 5 and one of 50 rows; both cost the same, exact number of
// statements, and the values are the ones seeded, masked as the identity policy says.
import { randomBytes } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { inDays, ok, OpenReview } from './reviews-ops.ts';

const InboxPage = graphql(`
  query BatchingInbox {
    approvalRequests(first: 100) {
      edges {
        node {
          id kind status proposedChanges
          requestedBy { email displayName }
          decidedBy { email displayName }
          approvals { approver { email } }
          target { __typename name }
          workflow { name }
          dimension { key }
        }
      }
    }
  }
`);

const AuditPage = graphql(`
  query BatchingAudit {
    auditEvents(action: "approval.request", first: 100) { edges { node { action targetId actor { email displayName } } } }
  }
`);

const MembersPage = graphql(`
  query BatchingMembers {
    members(first: 100) { edges { node { role status user { email displayName } organization { name } } } }
  }
`);

const ReviewItemsPage = graphql(`
  query BatchingReviewItems($id: ID!) {
    accessReview(id: $id) {
      items(first: 100) {
        edges {
          node {
            itemType decision
            subject { email } reviewer { email } decidedBy { email }
            scope { value user { email } dimension { key } }
            role { name parent { name } }
            review { title }
          }
        }
      }
    }
  }
`);

const WorkflowsPage = graphql(`
  query BatchingWorkflows {
    workflows(first: 100) { edges { node { name createdBy { email } approvalRequest { id requestedBy { email } } } } }
  }
`);

const GroupsPage = graphql(`
  query BatchingGroups {
    groups { name members { email } roles { name parent { name } } }
  }
`);

const CustomersPage = graphql(`
  query BatchingCustomers {
    customers(first: 100) { edges { node { name email pendingChanges { id requestedBy { email } } } } }
  }
`);

const KINDS = ['WORKFLOW', 'PII_CHANGE', 'ACCESS_SCOPE'] as const;

interface Person {
  id: string;
  email: string;
  displayName: string;
}

interface Seeded {
  name: string;
  owner: Person;
  requesters: Person[];
  invitee: string;
  /** Request id -> what the inbox shows of it, in the order seeded. */
  requests: { id: string; kind: (typeof KINDS)[number]; requester: Person; decider: Person | null; approver: Person | null; target: string }[];
  reviewId: string;
}

let server: TestServer;
let statements = 0;
const small = {} as Seeded;
const large = {} as Seeded;

/** An organization with `n` requesters (EDITORs), each with one request, one scope, one role assignment and one group. */
async function seedOrganization(n: number, into: Seeded) {
  const tag = randomBytes(3).toString('hex');
  const name = `Batching ${n}`;
  const person = (who: string, displayName: string) => ({ email: `${who}.${tag}@batching${n}.test`, displayName });
  const ownerSeed = person('owner', 'The owner');
  const requesterSeeds = Array.from({ length: n }, (_, i) => person(`requester${i}`, `Requester ${i}`));
  const invitee = person('invitee', 'Not yet joined');
  const org = await server.seedOrg(name, [
    { ...ownerSeed, role: 'OWNER' },
    ...requesterSeeds.map((p) => ({ ...p, role: 'EDITOR' as const })),
    { ...invitee, role: 'VIEWER', status: 'INVITED' },
  ]);
  const users = await server.db.user.findMany({ where: { email: { in: [ownerSeed.email, ...requesterSeeds.map((p) => p.email)] } } });
  const withId = (p: { email: string; displayName: string }): Person => ({ ...p, id: users.find((u) => u.email === p.email)!.id });
  const organizationId = org.id;
  const owner = withId(ownerSeed);
  const requesters = requesterSeeds.map(withId);
  const db = server.db;
  await db.dimension.create({ data: { organizationId, key: 'region', name: 'Region', values: JSON.stringify(['US', 'EMEA']) } });
  const base = await db.customRole.create({ data: { organizationId, name: 'Base' } });
  const analysts = await db.customRole.create({ data: { organizationId, name: 'Analysts', parentId: base.id } });

  const requests: Seeded['requests'] = [];
  for (const [i, requester] of requesters.entries()) {
    const kind = KINDS[i % KINDS.length]!;
    let id: string;
    let target: string;
    if (kind === 'WORKFLOW') {
      target = `Workflow ${i}`;
      const workflow = await db.workflow.create({
        data: { organizationId, name: target, trigger: 'MANUAL', actions: '[]', requiresApproval: true, approvalStatus: 'PENDING', definitionHash: 'h', createdById: requester.id },
      });
      id = await server.raise(requester.email, { kind, workflowId: workflow.id, payload: { name: target, actions: [] } });
      await db.workflow.update({ where: { id: workflow.id }, data: { approvalRequestId: rawId(id) } });
    } else if (kind === 'PII_CHANGE') {
      target = `Customer ${i}`;
      const customer = await db.customer.create({ data: { organizationId, name: target, email: `customer${i}@batching.test` } });
      id = await server.raise(requester.email, {
        kind,
        piiAction: 'UPDATE_PII',
        targetType: 'Customer',
        targetId: customer.id,
        proposedChanges: { email: `new${i}@batching.test` },
        payload: { fields: ['email'], name: target },
      });
    } else {
      target = 'region';
      id = await server.raise(requester.email, { kind, dimensionKey: 'region', scopeValue: 'US', justification: 'Quarterly report' });
    }
    // Every other request decided by the next requester; the others approved once by the one after.
    const decider = i % 2 === 0 ? requesters[(i + 1) % n]! : null;
    const approver = i % 2 === 1 ? requesters[(i + 2) % n]! : null;
    if (decider) await db.approvalRequest.update({ where: { id: rawId(id) }, data: { status: 'REJECTED', decidedById: decider.id, decidedAt: new Date(), reason: 'Not now' } });
    if (approver) await db.approvalVote.create({ data: { organizationId, requestId: rawId(id), userId: approver.id, role: 'EDITOR' } });
    requests.push({ id, kind, requester, decider, approver, target });

    await db.accessScope.create({ data: { organizationId, userId: requester.id, dimensionKey: 'region', value: 'US' } });
    await db.roleAssignment.create({ data: { organizationId, roleId: analysts.id, userId: requester.id } });
    const group = await db.group.create({ data: { organizationId, name: `Group ${String(i).padStart(2, '0')}` } });
    await db.groupMember.create({ data: { organizationId, groupId: group.id, userId: requester.id } });
    await db.groupRole.create({ data: { organizationId, groupId: group.id, roleId: analysts.id } });
  }
  const review = ok(await server.gql(OpenReview, { input: { title: `Review of ${name}`, deadline: inDays(7), defaultOutcome: 'KEEP' } }, { as: owner.email })).openAccessReview!;
  // Half the items decided by the owner.
  const items = await db.accessReviewItem.findMany({ where: { reviewId: rawId(review.id) }, orderBy: { id: 'asc' } });
  await db.accessReviewItem.updateMany({ where: { id: { in: items.filter((_, i) => i % 2 === 0).map((item) => item.id) } }, data: { decision: 'KEEP', decidedById: owner.id, decidedAt: new Date() } });
  Object.assign(into, { name, owner, requesters, invitee: invitee.email, requests, reviewId: review.id } satisfies Seeded);
}

const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

/** The statements of one read of `doc` (after a first read that warms the caches of the caller's access profile). */
async function measured<R, V>(doc: TypedDocumentNode<R, V>, variables: V, as: string) {
  await server.gql(doc, variables, { as });
  statements = 0;
  const result = await server.gql(doc, variables, { as });
  const count = statements;
  expect(result.errors).toBeUndefined();
  return { count, data: result.data! };
}

beforeAll(async () => {
  // Background jobs slowed down, so that none of their statements falls into a measured request.
  const quiet = { SCHEDULER_TICK_SECONDS: '60', APPROVAL_SWEEP_SECONDS: '3600', AUDIT_CHECKPOINT_SECONDS: '3600' };
  server = await startTestServer(quiet, { onQuery: () => statements++ });
  await seedOrganization(5, small);
  await seedOrganization(50, large);
}, 120_000);
afterAll(() => server?.close());

describe('a page costs the same statements whatever its size', () => {
  it('the inbox: requesters, deciders, approvers, targets, workflows, dimensions and proposed values', async () => {
    const counts: number[] = [];
    for (const org of [small, large]) {
      const { count, data } = await measured(InboxPage, {}, org.owner.email);
      counts.push(count);
      const nodes = data.approvalRequests!.edges!.map((e) => e!.node!);
      expect([...nodes].sort((a, b) => a.id.localeCompare(b.id))).toEqual(
        org.requests
          .map((r, i) => ({
            id: r.id,
            kind: r.kind,
            status: r.decider ? 'REJECTED' : 'PENDING',
            proposedChanges: r.kind === 'PII_CHANGE' ? { email: `new${i}@batching.test` } : null,
            // OWNER reads every joined member's profile.
            requestedBy: { email: r.requester.email, displayName: r.requester.displayName },
            decidedBy: r.decider ? { email: r.decider.email, displayName: r.decider.displayName } : null,
            approvals: r.approver ? [{ approver: { email: r.approver.email } }] : [],
            target: r.kind === 'ACCESS_SCOPE' ? null : { __typename: r.kind === 'WORKFLOW' ? 'Workflow' : 'Customer', name: r.target },
            workflow: r.kind === 'WORKFLOW' ? { name: r.target } : null,
            dimension: r.kind === 'ACCESS_SCOPE' ? { key: 'region' } : null,
          }))
          .sort((a, b) => a.id.localeCompare(b.id)),
      );
    }
    expect(counts).toEqual([INBOX_STATEMENTS, INBOX_STATEMENTS]);
  });

  it('the inbox as a requester: the decider shown by email only, as the identity policy says', async () => {
    const counts: number[] = [];
    for (const org of [small, large]) {
      // requester0's request was rejected by requester1; an EDITOR does not read other members' profiles.
      const { count, data } = await measured(InboxPage, {}, org.requesters[0]!.email);
      counts.push(count);
      const [own] = data.approvalRequests!.edges!.map((e) => e!.node!);
      expect(data.approvalRequests!.edges).toHaveLength(1);
      expect(own).toMatchObject({
        requestedBy: { email: org.requesters[0]!.email, displayName: 'Requester 0' },
        decidedBy: { email: org.requesters[1]!.email, displayName: null },
      });
    }
    expect(counts).toEqual([REQUESTER_INBOX_STATEMENTS, REQUESTER_INBOX_STATEMENTS]);
  });

  it('the audit trail: each event with its actor', async () => {
    const counts: number[] = [];
    for (const org of [small, large]) {
      const { count, data } = await measured(AuditPage, {}, org.owner.email);
      counts.push(count);
      const events = data.auditEvents!.edges!.map((e) => e!.node!);
      expect(events.map((e) => ({ targetId: e.targetId, actor: e.actor })).sort((a, b) => a.targetId!.localeCompare(b.targetId!))).toEqual(
        org.requests
          .map((r) => ({ targetId: r.id, actor: { email: r.requester.email, displayName: r.requester.displayName } }))
          .sort((a, b) => a.targetId.localeCompare(b.targetId)),
      );
    }
    expect(counts).toEqual([AUDIT_STATEMENTS, AUDIT_STATEMENTS]);
  });

  it('the members: each with their user and organization, an invitee by email only', async () => {
    const counts: number[] = [];
    for (const org of [small, large]) {
      const { count, data } = await measured(MembersPage, {}, org.owner.email);
      counts.push(count);
      const members = data.members!.edges!.map((e) => e!.node!);
      const expected = [
        { role: 'OWNER', status: 'ACTIVE', user: { email: org.owner.email, displayName: org.owner.displayName }, organization: { name: org.name } },
        ...org.requesters.map((p) => ({ role: 'EDITOR', status: 'ACTIVE', user: { email: p.email, displayName: p.displayName }, organization: { name: org.name } })),
        { role: 'VIEWER', status: 'INVITED', user: { email: org.invitee, displayName: null }, organization: { name: org.name } },
      ];
      const byEmail = (a: { user: { email: string } }, b: { user: { email: string } }) => a.user.email.localeCompare(b.user.email);
      expect([...members].sort(byEmail)).toEqual(expected.sort(byEmail));
    }
    expect(counts).toEqual([MEMBERS_STATEMENTS, MEMBERS_STATEMENTS]);
  });

  it("a review's items: subject, reviewer, decider, scope with its holder and dimension, role with its parent, review", async () => {
    const counts: number[] = [];
    for (const org of [small, large]) {
      const { count, data } = await measured(ReviewItemsPage, { id: org.reviewId }, org.owner.email);
      counts.push(count);
      const items = data.accessReview!.items!.edges!.map((e) => e!.node!);
      const key = (i: { itemType: string | null; subject: { email: string } }) => `${i.itemType} ${i.subject.email}`;
      const expected = org.requesters.flatMap((p) => [
        { itemType: 'SCOPE', subject: { email: p.email }, scope: { value: 'US', user: { email: p.email }, dimension: { key: 'region' } }, role: null },
        { itemType: 'ROLE_ASSIGNMENT', subject: { email: p.email }, scope: null, role: { name: 'Analysts', parent: { name: 'Base' } } },
      ]);
      expect(items.map(({ decision: _d, decidedBy: _b, reviewer, review, ...item }) => {
        expect({ reviewer, review }).toEqual({ reviewer: { email: org.owner.email }, review: { title: `Review of ${org.name}` } });
        return item;
      }).sort((a, b) => key(a).localeCompare(key(b)))).toEqual(expected.sort((a, b) => key(a).localeCompare(key(b))));
      // Items are listed in id order: the even ones were decided by the owner.
      expect(items.map((i) => [i.decision, i.decidedBy])).toEqual(items.map((_, i) => (i % 2 === 0 ? ['KEEP', { email: org.owner.email }] : [null, null])));
    }
    expect(counts).toEqual([REVIEW_ITEMS_STATEMENTS, REVIEW_ITEMS_STATEMENTS]);
  });

  it('the workflows: creator and approval request with its requester', async () => {
    const counts: number[] = [];
    for (const org of [small, large]) {
      const { count, data } = await measured(WorkflowsPage, {}, org.owner.email);
      counts.push(count);
      const workflows = data.workflows!.edges!.map((e) => e!.node!);
      const expected = org.requests
        .filter((r) => r.kind === 'WORKFLOW')
        .map((r) => ({ name: r.target, createdBy: { email: r.requester.email }, approvalRequest: { id: r.id, requestedBy: { email: r.requester.email } } }));
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      expect([...workflows].sort(byName)).toEqual(expected.sort(byName));
    }
    expect(counts).toEqual([WORKFLOWS_STATEMENTS, WORKFLOWS_STATEMENTS]);
  });

  it('the customers: each with its pending changes and their requesters', async () => {
    const counts: number[] = [];
    for (const org of [small, large]) {
      const { count, data } = await measured(CustomersPage, {}, org.owner.email);
      counts.push(count);
      const customers = data.customers!.edges!.map((e) => e!.node!);
      const expected = org.requests
        .filter((r) => r.kind === 'PII_CHANGE')
        .map((r) => ({
          name: r.target,
          email: `customer${r.target.split(' ')[1]}@batching.test`,
          pendingChanges: r.decider ? [] : [{ id: r.id, requestedBy: { email: r.requester.email } }],
        }));
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      expect([...customers].sort(byName)).toEqual(expected.sort(byName));
    }
    expect(counts).toEqual([CUSTOMERS_STATEMENTS, CUSTOMERS_STATEMENTS]);
  });

  it('the groups: members and roles with their parents', async () => {
    const counts: number[] = [];
    for (const org of [small, large]) {
      const { count, data } = await measured(GroupsPage, {}, org.owner.email);
      counts.push(count);
      expect(data.groups).toEqual(
        org.requesters.map((p, i) => ({ name: `Group ${String(i).padStart(2, '0')}`, members: [{ email: p.email }], roles: [{ name: 'Analysts', parent: { name: 'Base' } }] })),
      );
    }
    expect(counts).toEqual([GROUPS_STATEMENTS, GROUPS_STATEMENTS]);
  });
});

// What each page costs, the caller's resolution included. Read one by one, the references cost
// (5 rows, 50 rows): inbox 33, 273; audit 13, 103; members 11, 56; review items 50, 410;
// workflows 9, 54; customers 6, 38; groups 28, 253.
const INBOX_STATEMENTS = 9;
const REQUESTER_INBOX_STATEMENTS = 8;
const AUDIT_STATEMENTS = 4;
const MEMBERS_STATEMENTS = 4;
const REVIEW_ITEMS_STATEMENTS = 10;
const WORKFLOWS_STATEMENTS = 5;
const CUSTOMERS_STATEMENTS = 5;
const GROUPS_STATEMENTS = 7;
