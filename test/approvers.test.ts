// `approvers` in an error names who may decide or grant what was refused: the roles of the members
// who could (or delegated approvers' emails), never the roles that merely hold a permission; empty
// where nobody needs to be asked. Every refusal that carries approvers is listed here (a scan of the
// source keeps the list whole), and each is provoked through HTTP with its exact value, or, where
// provoking it needs a live stream or a quorum, named with the test that does.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';

let server: TestServer;
let o: OrgFixture;
const root = join(import.meta.dirname, '..');

/** The first argument of every `deny(…)` in src that passes approvers (a 4th argument), by file. */
function denialsWithApprovers(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'generated') walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
        const visit = (node: ts.Node) => {
          if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'deny' && node.arguments.length >= 4)
            found.push(`${path.slice(root.length + 1)} ${node.arguments[0]!.getText(source)}`);
          ts.forEachChild(node, visit);
        };
        visit(source);
      }
    }
  };
  walk(join(root, 'src'));
  return found.sort();
}

beforeAll(async () => {
  server = await startTestServer({ WEBHOOK_ALLOWLIST: 'https://example.test' });
  o = await orgWithRoles(server, 'Approvers', { owner2: 'OWNER', admin2: 'ADMIN', editor2: 'EDITOR' });
});
afterAll(() => server?.close());

const refusal = async (as: string, query: string, variables?: Record<string, unknown>) => {
  const r = await server.raw({ query, variables }, { as });
  expect(r.errors, JSON.stringify(r)).toHaveLength(1);
  const { rule, approvers, nextStep } = r.errors![0]!.extensions!;
  return { rule, approvers, nextStep };
};

