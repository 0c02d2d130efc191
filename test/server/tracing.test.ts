/**
 * Optional OpenTelemetry tracing: with GATEWAY_OTEL_TRACING=true every operation, on HTTP and
 * WebSocket alike, produces a span named after the operation (type and name as attributes); the
 * variables are never recorded. Off by default. Spans go to an in-memory exporter here instead of
 * OTLP.
 */
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { startTransportGateway, type TransportGateway } from './transports.js';

const gateways: TransportGateway[] = [];
afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
});

const operation = {
  query: 'query ScopedDevices($h: String) { devices(first: 2, where: { hostname: { contains: $h } }) { totalCount } }',
  operationName: 'ScopedDevices',
  variables: { h: 'secret-looking-input' },
};

describe('OpenTelemetry tracing', () => {
  it('is off by default, with the SDK endpoint variables honoured when on', () => {
    expect(loadConfig({}).tracing).toEqual({ enabled: false, endpoint: 'http://127.0.0.1:4318/v1/traces', serviceName: 'borealis-graphql-gateway' });
    expect(loadConfig({ GATEWAY_OTEL_TRACING: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/', OTEL_SERVICE_NAME: 'gw-eu' }).tracing).toEqual({
      enabled: true,
      endpoint: 'http://collector:4318/v1/traces',
      serviceName: 'gw-eu',
    });
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http/);
  });

  it('traces operations on HTTP and WebSocket, without their variables', async () => {
    const exporter = new InMemorySpanExporter();
    const g = await startTransportGateway({ env: { LOG_LEVEL: 'silent', GATEWAY_OTEL_TRACING: 'true' }, spans: new SimpleSpanProcessor(exporter) });
    gateways.push(g);
    for (const transport of ['http', 'websocket'] as const) {
      exporter.reset();
      const response = await g.call(transport, 'admin', operation);
      expect(response.errors).toBeUndefined();
      const spans = exporter.getFinishedSpans();
      const execute = spans.find((span) => span.attributes['graphql.execute.operationName'] === 'ScopedDevices');
      expect(execute, `${transport}: ${spans.map((s) => s.name).join(', ')}`).toBeDefined();
      expect(execute!.name).toBe('query.ScopedDevices');
      expect(execute!.attributes['graphql.execute.operationType']).toBe('query');
      expect(JSON.stringify(spans.map((span) => span.attributes))).not.toContain('secret-looking-input');
    }
  });

  it('records nothing when off', async () => {
    const exporter = new InMemorySpanExporter();
    const g = await startTransportGateway({ env: { LOG_LEVEL: 'silent' }, spans: new SimpleSpanProcessor(exporter) });
    gateways.push(g);
    expect((await g.call('http', 'admin', operation)).errors).toBeUndefined();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
