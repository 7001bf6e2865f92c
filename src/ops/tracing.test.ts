import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { AlwaysOnSampler, ParentBasedSampler, SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-node';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { samplerFromConfig, tracerProviderFromConfig, tracesExporters, WithoutStrayStatements } from './tracing.ts';

const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32), DATABASE_URL: 'file:/tmp/gov-tracing-unit/x.db' };
const configOf = (env: Record<string, string>) => loadConfig({ ...base, ...env });

describe('tracing settings', () => {
  it('are off by default, on with an OTLP endpoint or an exporter named', () => {
    expect(tracesExporters(configOf({}))).toEqual([]);
    expect(tracerProviderFromConfig(configOf({}))).toBeNull();
    expect(tracesExporters(configOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }))).toEqual(['otlp']);
    expect(tracesExporters(configOf({ OTEL_TRACES_EXPORTER: 'console,otlp' }))).toEqual(['console', 'otlp']);
    expect(tracesExporters(configOf({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }))).toEqual([]);
    expect(tracesExporters(configOf({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }))).toEqual([]);
  });

  it('refuse what the server cannot do, naming the variable', () => {
    const message = (env: Record<string, string>) => {
      try {
        configOf(env);
      } catch (error) {
        if (error instanceof ConfigError) return error.message.split('\n').slice(1);
        throw error;
      }
      return [];
    };
    expect(message({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toEqual(['  OTEL_EXPORTER_OTLP_PROTOCOL: only http/protobuf is supported (OTLP over HTTP, port 4318)']);
    expect(message({ OTEL_TRACES_EXPORTER: 'zipkin' })).toEqual(['  OTEL_TRACES_EXPORTER.0: must be otlp, console or none (a comma-separated list)']);
    expect(message({ METRICS_TOKEN: 'short' })).toEqual(['  METRICS_TOKEN: must be at least 16 characters']);
    expect(message({ OTEL_TRACES_SAMPLER_ARG: '2' })).toEqual(['  OTEL_TRACES_SAMPLER_ARG: Too big: expected number to be <=1']);
  });

  it('take the sampler from OTEL_TRACES_SAMPLER', () => {
    expect(samplerFromConfig(configOf({}))).toBeInstanceOf(ParentBasedSampler);
    expect(samplerFromConfig(configOf({ OTEL_TRACES_SAMPLER: 'always_on' }))).toBeInstanceOf(AlwaysOnSampler);
    expect(String(samplerFromConfig(configOf({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' })))).toBe(String(new TraceIdRatioBasedSampler(0.25)));
  });
});

describe('WithoutStrayStatements', () => {
  const sampler = new WithoutStrayStatements(new AlwaysOnSampler());
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const under = (flags: number) => trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: 'b7ad6b7169203331', traceFlags: flags });
  const decide = (name: string, parent = ROOT_CONTEXT) => sampler.shouldSample(parent, traceId, name, SpanKind.INTERNAL, {}, []).decision;

  it('drops SQL statements without a recorded parent, and only those', () => {
    expect(decide('prisma:client:operation')).toBe(SamplingDecision.NOT_RECORD);
    expect(decide('db_query')).toBe(SamplingDecision.NOT_RECORD);
    expect(decide('prisma:client:db_query', under(TraceFlags.NONE))).toBe(SamplingDecision.NOT_RECORD);
    expect(decide('prisma:client:db_query', under(TraceFlags.SAMPLED))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide('approval.decision')).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });
});
