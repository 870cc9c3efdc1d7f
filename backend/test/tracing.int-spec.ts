import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';

import { loadConfig } from '../src/config/app-config';
import { startTracing } from '../src/tracing/tracing';
import { loadEnvironment } from './environment';
import { appsClosedAfterEach, modelServerProxy, until, waitForJob } from './helpers';

/**
 * OpenTelemetry traces across the real stack (Redis, TorchServe behind a recording proxy), kept in memory:
 * one trace from the caller's traceparent through the API, the queue and the worker to the model server.
 */
const exporter = new InMemorySpanExporter();
startTracing(loadConfig({ NODE_ENV: 'test' }), exporter);

const apps = appsClosedAfterEach();
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

const byName = (spans: ReadableSpan[], name: string) => spans.filter((span) => span.name === name);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('traces', () => {
  beforeEach(() => exporter.reset());

  it('follow a job from the caller through the API, the queue and each chunk to the model server', async () => {
    const proxy = await modelServerProxy(loadEnvironment().modelServerUrl);
    try {
      const target = await apps.start({ MODEL_SERVER_URL: proxy.url, CHUNK_SIZE: '4' });
      const reviews = Array.from({ length: 10 }, (_, i) => ({ text: i % 2 ? 'Nul et ennuyeux.' : 'Un film magnifique.' }));
      const created = await target.http.post('/api/v1/jobs').set('traceparent', `00-${CALLER_TRACE}-${CALLER_SPAN}-01`).send({ reviews }).expect(202);
      await waitForJob(target, created.body.id, 60_000);
      await until(async () => byName(exporter.getFinishedSpans(), 'finish job').length === 1, 10_000);
      const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === CALLER_TRACE);

      const [server] = byName(spans, 'POST /api/v1/jobs');
      expect(server.kind).toBe(SpanKind.SERVER);
      expect(parentOf(server)).toBe(CALLER_SPAN);
      expect(server.attributes).toMatchObject({ 'http.route': '/api/v1/jobs', 'http.response.status_code': 202 });
      const [queued] = byName(spans, 'queue job');
      expect(queued.kind).toBe(SpanKind.PRODUCER);
      expect(parentOf(queued)).toBe(server.spanContext().spanId);
      expect(queued.attributes).toMatchObject({ 'job.id': created.body.id, 'job.chunks': 3 });

      const chunks = byName(spans, 'classify chunk');
      expect(chunks).toHaveLength(3);
      const calls = byName(spans, 'model-server predict');
      expect(calls).toHaveLength(3);
      for (const chunk of chunks) {
        expect(chunk.kind).toBe(SpanKind.CONSUMER);
        expect(parentOf(chunk)).toBe(queued.spanContext().spanId);
        expect(calls.filter((call) => parentOf(call) === chunk.spanContext().spanId)).toHaveLength(1);
      }
      expect(parentOf(byName(spans, 'finish job')[0])).toBe(queued.spanContext().spanId);

      // TorchServe was called with each client span as the parent in traceparent.
      const sent = proxy.calls.filter((call) => call.path === '/predictions/allocine-sentiment').map((call) => call.traceparent);
      expect(sent.sort()).toEqual(calls.map((call) => `00-${CALLER_TRACE}-${call.spanContext().spanId}-01`).sort());
    } finally {
      await proxy.close();
    }
  });

  it('start a trace for a prediction without a traceparent, and mark a failed request', async () => {
    const target = await apps.start({});
    await target.http.post('/api/v1/predictions').send({ text: 'Un film magnifique.' }).expect(200);
    await target.http.post('/api/v1/predictions').send({ text: '' }).expect(400);
    await until(async () => byName(exporter.getFinishedSpans(), 'model-server predict').length >= 1, 10_000);
    const spans = exporter.getFinishedSpans();
    const servers = byName(spans, 'POST /api/v1/predictions');
    expect(servers.map((span) => span.attributes['http.response.status_code']).sort()).toEqual([200, 400]);
    const ok = servers.find((span) => span.attributes['http.response.status_code'] === 200) as ReadableSpan;
    expect(parentOf(ok)).toBeUndefined();
    const trace = spans.filter((span) => span.spanContext().traceId === ok.spanContext().traceId).map((span) => span.name);
    expect(trace.sort()).toEqual(['POST /api/v1/predictions', 'model-server predict', 'predict', 'queue predictions']);
  });
});
