// OpenTelemetry traces, off unless the standard OTEL_* variables ask for them. When on: a server
// span per HTTP request (continuing the caller's `traceparent`) and per graphql-ws operation, under
// it a span for parse and validate (ours) and execute (envelop's plugin), a span per SQL statement
// (Prisma's instrumentation, and ours for statements sent through the driver itself) and one per
// approval decision. When off, nothing is registered and every wrapper here calls straight through.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getCurrentOtelContext, useOpenTelemetry } from '@envelop/opentelemetry';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Context, type Link, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  ParentBasedSampler,
  SamplingDecision,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import { PrismaInstrumentation } from '@prisma/instrumentation';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.ts';
import type { SqlDriver } from '../db/client.ts';

export interface Tracing {
  /** Envelop plugins: spans for parse, validate and execute (HTTP and graphql-ws alike). */
  plugins: Plugin[];
  /** Runs the handling of an HTTP request inside its server span, named by its route (few of them, unlike paths). */
  request<T>(req: IncomingMessage, res: ServerResponse, route: string, requestId: string, work: () => T): T;
  /** Runs `work` inside a span of its own (`server`: work that a client's message started); the spans `work` starts are its children. */
  span<T>(name: string, attributes: Attributes, work: () => Promise<T>, kind?: 'internal' | 'server'): Promise<T>;
  /** The driver, with a span per statement like Prisma's (its statements bypass Prisma's instrumentation). */
  statements(driver: SqlDriver): SqlDriver;
  /** Flushes what is buffered and unregisters the SDK. */
  shutdown(): Promise<void>;
}

export const SERVICE_NAME = 'governance-api';
/** A span per SQL statement: Prisma's, and ours for statements sent straight through the driver. */
const isStatement = (spanName: string) => spanName.startsWith('prisma:') || spanName === 'db_query';

const off: Tracing = {
  plugins: [],
  request: (_req, _res, _route, _requestId, work) => work(),
  span: (_name, _attributes, work) => work(),
  statements: (driver) => driver,
  shutdown: async () => {},
};

/**
 * The exporters the environment asks for: OTEL_TRACES_EXPORTER (`otlp`, `console`, `none`, or a
 * list), else `otlp` when an OTLP endpoint is set, else none. OTEL_SDK_DISABLED wins over both.
 */
export function tracesExporters(config: Pick<Config, 'OTEL_SDK_DISABLED' | 'OTEL_TRACES_EXPORTER' | 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'>): ('otlp' | 'console')[] {
  if (config.OTEL_SDK_DISABLED) return [];
  const named = config.OTEL_TRACES_EXPORTER ?? (config.OTEL_EXPORTER_OTLP_ENDPOINT || config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? ['otlp'] : []);
  return [...new Set(named.filter((e): e is 'otlp' | 'console' => e !== 'none'))];
}

