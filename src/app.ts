// Builds the server: graphql-yoga over node:http and graphql-ws on the same port and path, both
// through the same envelop plugins and context. `buildApp()` composes the parts and returns them
// with start/stop; each part is a module of its own (src/yoga.ts, src/http/server.ts,
// src/ws/server.ts, src/jobs/, src/shutdown.ts). The registrations that point upward (the
// domains' approval kinds and row filters) are made here, so that no domain imports another's.
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import { kindRegistry, type ApprovalKindHandler } from './approvals/kinds.ts';
import { auditKeysFrom, useAuditKeys } from './audit/keys.ts';
import { systemClock, type Clock } from './clock.ts';
import { ConfigError, type Config } from './config.ts';
import { newRequestId, requestScope } from './context.ts';
import { openDatabaseWithDriver } from './db/client.ts';
import { migrateDatabase } from './db/migrate.ts';
import { databaseFaultLog } from './db/faults.ts';
import { rowFilterRegistry } from './db/row-filters.ts';
import { whenDatabaseAnswers } from './db/wait.ts';
import { createHttpServer } from './http/server.ts';
import { bootstrap } from './identity/bootstrap.ts';
import { sessionEnds } from './identity/sessions.ts';
import { logMailer, noMailer, type Mailer } from './identity/mailer.ts';
import { tokenKeys } from './identity/tokens.ts';
import { startBackgroundJobs } from './jobs/index.ts';
import { kpiRowFilters } from './kpis/access.ts';
import { accessScopeKind } from './kpis/scopes.ts';
import { createLogger, listeningOn, type Logger } from './logger.ts';
import { observedKinds } from './ops/decisions.ts';
import { anchorMetrics } from './ops/anchor-metrics.ts';
import { createMetrics } from './ops/metrics.ts';
import { trackStreams } from './ops/streams.ts';
import { startTracing, tracerProviderFromConfig } from './ops/tracing.ts';
import { piiChangeKind } from './pii/service.ts';
import { openPubSub } from './pubsub.ts';
import type { Services } from './services.ts';
import { shutDown } from './shutdown.ts';
import { workflowKind } from './workflows/definitions.ts';
import { recoverInterruptedRuns, runsInFlight } from './workflows/interrupted.ts';
import { createSocketServer } from './ws/server.ts';
import { createGovernanceYoga } from './yoga.ts';

export interface BuildOptions {
  log?: Logger;
  mailer?: Mailer;
  /** The approval kinds to serve; the domains' own by default (tests register their own). */
  approvalKinds?: readonly ApprovalKindHandler[];
  /** Receives every SQL statement (tests that bound the queries of an operation). */
  onQuery?: (sql: string, params: string) => void;
  /** Also export every span here as it ends, tracing on whatever OTEL_* say (tests: an in-memory exporter). */
  spanExporter?: SpanExporter;
  /** Domain time; the system clock by default (tests: a manual clock they advance). */
  clock?: Clock;
}

export interface App {
  services: Services;
  /** In-process HTTP, as a client would send it (tests). */
  fetch: (input: string, init?: RequestInit) => Promise<Response>;
  /** Listens; resolves with the bound port. */
  start(port?: number, host?: string): Promise<number>;
  /** Graceful shutdown: stops accepting, finishes requests in flight, closes sockets and connections. */
  stop(): Promise<void>;
  /** The port of the metrics listener (METRICS_PORT) once started, else null. */
  metricsPort(): number | null;
}

/** The approval kinds of the domains, each plugged into the one core (src/approvals/kinds.ts). */
const DOMAIN_APPROVAL_KINDS: readonly ApprovalKindHandler[] = [accessScopeKind, workflowKind, piiChangeKind];

type DemoSeeding = (services: Services) => Promise<string[]>;

/**
 * The demo seeding is not part of the production build (tsconfig.build.json leaves src/demo out):
 * its path is a value, which tsc does not follow, and it is loaded only when the demo is seeded.
 */
const DEMO_SEEDING = './demo/index.ts';

