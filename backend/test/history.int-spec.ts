import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { AddressInfo, Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { HistoryItem, HistoryPage, JobList, StatsResponse } from '@allocine/contracts';
import Redis from 'ioredis';

import { sql } from 'kysely';

import { HistoryDatabaseService } from '../src/history/history-database';
import { loadEnvironment } from './environment';

import { RunningApp, appsClosedAfterEach, flakyProxy, freePort, sleep, startApp, until, waitForJob } from './helpers';
import { freshDatabase, privatePostgres, withClient } from './postgres';

/**
 * History in PostgreSQL, against the real server on 127.0.0.1:5432 (a fresh database per test), a private
 * server killed mid-job, and the embedded PGlite; real Redis and TorchServe throughout.
 */
const POSITIVE = 'Un film bouleversant, des acteurs magnifiques.';
const NEGATIVE = 'Nul, ennuyeux, je me suis endormi.';

const apps = appsClosedAfterEach();
const app = apps.start;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const as = (key: string) => ({ 'X-API-Key': key });

/** Poll the history until it holds `count` rows for this key (it is written within about a second). */
async function historyOf(target: RunningApp, key: string, count: number, query = ''): Promise<HistoryItem[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    // 503 while the database is (re)starting counts as "not yet".
    const items = await allPages(target, key, query).catch(() => [] as HistoryItem[]);
    if (items.length >= count || Date.now() > deadline) return items;
    await sleep(250);
  }
}

