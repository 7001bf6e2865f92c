// Scheduled workflows: run on time when approved, not scheduled at all while waiting for approval,
// each due occurrence once with two instances sharing the database, and the schedule survives a
// restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, until, type OrgFixture } from './fixtures.ts';
import { ApproveRequest, AuditEvents, CreateWorkflow, RunWorkflow, WorkflowQ } from './ops.ts';

const env = { SCHEDULER_TICK_SECONDS: '0.1', WEBHOOK_ALLOWLIST: 'http://127.0.0.1:9' };
let one: TestServer;
let two: TestServer | undefined;
let o: OrgFixture;
beforeAll(async () => {
  one = await startTestServer(env);
  two = await startTestServer(env, { database: { url: one.config.DATABASE_URL, drop: async () => {} } });
  o = await orgWithRoles(one, 'Cron');
});
afterAll(async () => {
  await two?.close();
  await one?.close();
});

const runsOf = async (server: TestServer, id: string, as = o.owner) =>
  (await server.gql(WorkflowQ, { id }, { as })).data!.workflow!.runs!.edges!.map((e) => e!.node!);

describe('scheduled workflows', () => {
  it('runs an approved schedule on time, each occurrence once across two instances, and after a restart', async () => {
    const wf = (await one.gql(CreateWorkflow, { input: { name: 'Every second', trigger: 'SCHEDULE', schedule: '* * * * * *', actions: [{ kind: 'NOTIFY', config: { message: 'tick' } }] } }, { as: o.editor })).data!.createWorkflow!;
    expect(wf.approvalStatus).toBe('APPROVED');
    await until(async () => (await runsOf(one, wf.id)).length >= 3);
    const runs = await runsOf(one, wf.id);
    expect(runs.every((r) => r.trigger === 'SCHEDULE' && r.status === 'SUCCEEDED')).toBe(true);
    const occurrences = await one.db.workflowRun.findMany({ where: { organizationId: o.id }, select: { occurrence: true } });
    expect(new Set(occurrences.map((r) => r.occurrence)).size).toBe(occurrences.length);

    // Both instances stop; a new one on the same database picks the schedule up.
    await two!.close();
    two = undefined;
    const before = (await one.db.workflowRun.count({ where: { organizationId: o.id } }));
    await one.app.stop();
    const three = await startTestServer(env, { database: { url: one.config.DATABASE_URL, drop: async () => {} } });
    try {
      await until(async () => (await three.db.workflowRun.count({ where: { organizationId: o.id } })) > before + 1);
      const all = await three.db.workflowRun.findMany({ where: { organizationId: o.id }, select: { occurrence: true } });
      expect(new Set(all.map((r) => r.occurrence)).size).toBe(all.length);
    } finally {
      await three.close();
    }
  });
});

describe('schedules waiting for approval', () => {
  let server: TestServer;
  let p: OrgFixture;
  beforeAll(async () => {
    server = await startTestServer(env);
    p = await orgWithRoles(server, 'Blocked');
  });
  afterAll(() => server?.close());

  it('does not schedule an unapproved risky workflow, records one BLOCKED run however often it is run, and schedules it once approved', async () => {
    const wf = (
      await server.gql(
        CreateWorkflow,
        { input: { name: 'Risky cron', trigger: 'SCHEDULE', schedule: '* * * * * *', actions: [{ kind: 'WEBHOOK', config: { url: 'http://127.0.0.1:9/x' } }] } },
        { as: p.editor },
      )
    ).data!.createWorkflow!;
    expect(wf.approvalStatus).toBe('PENDING');
    const id = rawId(wf.id);
    expect((await server.db.workflow.findUniqueOrThrow({ where: { id } })).nextRunAt).toBeNull();
    // Some twenty ticks and two occurrences of the schedule: nothing is recorded.
    await new Promise((r) => setTimeout(r, 2200));
    expect(await server.db.workflowRun.count({ where: { workflowId: id } })).toBe(0);

    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await server.gql(RunWorkflow, { id: wf.id }, { as: p.editor }));
    expect(answers.map(codes)).toEqual([['APPROVAL_REQUIRED'], ['APPROVAL_REQUIRED'], ['APPROVAL_REQUIRED']]);
    const runs = await runsOf(server, wf.id, p.owner);
    expect(runs).toMatchObject([{ status: 'BLOCKED', trigger: 'MANUAL' }]);
    expect(new Set(answers.map((a) => a.errors![0]!.extensions!.runId))).toEqual(new Set([runs[0]!.id]));
    const audited = await server.gql(AuditEvents, { action: 'workflow.run.blocked', first: 10 }, { as: p.owner });
    expect(audited.data!.auditEvents!.totalCount).toBe(1);

    expect((await server.gql(ApproveRequest, { id: wf.approvalRequest!.id }, { as: p.owner })).errors).toBeUndefined();
    expect((await server.db.workflow.findUniqueOrThrow({ where: { id } })).nextRunAt).toEqual(expect.any(Date));
    await until(async () => (await runsOf(server, wf.id, p.owner)).some((r) => r.trigger === 'SCHEDULE'));
    const scheduled = (await runsOf(server, wf.id, p.owner)).filter((r) => r.trigger === 'SCHEDULE');
    // Port 9 refuses the call: the run happened and failed, it was not blocked.
    expect(scheduled[0]).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/^Action 1 \(WEBHOOK\): POST http:\/\/127\.0\.0\.1:9\/x failed/) });
  });
});