async function loadDemoSeeding(): Promise<DemoSeeding> {
  try {
    return ((await import(DEMO_SEEDING)) as { seedDemoStory: DemoSeeding }).seedDemoStory;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' || !String(error).includes('demo')) throw error;
    throw new ConfigError(
      'This build has no demo seeding (the production build leaves it out): set BOOTSTRAP_OWNER_EMAIL, BOOTSTRAP_OWNER_PASSWORD and BOOTSTRAP_ORG_NAME, or SEED_DEMO=0, or run the sources with `npm start`.',
    );
  }
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  // Migrating also puts a SQLite file in WAL mode, which the file keeps. PostgreSQL may not answer
  // yet (started with the server): the migrations wait for it.
  const { applied } = await whenDatabaseAnswers(config.DATABASE_URL, () => migrateDatabase(config.DATABASE_URL), { log, timeoutSeconds: config.DATABASE_START_TIMEOUT_SECONDS });
  if (applied.length) log.info({ applied }, 'database migrated');
  const { db, sql } = openDatabaseWithDriver(config.DATABASE_URL, { onQuery: options.onQuery });
  const auditKeys = auditKeysFrom(config);
  useAuditKeys(db, auditKeys);
  const seedDemo = await bootstrap(db, config, log, loadDemoSeeding);
  const tracing = startTracing(tracerProviderFromConfig(config, options.spanExporter));
  // The database away mid-run: one line per interval across requests, jobs and scrapes, no stack.
  const databaseFaults = databaseFaultLog(config.DATABASE_URL, log);
  const metrics = createMetrics(config, db, log, databaseFaults);
  const pubsubHandle = openPubSub(config.REDIS_URL, log);
  const clock = options.clock ?? systemClock;
  // Sessions' ends (logout on any instance, expiry by the clock): what they opened ends with them.
  const sessions = sessionEnds(pubsubHandle.pubsub, clock);
  // graphql-ws operations carry the request id the socket handler gave them; HTTP ones do not.
  const streams = trackStreams((graphqlContext) => ((graphqlContext as { wsRequestId?: string }).wsRequestId ? 'ws' : 'sse'), metrics.observeStream, {
    maxPerUser: config.MAX_SUBSCRIPTIONS_PER_USER,
    sessions,
    clock,
  });
  const services: Services = {
    config,
    clock,
    system: db,
    sql: tracing.statements(sql),
    log,
    keys: tokenKeys(config.JWT_SECRET, config.JWT_TTL_SECONDS),
    mailer: options.mailer ?? (config.NODE_ENV === 'production' ? noMailer(log) : logMailer(log)),
    pubsub: metrics.timeDelivery(pubsubHandle.pubsub),
    onPubSubReconnect: pubsubHandle.onReconnect,
    approvals: kindRegistry(observedKinds(options.approvalKinds ?? DOMAIN_APPROVAL_KINDS, tracing, metrics)),
    // The domains' row-level filters: the tenant extension asks this registry, naming no model itself.
    rowFilters: rowFilterRegistry([kpiRowFilters]),
    runsInFlight: runsInFlight(),
  };
  if (seedDemo) log.info((await seedDemo(services)).join('\n'));
  // Runs a stopped process left RUNNING are recorded UNKNOWN, never run again (the sweep job keeps checking).
  await recoverInterruptedRuns(services, { atStart: true });
  const jobs = startBackgroundJobs(services, auditKeys, databaseFaults, anchorMetrics(metrics.registry, config, db, services.clock, log, databaseFaults));

  // Last among the plugins: metrics and tracing observe the others; shutdown ends the streams they made.
  const yoga = createGovernanceYoga(services, [...metrics.plugins, ...tracing.plugins, streams.plugin], databaseFaults);
  let stopping = false;
  const http = createHttpServer(services, { graphql: (req, res) => yoga.requestListener(req, res), metrics, tracing, stopping: () => stopping, delivery: pubsubHandle.delivery });
  const sockets = createSocketServer(services, { server: http.server, yoga, tracing, stopping: () => stopping, databaseFaults, sessions });
  metrics.collectFrom({
    openSockets: sockets.openSockets,
    openSubscriptions: () => streams.open(),
    pool: () => services.sql.poolStats(),
    delivery: pubsubHandle.delivery,
    failedPublishes: pubsubHandle.failedPublishes,
  });

  let metricsPort: number | null = null;
  return {
    services,
    fetch: (input, init) => {
      const requestId = newRequestId(new Headers(init?.headers).get('x-request-id'));
      return requestScope.run({ requestId }, async () => yoga.fetch(new URL(input, 'http://localhost'), init ?? {}));
    },
    async start(port = config.PORT, host = config.HOST) {
      const bound = await http.listen(port, host);
      if (config.METRICS_PORT !== undefined) {
        metricsPort = await metrics.listen(config.METRICS_PORT, host);
        log.info(`metrics on ${listeningOn(host, metricsPort, '/metrics')}${config.METRICS_TOKEN ? ' (bearer token required)' : ''}`);
      }
      return bound;
    },
    metricsPort: () => metricsPort,
    async stop() {
      // Idempotent: a second call (signal after signal, tests) has nothing left to do.
      if (stopping) return;
      stopping = true;
      const connections = [() => sessions.stop(), () => pubsubHandle.close(), () => db.$disconnect(), () => sql.close(), () => metrics.close(), () => tracing.shutdown()];
      await shutDown({ http, sockets, streams, jobs, runs: (deadline) => services.runsInFlight.settle(services, deadline), connections }, config.SHUTDOWN_TIMEOUT_MS);
    },
  };
}
