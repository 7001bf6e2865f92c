// Prometheus metrics: GraphQL operations by name and outcome, latencies, errors by code (yoga's
// prometheus plugin plus a counter of our own), open graphql-ws sockets and subscriptions, pending
// approvals, the PostgreSQL pool, the delay of live events and process figures. Served at /metrics
// behind a bearer token (METRICS_TOKEN), or on a listener of its own (METRICS_PORT).
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCounter, createHistogram, usePrometheus, type FillLabelsFnParams } from '@graphql-yoga/plugin-prometheus';
import { getOperationAST, GraphQLError, type DocumentNode, type ExecutionResult } from 'graphql';
import { isAsyncIterable, map, pipe, type Plugin } from 'graphql-yoga';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { APPROVAL_KINDS } from '../approvals/kinds.ts';
import type { Config } from '../config.ts';
import type { Caller } from '../context.ts';
import { callerOfRequest } from '../identity/caller.ts';
import { INPUT_CODES } from '../errors.ts';
import type { Db } from '../db/client.ts';
import type { DatabaseFaults } from '../db/faults.ts';
import type { Logger } from '../logger.ts';
import type { Delivery, PubSub } from '../pubsub.ts';
import type { StreamObservation } from './streams.ts';

/** What the gauges read at scrape time. */
export interface MetricSources {
  /** Open graphql-ws sockets (acknowledged or not). */
  openSockets(): number;
  /** Open subscription streams by transport. */
  openSubscriptions(): { ws: number; sse: number };
  /** The PostgreSQL pool's clients, where the database layer reports them (SQLite has no pool). */
  pool?(): { total: number; idle: number; waiting: number; max: number } | null;
  /** How live events reach other instances (src/pubsub.ts). */
  delivery?(): Delivery;
  /** Publishes Redis did not take, since start. */
  failedPublishes?(): number;
}

export interface Metrics {
  registry: Registry;
  /** Envelop/yoga plugins that observe every operation, over HTTP and graphql-ws. */
  plugins: Plugin[];
  /** The figures of one subscription's stream, fed by the stream's wrapper (src/ops/streams.ts). */
  observeStream(args: { document: DocumentNode; operationName?: string | null; contextValue?: unknown }): StreamObservation;
  /** Counts a decision that committed (an approval kind's effect ran). */
  decided(kind: string, status: string): void;
  /** The same pub/sub, observing each event's delay from its publication (`at`) to its arrival on this instance. */
  timeDelivery(pubsub: PubSub): PubSub;
  /** Starts reading the gauges' sources. */
  collectFrom(sources: MetricSources): void;
  /** Answers /metrics on the API's port: behind METRICS_TOKEN, else (or with METRICS_PORT) not at all. */
  serveOnApiPort(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Listens on a port of its own (METRICS_PORT); resolves with the bound port. */
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

/** The `extensions.code` the client receives for `error` (masking turns anything unexpected into INTERNAL_SERVER_ERROR). */
export function publicErrorCode(error: unknown): string {
  if (!(error instanceof GraphQLError)) return 'INTERNAL_SERVER_ERROR';
  if (error.originalError && !(error.originalError instanceof GraphQLError)) return 'INTERNAL_SERVER_ERROR';
  const code = error.extensions?.code;
  return INPUT_CODES.has(code as string | undefined) ? 'BAD_USER_INPUT' : String(code);
}

/**
 * The `operation_name` values that are not an operation's name. None is a GraphQL name (those are
 * letters, digits and underscores), so no client can name an operation into one of them.
 */
export const OPERATION_NAME = {
  /** Every operation of a caller who is not signed in, whatever it is named. */
  anonymous: '(anonymous)',
  /** A signed-in caller's operation without a name. */
  unnamed: '(unnamed)',
  /** A signed-in caller's named operation after the first `max` distinct names. */
  other: '(other)',
} as const;

/**
 * Operation names come from clients: the first `max` distinct ones are kept as label values, later
 * ones are counted as `(other)`, so no caller can grow the number of series without bound.
 */
export function boundedLabel(max: number) {
  const seen = new Set<string>();
  return (value: string | null | undefined): string => {
    if (!value) return OPERATION_NAME.unnamed;
    if (seen.has(value)) return value;
    if (seen.size >= max) return OPERATION_NAME.other;
    seen.add(value);
    return value;
  };
}

/**
 * Whether an operation's caller is signed in, from what its context holds at the time: the caller
 * once the context is built; before (parse, validate), the caller src/yoga.ts resolved for the HTTP
 * request before parsing it; a graphql-ws operation's socket was signed in at connection_init.
 */
export function signedIn(context: unknown): boolean {
  const c = (context ?? {}) as { caller?: Caller; request?: Request; socketCredentials?: unknown };
  if (c.caller) return Boolean(c.caller.user);
  if (c.socketCredentials) return true;
  return Boolean(c.request && callerOfRequest(c.request)?.user);
}

export type Outcome = 'ok' | 'partial' | 'error' | 'invalid';

/** ok: data without errors; partial: data and errors; error: errors and no data. */
export function outcomeOf(result: ExecutionResult): Outcome {
  if (!result.errors?.length) return 'ok';
  return result.data && Object.values(result.data).some((v) => v !== null) ? 'partial' : 'error';
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DELIVERY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (!presented) return false;
  // Equal-length digests: the comparison takes as long whatever was sent.
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

const json = (res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));

export function createMetrics(config: Pick<Config, 'METRICS_TOKEN' | 'METRICS_PORT'>, db: Db, log: Logger, databaseFaults: DatabaseFaults): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    ...operationMetrics(registry),
    ...decisionAndDeliveryMetrics(registry),
    collectFrom: scrapeTimeGauges(registry, db, log, databaseFaults),
    ...metricsEndpoint(registry, config, log),
  };
}

