// Intent before effect, through the public API: a run is on record RUNNING (with its audit event)
// while its webhook is under way; a shutdown that gives up on a run records it UNKNOWN; a run left
// RUNNING by another instance is marked UNKNOWN only once no live run could be that old; and a
// server killed with SIGKILL mid-webhook leaves, after a restart, the run UNKNOWN with its audit
// events and the webhook called exactly once.
import type { ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/clock.ts';
import { recoverInterruptedRuns, staleRunAfterMs } from '../src/workflows/interrupted.ts';
import { freshDatabase, startTestServer, type GqlResult, type TestDatabase, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, until, type OrgFixture } from './fixtures.ts';
import { spawnServer, type RunningServer } from './server-process.ts';
import { AuditEvents, CreateWorkflow, RunWorkflow, WorkflowQ } from './ops.ts';

/** A webhook receiver that records every call and answers only when told to. */
class HeldReceiver {
  calls: { path: string; body: any }[] = [];
  private held: ServerResponse[] = [];
  private server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      this.calls.push({ path: req.url ?? '', body: JSON.parse(body || '{}') });
      this.held.push(res);
    });
  });
  origin = '';
  async listen() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  release() {
    for (const res of this.held.splice(0)) res.writeHead(200).end('ok');
  }
  async close() {
    for (const res of this.held.splice(0)) res.destroy();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

const hook = (origin: string, path: string) => ({ name: `Hook ${path}`, actions: [{ kind: 'WEBHOOK' as const, config: { url: `${origin}${path}`, body: { n: 1 } } }] });

describe('a run in flight, in process', () => {
  const receiver = new HeldReceiver();
  let database: TestDatabase;
  let server: TestServer;
  const clock = manualClock();
  let o: OrgFixture;
  const env = () => ({ WEBHOOK_ALLOWLIST: receiver.origin, WEBHOOK_TIMEOUT_MS: '30000', APPROVAL_SWEEP_SECONDS: '0.05' });

  beforeAll(async () => {
    await receiver.listen();
    database = await freshDatabase();
    server = await startTestServer(env(), { database, clock });
    o = await orgWithRoles(server, 'Intent');
  });
  afterEach(() => {
    receiver.release();
    receiver.calls.length = 0;
  });
  afterAll(async () => {
    await server?.close();
    await receiver.close();
    await database?.drop();
  });

  const runsOf = async (workflowId: string) =>
    (await server.gql(WorkflowQ, { id: workflowId }, { as: o.owner })).data!.workflow!.runs!.edges!.map((e) => e!.node!);
  /** The run's audit events, oldest first (the API lists the chain newest first). */
  const eventsOf = async (runId: string) =>
    (await server.gql(AuditEvents, { targetType: 'WorkflowRun', targetId: rawId(runId), first: 20 }, { as: o.owner })).data!.auditEvents!.edges!.map((e) => e!.node!)
      .reverse()
      .map((e) => ({ action: e.action, metadata: e.metadata }));

  it('is on record RUNNING, with its audit event, while its webhook is held open; SUCCEEDED once it answers', async () => {
    const wf = (await server.gql(CreateWorkflow, { input: hook(receiver.origin, '/held') }, { as: o.owner })).data!.createWorkflow!;
    const running = server.gql(RunWorkflow, { id: wf.id }, { as: o.owner });
    await until(async () => receiver.calls.length === 1);
    const [run] = await runsOf(wf.id);
    expect(run).toMatchObject({ status: 'RUNNING', error: null, output: null });
    expect(receiver.calls[0]!.body.runId).toBe(rawId(run!.id));
    expect(await eventsOf(run!.id)).toEqual([{ action: 'workflow.run.started', metadata: { workflowId: wf.id, trigger: 'MANUAL', instance: expect.any(String) } }]);

    receiver.release();
    expect((await running).data!.runWorkflow).toMatchObject({ id: run!.id, status: 'SUCCEEDED', error: null });
    expect(await runsOf(wf.id)).toEqual([{ id: run!.id, status: 'SUCCEEDED', trigger: 'MANUAL', error: null, output: [{ kind: 'WEBHOOK', status: 200 }] }]);
    expect((await eventsOf(run!.id)).map((e) => e.action)).toEqual(['workflow.run.started', 'workflow.run']);
  });

  it('a shutdown that gives up on a run in flight records it UNKNOWN, saying the shutdown abandoned it', async () => {
    const wf = (await server.gql(CreateWorkflow, { input: hook(receiver.origin, '/shutdown') }, { as: o.owner })).data!.createWorkflow!;
    const other = await startTestServer({ ...env(), SHUTDOWN_TIMEOUT_MS: '200' }, { database });
    const running = other.gql(RunWorkflow, { id: wf.id }, { as: o.owner }).catch(() => null);
    await until(async () => receiver.calls.length === 1);
    await other.close();

    const [run] = await runsOf(wf.id);
    expect(run).toMatchObject({ status: 'UNKNOWN', error: expect.stringMatching(/^the server shut down before the run finished \(SHUTDOWN_TIMEOUT_MS 200 ms\)/) });
    expect((await eventsOf(run!.id)).map((e) => [e.action, (e.metadata as { cause?: string }).cause])).toEqual([
      ['workflow.run.started', undefined],
      ['workflow.run.unknown', 'shutdown'],
    ]);
    receiver.release();
    await running;
    expect(receiver.calls).toHaveLength(1);
  });

  it("leaves another live instance's run RUNNING; marks it UNKNOWN once no live run could be that old, and its late outcome does not overwrite that", async () => {
    const wf = (await server.gql(CreateWorkflow, { input: hook(receiver.origin, '/other') }, { as: o.owner })).data!.createWorkflow!;
    const other = await startTestServer(env(), { database });
    try {
      clock.set(new Date());
      const running = other.gql(RunWorkflow, { id: wf.id }, { as: o.owner });
      await until(async () => receiver.calls.length === 1);
      // What a start of this instance, or its sweep, would mark: nothing, the run is young and its instance alive.
      expect(await recoverInterruptedRuns(server.app.services, { atStart: true })).toEqual([]);
      expect((await runsOf(wf.id)).map((r) => r.status)).toEqual(['RUNNING']);

      clock.advance(staleRunAfterMs(30_000) + 1000);
      await until(async () => (await runsOf(wf.id))[0]!.status === 'UNKNOWN');
      const [run] = await runsOf(wf.id);
      expect(run!.error).toMatch(/^no instance finished the run within 660000 ms of its start/);

      receiver.release();
      expect((await running).data!.runWorkflow).toMatchObject({ id: run!.id, status: 'UNKNOWN' });
      expect((await eventsOf(run!.id)).map((e) => [e.action, (e.metadata as { status?: string; cause?: string }).status ?? (e.metadata as { cause?: string }).cause])).toEqual([
        ['workflow.run.started', undefined],
        ['workflow.run.unknown', 'interrupted'],
        ['workflow.run', 'SUCCEEDED'],
      ]);
      expect(receiver.calls).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});

describe('kill -9 during a webhook', () => {
  const receiver = new HeldReceiver();
  let database: TestDatabase;
  let o: OrgFixture;
  let workflowId: string;
  const children: ChildProcess[] = [];

  /** The server from its sources, as a process of its own on the test database; resolves once it listens. */
  function startProcess(): Promise<RunningServer> {
    const env = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
      AUTH_DEV_HEADERS: '1',
      SEED_DEMO: '0',
      PASSWORD_HASH_COST: 'test',
      WEBHOOK_ALLOWLIST: receiver.origin,
      WEBHOOK_TIMEOUT_MS: '60000',
    };
    const running = spawnServer(['--import', 'tsx', 'src/main.ts'], env);
    void running.then(({ child }) => children.push(child), () => {});
    return running;
  }

  async function gqlAt<R, V>(port: number, doc: TypedDocumentNode<R, V>, variables: V): Promise<GqlResult<R>> {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-dev-user': o.owner },
      body: JSON.stringify({ query: print(doc), variables }),
    });
    return { status: response.status, ...((await response.json()) as object) };
  }

  beforeAll(async () => {
    await receiver.listen();
    database = await freshDatabase();
    // The organization and its workflow, written by an in-process server that then stops.
    const seeding = await startTestServer({ WEBHOOK_ALLOWLIST: receiver.origin }, { database });
    o = await orgWithRoles(seeding, 'Killed');
    workflowId = (await seeding.gql(CreateWorkflow, { input: hook(receiver.origin, '/never') }, { as: o.owner })).data!.createWorkflow!.id;
    await seeding.close();
  }, 60_000);
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await receiver.close();
    await database?.drop();
  });

  it('leaves the run on record UNKNOWN after a restart, with its audit events, and the webhook called exactly once', async () => {
    const first = await startProcess();
    void gqlAt(first.port, RunWorkflow, { id: workflowId }).catch(() => null);
    await until(async () => receiver.calls.length === 1);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await startProcess();
    expect(second.output()).toMatch(/workflow runs interrupted by a stopped process are recorded UNKNOWN; they are not run again/);
    const runs = (await gqlAt(second.port, WorkflowQ, { id: workflowId })).data!.workflow!.runs!.edges!.map((e) => e!.node!);
    expect(runs).toEqual([
      { id: expect.any(String), status: 'UNKNOWN', trigger: 'MANUAL', output: null, error: expect.stringMatching(/^the process performing the run \(.+\) stopped before it finished: its actions may or may not have taken effect$/) },
    ]);
    expect(receiver.calls.map((c) => c.body.runId)).toEqual([rawId(runs[0]!.id)]);
    const events = (await gqlAt(second.port, AuditEvents, { targetType: 'WorkflowRun', targetId: rawId(runs[0]!.id), first: 20 })).data!.auditEvents!.edges!.map((e) => e!.node!);
    expect(events.map((e) => [e.action, e.actorEmail]).reverse()).toEqual([
      ['workflow.run.started', o.owner],
      ['workflow.run.unknown', null],
    ]);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    // Nothing was repeated: the receiver heard the one call, before the kill.
    expect(receiver.calls).toHaveLength(1);
  }, 150_000);
});
