import { Attributes, Context, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

import { AppConfig } from '../config/app-config';

/**
 * OpenTelemetry traces, API → queue → worker → model server, exported over OTLP/HTTP when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set and off otherwise (every span below is then a no-op). The trace context
 * crosses the queue in the job's data (`trace`, W3C traceparent) and reaches the model server as `traceparent`.
 */
let provider: NodeTracerProvider | undefined;

/** Once per process, before the app is created; `exporter` is for tests (spans kept in memory). */
export function startTracing(config: AppConfig, exporter?: SpanExporter): void {
  if (provider || (!exporter && !config.OTEL_EXPORTER_OTLP_ENDPOINT)) return;
  const processor = exporter
    ? new SimpleSpanProcessor(exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter({ url: `${config.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/$/, '')}/v1/traces` }));
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.OTEL_SERVICE_NAME ?? `allocine-sentiment-${config.APP_ROLE}` }),
    spanProcessors: [processor],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
}

/** Sends what is buffered (the app is stopping). The provider stays: a process may hold another app (tests). */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}

const tracer = () => trace.getTracer('allocine-sentiment');

/** Trace context to carry in job data or HTTP headers: the active span's, or none when tracing is off. */
export type TraceCarrier = Record<string, string>;

export function traceCarrier(from: Context = context.active()): TraceCarrier | undefined {
  const carrier: TraceCarrier = {};
  propagation.inject(from, carrier);
  return Object.keys(carrier).length ? carrier : undefined;
}

/**
 * Run `work` in a new span: a child of the trace `carrier` names (a job's data, an incoming request's headers),
 * else of the active span. Failures are recorded on the span and rethrown.
 */
export function inSpan<T>(name: string, kind: SpanKind, attributes: Attributes, work: (span: Span) => Promise<T>, carrier?: TraceCarrier): Promise<T> {
  const parent = carrier ? propagation.extract(ROOT_CONTEXT, carrier) : context.active();
  return tracer().startActiveSpan(name, { kind, attributes }, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A server span for an incoming HTTP request, child of the caller's `traceparent` when it sends one. */
export function startServerSpan(method: string, path: string, headers: Record<string, unknown>): { span: Span; context: Context } {
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const span = tracer().startSpan(`${method} ${path}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

export { SpanKind, SpanStatusCode, context as otelContext };
