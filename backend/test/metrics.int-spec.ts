import { appsClosedAfterEach, sleep, until, waitForJob } from './helpers';

/** Prometheus metrics against the real Redis and TorchServe: how far behind the workers are. */
const apps = appsClosedAfterEach();

function gauge(metrics: string, name: string, labels: string): number {
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}}`));
  if (!line) throw new Error(`no ${name}{${labels}} in /metrics`);
  return Number(line.split(' ').pop());
}

describe('the queue-age gauge', () => {
  it('grows while a job waits for a worker, and falls back to 0 once a worker has taken it', async () => {
    const api = await apps.start({ APP_ROLE: 'api', CHUNK_SIZE: '5' });
    const created = await api.http
      .post('/api/v1/jobs')
      .send({ reviews: Array.from({ length: 10 }, () => ({ text: 'Un film magnifique.' })) })
      .expect(202);
    await sleep(1_500);
    const waiting = (await api.http.get('/metrics').expect(200)).text;
    expect(gauge(waiting, 'allocine_queue_oldest_waiting_seconds', 'queue="batch"')).toBeGreaterThanOrEqual(1.4);
    expect(gauge(waiting, 'allocine_queue_oldest_waiting_seconds', 'queue="predictions"')).toBe(0);
    expect(gauge(waiting, 'allocine_queue_oldest_waiting_seconds', 'queue="webhooks"')).toBe(0);

    // A worker process of its own on the same queues: it takes the chunks, the age drops to 0.
    await apps.start({ APP_ROLE: 'worker', QUEUE_PREFIX: api.config.QUEUE_PREFIX });
    expect(await waitForJob(api, created.body.id, 30_000)).toMatchObject({ state: 'completed' });
    await until(async () => gauge((await api.http.get('/metrics')).text, 'allocine_queue_oldest_waiting_seconds', 'queue="batch"') === 0, 10_000);
  });
});
