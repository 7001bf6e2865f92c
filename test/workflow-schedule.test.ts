// Scheduled workflows: run on time when approved, blocked when not, each due occurrence once with
// two instances sharing the database, and the schedule survives a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, until, type OrgFixture } from './fixtures.ts';
import { CreateWorkflow, WorkflowQ } from './ops.ts';

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

const runsOf = async (server: TestServer, id: string) =>
  (await server.gql(WorkflowQ, { id }, { as: o.owner })).data!.workflow!.runs!.edges!.map((e) => e!.node!);

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

describe('blocked schedules', () => {
  let server: TestServer;
  let p: OrgFixture;
  beforeAll(async () => {
    server = await startTestServer(env);
    p = await orgWithRoles(server, 'Blocked');
  });
  afterAll(() => server?.close());

  it('records BLOCKED runs for an unapproved risky schedule and never calls out', async () => {
    const wf = (
      await server.gql(
        CreateWorkflow,
        { input: { name: 'Risky cron', trigger: 'SCHEDULE', schedule: '* * * * * *', actions: [{ kind: 'WEBHOOK', config: { url: 'http://127.0.0.1:9/x' } }] } },
        { as: p.editor },
      )
    ).data!.createWorkflow!;
    expect(wf.approvalStatus).toBe('PENDING');
    await until(async () => ((await server.gql(WorkflowQ, { id: wf.id }, { as: p.owner })).data!.workflow!.runs!.totalCount ?? 0) >= 2);
    const runs = (await server.gql(WorkflowQ, { id: wf.id }, { as: p.owner })).data!.workflow!.runs!.edges!.map((e) => e!.node!);
    expect(runs.every((r) => r.status === 'BLOCKED' && r.trigger === 'SCHEDULE')).toBe(true);
  });
});
