// What the whole process shares, built once by buildApp and handed to every request's context and
// to background work. A type of its own, so that domains and the context depend on it and it
// depends on no domain: a domain that puts a service of its own here adds the field by augmenting
// this interface (`declare module '../services.ts'`), as identity does for its token keys and mailer
// (src/identity/tokens.ts, mailer.ts) and approvals for its kinds (src/approvals/kinds.ts). The
// wiring (src/app.ts) fills every field.
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Db, SqlDriver } from './db/client.ts';
import type { RowFilterRegistry } from './db/row-filters.ts';
import type { Logger } from './logger.ts';
import type { PubSub, PubSubHandle } from './pubsub.ts';

export interface Services {
  config: Config;
  /** Domain time: every expiry, schedule, deadline and throttle window reads it. */
  clock: Clock;
  /** The unscoped client. Only identity flows that span organizations, background work and the audit writer use it. */
  system: Db;
  /** The driver under `system`, for the hot reads compiled to one prepared statement (caller, KPI data); never confines by itself. */
  sql: SqlDriver;
  log: Logger;
  pubsub: PubSub;
  /** The pub/sub's reconnections to Redis (PubSubHandle.onReconnect): live streams catch up from their logs. */
  onPubSubReconnect?: PubSubHandle['onReconnect'];
  /** Row-level filters beyond the tenant's, registered by the domains (KPI access). */
  rowFilters: RowFilterRegistry;
}