async function allPages(target: RunningApp, key: string, query = '', limit = 500): Promise<HistoryItem[]> {
  const items: HistoryItem[] = [];
  let cursor: string | null = null;
  do {
    const response = await target.http.get(`/api/v1/predictions?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`).set(as(key)).expect(200);
    const page = response.body as HistoryPage;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describe('history in PostgreSQL', () => {
  let target: RunningApp;
  let jobId: string;
  let dropDatabase: () => Promise<void>;

  beforeAll(async () => {
    const database = await freshDatabase();
    dropDatabase = database.drop;
    target = await startApp({ DATABASE_URL: database.url, API_KEYS: 'alice,bob', CHUNK_SIZE: '7' });
    for (const text of [POSITIVE, NEGATIVE, POSITIVE]) {
      await target.http.post('/api/v1/predictions').set(as('alice')).send({ text }).expect(200);
    }
    await target.http.post('/api/v1/predictions').set(as('bob')).send({ text: NEGATIVE }).expect(200);
    const reviews = Array.from({ length: 30 }, (_, i) => ({ id: `r${i}`, text: i % 3 ? POSITIVE : NEGATIVE }));
    const created = await target.http
      .post('/api/v1/jobs')
      .set(as('alice'))
      .send({ name: 'Critiques de mars', metadata: { site: 'exemple.fr' }, reviews })
      .expect(202);
    jobId = created.body.id;
    await waitForJob(target, jobId, 90_000, as('alice'));
    await historyOf(target, 'alice', 33);
  });
  afterAll(async () => {
    await target.close();
    await dropDatabase();
  });

  it('keeps every classified review, single calls and job rows, newest first, each key its own', async () => {
    const alice = await allPages(target, 'alice');
    expect(alice).toHaveLength(33);
    const ids = alice.map((item) => Number(item.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(alice.filter((item) => item.source === 'single')).toHaveLength(3);
    const jobRows = alice.filter((item) => item.jobId === jobId);
    expect(jobRows).toHaveLength(30);
    // Every review of the job once, with its id, label and the model that classified it.
    expect(jobRows.map((item) => item.reviewId).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `r${i}`).sort());
    expect(jobRows.filter((item) => item.label === 'negative')).toHaveLength(10);
    expect(alice[0]).toMatchObject({ model: 'allocine-embedded-ngram', version: expect.any(String), text: expect.any(String) });
    const bob = await allPages(target, 'bob');
    expect(bob.map((item) => [item.source, item.label])).toEqual([['single', 'negative']]);
  });

  it('filters by label, source, job, score, period and French full text', async () => {
    const count = async (query: string) => (await allPages(target, 'alice', query)).length;
    expect(await count('&label=negative')).toBe(11);
    expect(await count('&source=single')).toBe(3);
    expect(await count('&source=job')).toBe(30);
    expect(await count(`&source=${jobId}`)).toBe(30);
    expect(await count('&minScore=0.99999')).toBeLessThan(33);
    expect(await count(`&from=${new Date(Date.now() + 60_000).toISOString()}`)).toBe(0);
    expect(await count(`&to=${new Date(Date.now() + 60_000).toISOString()}`)).toBe(33);
    // "bouleverser" and "endormir" stem to the reviews' words: French stemming, not substring matching.
    expect(await count('&q=bouleverser')).toBe(22);
    expect(await count('&q=endormir')).toBe(11);
    expect(await count('&q=endormir&label=positive')).toBe(0);
  });

  it('pages by cursor without gaps or repeats, even while new rows arrive', async () => {
    const first = (await target.http.get('/api/v1/predictions?limit=10').set(as('alice')).expect(200)).body as HistoryPage;
    await target.http.post('/api/v1/predictions').set(as('alice')).send({ text: POSITIVE }).expect(200);
    await historyOf(target, 'alice', 34);
    const rest: HistoryItem[] = [];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = (await target.http.get(`/api/v1/predictions?limit=10&cursor=${cursor}`).set(as('alice')).expect(200)).body as HistoryPage;
      rest.push(...page.items);
      cursor = page.nextCursor;
    }
    const seen = [...first.items, ...rest].map((item) => item.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(33); // the page walk started before the 34th row: it is not slipped in
  });

  it('answers statistics per hour that agree with the history', async () => {
    const all = await allPages(target, 'alice');
    const stats = (await target.http.get('/api/v1/stats?bucket=hour').set(as('alice')).expect(200)).body as StatsResponse;
    expect(stats.total).toEqual({
      total: all.length,
      positive: all.filter((item) => item.label === 'positive').length,
      negative: all.filter((item) => item.label === 'negative').length,
    });
    expect(stats.buckets.length).toBeGreaterThanOrEqual(1);
    expect(stats.buckets[0]).toMatchObject({ start: expect.stringMatching(/T\d\d:00:00\.000Z$/), meanScore: expect.any(Number) });
    const bob = (await target.http.get('/api/v1/stats?bucket=day').set(as('bob')).expect(200)).body as StatsResponse;
    expect(bob.total).toEqual({ total: 1, positive: 0, negative: 1 });
  });

  it("lists the caller's jobs with name, metadata and final counts", async () => {
    const alice = (await target.http.get('/api/v1/jobs').set(as('alice')).expect(200)).body as JobList;
    expect(alice.items).toEqual([
      expect.objectContaining({
        id: jobId,
        name: 'Critiques de mars',
        metadata: { site: 'exemple.fr' },
        state: 'completed',
        total: 30,
        done: 30,
        failed: 0,
        positive: 20,
        negative: 10,
        finishedAt: expect.any(String),
      }),
    ]);
    expect(((await target.http.get('/api/v1/jobs').set(as('bob')).expect(200)).body as JobList).items).toEqual([]);
  });

  it("serves a finished job from the history once Redis's copy has expired, and deletes it whole on DELETE", async () => {
    // What RESULTS_TTL_SECONDS does to the job's keys, done now.
    const redis = new Redis(loadEnvironment().redisUrl);
    const keys = await redis.keys(`${target.config.QUEUE_PREFIX}:job:${jobId}*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    redis.disconnect();

    const status = await target.http.get(`/api/v1/jobs/${jobId}`).set(as('alice')).expect(200);
    expect(status.body).toMatchObject({ state: 'completed', expiresAt: null, progress: { done: 30, total: 30, failed: 0 }, summary: { positive: 20, negative: 10, errors: 0 } });
    await target.http.get(`/api/v1/jobs/${jobId}`).set(as('bob')).expect(404);
    const results = await target.http.get(`/api/v1/jobs/${jobId}/results?limit=100`).set(as('alice')).expect(200);
    expect(results.body.items.map((row: { id: string }) => row.id)).toEqual(Array.from({ length: 30 }, (_, i) => `r${i}`));
    expect(results.body.items.map((row: { label: string }) => row.label)).toEqual(Array.from({ length: 30 }, (_, i) => (i % 3 ? 'positive' : 'negative')));
    const csv = await target.http.get(`/api/v1/jobs/${jobId}/results?format=csv`).set(as('alice')).expect(200);
    expect(csv.text.trim().split('\n')).toHaveLength(31);

    await target.http.delete(`/api/v1/jobs/${jobId}`).set(as('bob')).expect(404);
    await target.http.delete(`/api/v1/jobs/${jobId}`).set(as('alice')).expect(204);
    // Gone at once, although the history drops its copy only a moment later.
    await target.http.get(`/api/v1/jobs/${jobId}`).set(as('alice')).expect(404);
    await until(async () => (await allPages(target, 'alice', `&source=${jobId}`)).length === 0, 20_000);
    await target.http.get(`/api/v1/jobs/${jobId}`).set(as('alice')).expect(404);
    expect(((await target.http.get('/api/v1/jobs').set(as('alice')).expect(200)).body as JobList).items).toEqual([]);
  });

  it('refuses bad filters with 400 naming them', async () => {
    const bad = async (query: string, path: string) => {
      const { body } = await target.http.get(`/api/v1/${query}`).set(as('alice')).expect(400);
      expect(body.errors.map((d: { path: string }) => d.path)).toContain(path);
    };
    await bad('predictions?label=neutral', 'label');
    await bad('predictions?cursor=abc', 'cursor');
    await bad('predictions?from=yesterday', 'from');
    await bad('predictions?limit=5000', 'limit');
    await bad('predictions?colour=red', '(body)');
    await bad('stats?from=', 'from');
    await bad('predictions?minScore=', 'minScore');
    // A period the schema allows is answered: too long for its buckets, it is cut to its end, and says so.
    const { body: cut } = await target.http.get('/api/v1/stats?bucket=hour&from=2026-01-01&to=2026-06-01').set(as('alice')).expect(200);
    expect(cut).toMatchObject({ from: '2026-05-01T00:00:00.000Z', to: '2026-06-01T00:00:00.000Z' });
    await bad('jobs?limit=0', 'limit');
    // Well-formed but out of what PostgreSQL holds: still the caller's mistake (these were 503s).
    await bad('predictions?cursor=9999999999999999999', 'cursor');
    await bad(`jobs?cursor=${Buffer.from('2026-01-01T00:00:00.000Z|not-a-uuid').toString('base64url')}`, 'cursor');
    await bad('jobs?cursor=AAAA', 'cursor');
    await bad('stats?from=-200000-01-01', 'from');
  });
});

describe('what the history keeps', () => {
  it('with STORE_TEXT=false, keeps no review text (and so finds none by search)', async () => {
    const database = await freshDatabase();
    cleanups.push(database.drop);
    const target = await app({ DATABASE_URL: database.url, STORE_TEXT: 'false' });
    await target.http.post('/api/v1/predictions').send({ text: POSITIVE }).expect(200);
    const [item] = await historyOf(target, 'none', 1);
    expect(item).toMatchObject({ text: null, label: 'positive' });
    await withClient(database.url, async (client) => {
      const { rows } = await client.query('select text, text_sha256 from predictions');
      expect(rows).toEqual([{ text: null, text_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    });
    expect(await allPages(target, 'none', '&q=bouleversant')).toEqual([]);
  });

  it('goes on writing after Redis lost the stream and its consumer group', async () => {
    const database = await freshDatabase();
    cleanups.push(database.drop);
    const target = await app({ DATABASE_URL: database.url });
    await target.http.post('/api/v1/predictions').send({ text: POSITIVE }).expect(200);
    await historyOf(target, 'none', 1);
    const redis = new Redis(loadEnvironment().redisUrl);
    await redis.del(`${target.config.QUEUE_PREFIX}:history`); // what a Redis restart without persistence does
    redis.disconnect();
    await target.http.post('/api/v1/predictions').send({ text: NEGATIVE }).expect(200);
    expect((await historyOf(target, 'none', 2)).map((item) => item.label)).toEqual(['negative', 'positive']);
  });

  it('sets aside an event the database refuses, or cannot read, and goes on writing the others', async () => {
    const database = await freshDatabase();
    cleanups.push(database.drop);
    const target = await app({ DATABASE_URL: database.url });
    await target.http.post('/api/v1/predictions').send({ text: POSITIVE }).expect(200);
    await historyOf(target, 'none', 1);
    const stream = `${target.config.QUEUE_PREFIX}:history`;
    const redis = new Redis(loadEnvironment().redisUrl);
    const poison = { type: 'prediction', eventId: 'poison', at: new Date().toISOString(), owner: 'anonymous', jobId: null, position: null,
      reviewId: null, text: 'x', textSha256: 'x', label: 'neutral', score: 0.5, probabilities: { negative: 0.5, positive: 0.5 },
      uncertain: true, latencyMs: 1, model: 'm', version: '1' }; // "neutral": the label check refuses it
    await redis.xadd(stream, '*', 'e', JSON.stringify(poison));
    await redis.xadd(stream, '*', 'e', '{not json');
    await target.http.post('/api/v1/predictions').send({ text: NEGATIVE }).expect(200);
    expect((await historyOf(target, 'none', 2)).map((item) => item.label)).toEqual(['negative', 'positive']);
    const dead = await redis.xrange(`${stream}:dead`, '-', '+');
    redis.disconnect();
    expect(dead.map(([, fields]) => fields[3])).toEqual([expect.stringMatching(/check constraint/), 'not a history event']);
    const metrics = await target.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/allocine_history_events_set_aside_total 2/);
  });

  it('keeps streamed predictions with origin stream (topic, partition, offset), filters on it, and a replayed message rewrites its row', async () => {
    const database = await freshDatabase();
    cleanups.push(database.drop);
    const target = await app({ DATABASE_URL: database.url });
    await target.http.post('/api/v1/predictions').send({ text: POSITIVE }).expect(200);
    const redis = new Redis(loadEnvironment().redisUrl);
    // What the stream connector appends (stream-batch.ts); at least once, the same message may come twice.
    const streamed = (offset: string, label: 'positive' | 'negative') => ({
      type: 'prediction', eventId: `stream:allocine.reviews.v1:2:${offset}`, at: new Date().toISOString(), owner: 'anonymous', jobId: null, position: null,
      reviewId: `s${offset}`, text: POSITIVE, textSha256: 'x', label, score: 0.9, probabilities: { negative: 0.1, positive: 0.9 },
      uncertain: false, latencyMs: 1, model: 'm', version: '1', stream: { topic: 'allocine.reviews.v1', partition: 2, offset },
    });
    for (const event of [streamed('9007199254740993', 'positive'), streamed('41', 'negative'), streamed('41', 'negative')]) {
      await redis.xadd(`${target.config.QUEUE_PREFIX}:history`, '*', 'e', JSON.stringify(event));
    }
    redis.disconnect();
    await historyOf(target, 'none', 3);
    const fromStream = await allPages(target, 'none', '&source=stream');
    expect(fromStream.map((item) => [item.source, item.reviewId, item.stream])).toEqual([
      ['stream', 's41', { topic: 'allocine.reviews.v1', partition: 2, offset: '41' }],
      ['stream', 's9007199254740993', { topic: 'allocine.reviews.v1', partition: 2, offset: '9007199254740993' }],
    ]);
    expect((await allPages(target, 'none', '&source=single')).map((item) => [item.source, item.stream])).toEqual([['single', null]]);
  });

  it('a deleted job is gone at once, even before the history has dropped its copy', async () => {
    const database = await freshDatabase();
    cleanups.push(database.drop);
    const settings = { DATABASE_URL: database.url, QUEUE_PREFIX: `test-${randomUUID().slice(0, 8)}` };
    const first = await app(settings);
    const created = await first.http.post('/api/v1/jobs').send({ reviews: [{ text: POSITIVE }, { text: NEGATIVE }] }).expect(202);
    await waitForJob(first, created.body.id);
    await until(async () => ((await first.http.get('/api/v1/jobs')).body as JobList).items[0]?.state === 'completed', 20_000);
    await apps.close(first);
    // An API without workers: nothing drains the history, so its copy of the job stays until a worker comes.
    const api = await app({ ...settings, APP_ROLE: 'api' });
    await api.http.delete(`/api/v1/jobs/${created.body.id}`).expect(204);
    await api.http.get(`/api/v1/jobs/${created.body.id}`).expect(404);
    await api.http.get(`/api/v1/jobs/${created.body.id}/results`).expect(404);
  });

  it('purges rows older than RETENTION_DAYS and keeps the rest', async () => {
    const database = await freshDatabase();
    cleanups.push(database.drop);
    const first = await app({ DATABASE_URL: database.url });
    await first.http.post('/api/v1/predictions').send({ text: POSITIVE }).expect(200);
    await first.http.post('/api/v1/predictions').send({ text: NEGATIVE }).expect(200);
    await historyOf(first, 'none', 2);
    await withClient(database.url, (client) => client.query("update predictions set created_at = now() - interval '3 days' where label = 'negative'"));
    await apps.close(first);
    // A worker purges at start and then every hour.
    const second = await app({ DATABASE_URL: database.url, RETENTION_DAYS: '2' });
    const deadline = Date.now() + 20_000;
    let items = await allPages(second, 'none');
    while (items.length !== 1 && Date.now() < deadline) {
      await sleep(250);
      items = await allPages(second, 'none');
    }
    expect(items.map((item) => item.label)).toEqual(['positive']);
  });
});

describe('a history connection reset under a query', () => {
  it('fails the query in hand, not the process (the checked-out client\'s error is handled)', async () => {
    const database = await freshDatabase();
    // A TCP relay to PostgreSQL that can reset every connection at once (RST, no goodbye), as a crashed
    // server or a dropped network path does.
    const upstream = new URL(database.url);
    const [host, port] = [upstream.hostname, Number(upstream.port || 5432)];
    const sockets = new Set<Socket>();
    const relay = createServer((client) => {
      const server = connect(port, host);
      sockets.add(client).add(server);
      client.pipe(server).pipe(client);
      const drop = () => [client, server].forEach((socket) => socket.destroy());
      client.on('error', drop).on('close', drop);
      server.on('error', drop).on('close', drop);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    upstream.host = `127.0.0.1:${(relay.address() as AddressInfo).port}`;
    try {
      const target = await app({ DATABASE_URL: upstream.toString() });
      const history = target.app.get(HistoryDatabaseService);
      await until(async () => history.db !== null, 20_000);
      const outcome = sql`select pg_sleep(10)`.execute(history.db!).then(
        () => 'answered',
        (error: Error) => error.message,
      );
      await sleep(300);
      for (const socket of sockets) socket.resetAndDestroy();
      expect(await outcome).toMatch(/ECONNRESET|terminated|closed/i);
      // The pool goes on: a new connection answers.
      await until(async () => (await sql`select 1 as ok`.execute(history.db!)).rows.length === 1, 10_000);
    } finally {
      await new Promise((resolve) => relay.close(resolve));
    }
  });
});

describe('an expired job with reviews that ended as errors', () => {
  it('still has every row in its place, the errors with their reasons, and lists only classified ones', async () => {
    const database = await freshDatabase();
    cleanups.push(database.drop);
    // The first chunk's model call fails and, with one attempt, its reviews become error rows.
    const proxy = await flakyProxy(loadEnvironment().modelServerUrl, 1);
    cleanups.push(() => proxy.close());
    const target = await app({ DATABASE_URL: database.url, MODEL_SERVER_URL: proxy.url, CHUNK_SIZE: '5', JOB_ATTEMPTS: '1', CHUNK_CONCURRENCY: '1' });
    const reviews = Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, text: POSITIVE }));
    const created = await target.http.post('/api/v1/jobs').send({ reviews }).expect(202);
    const status = await waitForJob(target, created.body.id);
    expect(status.progress).toEqual({ done: 10, total: 10, failed: 5 });
    await historyOf(target, 'none', 5);
    await until(async () => ((await target.http.get('/api/v1/jobs')).body as JobList).items[0]?.state === 'completed', 20_000);
    const redis = new Redis(loadEnvironment().redisUrl);
    await redis.del(...(await redis.keys(`${target.config.QUEUE_PREFIX}:job:${created.body.id}*`)));
    redis.disconnect();

    const { body } = await target.http.get(`/api/v1/jobs/${created.body.id}/results`).expect(200);
    expect(body.items.map((row: { id: string; status: string; error?: { code: string } }) => `${row.id}:${row.status}:${row.error?.code ?? ''}`)).toEqual([
      ...Array.from({ length: 5 }, (_, i) => `r${i}:error:model_unavailable`),
      ...Array.from({ length: 5 }, (_, i) => `r${i + 5}:done:`),
    ]);
    expect(await allPages(target, 'none')).toHaveLength(5);
    const stats = (await target.http.get('/api/v1/stats').expect(200)).body as StatsResponse;
    expect(stats.total.total).toBe(5);
  });
});

describe('a history database that crashes during a job', () => {
  it('predictions and the job go on; readiness says degraded; the history catches up, whole, once it is back', async () => {
    const pg = privatePostgres(await freePort());
    cleanups.push(async () => pg.stop());
    await until(() => withClient(pg.url, (client) => client.query('select 1')).then(() => true), 30_000);
    const target = await app({ DATABASE_URL: pg.url, CHUNK_SIZE: '5' });
    await until(async () => (await target.http.get('/api/v1/jobs')).status === 200, 20_000);

    pg.kill();
    const reviews = Array.from({ length: 40 }, (_, i) => ({ id: `r${i}`, text: i % 2 ? POSITIVE : NEGATIVE }));
    const created = await target.http.post('/api/v1/jobs').send({ reviews }).expect(202);
    await target.http.post('/api/v1/predictions').send({ text: POSITIVE }).expect(200);
    const status = await waitForJob(target, created.body.id, 60_000);
    expect(status).toMatchObject({ state: 'completed', progress: { done: 40, total: 40, failed: 0 } });
    const ready = await target.http.get('/api/v1/health/ready').expect(200);
    expect(ready.body.details.history).toMatchObject({ status: 'up', degraded: true });
    const down = await target.http.get('/api/v1/predictions').expect(503);
    expect(down.headers['retry-after']).toBeDefined();
    // A job Redis no longer has may be in the history: with the history down, that cannot be told (not 404).
    await target.http.get(`/api/v1/jobs/${randomUUID()}`).expect(503);

    pg.start();
    const items = await historyOf(target, 'none', 41);
    expect(items).toHaveLength(41);
    expect(items.filter((item) => item.jobId === created.body.id).map((item) => item.reviewId).sort()).toEqual(reviews.map((r) => r.id).sort());
    const jobs = (await target.http.get('/api/v1/jobs').expect(200)).body as JobList;
    expect(jobs.items).toEqual([expect.objectContaining({ id: created.body.id, state: 'completed', done: 40 })]);
  }, 120_000);
});

describe('the embedded history (PGlite, what npm start uses)', () => {
  it('keeps the history in HISTORY_DIR across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'allocine-pglite-'));
    const first = await app({ HISTORY_DIR: dir });
    await first.http.post('/api/v1/predictions').send({ text: POSITIVE }).expect(200);
    const created = await first.http.post('/api/v1/jobs').send({ name: 'lot', reviews: [{ text: NEGATIVE }, { text: POSITIVE }] }).expect(202);
    await waitForJob(first, created.body.id);
    expect(await historyOf(first, 'none', 3)).toHaveLength(3);
    await apps.close(first);

    const second = await app({ HISTORY_DIR: dir });
    await until(async () => (await second.http.get('/api/v1/predictions')).status === 200, 30_000);
    const items = await allPages(second, 'none');
    expect(items.map((item) => item.label).sort()).toEqual(['negative', 'positive', 'positive']);
    const jobs = (await second.http.get('/api/v1/jobs').expect(200)).body as JobList;
    expect(jobs.items).toEqual([expect.objectContaining({ name: 'lot', state: 'completed', total: 2 })]);
  }, 120_000);

  it('refuses to start split roles on the embedded history (it belongs to one process)', async () => {
    await expect(startApp({ HISTORY_DIR: '/tmp/x', APP_ROLE: 'api' })).rejects.toThrow(/HISTORY_DIR: the embedded history belongs to one process/);
  });
});
