import { Queue } from 'bullmq';

import { BATCH_QUEUE } from '../src/queue/queue.constants';
import { redisOptions } from '../src/redis/redis-options';
import { loadEnvironment } from './environment';
import { RunningApp, modelServerProxy, sleep, startApp, waitForJob } from './helpers';

const REVIEW = 'Un film magnifique, des acteurs bouleversants.';

/** Resolves once the API has read the serving profile the model server describes. */
async function servingProfile(target: RunningApp, chunkSize: number) {
  for (let i = 0; i < 50; i++) {
    const { body } = await target.http.get('/api/v1/model');
    if (body.serving?.chunkSize === chunkSize) return body.serving;
    await sleep(200);
  }
  throw new Error(`the API never took chunkSize ${chunkSize} from the model server`);
}

describe('the serving profile comes from the model server', () => {
  let proxy: Awaited<ReturnType<typeof modelServerProxy>>;
  let target: RunningApp;
  let batch: Queue;

  beforeAll(async () => {
    proxy = await modelServerProxy(loadEnvironment().modelServerUrl, { profile: { chunkSize: 7, chunkConcurrency: 2 } });
    target = await startApp({ MODEL_SERVER_URL: proxy.url });
    batch = new Queue(BATCH_QUEUE, { connection: redisOptions(loadEnvironment().redisUrl), prefix: target.config.QUEUE_PREFIX });
  });

  afterAll(async () => {
    await batch.close();
    await target.close();
    await proxy.close();
  });

  it('sizes job chunks and chunk concurrency by it, with no environment variable set', async () => {
    const serving = await servingProfile(target, 7);
    expect(serving).toMatchObject({ chunkConcurrency: 2, timeouts: { modelCallMs: 45_000 }, acceleration: 'torch-fp32' });
    const input = Array.from({ length: 20 }, (_, i) => ({ id: `r${i}`, text: REVIEW }));
    const created = await target.http.post('/api/v1/jobs').send({ reviews: input }).expect(202);
    const status = await waitForJob(target, created.body.id);
    expect(status).toMatchObject({ state: 'completed', progress: { done: 20, total: 20, failed: 0 } });
    const chunkCalls = proxy.calls.filter((call) => call.path === '/predictions/allocine-sentiment');
    expect(chunkCalls).toHaveLength(3); // 7 + 7 + 6 reviews
    expect(await batch.getJob(`${created.body.id}-chunk-2`)).toBeDefined();
    expect(await batch.getJob(`${created.body.id}-chunk-3`)).toBeUndefined();
    expect(await batch.getGlobalConcurrency()).toBe(3); // two chunks and the finalize step
  });

  it('sends single predictions to the interactive lane with the caller\'s deadline', async () => {
    const before = Date.now();
    await target.http.post('/api/v1/predictions').send({ text: REVIEW }).expect(200);
    const single = proxy.calls.filter((call) => call.path === '/predictions/allocine-sentiment-interactive').at(-1);
    expect(Number(single?.deadline)).toBeGreaterThanOrEqual(before + target.config.PREDICT_TIMEOUT_MS - 50);
    expect(Number(single?.deadline)).toBeLessThanOrEqual(Date.now() + target.config.PREDICT_TIMEOUT_MS);
  });
});

describe('interactive requests do not wait behind job chunks', () => {
  it('answers a single prediction at once while a slow job holds the bulk lane', async () => {
    // Every chunk takes 1.5 s at the model server, and only one is in flight at a time.
    const proxy = await modelServerProxy(loadEnvironment().modelServerUrl, {
      delayMs: (path) => (path === '/predictions/allocine-sentiment' ? 1_500 : 0),
    });
    const target = await startApp({ MODEL_SERVER_URL: proxy.url, CHUNK_SIZE: '5', CHUNK_CONCURRENCY: '1' });
    try {
      const input = Array.from({ length: 40 }, (_, i) => ({ id: `r${i}`, text: REVIEW }));
      const created = await target.http.post('/api/v1/jobs').send({ reviews: input }).expect(202);
      await sleep(300);
      const started = Date.now();
      const { body } = await target.http.post('/api/v1/predictions').send({ text: REVIEW }).expect(200);
      expect(body.label).toBe('positive');
      expect(Date.now() - started).toBeLessThan(1_000); // far less than even one chunk
      const during = await target.http.get(`/api/v1/jobs/${created.body.id}`).expect(200);
      expect(during.body.state).not.toBe('completed'); // eight chunks of 1.5 s: the job is still going
      const status = await waitForJob(target, created.body.id);
      expect(status.progress).toEqual({ done: 40, total: 40, failed: 0 });
    } finally {
      await target.close();
      await proxy.close();
    }
  }, 60_000);
});
