import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Queue } from 'bullmq';
import Redis from 'ioredis';

import { JobStore } from '../src/jobs/job.store';
import { BATCH_QUEUE } from '../src/queue/queue.constants';
import { redisOptions } from '../src/redis/redis-options';
import { REPO_ROOT, loadEnvironment } from './environment';
import { RunningApp, modelServerProxy, sleep, startApp, waitForJob } from './helpers';

/** Real Allociné-style reviews written for these tests, repeated to reach the sizes we need. */
const fixtures = readFileSync(join(REPO_ROOT, 'model-server/tests/fixtures/reviews.jsonl'), 'utf-8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { review: string; label: number });

function reviews(n: number) {
  return Array.from({ length: n }, (_, i) => ({ id: `rev-${i}`, text: fixtures[i % fixtures.length].review }));
}

/** GET a job's event stream, its body read whole as text once the server ends it. */
function eventStream(target: RunningApp, id: string) {
  return target.http
    .get(`/api/v1/jobs/${id}/events`)
    .buffer(true)
    .parse((response, done) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => done(null, text));
    });
}

describe('batch jobs (real Redis, real TorchServe)', () => {
  let target: RunningApp;

  beforeAll(async () => {
    target = await startApp({ CHUNK_SIZE: '100' });
  });
  afterAll(() => target.close());

  it('runs a 2,000-review job to completion with exactly 2,000 results in the caller order', async () => {
    const input = reviews(2000);
    const created = await target.http.post('/api/v1/jobs').send({ reviews: input }).expect(202);
    expect(created.body).toMatchObject({ state: 'queued', progress: { done: 0, total: 2000, failed: 0 } });
    expect(created.body.links.self).toBe(`/api/v1/jobs/${created.body.id}`);

    const status = await waitForJob(target, created.body.id);
    expect(status).toMatchObject({ state: 'completed', progress: { done: 2000, total: 2000, failed: 0 } });
    expect(status.summary.positive + status.summary.negative).toBe(2000);
    expect(Date.parse(status.expiresAt!) - Date.parse(status.finishedAt!)).toBe(24 * 3600 * 1000);

    const first = await target.http.get(`${status.links.results}?offset=0&limit=1000`).expect(200);
    const second = await target.http.get(`${status.links.results}?offset=1000&limit=1000`).expect(200);
    const rows = [...first.body.items, ...second.body.items];
    expect(rows).toHaveLength(2000);
    expect(rows.map((r) => r.id)).toEqual(input.map((r) => r.id));
    // Each row carries the label the model gives that very text on its own: order was kept end to end.
    const alone = await target.http.post('/api/v1/predictions').send({ texts: fixtures.map((f) => f.review) }).expect(200);
    const labelOf = new Map(fixtures.map((f, i) => [f.review, alone.body.results[i].label]));
    expect(rows.map((r) => r.label)).toEqual(input.map((r) => labelOf.get(r.text)));
    const agreed = fixtures.filter((f, i) => alone.body.results[i].label === (f.label ? 'positive' : 'negative'));
    expect(agreed.length).toBeGreaterThanOrEqual(fixtures.length - 3);
  });

  it('streams a job\'s progress as Server-Sent Events until it ends', async () => {
    const created = await target.http.post('/api/v1/jobs').send({ reviews: reviews(600) }).expect(202);
    const stream = await eventStream(target, created.body.id).expect(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = (stream.body as string)
      .split('\n\n')
      .filter((block) => block.startsWith('event:'))
      .map((block) => ({ name: /^event: (\w+)/.exec(block)![1], status: JSON.parse(/\ndata: (.*)$/m.exec(block)![1]) }));
    expect(events[0].name).toBe('progress');
    expect(events.at(-1)).toMatchObject({ name: 'end', status: { state: 'completed', progress: { done: 600, total: 600 } } });
    const done = events.map((e) => e.status.progress.done as number);
    expect(done).toEqual([...done].sort((a, b) => a - b)); // never goes back
    expect(events.filter((e) => e.name === 'end')).toHaveLength(1);
    await target.http.get(`/api/v1/jobs/00000000-0000-4000-8000-000000000000/events`).expect(404);
  });

  it('ends a watched job\'s stream with the cancelled status when the job is cancelled', async () => {
    // Chunks held 500 ms at the model server, one at a time: the job is surely running when it is cancelled
    // (on the bare embedded model a 3,000-review job could end within the 300 ms this test waits).
    const proxy = await modelServerProxy(loadEnvironment().modelServerUrl, { delayMs: (path) => (path.endsWith('allocine-sentiment') ? 500 : 0) });
    const slow = await startApp({ MODEL_SERVER_URL: proxy.url, CHUNK_SIZE: '10', CHUNK_CONCURRENCY: '1' });
    try {
      const watched = await slow.http.post('/api/v1/jobs').send({ reviews: reviews(100) }).expect(202);
      const watching = eventStream(slow, watched.body.id).then((answer) => answer.body as string);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await slow.http.post(`/api/v1/jobs/${watched.body.id}/cancel`).expect(200);
      expect(await watching).toMatch(/event: end\ndata: \{[^\n]*"state":"cancelled"/);
    } finally {
      await slow.close();
      await proxy.close();
    }
  });

  it('answers 202 with a Location, and an Idempotency-Key makes a retried POST return the same job', async () => {
    const body = { reviews: reviews(30), name: 'retry-safe' };
    const first = await target.http.post('/api/v1/jobs').set('Idempotency-Key', 'order-42').send(body).expect(202);
    expect(first.headers.location).toBe(`/api/v1/jobs/${first.body.id}`);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // Two retries at once (a client that timed out twice): still the one job.
    const [again, concurrent] = await Promise.all([
      target.http.post('/api/v1/jobs').set('Idempotency-Key', 'order-42').send(body).expect(202),
      target.http.post('/api/v1/jobs').set('Idempotency-Key', 'order-42').send(body).expect(202),
    ]);
    expect([again.body.id, concurrent.body.id]).toEqual([first.body.id, first.body.id]);
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const other = await target.http.post('/api/v1/jobs').set('Idempotency-Key', 'order-42').send({ reviews: reviews(31) }).expect(422);
    expect(other.body).toMatchObject({ type: '/api/v1/problems/idempotency-mismatch', status: 422 });
    await target.http.post('/api/v1/jobs').set('Idempotency-Key', 'order-43').send(body).expect(202);
    const bad = await target.http.post('/api/v1/jobs').set('Idempotency-Key', 'a b').send(body).expect(400);
    expect(bad.body.errors[0].message).toBe('Idempotency-Key must be printable ASCII without spaces');
    // The key's job deleted: a retry is told so at once (409), not sent a 404 for a POST nor a second job.
    await target.http.delete(`/api/v1/jobs/${first.body.id}`).expect(204);
    const started = Date.now();
    const gone = await target.http.post('/api/v1/jobs').set('Idempotency-Key', 'order-42').send(body).expect(409);
    expect(gone.body).toMatchObject({ type: '/api/v1/problems/conflict', detail: expect.stringMatching(/deleted or has expired: send a new key/) });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('accepts a CSV upload and streams the results back as CSV', async () => {
    const lines = ['ref;avis', ...fixtures.map((f, i) => `c${i};"${f.review.replace(/"/g, '""')}"`)];
    const created = await target.http
      .post('/api/v1/jobs')
      .attach('file', Buffer.from(lines.join('\n')), { filename: 'avis.csv', contentType: 'text/csv' })
      .field('textColumn', 'avis')
      .field('idColumn', 'ref')
      .field('delimiter', ';')
      .expect(202);
    const status = await waitForJob(target, created.body.id);
    expect(status.progress).toEqual({ done: fixtures.length, total: fixtures.length, failed: 0 });

    const csv = await target.http.get(`/api/v1/jobs/${status.id}/results`).set('Accept', 'text/csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const out = csv.text.trim().split('\n');
    expect(out[0]).toBe('id,text,label,score,probability_positive,uncertain,error,model_version');
    expect(out).toHaveLength(fixtures.length + 1);
    expect(out[1]).toMatch(/^c0,"Un film magnifique, des acteurs bouleversants\.",positive,0\.\d{4},0\.\d{4},(true|false),,1\.0$/);
    expect(out[2]).toMatch(/^c1,"Nul, ennuyeux, je me suis endormi\.",negative,/);
  });

  it('explains CSV problems with 400', async () => {
    const { body } = await target.http
      .post('/api/v1/jobs')
      .attach('file', Buffer.from('comment\nsuper\n'), { filename: 'x.csv', contentType: 'text/csv' })
      .expect(400);
    expect(body.detail).toMatch(/no column .*columns found: comment/);
    expect(body.columns).toEqual(['comment']);
  });

  it('rejects a job with bad reviews whole, listing them, and creates nothing', async () => {
    const { body } = await target.http
      .post('/api/v1/jobs')
      .send({ reviews: [{ text: 'Bien' }, { text: '' }, { id: 'x', text: 'a' }, { id: 'x', text: 'b' }] })
      .expect(400);
    expect(body.errors).toEqual([{ path: 'reviews.1.text', message: 'text is empty', code: 'empty' }]);
    const dup = await target.http
      .post('/api/v1/jobs')
      .send({ reviews: [{ id: 'x', text: 'a' }, { id: 'x', text: 'b' }] })
      .expect(400);
    expect(dup.body).toMatchObject({ detail: 'Review ids must be unique', errors: [{ path: 'reviews.1.id', message: 'duplicate id "x"', code: 'duplicate' }] });
    await target.http.post('/api/v1/jobs').send({ reviews: [] }).expect(400);
    await target.http.post('/api/v1/jobs').send({ reviews: reviews(10_001) }).expect(400);
  });

  it('answers 404 for unknown jobs and 400 for ids that are not job ids', async () => {
    const missing = await target.http.get('/api/v1/jobs/7b0c2f8e-2d1f-4c3a-9a57-7b2a1c0d9e11').expect(404);
    expect(missing.body).toMatchObject({ type: '/api/v1/problems/not-found', status: 404, title: 'Not found' });
    await target.http.get('/api/v1/jobs/not-a-uuid').expect(400);
    await target.http.delete('/api/v1/jobs/7b0c2f8e-2d1f-4c3a-9a57-7b2a1c0d9e11').expect(404);
  });
});

describe('live progress (Server-Sent Events)', () => {
  it('reads an idle job rarely, and tells of a change at once: JobStore announces it on Redis pub/sub', async () => {
    // No workers: the job stays queued, and nothing but the stream reads it.
    const target = await startApp({ APP_ROLE: 'api' });
    const redis = new Redis(loadEnvironment().redisUrl);
    try {
      const created = await target.http.post('/api/v1/jobs').send({ reviews: reviews(3) }).expect(202);
      const id = created.body.id as string;
      const stream = eventStream(target, id).then((response) => response);
      const jobReads = async () => Number(/cmdstat_hgetall:calls=(\d+)/.exec(await redis.info('commandstats'))?.[1] ?? 0);
      await sleep(500);
      const before = await jobReads();
      await sleep(3_000);
      // Polling twice a second read it six times in these 3 s.
      expect((await jobReads()) - before).toBeLessThanOrEqual(2);
      const cancelledAt = Date.now();
      await target.http.post(`/api/v1/jobs/${id}/cancel`).expect(200);
      const { body } = await stream;
      expect(Date.now() - cancelledAt).toBeLessThan(1_500);
      expect(body as string).toMatch(/event: end\ndata: \{[^\n]*"state":"cancelled"/);
    } finally {
      redis.disconnect();
      await target.close();
    }
  });
});

describe('cancellation', () => {
  let apiOnly: RunningApp;

  // No workers in this app: the job stays queued until cancelled, which makes the test deterministic.
  beforeAll(async () => {
    apiOnly = await startApp({ APP_ROLE: 'api' });
  });
  afterAll(() => apiOnly.close());

  it('cancels queued work and keeps the job readable; a second cancel is a 409; DELETE then removes it', async () => {
    const created = await apiOnly.http.post('/api/v1/jobs').send({ reviews: reviews(500) }).expect(202);
    const cancelled = await apiOnly.http.post(`/api/v1/jobs/${created.body.id}/cancel`).expect(200);
    expect(cancelled.body).toMatchObject({ state: 'cancelled', progress: { done: 0, total: 500 } });
    expect(cancelled.body.finishedAt).not.toBeNull();
    await apiOnly.http.get(`/api/v1/jobs/${created.body.id}`).expect(200);
    const again = await apiOnly.http.post(`/api/v1/jobs/${created.body.id}/cancel`).expect(409);
    expect(again.body).toMatchObject({ type: '/api/v1/problems/conflict', detail: expect.stringMatching(/is cancelled/) });
    await apiOnly.http.delete(`/api/v1/jobs/${created.body.id}`).expect(204);
    await apiOnly.http.get(`/api/v1/jobs/${created.body.id}`).expect(404);
    await apiOnly.http.get(`/api/v1/jobs/${created.body.id}/results`).expect(404);
    const { body: counts } = await apiOnly.http.get('/api/v1/health/ready').expect(503);
    expect(counts.checks.queue.waiting).toBe(0); // the chunks were withdrawn from the queue
    expect(counts.checks.workers.status).toBe('down');
  });

  it('deletes a queued job at once: its chunks withdrawn, the job and its results gone (no cancel step)', async () => {
    const created = await apiOnly.http.post('/api/v1/jobs').send({ reviews: reviews(500) }).expect(202);
    await apiOnly.http.delete(`/api/v1/jobs/${created.body.id}`).expect(204);
    await apiOnly.http.get(`/api/v1/jobs/${created.body.id}`).expect(404);
    await apiOnly.http.get(`/api/v1/jobs/${created.body.id}/results`).expect(404);
    await apiOnly.http.delete(`/api/v1/jobs/${created.body.id}`).expect(404);
    const { body: counts } = await apiOnly.http.get('/api/v1/health/ready').expect(503);
    expect(counts.checks.queue.waiting).toBe(0);
  });
});

describe('closing a job and saving its chunks (the Lua scripts, on a real Redis)', () => {
  let apiOnly: RunningApp;
  let store: JobStore;

  // No workers: each job stays queued until the test closes it, so nothing races the test but itself.
  beforeAll(async () => {
    apiOnly = await startApp({ APP_ROLE: 'api' });
    store = apiOnly.app.get(JobStore);
  });
  afterAll(() => apiOnly.close());

  const row = (id: string) => ({ id, text: `avis ${id}`, status: 'done' as const, label: 'positive' as const, score: 0.9, probabilities: { negative: 0.1, positive: 0.9 }, uncertain: false });

  it('counts a retried chunk once and shows its rows', async () => {
    const created = await apiOnly.http.post('/api/v1/jobs').send({ reviews: reviews(3) }).expect(202);
    const counts = { done: 3, failed: 0, positive: 3, negative: 0 };
    await store.saveChunk(created.body.id, 0, [row('1'), row('2'), row('3')], counts);
    await store.saveChunk(created.body.id, 0, [row('1'), row('2'), row('3')], counts);
    expect(await store.counts(created.body.id)).toEqual({ done: 3, failed: 0, positive: 3, negative: 0 });
    const { body } = await apiOnly.http.get(`/api/v1/jobs/${created.body.id}/results`).expect(200);
    expect(body.items.map((item: { id: string; status: string }) => [item.id, item.status])).toEqual([['1', 'done'], ['2', 'done'], ['3', 'done']]);
  });

  it('does not bring back a job deleted while its chunk was being classified', async () => {
    const created = await apiOnly.http.post('/api/v1/jobs').send({ reviews: reviews(3) }).expect(202);
    await apiOnly.http.delete(`/api/v1/jobs/${created.body.id}`).expect(204);
    await store.saveChunk(created.body.id, 0, [row('1'), row('2'), row('3')], { done: 3, failed: 0, positive: 3, negative: 0 });
    expect(await store.counts(created.body.id)).toEqual({ done: 0, failed: 0, positive: 0, negative: 0 });
    await apiOnly.http.get(`/api/v1/jobs/${created.body.id}/results`).expect(404);
  });

  it('keeps a cancel that lands while finalize is closing the job', async () => {
    const created = await apiOnly.http.post('/api/v1/jobs').send({ reviews: reviews(10) }).expect(202);
    const counts = store.counts.bind(store);
    // The cancel arrives after finalize has read the job and its counts, before it writes the outcome.
    jest.spyOn(store, 'counts').mockImplementationOnce(async (id) => {
      expect(await store.cancel(id)).toBe('cancelled');
      return counts(id);
    });
    expect((await store.finish(created.body.id))?.state).toBe('cancelled');
    const { body } = await apiOnly.http.get(`/api/v1/jobs/${created.body.id}`).expect(200);
    expect(body.state).toBe('cancelled');
  });

  it('closes a job once: a finalize retried after a blip changes nothing', async () => {
    const created = await apiOnly.http.post('/api/v1/jobs').send({ reviews: reviews(10) }).expect(202);
    const first = await store.finish(created.body.id);
    expect(first).toMatchObject({ state: 'failed' }); // no worker ran: every review became a not_processed row
    const again = await store.finish(created.body.id);
    expect(again).toEqual(first);
  });

  it('gives finalize retries of its own', async () => {
    const created = await apiOnly.http.post('/api/v1/jobs').send({ reviews: reviews(10) }).expect(202);
    const batch = new Queue(BATCH_QUEUE, { connection: redisOptions(loadEnvironment().redisUrl), prefix: apiOnly.config.QUEUE_PREFIX });
    try {
      const finalize = await batch.getJob(`${created.body.id}-finalize`);
      expect(finalize?.opts).toMatchObject({ attempts: apiOnly.config.JOB_ATTEMPTS, backoff: { type: 'capped-exponential' } });
    } finally {
      await batch.close();
    }
  });
});
