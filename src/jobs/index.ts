// The server's background jobs, started together from the services and stopped as one.
import { expireStale } from '../approvals/core.ts';
import { pruneApprovalEvents } from '../approvals/event-log.ts';
import { checkpointMovedChains } from '../audit/checkpoints.ts';
import type { AuditKeys } from '../audit/keys.ts';
import type { DatabaseFaults } from '../db/faults.ts';
import { pruneRevokedTokens } from '../identity/sessions.ts';
import { pruneThrottle } from '../identity/throttle.ts';
import { announceExpiringScopes } from '../kpis/scope-expiry.ts';
import { closeDueReviews } from '../reviews/service.ts';
import type { Services } from '../services.ts';
import { recoverInterruptedRuns } from '../workflows/interrupted.ts';
import { runDueWorkflows } from '../workflows/scheduler.ts';
import { everyInterval, everyTick, jobFailureLog, type Interval } from './schedule.ts';

export function startBackgroundJobs(services: Services, auditKeys: AuditKeys, databaseFaults: DatabaseFaults): Interval {
  const { system: db, log, config } = services;
  const failed = jobFailureLog(log, databaseFaults);
  // The sweep also forgets approval events past their retention, login counters that no longer throttle anyone, and revocations of expired tokens.
  const sweep = everyInterval(db, services.clock, failed, 'approvals.expire', config.APPROVAL_SWEEP_SECONDS, async () => {
    await expireStale(services);
    await pruneApprovalEvents(services);
    await pruneThrottle(db, services.clock.now());
    await pruneRevokedTokens(db, services.clock.now());
  });
  // Signs the heads of the audit chains that moved, once per interval across instances.
  const checkpoints = everyInterval(db, services.clock, failed, 'audit.checkpoint', config.AUDIT_CHECKPOINT_SECONDS, () => checkpointMovedChains(db, auditKeys, services.clock.now(), log));
  // Time-bound access and access reviews, once per interval across instances: tell holders of
  // scopes about to end (SCOPE_EXPIRING), and give overdue reviews' undecided items their default.
  const scopeNotices = everyInterval(db, services.clock, failed, 'scopes.expiry-notice', config.APPROVAL_SWEEP_SECONDS, () => announceExpiringScopes(services));
  const reviewDeadlines = everyInterval(db, services.clock, failed, 'reviews.deadline', config.APPROVAL_SWEEP_SECONDS, () => closeDueReviews(services));
  // Each workflow occurrence is claimed on its own, so every instance may look every tick.
  const scheduler = everyTick(failed, 'workflows.schedule', config.SCHEDULER_TICK_SECONDS, () => runDueWorkflows(services));
  // Workflow runs left RUNNING by a stopped instance, once they outlive any live run: UNKNOWN.
  const interruptedRuns = everyInterval(db, services.clock, failed, 'workflows.interrupted', config.APPROVAL_SWEEP_SECONDS, () => recoverInterruptedRuns(services));
  return {
    async stop() {
      // One after the other, each finishing the run it is in.
      for (const job of [sweep, scheduler, scopeNotices, reviewDeadlines, checkpoints, interruptedRuns]) await job.stop();
    },
  };
}