describe('approvers in every refusal that carries them', () => {
  it('lists every such refusal of the source (add a new one here, with its exact value)', () => {
    expect(denialsWithApprovers()).toEqual([
      "src/approvals/policy.ts 'approvals.no-self-decision'", // HTTP below
      "src/approvals/policy.ts 'approvals.quorum.counted-roles'", // the request's counted roles: test/quorum.test.ts
      "src/approvals/policy.ts 'approvals.subscribe'", // ADMIN, OWNER (who may delegate a value): test/live-refusals.test.ts
      'src/approvals/policy.ts capability', // HTTP below (approvals.decide.PII_CHANGE)
      "src/authz/capabilities.ts capability", // HTTP below, and every cell in src/authz/capabilities.test.ts
      "src/authz/capabilities.ts capability",
      "src/authz/membership.ts 'membership.disabled'", // HTTP below
      "src/authz/membership.ts 'membership.inactive'", // a stream's end, restorersOf: src/approvals/policy.test.ts, src/reviews/policy.test.ts, test/attack-ws.test.ts, test/live-refusals.test.ts
      "src/identity/policy.ts 'members.owner-immutable'", // HTTP below
      "src/identity/policy.ts 'members.self'", // HTTP below
      'src/identity/policy.ts rule', // grantDecision: HTTP below (members.invite.grant)
      "src/kpis/policy.ts 'kpis.no-grant'", // test/explain.test.ts
      "src/kpis/policy.ts 'kpis.record-needs-full'", // who may grant FULL (kpis.manage): src/kpis/policy.test.ts
      "src/kpis/policy.ts 'kpis.scope-missing'", // delegated approvers' emails, then roles: test/explain.test.ts
      "src/kpis/policy.ts 'kpis.scope-none'",
      "src/kpis/policy.ts 'membership.inactive'", // restorersOf, as below
      "src/reviews/policy.ts 'reviews.decide'", // ADMIN, OWNER besides the item's reviewer: test/reviews.test.ts
      "src/reviews/policy.ts 'reviews.no-self-review'",
      "src/workflows/policy.ts 'workflows.manage-own-only'", // HTTP below
      "src/workflows/policy.ts 'workflows.output-reveals-kpi'", // who may grant FULL: src/workflows/policy.test.ts
      'src/workflows/policy.ts RUN_NEEDS_APPROVAL', // the pending request's counted roles: HTTP below
      'src/workflows/preview.ts RUN_NEEDS_APPROVAL', // the quorum a request would snapshot: test/explain-workflow.test.ts
    ]);
  });

  it('names nobody where the caller needs nothing: an OWNER or ADMIN asking for a scope', async () => {
    const ask = 'mutation { requestAccess(dimension: "region", value: "EMEA", justification: "x") { id } }';
    for (const as of [o.owner, o.admin])
      expect(await refusal(as, ask)).toEqual({ rule: 'kpis.requestAccess', approvers: [], nextStep: null });
  });

  it('names the roles that could give the caller a permission, not those that hold it', async () => {
    // Only an OWNER makes a member ADMIN or OWNER; an ADMIN may make a VIEWER an EDITOR.
    expect(await refusal(o.viewer, '{ auditEvents(first: 1) { totalCount } }')).toEqual({ rule: 'audit.read', approvers: ['OWNER'], nextStep: 'Ask a member with the OWNER role if you need it.' });
    expect(await refusal(o.viewer, 'mutation { createKpi(input: { key: "v", name: "V", dimensionKeys: [] }) { id } }')).toMatchObject({ rule: 'kpis.write', approvers: ['ADMIN', 'OWNER'] });
    expect(await refusal(o.editor, 'mutation { createDimension(key: "d", name: "D") { key } }')).toMatchObject({ rule: 'kpis.manage', approvers: ['OWNER'] });
  });

  it('names who may change a member: an OWNER only by another OWNER', async () => {
    const ownerId = await userIdOf(server, o.owner, o.owner);
    const adminId = await userIdOf(server, o.owner, o.admin);
    const self = 'mutation($u: ID!) { updateMemberRole(userId: $u, role: VIEWER) { role } }';
    expect(await refusal(o.owner, self, { u: ownerId })).toEqual({ rule: 'members.self', approvers: ['OWNER'], nextStep: 'Ask another member with the OWNER role.' });
    expect(await refusal(o.admin, self, { u: adminId })).toMatchObject({ rule: 'members.self', approvers: ['ADMIN', 'OWNER'] });
    expect(await refusal(o.admin, self, { u: ownerId })).toMatchObject({ rule: 'members.owner-immutable', approvers: ['OWNER'] });
    expect(await refusal(o.admin, 'mutation { inviteMember(email: "new@approvers.test", role: ADMIN) { id } }')).toMatchObject({ rule: 'members.invite.grant', approvers: ['OWNER'] });
  });

  it('names who may re-enable a disabled member: an OWNER for an OWNER', async () => {
    const owner2 = await userIdOf(server, o.owner, o.emails.owner2!);
    const admin2 = await userIdOf(server, o.owner, o.emails.admin2!);
    for (const u of [owner2, admin2])
      expect((await server.raw({ query: 'mutation($u: ID!) { setMemberStatus(userId: $u, status: DISABLED) { status } }', variables: { u } }, { as: o.owner })).errors).toBeUndefined();
    expect(await refusal(o.emails.owner2!, '{ kpis(first: 1) { totalCount } }')).toEqual({
      rule: 'membership.disabled',
      approvers: ['OWNER'],
      nextStep: 'Ask a member with the OWNER role to re-enable it.',
    });
    expect(await refusal(o.emails.admin2!, '{ kpis(first: 1) { totalCount } }')).toMatchObject({ rule: 'membership.disabled', approvers: ['ADMIN', 'OWNER'] });
  });

  it('names who may decide a request, and who may approve the run of a risky workflow', async () => {
    const created = await server.raw(
      { query: 'mutation { createWorkflow(input: { name: "Hook", actions: [{ kind: WEBHOOK, config: { url: "https://example.test/h" } }] }) { id approvalRequest { id } } }' },
      { as: o.editor },
    );
    expect(created.errors).toBeUndefined();
    const { id: workflowId, approvalRequest } = created.data.createWorkflow;
    expect(await refusal(o.editor, 'mutation($id: ID!) { approveRequest(id: $id) { status } }', { id: approvalRequest.id })).toMatchObject({
      rule: 'approvals.no-self-decision',
      approvers: ['ADMIN', 'OWNER'],
    });
    expect(await refusal(o.viewer, 'mutation($id: ID!) { runWorkflow(id: $id) { id } }', { id: workflowId })).toMatchObject({ approvers: ['ADMIN', 'OWNER'] });
    expect(await refusal(o.emails.editor2!, 'mutation($id: ID!) { runWorkflow(id: $id) { id } }', { id: workflowId })).toMatchObject({
      rule: 'workflows.manage-own-only',
      approvers: ['ADMIN', 'OWNER'],
    });
    expect(await refusal(o.admin, 'mutation($id: ID!) { runWorkflow(id: $id) { id } }', { id: workflowId })).toMatchObject({
      rule: 'workflows.approval-required',
      approvers: ['ADMIN', 'OWNER'],
    });
    // Deciding a PII change is an OWNER's.
    const customer = await server.raw({ query: 'mutation { createCustomer(input: { name: "Jane", email: "jane@example.test" }) { id } }' }, { as: o.owner });
    const change = await server.raw(
      { query: 'mutation($id: ID!) { updateCustomer(id: $id, input: { email: "j2@example.test" }) { pendingChange { id } } }', variables: { id: customer.data.createCustomer.id } },
      { as: o.editor },
    );
    expect(await refusal(o.admin, 'mutation($id: ID!) { approveRequest(id: $id) { status } }', { id: change.data.updateCustomer.pendingChange.id })).toMatchObject({
      rule: 'approvals.decide.PII_CHANGE',
      approvers: ['OWNER'],
    });
  });

  it('names only the roles whose approval counts under the pending request\'s policy', async () => {
    expect(
      (await server.raw({ query: 'mutation { setApprovalPolicy(kind: WORKFLOW, subject: "", requiredApprovals: 1, countedRoles: [OWNER]) { requiredApprovals } }' }, { as: o.owner })).errors,
    ).toBeUndefined();
    const created = await server.raw(
      { query: 'mutation { createWorkflow(input: { name: "Hook 2", actions: [{ kind: WEBHOOK, config: { url: "https://example.test/h" } }] }) { id } }' },
      { as: o.editor },
    );
    expect(await refusal(o.editor, 'mutation($id: ID!) { runWorkflow(id: $id) { id } }', { id: created.data.createWorkflow.id })).toMatchObject({
      rule: 'workflows.approval-required',
      approvers: ['OWNER'],
    });
  });
});