/** OTEL_TRACES_SAMPLER and its argument, as the specification names them (default parentbased_always_on). */
export function samplerFromConfig(config: Pick<Config, 'OTEL_TRACES_SAMPLER' | 'OTEL_TRACES_SAMPLER_ARG'>): Sampler {
  const ratio = () => new TraceIdRatioBasedSampler(config.OTEL_TRACES_SAMPLER_ARG ?? 1);
  switch (config.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on') {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/**
 * SQL statements outside any request, decision or other span (the scheduler polls every second)
 * would each make a trace of their own: they are not recorded, nor those under an unrecorded one.
 */
export class WithoutStrayStatements implements Sampler {
  constructor(private readonly base: Sampler) {}
  shouldSample(parent: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    if (isStatement(name)) {
      const parentSpan = trace.getSpanContext(parent);
      if (!parentSpan || !(parentSpan.traceFlags & TraceFlags.SAMPLED)) return { decision: SamplingDecision.NOT_RECORD };
    }
    return this.base.shouldSample(parent, traceId, name, kind, attributes, links);
  }
  toString() {
    return `WithoutStrayStatements{${this.base.toString()}}`;
  }
}

/**
 * The SDK the environment configures, or null (the default: no tracing). The OTLP exporter (HTTP
 * with protobuf) reads its own OTEL_EXPORTER_OTLP_* settings (endpoint, headers, timeout), the
 * batch processor OTEL_BSP_*, the resource OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
 * `alsoTo` receives every span as it ends, and turns tracing on by itself (tests).
 */
export function tracerProviderFromConfig(config: Config, alsoTo?: SpanExporter): NodeTracerProvider | null {
  const spanProcessors = tracesExporters(config).map((e) =>
    e === 'console' ? new SimpleSpanProcessor(new ConsoleSpanExporter()) : new BatchSpanProcessor(new OTLPTraceExporter()),
  );
  if (alsoTo) spanProcessors.push(new SimpleSpanProcessor(alsoTo));
  if (!spanProcessors.length) return null;
  const resource = resourceFromAttributes({ 'service.name': SERVICE_NAME }).merge(detectResources({ detectors: [envDetector] }));
  return new NodeTracerProvider({ resource, sampler: new WithoutStrayStatements(samplerFromConfig(config)), spanProcessors });
}

function failed(span: Span, error: unknown) {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** Spans for the parse and validate phases, parented like envelop's execute span. */
function usePhaseSpans(tracer: Tracer): Plugin {
  return {
    onParse({ context: graphqlContext }) {
      const span = tracer.startSpan('graphql.parse', {}, getCurrentOtelContext(graphqlContext));
      return ({ result }) => {
        if (result instanceof Error) failed(span, result);
        span.end();
      };
    },
    onValidate({ context: graphqlContext }) {
      const span = tracer.startSpan('graphql.validate', {}, getCurrentOtelContext(graphqlContext));
      return ({ valid, result }) => {
        if (!valid) span.setStatus({ code: SpanStatusCode.ERROR, message: result.map((e) => e.message).join('; ').slice(0, 500) });
        span.end();
      };
    },
  };
}

/**
 * Registers `provider` for the process (context manager, W3C propagation, Prisma's query spans)
 * and returns the app's tracing; `off` without a provider.
 */
export function startTracing(provider: NodeTracerProvider | null): Tracing {
  if (!provider) return off;
  provider.register();
  const prisma = new PrismaInstrumentation({ enabled: false });
  prisma.setTracerProvider(provider);
  prisma.enable();
  const tracer = provider.getTracer(SERVICE_NAME);

  return {
    plugins: [
      usePhaseSpans(tracer),
      // Variables and results can hold PII: never recorded. The document is, unless it has inline arguments.
      useOpenTelemetry({ resolvers: false, variables: false, result: false }, provider, SpanKind.INTERNAL, {}, SERVICE_NAME) as Plugin,
    ],
    request(req, res, route, requestId, work) {
      const parent = propagation.extract(ROOT_CONTEXT, req.headers);
      const span = tracer.startSpan(
        `${req.method} ${route}`,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET', 'http.route': route, 'url.path': (req.url ?? '/').split('?')[0]!, 'request.id': requestId } },
        parent,
      );
      res.once('close', () => {
        span.setAttribute('http.response.status_code', res.statusCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
      return context.with(trace.setSpan(parent, span), work);
    },
    span(name, attributes, work, kind = 'internal') {
      return tracer.startActiveSpan(name, { attributes, kind: kind === 'server' ? SpanKind.SERVER : SpanKind.INTERNAL }, async (span) => {
        try {
          return await work();
        } catch (error) {
          failed(span, error);
          throw error;
        } finally {
          span.end();
        }
      });
    },
    statements(driver) {
      // The options go through: planEachTime decides PostgreSQL's plan for long scope lists.
      const all = <T,>(sql: string, params: readonly unknown[], options?: { planEachTime?: boolean }) =>
        tracer.startActiveSpan('db_query', { kind: SpanKind.CLIENT, attributes: { 'db.query.text': sql, 'db.system.name': driver.provider } }, async (span): Promise<T[]> => {
          try {
            return await driver.all<T>(sql, params, options);
          } catch (error) {
            failed(span, error);
            throw error;
          } finally {
            span.end();
          }
        });
      return { provider: driver.provider, all, poolStats: () => driver.poolStats(), close: () => driver.close() };
    },
    async shutdown() {
      prisma.disable();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
