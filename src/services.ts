// What the whole process shares, built once by buildApp and handed to every request's context and
// to background work. A type of its own, so that domains and the context depend on it and it
// depends on no domain.
import type { ApprovalKinds } from './approvals/kinds.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Db, SqlDriver } from './db/client.ts';
import type { RowFilterRegistry } from './db/row-filters.ts';
import type { TokenKeys } from './identity/tokens.ts';
import type { Mailer } from './identity/mailer.ts';
import type { Logger } from './logger.ts';
import type { PubSub } from './pubsub.ts';

export interface Services {
  config: Config;
  /** Domain time: every expiry, schedule, deadline and throttle window reads it. */
  clock: Clock;
  /** The unscoped client. Only identity flows that span organizations, background work and the audit writer use it. */
  system: Db;
  /** The driver under `system`, for the hot reads compiled to one prepared statement (caller, KPI data); never confines by itself. */
  sql: SqlDriver;
  log: Logger;
  keys: TokenKeys;
  mailer: Mailer;
  pubsub: PubSub;
  /** The approval kinds the domains (or a test) registered. */
  approvals: ApprovalKinds;
  /** Row-level filters beyond the tenant's, registered by the domains (KPI access). */
  rowFilters: RowFilterRegistry;
}
