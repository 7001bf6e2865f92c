// Workflow invariants under parallel requests, on SQLite and PostgreSQL: one BLOCKED run per refused
// definition however many runs race, no run left behind by a deletion racing runs, and one pending
// request per workflow however many saves race.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, type OrgFixture } from './fixtures.ts';
import { graphql } from './gql/index.ts';
import { AuditEvents, CreateWorkflow, RunWorkflow, UpdateWorkflow } from './ops.ts';

const DeleteWorkflow = graphql(`
  mutation DeleteWorkflowRacing($id: ID!) { deleteWorkflow(id: $id) }
`);

let server: TestServer;
let o: OrgFixture;
beforeAll(async () => {
  server = await startTestServer({ WEBHOOK_ALLOWLIST: 'http://127.0.0.1:9' });
  o = await orgWithRoles(server, 'Racing');
});
afterAll(() => server?.close());

const webhook = (path: string) => ({ name: 'Risky', actions: [{ kind: 'WEBHOOK' as const, config: { url: `http://127.0.0.1:9/${path}` } }] });

describe('workflows under concurrency', () => {
  it('records exactly one BLOCKED run when ten runs of a pending risky workflow race', async () => {
    const wf = (await server.gql(CreateWorkflow, { input: webhook('blocked') }, { as: o.editor })).data!.createWorkflow!;
    expect(wf.approvalStatus).toBe('PENDING');
    const answers = await Promise.all(Array.from({ length: 10 }, () => server.gql(RunWorkflow, { id: wf.id }, { as: o.editor })));
    expect(answers.map(codes)).toEqual(Array.from({ length: 10 }, () => ['APPROVAL_REQUIRED']));
    const runs = await server.db.workflowRun.findMany({ where: { workflowId: rawId(wf.id) } });
    expect(runs).toMatchObject([{ status: 'BLOCKED', blockedVersion: expect.stringMatching(/:PENDING$/) }]);
    expect(new Set(answers.map((a) => rawId(a.errors![0]!.extensions!.runId)))).toEqual(new Set([runs[0]!.id]));
    const audited = await server.gql(AuditEvents, { action: 'workflow.run.blocked', targetId: runs[0]!.id }, { as: o.owner });
    expect(audited.data!.auditEvents!.totalCount).toBe(1);
  });

  it('leaves no run behind when a deletion races twenty runs', async () => {
    const wf = (await server.gql(CreateWorkflow, { input: { name: 'Notify', actions: [{ kind: 'NOTIFY', config: { message: 'm' } }] } }, { as: o.editor })).data!.createWorkflow!;
    // The deletion starts when the third run has answered, so that it meets runs at every stage.
    let answered = 0;
    let startDeletion!: () => void;
    const third = new Promise<void>((r) => (startDeletion = r));
    const runs = Array.from({ length: 20 }, () => server.gql(RunWorkflow, { id: wf.id }, { as: o.editor }).finally(() => ++answered === 3 && startDeletion()));
    const deletion = third.then(() => server.gql(DeleteWorkflow, { id: wf.id }, { as: o.editor }));
    const answers = await Promise.all(runs);
    expect(await deletion).toMatchObject({ data: { deleteWorkflow: true } });
    // Each run either finished before the deletion (and went with it) or found the workflow gone.
    for (const a of answers) expect(a.errors ? codes(a) : a.data?.runWorkflow?.status).toEqual(a.errors ? ['NOT_FOUND'] : 'SUCCEEDED');
    expect(await server.db.workflowRun.count({ where: { workflowId: rawId(wf.id) } })).toBe(0);
    expect(await server.db.workflow.count({ where: { id: rawId(wf.id) } })).toBe(0);
  });

  it('keeps one pending request per workflow when five risky saves race', async () => {
    const wf = (await server.gql(CreateWorkflow, { input: webhook('v0') }, { as: o.editor })).data!.createWorkflow!;
    const saves = await Promise.all(Array.from({ length: 5 }, (_, i) => server.gql(UpdateWorkflow, { id: wf.id, input: webhook(`v${i + 1}`) }, { as: o.editor })));
    expect(saves.map((s) => s.errors)).toEqual(Array.from({ length: 5 }, () => undefined));
    const pending = await server.db.approvalRequest.findMany({ where: { workflowId: rawId(wf.id), status: 'PENDING' } });
    const row = await server.db.workflow.findUniqueOrThrow({ where: { id: rawId(wf.id) } });
    expect(pending.map((r) => r.id)).toEqual([row.approvalRequestId]);
    expect(await server.db.approvalRequest.count({ where: { workflowId: rawId(wf.id), status: 'CANCELLED' } })).toBe(5);
  });
});
