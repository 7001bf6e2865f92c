// Runs whose outcome nobody will learn: a run is recorded RUNNING before its first action leaves
// the server, so a process that dies (or a shutdown that gives up) mid-run leaves a RUNNING row.
// Such runs are marked UNKNOWN (never SUCCEEDED: the webhook may or may not have been received),
// audited by the system, and never run again. Which RUNNING runs are dead, with several
// instances on one database:
// - any run RUNNING for longer than a live instance can take (every action a webhook waiting
//   its full WEBHOOK_TIMEOUT_MS, plus a grace for the database actions and clock skew): correct
//   whatever the instances, checked at start and by the sweep;
// - at once, at start: a run whose instance ran on this host (same hostname) as a process that
//   no longer exists, or whose pid is now this process's (a restarted container, pid 1 again).
//   Hostnames must therefore be distinct among instances sharing a database (containers, pods
//   and machines have distinct ones by default).
import { hostname } from 'node:os';
import { auditedTransaction, systemActor } from '../audit/record.ts';
import type { Db } from '../db/client.ts';
import { instance } from '../db/occurrences.ts';
import type { Services } from '../services.ts';
import { MAX_ACTIONS } from './actions.ts';

export const RUN_STARTED = 'workflow.run.started';
export const RUN_UNKNOWN = 'workflow.run.unknown';
/** Database actions and clock skew between instances, on top of the webhooks' timeouts. */
export const RUN_GRACE_MS = 60_000;

/** Past this, a RUNNING run has no live instance performing it. */
export const staleRunAfterMs = (webhookTimeoutMs: number) => MAX_ACTIONS * webhookTimeoutMs + RUN_GRACE_MS;

/** The runs this process is performing now, so that shutdown can wait for them and name those it abandons. */
export interface RunsInFlight {
  has(runId: string): boolean;
  track<T>(run: { id: string; organizationId: string; workflowId: string }, work: Promise<T>): Promise<T>;
  /** Waits for the runs in flight until `deadline` settles; marks those still running UNKNOWN. */
  settle(services: Services, deadline: Promise<void>): Promise<string[]>;
}

declare module '../services.ts' {
  interface Services {
    runsInFlight: RunsInFlight;
  }
}

export function runsInFlight(): RunsInFlight {
  const running = new Map<string, { organizationId: string; workflowId: string; done: Promise<unknown> }>();
  return {
    has: (runId) => running.has(runId),
    track(run, work) {
      const done = work.finally(() => running.delete(run.id));
      running.set(run.id, { organizationId: run.organizationId, workflowId: run.workflowId, done: done.catch(() => undefined) });
      return done;
    },
    async settle(services, deadline) {
      await Promise.race([Promise.all([...running.values()].map((r) => r.done)), deadline]);
      const abandoned = [...running.entries()];
      const reason = `the server shut down before the run finished (SHUTDOWN_TIMEOUT_MS ${services.config.SHUTDOWN_TIMEOUT_MS} ms): its actions may or may not have taken effect`;
      for (const [id, run] of abandoned)
        // The shutdown goes on (closing the connections) even if the database cannot take the mark:
        // the run then stays RUNNING until a start or the sweep marks it.
        await markUnknown(services, { id, ...run }, reason, 'shutdown').catch((error) => services.log.error({ err: error, runId: id }, 'could not record an abandoned workflow run'));
      if (abandoned.length) services.log.warn({ runs: abandoned.map(([id]) => id) }, 'shutdown abandoned workflow runs in flight; they are recorded UNKNOWN');
      return abandoned.map(([id]) => id);
    },
  };
}

class NoLongerRunning extends Error {}

/** Marks a RUNNING run UNKNOWN with its audit event; false when it is no longer RUNNING (finished or marked meanwhile). */
export async function markUnknown(services: Services, run: { id: string; organizationId: string; workflowId: string }, reason: string, cause: 'shutdown' | 'interrupted'): Promise<boolean> {
  const db: Db = services.system;
  try {
    await auditedTransaction(systemActor(db, services.clock, run.organizationId), async (tx, record) => {
      // The event first: appending it takes the organization's chain lock, as every run write does.
      await record({ action: RUN_UNKNOWN, targetType: 'WorkflowRun', targetId: run.id, metadata: { workflowId: run.workflowId, cause, reason } });
      const { count } = await tx.workflowRun.updateMany({ where: { id: run.id, status: 'RUNNING' }, data: { status: 'UNKNOWN', finishedAt: services.clock.now(), error: reason } });
      if (count === 0) throw new NoLongerRunning();
    });
    return true;
  } catch (error) {
    if (error instanceof NoLongerRunning) return false;
    throw error;
  }
}

/** True when `owner` (an instance id) was a process of this host that is gone. */
function deadOnThisHost(owner: string): boolean {
  const [host, pidText, suffix] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || !suffix) return false;
  if (owner === instance) return false;
  // This process's pid with another instance id: an earlier life of this pid (a container restarted).
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Marks UNKNOWN the RUNNING runs no live instance is performing (see the top of this file); at
 * start (`atStart`) also those of dead processes of this host. Returns the ids it marked.
 */
export async function recoverInterruptedRuns(services: Services, { atStart = false } = {}): Promise<string[]> {
  const db: Db = services.system;
  const now = services.clock.now();
  const staleBefore = new Date(now.getTime() - staleRunAfterMs(services.config.WEBHOOK_TIMEOUT_MS));
  const running = await db.workflowRun.findMany({ where: { status: 'RUNNING' }, select: { id: true, organizationId: true, workflowId: true, startedAt: true }, take: 500 });
  const owners = new Map(
    atStart && running.length
      ? (await db.auditEvent.findMany({ where: { action: RUN_STARTED, targetType: 'WorkflowRun', targetId: { in: running.map((r) => r.id) } }, select: { targetId: true, metadata: true } })).map(
          (e) => [e.targetId, String((JSON.parse(e.metadata) as { instance?: unknown }).instance ?? '')] as const,
        )
      : [],
  );
  const marked: string[] = [];
  for (const run of running) {
    // A run this process is still performing is alive, whatever its age.
    if (services.runsInFlight.has(run.id)) continue;
    const stale = run.startedAt < staleBefore;
    const owner = owners.get(run.id);
    if (!stale && !(owner && deadOnThisHost(owner))) continue;
    const reason = stale
      ? `no instance finished the run within ${staleRunAfterMs(services.config.WEBHOOK_TIMEOUT_MS)} ms of its start (the process performing it stopped): its actions may or may not have taken effect`
      : `the process performing the run (${owner}) stopped before it finished: its actions may or may not have taken effect`;
    if (await markUnknown(services, run, reason, 'interrupted')) marked.push(run.id);
  }
  if (marked.length) services.log.warn({ runs: marked }, 'workflow runs interrupted by a stopped process are recorded UNKNOWN; they are not run again');
  return marked;
}
