// Scheduled workflows: run on time when approved, not scheduled at all while waiting for approval,
// each due occurrence once with two instances sharing the database, and the schedule survives a
// restart. Time is a manual clock the tests move; the scheduler's tick is the domain function
// `runDueWorkflows`, called by the test after each move (the background tick is a minute away, and would only claim the same occurrences).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/clock.ts';
import { runDueWorkflows } from '../src/workflows/scheduler.ts';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, type OrgFixture } from './fixtures.ts';
import { ApproveRequest, AuditEvents, CreateWorkflow, RunWorkflow, WorkflowQ } from './ops.ts';

const env = { SCHEDULER_TICK_SECONDS: '60', WEBHOOK_ALLOWLIST: 'http://127.0.0.1:9' };
// Mid-second, so that one second later exactly one occurrence of an every-second schedule is due.
const clock = manualClock(new Date('2026-06-01T12:00:00.500Z'));
let one: TestServer;
let two: TestServer | undefined;
let o: OrgFixture;
beforeAll(async () => {
  one = await startTestServer(env, { clock });
  two = await startTestServer(env, { clock, database: { url: one.config.DATABASE_URL, drop: async () => {} } });
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
    // Nothing is due before the first occurrence.
    await Promise.all([runDueWorkflows(one.app.services), runDueWorkflows(two!.app.services)]);
    expect(await runsOf(one, wf.id)).toEqual([]);
    // Three seconds, each ticked by both instances at once: three occurrences, each run once.
    for (let second = 0; second < 3; second++) {
      clock.advance(1000);
      await Promise.all([runDueWorkflows(one.app.services), runDueWorkflows(two!.app.services)]);
    }
    const runs = await runsOf(one, wf.id);
    expect(runs.map((r) => [r.trigger, r.status])).toEqual([['SCHEDULE', 'SUCCEEDED'], ['SCHEDULE', 'SUCCEEDED'], ['SCHEDULE', 'SUCCEEDED']]);
    const occurrences = await one.db.workflowRun.findMany({ where: { organizationId: o.id }, select: { occurrence: true }, orderBy: { occurrence: 'asc' } });
    expect(occurrences.map((r) => r.occurrence)).toEqual(['2026-06-01T12:00:01.000Z', '2026-06-01T12:00:02.000Z', '2026-06-01T12:00:03.000Z']);

    // Both instances stop; a new one on the same database picks the schedule up, and an
    // occurrence missed while no server ran runs once.
    await two!.close();
    two = undefined;
    await one.app.stop();
    const three = await startTestServer(env, { clock, database: { url: one.config.DATABASE_URL, drop: async () => {} } });
    try {
      clock.advance(5000);
      await runDueWorkflows(three.app.services);
      clock.advance(1000);
      await runDueWorkflows(three.app.services);
      const all = await three.db.workflowRun.findMany({ where: { organizationId: o.id }, select: { occurrence: true }, orderBy: { occurrence: 'asc' } });
      expect(all.map((r) => r.occurrence)).toEqual([
        '2026-06-01T12:00:01.000Z',
        '2026-06-01T12:00:02.000Z',
        '2026-06-01T12:00:03.000Z',
        '2026-06-01T12:00:04.000Z',
        '2026-06-01T12:00:09.000Z',
      ]);
    } finally {
      await three.close();
    }
  });
});

describe('schedules waiting for approval', () => {
  let server: TestServer;
  let p: OrgFixture;
  const clock = manualClock(new Date('2026-06-01T12:00:00.500Z'));
  beforeAll(async () => {
    server = await startTestServer(env, { clock });
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
    // Ticks over two occurrences of the schedule: nothing is recorded.
    for (let tick = 0; tick < 4; tick++) {
      clock.advance(600);
      await runDueWorkflows(server.app.services);
    }
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
    clock.advance(1000);
    await runDueWorkflows(server.app.services);
    const scheduled = (await runsOf(server, wf.id, p.owner)).filter((r) => r.trigger === 'SCHEDULE');
    // Port 9 refuses the call: the run happened and failed, it was not blocked.
    expect(scheduled[0]).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/^Action 1 \(WEBHOOK\): POST http:\/\/127\.0\.0\.1:9\/x failed/) });
  });
});
