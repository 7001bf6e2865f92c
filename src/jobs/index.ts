// The server's background jobs, started together from the services and stopped as one.
import { expireStale } from '../approvals/core.ts';
import { pruneApprovalEvents } from '../approvals/event-log.ts';
import { anchorDelivery, anchorTargets, type AnchorObserver } from '../audit/anchor.ts';
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

export function startBackgroundJobs(services: Services, auditKeys: AuditKeys, databaseFaults: DatabaseFaults, anchorObserver?: AnchorObserver): Interval {
  const { system: db, log, config } = services;
  const failed = jobFailureLog(log, databaseFaults);
  // The sweep also forgets approval events past their retention, login counters that no longer throttle anyone, and revocations of expired tokens.
  const sweep = everyInterval(db, services.clock, failed, 'approvals.expire', config.APPROVAL_SWEEP_SECONDS, async () => {
    await expireStale(services);
    await pruneApprovalEvents(services);
    await pruneThrottle(db, services.clock.now());
    await pruneRevokedTokens(db, services.clock.now());
  });
  // Signs the heads of the audit chains that moved, once per interval across instances, and sends
  // the new checkpoints to the anchors outside the database; undelivered ones are retried on their own interval.
  const anchors = anchorDelivery(db, config, log, anchorObserver);
  const anchored = anchorTargets(config).length > 0;
  if (!anchored && config.NODE_ENV === 'production')
    log.warn('audit: no anchor outside the database (AUDIT_ANCHOR_DIR, AUDIT_ANCHOR_URL): removing the newest events and their checkpoints would go unnoticed (docs/audit.md)');
  const checkpoints = everyInterval(db, services.clock, failed, 'audit.checkpoint', config.AUDIT_CHECKPOINT_SECONDS, async () => {
    const now = services.clock.now();
    await checkpointMovedChains(db, auditKeys, now, log);
    if (anchored) await anchors.run(now);
  });
  const anchorRetries = anchored ? everyInterval(db, services.clock, failed, 'audit.anchor', config.AUDIT_ANCHOR_RETRY_SECONDS, () => anchors.run(services.clock.now())) : null;
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
      for (const job of [sweep, scheduler, scopeNotices, reviewDeadlines, checkpoints, anchorRetries, interruptedRuns]) await job?.stop();
    },
  };
}
