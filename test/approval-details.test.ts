// `ApprovalRequest.details`: one type per kind (narrowed on `__typename`), the kind's fields
// non-null where they always exist, read under the same rules as the flat fields: to every reader,
// the details hold exactly what the flat fields show them, never more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, type OrgFixture } from './fixtures.ts';

let server: TestServer;
let o: OrgFixture;
const ids: Record<string, string> = {};

const REQUEST = `query($id: ID!) { approvalRequest(id: $id) {
  kind scopeValue startsAt endsAt piiAction targetType targetId target { id name } proposedChanges workflow { id name } dimension { key }
  details {
    __typename
    ... on WorkflowApprovalDetails { workflowId workflow { id name } }
    ... on AccessScopeApprovalDetails { dimensionKey scopeValue startsAt endsAt dimension { key } }
    ... on PiiChangeApprovalDetails { piiAction targetType targetId target { id name } proposedChanges }
  }
} }`;

const ok = async (as: string, query: string, variables?: Record<string, unknown>) => {
  const r = await server.raw({ query, variables }, { as });
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data;
};

beforeAll(async () => {
  server = await startTestServer({ WEBHOOK_ALLOWLIST: 'https://example.test' });
  o = await orgWithRoles(server, 'Details', { editor2: 'EDITOR' });
  await ok(o.owner, 'mutation { createDimension(key: "region", name: "Region", values: ["EMEA", "US"]) { key } }');
  ids.access = (await ok(o.viewer, 'mutation { requestAccess(dimension: "region", value: "EMEA", justification: "Quarterly report") { id } }')).requestAccess.id;
  const workflow = await ok(o.editor, 'mutation { createWorkflow(input: { name: "Hook", actions: [{ kind: WEBHOOK, config: { url: "https://example.test/h" } }] }) { id approvalRequest { id } } }');
  ids.workflow = workflow.createWorkflow.approvalRequest.id;
  const customer = (await ok(o.owner, 'mutation { createCustomer(input: { name: "Jane Doe", email: "jane@example.test" }) { id } }')).createCustomer.id;
  ids.pii = (await ok(o.editor, 'mutation($id: ID!) { updateCustomer(id: $id, input: { email: "j2@example.test" }) { pendingChange { id } } }', { id: customer })).updateCustomer.pendingChange.id;
});
afterAll(() => server?.close());

describe('ApprovalRequest.details', () => {
  it('gives each kind its type, holding exactly what the flat fields show each reader', async () => {
    const readers = [o.owner, o.admin, o.editor, o.emails.editor2!, o.viewer];
    const seen: Record<string, string[]> = {};
    for (const [name, id] of Object.entries(ids))
      for (const as of readers) {
        const r = await server.raw({ query: REQUEST, variables: { id } }, { as });
        const request = r.data?.approvalRequest;
        if (!request) continue; // not theirs to see: NOT_FOUND, details and all
        (seen[name] ??= []).push(as);
        const { details } = request;
        if (request.kind === 'WORKFLOW')
          expect(details).toEqual({ __typename: 'WorkflowApprovalDetails', workflowId: request.targetId, workflow: request.workflow });
        else if (request.kind === 'ACCESS_SCOPE')
          expect(details).toEqual({
            __typename: 'AccessScopeApprovalDetails',
            dimensionKey: 'region',
            scopeValue: request.scopeValue,
            startsAt: request.startsAt,
            endsAt: request.endsAt,
            dimension: request.dimension,
          });
        else
          expect(details).toEqual({
            __typename: 'PiiChangeApprovalDetails',
            piiAction: request.piiAction,
            targetType: request.targetType,
            targetId: request.targetId,
            target: request.target,
            proposedChanges: request.proposedChanges,
          });
      }
    // Who saw what: the deciders and the requester; the proposed values only OWNER and requester (above, equal to the flat field).
    expect(seen).toEqual({ access: [o.owner, o.admin, o.viewer], workflow: [o.owner, o.admin, o.editor], pii: [o.owner, o.editor] });
  });

  it('carries the kind-specific values, non-null where the kind always has them', async () => {
    const pii = (await ok(o.owner, REQUEST, { id: ids.pii })).approvalRequest.details;
    expect(pii).toMatchObject({ __typename: 'PiiChangeApprovalDetails', piiAction: 'UPDATE_PII', targetType: 'Customer', target: { name: 'Jane Doe' }, proposedChanges: { email: 'j2@example.test' } });
    const access = (await ok(o.viewer, REQUEST, { id: ids.access })).approvalRequest.details;
    expect(access).toMatchObject({ __typename: 'AccessScopeApprovalDetails', dimensionKey: 'region', scopeValue: 'EMEA', dimension: { key: 'region' } });
    const workflow = (await ok(o.admin, REQUEST, { id: ids.workflow })).approvalRequest.details;
    expect(workflow).toMatchObject({ __typename: 'WorkflowApprovalDetails', workflow: { name: 'Hook' } });
    // Non-null in the schema where the kind always has them.
    const sdl = (await import('node:fs')).readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(sdl).toMatch(/type PiiChangeApprovalDetails \{[^}]*piiAction: PiiChangeAction!/);
    expect(sdl).toMatch(/type AccessScopeApprovalDetails \{[^}]*scopeValue: String!/);
    expect(sdl).toMatch(/details: ApprovalDetails!/);
  });
});