/** Operations by name, type and outcome; their phases' latencies; errors by code; subscriptions' lives. */
function operationMetrics(registry: Registry): Pick<Metrics, 'plugins' | 'observeStream'> {
  const boundedName = boundedLabel(300);
  /**
   * The labels of an operation: its name (from the document, the one the request selects) only
   * when its caller is signed in, so that anonymous traffic cannot take the bounded set of names.
   */
  const labelsOf = (document: DocumentNode | undefined, requestedName: string | null | undefined, context: unknown) => {
    let operation = null;
    try {
      operation = document ? getOperationAST(document, requestedName || undefined) : null;
    } catch {
      // A document that is not one: no operation.
    }
    return {
      operation_name: signedIn(context) ? boundedName(operation?.name?.value) : OPERATION_NAME.anonymous,
      operation_type: operation?.operation ?? 'unknown',
    };
  };
  type OperationLabel = 'operation_name' | 'operation_type';
  const requestedName = (context: unknown) => (context as { params?: { operationName?: string } } | null)?.params?.operationName;
  const pluginLabels = (params: FillLabelsFnParams, context: unknown) => labelsOf(params.document, requestedName(context), context);
  const phaseHistogram = <Phase,>(name: string, help: string) =>
    createHistogram<Phase, OperationLabel, FillLabelsFnParams>({
      registry,
      histogram: { name, help, labelNames: ['operation_name', 'operation_type'], buckets: LATENCY_BUCKETS },
      fillLabelsFn: pluginLabels,
    });

  const requestDuration = phaseHistogram<'execute' | 'subscribe'>('graphql_envelop_request_duration_seconds', 'Time of a whole GraphQL operation (parse to result; a subscription: its life), seconds');
  const phaseSubscribe = phaseHistogram<'subscribe'>('graphql_envelop_phase_subscribe_seconds', 'Time spent starting a subscription, seconds');
  const errorResult = createCounter<'parse' | 'validate' | 'context' | 'execute', OperationLabel | 'phase' | 'code', FillLabelsFnParams>({
    registry,
    counter: { name: 'graphql_envelop_error_result_total', help: 'Errors returned to clients, by phase and extensions.code', labelNames: ['operation_name', 'operation_type', 'phase', 'code'] },
    fillLabelsFn: (params, context) => ({
      ...pluginLabels(params, context),
      phase: params.errorPhase ?? 'execute',
      // Parse and validation failures reach this counter without an error object: they are input errors.
      code: params.error ? publicErrorCode(params.error) : 'BAD_USER_INPUT',
    }),
  });
  type Labels = ReturnType<typeof labelsOf>;
  const subscriptionError = (labels: Labels, error: unknown) => errorResult.counter.inc({ ...labels, phase: 'subscribe', code: publicErrorCode(error) });

  const prometheus = usePrometheus({
    registry,
    endpoint: false,
    skipIntrospection: false,
    metrics: {
      graphql_envelop_request: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_schema_change: false,
      graphql_envelop_execute_resolver: false,
      // Subscriptions are observed by observeStream below, not by the plugin: its hooks wrap every
      // stream in three more iterators (a result, an end and an error wrapper) with their closures,
      // about 2 KiB per open subscription, ten thousand of which are 20 MiB.
      graphql_envelop_request_duration: { ...requestDuration, phases: ['execute'] },
      graphql_envelop_phase_parse: phaseHistogram<'parse'>('graphql_envelop_phase_parse_seconds', 'Time spent parsing an operation, seconds'),
      graphql_envelop_phase_validate: phaseHistogram<'validate'>('graphql_envelop_phase_validate_seconds', 'Time spent validating an operation, seconds'),
      graphql_envelop_phase_context: phaseHistogram<'context'>('graphql_envelop_phase_context_seconds', 'Time spent building the context (caller, membership), seconds'),
      graphql_envelop_phase_execute: phaseHistogram<'execute'>('graphql_envelop_phase_execute_seconds', 'Time spent executing a query or mutation, seconds'),
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_error_result: { ...errorResult, phases: ['parse', 'validate', 'context', 'execute'] },
      graphql_yoga_http_duration: createHistogram({
        registry,
        histogram: {
          name: 'graphql_yoga_http_duration_seconds',
          help: 'Time to answer an HTTP GraphQL request (to the first byte of a stream), seconds',
          labelNames: ['operation_name', 'operation_type', 'method', 'status_code'],
          buckets: LATENCY_BUCKETS,
        },
        fillLabelsFn: (params: FillLabelsFnParams, context: { request: Request; response: Response }) => ({
          ...labelsOf(params.document, null, context),
          method: context.request.method,
          status_code: context.response.status,
        }),
      }),
    },
  });

  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations by name, type and outcome (ok, partial, error, invalid)',
    labelNames: ['operation_name', 'operation_type', 'outcome'],
    registers: [registry],
  });
  const count = (labels: Labels, outcome: Outcome) => operations.inc({ ...labels, outcome });
  const outcomes: Plugin = {
    // Every parse runs this hook: src/yoga.ts keeps no cache of parse errors, whose hit would
    // throw before any later plugin's hook and leave a repeated invalid operation uncounted.
    onParse({ context }) {
      return ({ result }) => {
        if (result instanceof Error || result == null) count(labelsOf(undefined, undefined, context), 'invalid');
      };
    },
    onValidate({ context, params }) {
      return ({ valid }) => {
        if (!valid) count(labelsOf(params.documentAST, requestedName(context), context), 'invalid');
      };
    },
    onExecute({ args }) {
      return {
        onExecuteDone({ result }) {
          if (!isAsyncIterable(result)) count(labelsOf(args.document, args.operationName, args.contextValue), outcomeOf(result));
        },
      };
    },
    // What the prometheus plugin would observe of a subscription's start; its stream is observed
    // by observeStream (src/ops/streams.ts calls it), without a wrapper of its own.
    onSubscribe({ args }) {
      const started = performance.now();
      return {
        onSubscribeResult({ result }) {
          const labels = labelsOf(args.document, args.operationName, args.contextValue);
          const seconds = (performance.now() - started) / 1000;
          phaseSubscribe.histogram.observe(labels, seconds);
          count(labels, isAsyncIterable(result) ? 'ok' : outcomeOf(result));
          if (isAsyncIterable(result)) return;
          requestDuration.histogram.observe(labels, seconds);
          for (const error of result.errors ?? []) subscriptionError(labels, error);
        },
      };
    },
  };

  /** One open stream's figures: errors in its results, its life and how it ended. */
  class StreamFigures implements StreamObservation {
    private readonly started = performance.now();
    constructor(private readonly labels: Labels) {}
    result(result: unknown) {
      const errors = (result as ExecutionResult | null)?.errors;
      if (errors) for (const error of errors) subscriptionError(this.labels, error);
    }
    ended(failure?: { error: unknown }) {
      requestDuration.histogram.observe(this.labels, (performance.now() - this.started) / 1000);
      if (!failure) return;
      count(this.labels, 'error');
      subscriptionError(this.labels, failure.error);
    }
  }

  return {
    plugins: [prometheus, outcomes],
    observeStream: (args) => new StreamFigures(labelsOf(args.document, args.operationName, args.contextValue)),
  };
}

