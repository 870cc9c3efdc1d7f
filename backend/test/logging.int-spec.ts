import request from 'supertest';

import { loadEnvironment } from './environment';
import { modelServerProxy, startBackendProcess, until } from './helpers';

/**
 * Structured logs across processes: the built API and a separate worker process (as in compose and Kubernetes),
 * real Redis, the real TorchServe behind a recording proxy. A request id is followed from the API's log line to
 * the worker's and to the model-server call; no review text reaches a log.
 */
const start = (env: Record<string, string>) =>
  startBackendProcess({ NODE_ENV: 'test', HOST: '127.0.0.1', LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env });

const SECRET_REVIEW = 'Une photographie zygomatique, un scénario inoubliable.';

describe('structured logs with a request id', () => {
  it('carry the caller’s X-Request-Id from the API log to the worker log and the model-server call, and no review text (the API never calls the model server)', async () => {
    const { modelServerUrl, redisUrl } = loadEnvironment();
    const proxy = await modelServerProxy(modelServerUrl);
    const shared = { REDIS_URL: redisUrl, QUEUE_PREFIX: `logs-${Date.now()}`, MODEL_SERVER_URL: proxy.url, CHUNK_SIZE: '5' };
    // The API is given a model-server address where nothing listens: an API-only process must never call the model
    // server (in Kubernetes only workers reach it); it reads the workers' report through Redis.
    const api = await start({ ...shared, APP_ROLE: 'api', MODEL_SERVER_URL: 'http://127.0.0.1:9' });
    const worker = await start({ ...shared, APP_ROLE: 'worker' });
    try {
      const http = request(`http://127.0.0.1:${api.port}`);
      const reviews = Array.from({ length: 12 }, (_, i) => ({ id: `r${i}`, text: i === 3 ? SECRET_REVIEW : 'Un film magnifique.' }));
      const created = await http.post('/api/v1/jobs').set('X-Request-Id', 'trace-7f3a-0001').send({ reviews }).expect(202);
      expect(created.headers['x-request-id']).toBe('trace-7f3a-0001');
      await until(async () => (await http.get(`/api/v1/jobs/${created.body.id}`)).body.state === 'completed', 60_000);
      await until(async () => worker.lines.some((line) => line.includes('job finished')), 10_000);

      const parsed = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const apiLog = parsed(api.lines);
      const workerLog = parsed(worker.lines);
      expect(apiLog).toContainEqual(
        expect.objectContaining({ role: 'api', requestId: 'trace-7f3a-0001', msg: 'POST /api/v1/jobs 202', req: { method: 'POST', path: '/api/v1/jobs' } }),
      );
      const chunks = workerLog.filter((line) => line.msg === 'chunk classified');
      expect(chunks).toHaveLength(3);
      for (const line of chunks) expect(line).toMatchObject({ role: 'worker', requestId: 'trace-7f3a-0001', jobId: created.body.id });
      expect(workerLog).toContainEqual(expect.objectContaining({ msg: 'job finished', requestId: 'trace-7f3a-0001', state: 'completed' }));
      const chunkCalls = proxy.calls.filter((call) => call.path === '/predictions/allocine-sentiment');
      expect(chunkCalls.map((call) => call.requestId)).toEqual(['trace-7f3a-0001', 'trace-7f3a-0001', 'trace-7f3a-0001']);

      // Without one (or with one that is not an id), the API makes one up and says which.
      const made = await http.post('/api/v1/predictions').send({ text: SECRET_REVIEW }).expect(200);
      expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const refused = await http.get('/api/v1/model').set('X-Request-Id', 'not an id\u00e9').expect(200);
      expect(refused.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(proxy.calls.map((call) => call.requestId)).toContain(made.headers['x-request-id']);

      for (const line of [...api.lines, ...worker.lines]) expect(line).not.toContain('zygomatique');

      // What the API knows of the model came from the worker's report.
      const ready = await http.get('/api/v1/health/ready');
      expect(ready.body.details?.modelServer ?? ready.body.checks?.modelServer).toMatchObject({ status: 'up', torchserve: expect.stringMatching(/^(probe classified|allocine-embedded-ngram 1\.0 loaded)$/) });
      expect(refused.body).toMatchObject({ name: 'allocine-embedded-ngram', serving: { chunkSize: 5 } });
    } finally {
      api.child.kill('SIGKILL');
      worker.child.kill('SIGKILL');
      await proxy.close();
    }
  }, 120_000);

  it('leave Nest’s start-up chatter (a line per module loaded, per route mapped) to debug: info keeps the useful lines', async () => {
    const { modelServerUrl, redisUrl } = loadEnvironment();
    const shared = { REDIS_URL: redisUrl, QUEUE_PREFIX: `chatter-${Date.now()}`, MODEL_SERVER_URL: modelServerUrl, APP_ROLE: 'api' };
    const parsed = (lines: string[]) => lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { context?: string; level: number });
    const chatter = (line: { context?: string }) => ['InstanceLoader', 'RoutesResolver', 'RouterExplorer'].includes(line.context ?? '');
    const info = await start(shared);
    const debug = await start({ ...shared, LOG_LEVEL: 'debug' });
    try {
      await until(async () => parsed(info.lines).some((line) => line.context === 'Bootstrap'), 10_000);
      expect(parsed(info.lines).filter(chatter)).toEqual([]);
      const shown = parsed(debug.lines).filter(chatter);
      expect(shown.length).toBeGreaterThan(10);
      expect(shown.every((line) => line.level === 20)).toBe(true);
    } finally {
      info.child.kill('SIGKILL');
      debug.child.kill('SIGKILL');
    }
  }, 120_000);
});
