// The schedule of SCHEDULE workflows: cron expressions, each workflow's next occurrence (none while
// it may not run), and the tick that runs due occurrences, each once across instances.
import { Cron } from 'croner';
import type { Db } from '../db/client.ts';
import { claimOccurrence } from '../db/occurrences.ts';
import type { Services } from '../services.ts';
import { isScheduled, type RunFacts } from './policy.ts';
import { execute } from './runs.ts';
import { systemActor } from '../audit/record.ts';

/** Throws croner's own message when the expression is not one. */
export const parseSchedule = (schedule: string) => new Cron(schedule, { paused: true });

const nextOccurrence = (schedule: string, after: Date) => parseSchedule(schedule).nextRun(after);

/** When a workflow runs next: only a SCHEDULE workflow that may run now has a next occurrence. */
export const nextRunAtOf = (w: RunFacts & { trigger: string; schedule: string | null }, after: Date) =>
  isScheduled(w) && w.schedule ? nextOccurrence(w.schedule, after) : null;

/** Runs the due occurrences of SCHEDULE workflows; each occurrence is claimed by one instance. */
export async function runDueWorkflows(services: Services) {
  const now = services.clock.now();
  const db: Db = services.system;
  // Unapproved risky workflows have no nextRunAt; the filter also skips rows scheduled before that rule.
  const due = await db.workflow.findMany({
    where: { trigger: 'SCHEDULE', enabled: true, nextRunAt: { lte: now }, OR: [{ requiresApproval: false }, { approvalStatus: 'APPROVED' }] },
    take: 100,
  });
  for (const workflow of due) {
    const occurrence = workflow.nextRunAt!.toISOString();
    if (!(await claimOccurrence(db, `workflow:${workflow.id}`, occurrence, now))) continue;
    // Missed occurrences (the server was down) run once; the next one is the first after now.
    await db.workflow.updateMany({ where: { id: workflow.id, nextRunAt: workflow.nextRunAt }, data: { nextRunAt: nextRunAtOf(workflow, now) } });
    try {
      await execute(services, workflow, { trigger: 'SCHEDULE', actor: systemActor(db, services.clock, workflow.organizationId), triggeredById: null, occurrence });
    } catch (error) {
      services.log.error({ err: error, workflowId: workflow.id }, 'scheduled workflow run failed');
    }
  }
}