/** Decisions that committed, and the delay of live events from publication to this instance. */
function decisionAndDeliveryMetrics(registry: Registry): Pick<Metrics, 'decided' | 'timeDelivery'> {
  const decisions = new Counter({
    name: 'approval_decisions_total',
    help: 'Approval decisions that committed, by kind and resulting status',
    labelNames: ['kind', 'status'],
    registers: [registry],
  });
  const delivery = new Histogram({
    name: 'graphql_event_delivery_seconds',
    help: 'Delay of a live event from its publication to its arrival on this instance (through Redis when set), once per event, seconds',
    labelNames: ['topic'],
    buckets: DELIVERY_BUCKETS,
    registers: [registry],
  });

  return {
    decided: (kind, status) => decisions.inc({ kind, status }),
    timeDelivery(pubsub) {
      // However many subscriptions of this instance receive an event, it is observed once (by its id).
      const observed = new Set<string>();
      const observe = (topic: string, payload: unknown) => {
        const { at, id } = (payload ?? {}) as { at?: unknown; id?: unknown };
        const published = typeof at === 'string' ? Date.parse(at) : NaN;
        if (Number.isNaN(published)) return;
        if (typeof id === 'string') {
          if (observed.has(id)) return;
          observed.add(id);
          if (observed.size > 10_000) observed.delete(observed.values().next().value!);
        }
        // Clocks of two instances may disagree by a little: never a negative delay.
        delivery.observe({ topic }, Math.max(0, Date.now() - published) / 1000);
      };
      const subscribe = ((topic: string, ...rest: unknown[]) =>
        pipe(
          (pubsub.subscribe as unknown as (...args: unknown[]) => AsyncIterable<unknown>)(topic, ...rest),
          map((payload: unknown) => {
            observe(topic, payload);
            return payload;
          }),
        )) as PubSub['subscribe'];
      return { publish: pubsub.publish, subscribe };
    },
  };
}

