/**
 * Optional OpenTelemetry tracing (GATEWAY_OTEL_TRACING=true): envelop's OpenTelemetry plugin opens a
 * span per executed operation (`query.<name>`), on every transport (it is an envelop plugin like
 * the others), exported over OTLP/HTTP. Variables, results and resolver spans stay
 * off: variables may carry what operators typed, results what the database holds.
 */
import { useOpenTelemetry } from '@envelop/opentelemetry';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Plugin } from 'graphql-yoga';
import type { TracingConfig } from '../../config/env.js';

export interface Tracing {
  plugin: Plugin;
  /** Flushes the spans still buffered (at shutdown). */
  shutdown(): Promise<void>;
}

/** `processor` replaces the OTLP exporter (tests pass an in-memory one). */
export function createTracing(config: TracingConfig, processor?: SpanProcessor): Tracing {
  const provider = new BasicTracerProvider();
  provider.addSpanProcessor(processor ?? new BatchSpanProcessor(new OTLPTraceExporter({ url: config.endpoint })));
  const plugin = useOpenTelemetry(
    { document: false, resolvers: false, defaultResolvers: false, variables: false, result: false },
    provider,
    undefined,
    undefined,
    config.serviceName,
  ) as unknown as Plugin;
  return { plugin, shutdown: () => provider.shutdown() };
}