/** Gauges read when Prometheus scrapes: sockets, subscriptions, pending approvals, the pool. */
function scrapeTimeGauges(registry: Registry, db: Db, log: Logger, databaseFaults: DatabaseFaults): Metrics['collectFrom'] {
  let sources: MetricSources | null = null;
  new Gauge({
    name: 'graphql_ws_sockets_open',
    help: 'Open graphql-ws sockets',
    registers: [registry],
    collect() {
      if (sources) this.set(sources.openSockets());
    },
  });
  new Gauge({
    name: 'graphql_subscriptions_open',
    help: 'Open subscription streams by transport (ws: graphql-ws, sse: server-sent events)',
    labelNames: ['transport'],
    registers: [registry],
    collect() {
      if (!sources) return;
      const open = sources.openSubscriptions();
      this.set({ transport: 'ws' }, open.ws);
      this.set({ transport: 'sse' }, open.sse);
    },
  });
  new Gauge({
    name: 'approval_requests_pending',
    help: 'Pending approval requests by kind, across organizations (read at scrape time)',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      try {
        const rows = await db.approvalRequest.groupBy({ by: ['kind'], where: { status: 'PENDING' }, _count: { _all: true } });
        const byKind = new Map(rows.map((r) => [r.kind as string, r._count._all]));
        for (const kind of new Set<string>([...APPROVAL_KINDS, ...byKind.keys()])) this.set({ kind }, byKind.get(kind) ?? 0);
      } catch (error) {
        // A scrape while the database is unreachable keeps the last figures; /ready says why.
        if (!databaseFaults.report(error, 'a metrics scrape')) log.warn({ err: error }, 'metrics: could not count pending approvals');
      }
    },
  });
  new Gauge({
    name: 'pubsub_redis_up',
    help: 'Whether live events reach other instances through Redis (1), or Redis is unreachable and they do not (0); absent without REDIS_URL',
    registers: [registry],
    collect() {
      const delivery = sources?.delivery?.();
      if (delivery && delivery !== 'in-process') this.set(delivery === 'redis' ? 1 : 0);
    },
  });
  new Counter({
    name: 'pubsub_publish_failures_total',
    help: 'Live events Redis did not take (not delivered to other instances)',
    registers: [registry],
    collect() {
      // The count lives in src/pubsub.ts; the counter shows it as of the scrape.
      const failed = sources?.failedPublishes?.();
      if (failed === undefined) return;
      this.reset();
      this.inc(failed);
    },
  });
  new Gauge({
    name: 'db_pool_clients',
    help: 'PostgreSQL pool clients by state (total, idle, waiting for a client) and the pool size (max)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const pool = sources?.pool?.();
      if (!pool) return;
      for (const state of ['total', 'idle', 'waiting', 'max'] as const) this.set({ state }, pool[state]);
    },
  });

  return (s) => {
    sources = s;
  };
}

/** /metrics: on the API's port behind METRICS_TOKEN, or on a listener of its own (METRICS_PORT). */
function metricsEndpoint(registry: Registry, config: Pick<Config, 'METRICS_TOKEN' | 'METRICS_PORT'>, log: Logger): Pick<Metrics, 'serveOnApiPort' | 'listen' | 'close'> {
  const refuse = (res: ServerResponse) =>
    json(res, 401, { error: 'Metrics need Authorization: Bearer <METRICS_TOKEN>.' }, { 'www-authenticate': 'Bearer realm="metrics"' });
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    if (config.METRICS_TOKEN && !bearerMatches(req.headers.authorization, config.METRICS_TOKEN)) return void refuse(res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return void json(res, 405, { error: 'Use GET.' }, { allow: 'GET, HEAD' });
    const body = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
  };

  const listener = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return void json(res, 404, { error: 'Only /metrics is served here.' });
    serve(req, res).catch((error) => {
      log.error({ err: error }, 'metrics: scrape failed');
      if (!res.headersSent) json(res, 500, { error: 'The metrics could not be collected.' });
    });
  });

  return {
    async serveOnApiPort(req, res) {
      if (config.METRICS_PORT !== undefined) return void json(res, 404, { error: 'Metrics are not served on this port.' });
      if (!config.METRICS_TOKEN)
        return void json(res, 404, { error: 'Metrics are off: set METRICS_TOKEN to serve them here behind a bearer token, or METRICS_PORT to serve them on a port of their own.' });
      await serve(req, res);
    },
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(port, host, () => resolve((listener.address() as AddressInfo).port));
      }),
    close: () => new Promise((resolve) => (listener.listening ? listener.close(() => resolve()) : resolve())),
  };
}
