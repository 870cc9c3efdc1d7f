import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';

import request from 'supertest';

import { appsClosedAfterEach, startApp, waitForJob } from './helpers';

/**
 * Who gets in and how much they may ask, against the real Redis (and the real TorchServe for predictions):
 * keys, per-key jobs, failed-key limits, rate limits shared by replicas, the trusted proxy, per-client and
 * global admission of jobs.
 */
const REVIEW = 'Un film magnifique, des acteurs formidables.';
const job = (text = REVIEW, count = 1) => ({ reviews: Array.from({ length: count }, () => ({ text })) });

const apps = appsClosedAfterEach();
const app = apps.start;

describe('API keys', () => {
  it('needs a key, in X-API-Key or as a Bearer token, except on health and (by default) metrics and docs', async () => {
    const target = await app({ API_KEYS: 'k-one,k-two' });
    const denied = await target.http.post('/api/v1/predictions').send({ text: REVIEW }).expect(401);
    expect(denied.type).toBe('application/problem+json');
    expect(denied.body).toEqual({
      type: '/api/v1/problems/unauthorized',
      title: 'API key required',
      status: 401,
      detail: 'Missing or invalid API key: send it in X-API-Key (or Authorization: Bearer)',
      instance: '/api/v1/predictions',
    });
    await target.http.post('/api/v1/predictions').set('X-API-Key', 'wrong').send({ text: REVIEW }).expect(401);
    await target.http.post('/api/v1/predictions').set('X-API-Key', 'k-two').send({ text: REVIEW }).expect(200);
    await target.http.post('/api/v1/predictions').set('Authorization', 'Bearer k-one').send({ text: REVIEW }).expect(200);
    await target.http.get('/api/v1/health/live').expect(200);
    await target.http.get('/metrics').expect(200);
    await target.http.get('/api/docs-json').expect(200);
  });

  it('protects /metrics and /api/docs when asked to', async () => {
    const target = await app({ API_KEYS: 'k-one', METRICS_PUBLIC: 'false', DOCS_PUBLIC: 'false' });
    await target.http.get('/metrics').expect(401);
    await target.http.get('/api/docs-json').expect(401);
    await target.http.get('/api/docs-yaml').expect(401);
    await target.http.get('/api/docs/').expect(401);
    const metrics = await target.http.get('/metrics').set('Authorization', 'Bearer k-one').expect(200);
    expect(metrics.text).toMatch(/allocine_/);
    const docs = await target.http.get('/api/docs-json').set('X-API-Key', 'k-one').expect(200);
    expect(docs.body.openapi).toMatch(/^3\./);
  });

  it("shows a job only to the key that created it: another key gets the unknown job's 404", async () => {
    const target = await app({ API_KEYS: 'alice,bob', APP_ROLE: 'api' });
    const created = await target.http.post('/api/v1/jobs').set('X-API-Key', 'alice').send(job()).expect(202);
    const id = created.body.id as string;
    const unknown = await target.http.get(`/api/v1/jobs/${randomUUID()}`).set('X-API-Key', 'bob').expect(404);
    for (const path of [`/api/v1/jobs/${id}`, `/api/v1/jobs/${id}/results`, `/api/v1/jobs/${id}/results?format=csv`]) {
      const foreign = await target.http.get(path).set('X-API-Key', 'bob').expect(404);
      expect(foreign.body.detail).toBe(unknown.body.detail.replace(/[0-9a-f-]{36}/, id));
    }
    await target.http.delete(`/api/v1/jobs/${id}`).set('X-API-Key', 'bob').expect(404);
    const own = await target.http.get(`/api/v1/jobs/${id}`).set('X-API-Key', 'alice').expect(200);
    expect(own.body.state).toBe('queued'); // bob's delete changed nothing
    await target.http.post(`/api/v1/jobs/${id}/cancel`).set('X-API-Key', 'alice').expect(200);
  });

  it('answers 429 to an address past its wrong keys for the minute, but never refuses a valid key from it', async () => {
    const target = await app({ API_KEYS: 'right', AUTH_FAILURES_PER_MINUTE: '3' });
    const from = (address: string) => ({ 'X-Forwarded-For': address }); // loopback is a trusted proxy by default
    for (let attempt = 0; attempt < 3; attempt++) {
      await target.http.get('/api/v1/model').set(from('198.51.100.7')).set('X-API-Key', `guess-${attempt}`).expect(401);
    }
    const refused = await target.http.get('/api/v1/model').set(from('198.51.100.7')).set('X-API-Key', 'guess-3').expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ type: '/api/v1/problems/auth-failures', status: 429 });
    expect(refused.body.detail).toMatch(/wrong or missing API key/);
    // Behind one NAT (or the UI server), someone else's guesses must not lock the key's owner out.
    await target.http.get('/api/v1/model').set(from('198.51.100.7')).set('X-API-Key', 'right').expect(200);
    await target.http.get('/api/v1/model').set(from('198.51.100.7')).expect(429);
  });

  it('counts a burst of wrong keys atomically: no more than the limit get a 401', async () => {
    const target = await app({ API_KEYS: 'right', AUTH_FAILURES_PER_MINUTE: '10', RATE_LIMIT_PER_MINUTE: '100000' });
    const burst = await Promise.all(
      Array.from({ length: 60 }, (_, i) => target.http.get('/api/v1/model').set('X-Forwarded-For', '198.51.100.9').set('X-API-Key', `guess-${i}`)),
    );
    const statuses = burst.map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(50);
  });

  it('counts an IPv6 client per /64: another address of the same network shares its failures', async () => {
    const target = await app({ API_KEYS: 'right', AUTH_FAILURES_PER_MINUTE: '2' });
    await target.http.get('/api/v1/model').set('X-Forwarded-For', '2001:db8:5:6::1').expect(401);
    await target.http.get('/api/v1/model').set('X-Forwarded-For', '2001:db8:5:6::2').expect(401);
    await target.http.get('/api/v1/model').set('X-Forwarded-For', '2001:db8:5:6:ffff::3').expect(429);
    await target.http.get('/api/v1/model').set('X-Forwarded-For', '2001:db8:5:7::1').expect(401);
  });

  it('counts requests with a wrong key against the rate limit (the limiter runs before the key check)', async () => {
    const target = await app({ API_KEYS: 'right', RATE_LIMIT_PER_MINUTE: '5', AUTH_FAILURES_PER_MINUTE: '1000' });
    for (let attempt = 0; attempt < 5; attempt++) {
      await target.http.get('/api/v1/model').set('X-API-Key', 'wrong').expect(401);
    }
    const limited = await target.http.get('/api/v1/model').set('X-API-Key', 'wrong').expect(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });
});

describe('methods a route does not declare', () => {
  it('answer 405 with Allow from the OpenAPI document (404 only where no route is), and OPTIONS answers Allow', async () => {
    const target = await app({ API_KEYS: 'k-one' });
    const trace = await target.http.trace('/api/v1/model').expect(405);
    expect(trace.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(trace.body).toMatchObject({ type: '/api/v1/problems/method-not-allowed', status: 405, instance: '/api/v1/model' });
    const put = await target.http.put('/api/v1/jobs/7b0c2f8e-2d1f-4c3a-9a57-7b2a1c0d9e11').set('X-API-Key', 'k-one').send({}).expect(405);
    expect(put.headers.allow).toBe('GET, DELETE, HEAD, OPTIONS');
    expect((await target.http.patch('/api/v1/jobs/').expect(405)).headers.allow).toBe('GET, POST, HEAD, OPTIONS');
    const options = await target.http.options('/api/v1/predictions').expect(204);
    expect(options.headers.allow).toBe('GET, POST, HEAD, OPTIONS');
    await target.http.trace('/api/v1/nothing-here').expect(404);
    await target.http.get('/api/v1/model').set('X-API-Key', 'k-one').expect(200);
  });
});

describe('rate limits', () => {
  it('are shared by every API replica: two processes on one Redis allow the limit once, not twice', async () => {
    const prefix = `test-${randomUUID().slice(0, 8)}`;
    const settings = { QUEUE_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: '4' };
    const replicas = [await app(settings), await app(settings)];
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await replicas[i % 2].http.get('/api/v1/model')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
  });

  it('believe X-Forwarded-For only from TRUST_PROXY: a forged one from an untrusted client changes nothing', async () => {
    const direct = await app({ RATE_LIMIT_PER_MINUTE: '3', TRUST_PROXY: 'false' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await direct.http.get('/api/v1/model').set('X-Forwarded-For', `203.0.113.${i}`)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);

    const behindProxy = await app({ RATE_LIMIT_PER_MINUTE: '3' });
    for (let i = 0; i < 5; i++) {
      await behindProxy.http.get('/api/v1/model').set('X-Forwarded-For', `203.0.113.${i}`).expect(200);
    }
  });
});

describe('admission of jobs', () => {
  it('keeps each client to MAX_ACTIVE_JOBS_PER_CLIENT unfinished jobs, and frees a place when one ends or is deleted', async () => {
    // APP_ROLE=api: no workers, so accepted jobs stay queued.
    const target = await app({ API_KEYS: 'alice,bob', APP_ROLE: 'api', MAX_ACTIVE_JOBS_PER_CLIENT: '2' });
    const submit = (key: string) => target.http.post('/api/v1/jobs').set('X-API-Key', key).send(job());
    const first = await submit('alice').expect(202);
    await submit('alice').expect(202);
    const refused = await submit('alice').expect(429);
    expect(refused.body.type).toBe('/api/v1/problems/too-many-jobs');
    expect(refused.body.detail).toMatch(/already have 2 jobs queued or running/);
    expect(refused.headers['retry-after']).toBe('30');
    await submit('bob').expect(202);
    await target.http.post(`/api/v1/jobs/${first.body.id}/cancel`).set('X-API-Key', 'alice').expect(200);
    const third = await submit('alice').expect(202);
    // Deleted at once (its record gone, its tombstone left): its place is free at once too, not after the
    // grace a submission in progress gets.
    await submit('alice').expect(429);
    await target.http.delete(`/api/v1/jobs/${third.body.id}`).set('X-API-Key', 'alice').expect(204);
    await submit('alice').expect(202);
  });

  it("keeps each client to its share of queued reviews: the greedy key gets 429, another key is still admitted", async () => {
    const target = await app({ API_KEYS: 'alice,bob', APP_ROLE: 'api', MAX_QUEUED_REVIEWS_PER_CLIENT: '50' });
    const submit = (key: string, count: number) => target.http.post('/api/v1/jobs').set('X-API-Key', key).send(job(REVIEW, count));
    const first = await submit('alice', 30).expect(202);
    const refused = await submit('alice', 30).expect(429);
    expect(refused.body).toMatchObject({ type: '/api/v1/problems/too-many-jobs', status: 429 });
    expect(refused.body.detail).toBe(
      'You already have 30 reviews queued or running; with these 30 that would pass your share (50). Submit them when some have finished',
    );
    await submit('alice', 20).expect(202);
    await submit('bob', 30).expect(202);
    await target.http.post(`/api/v1/jobs/${first.body.id}/cancel`).set('X-API-Key', 'alice').expect(200);
    await submit('alice', 30).expect(202);
  });

  it("counts finished jobs' results in a per-client budget until they are deleted", async () => {
    const target = await app({ API_KEYS: 'alice,bob', RESULTS_BYTES_PER_CLIENT: '20kb' });
    const text = `${REVIEW} `.repeat(22); // ~1,000 bytes: ten reviews hold ~12 KB with their result rows
    const submit = (key: string) => target.http.post('/api/v1/jobs').set('X-API-Key', key).send(job(text, 10));
    const first = await submit('alice').expect(202);
    expect((await waitForJob(target, first.body.id, 60_000, { 'X-API-Key': 'alice' })).state).toBe('completed');
    const refused = await submit('alice').expect(429);
    expect(refused.body.detail).toMatch(/^Your jobs already hold \d+ bytes in the service, finished ones' results included \(at most 20kb per client\)/);
    expect(refused.headers['retry-after']).toBe('60');
    await submit('bob').expect(202);
    await target.http.delete(`/api/v1/jobs/${first.body.id}`).set('X-API-Key', 'alice').expect(204);
    await submit('alice').expect(202);
  });

  it("schedules fairly: a small job of another key finishes long before a greedy key's backlog", async () => {
    // One chunk at a time, ten reviews each: alice's 300 chunks would hold bob's 2 back for all of them in FIFO order.
    const target = await app({ API_KEYS: 'alice,bob', CHUNK_SIZE: '10', CHUNK_CONCURRENCY: '1' });
    const alice: string[] = [];
    for (let i = 0; i < 3; i++) alice.push((await target.http.post('/api/v1/jobs').set('X-API-Key', 'alice').send(job(REVIEW, 1_000)).expect(202)).body.id);
    const bob = (await target.http.post('/api/v1/jobs').set('X-API-Key', 'bob').send(job('Un navet ennuyeux.', 20)).expect(202)).body.id;
    const done = await waitForJob(target, bob, 120_000, { 'X-API-Key': 'bob' });
    expect(done.state).toBe('completed');
    const last = await target.http.get(`/api/v1/jobs/${alice[2]}`).set('X-API-Key', 'alice').expect(200);
    expect(last.body.state).not.toBe('completed');
    const progress = await Promise.all(alice.map(async (id) => (await target.http.get(`/api/v1/jobs/${id}`).set('X-API-Key', 'alice')).body.progress.done as number));
    expect(progress.reduce((sum, done) => sum + done, 0)).toBeLessThan(1_500);
    for (const id of alice) await target.http.delete(`/api/v1/jobs/${id}`).set('X-API-Key', 'alice');
  });

  it('holds at most ACCEPTED_WORK_BYTES of unfinished review text: 503 past it, 413 for a job bigger than it all', async () => {
    const target = await app({ APP_ROLE: 'api', ACCEPTED_WORK_BYTES: '4kb' });
    const text = 'é'.repeat(500); // 1,000 bytes in UTF-8
    const first = await target.http.post('/api/v1/jobs').send(job(text, 3)).expect(202);
    const full = await target.http.post('/api/v1/jobs').send(job(text, 2)).expect(503);
    expect(full.headers['retry-after']).toBe('30');
    expect(full.body.detail).toMatch(/already holds 3003 bytes of review text/);
    const huge = await target.http.post('/api/v1/jobs').send(job(text, 5)).expect(413);
    expect(huge.body.detail).toMatch(/more than the service accepts at once/);
    await target.http.post(`/api/v1/jobs/${first.body.id}/cancel`).expect(200);
    await target.http.post('/api/v1/jobs').send(job(text, 2)).expect(202);
  });

  it('refuses a JSON job with too many items by its count, before looking at any item', async () => {
    const target = await app({ APP_ROLE: 'api' });
    const body = `{"reviews":[${Array.from({ length: 700_000 }, () => '{"x":1}').join(',')}]}`;
    const started = Date.now();
    const refused = await target.http.post('/api/v1/jobs').set('Content-Type', 'application/json').send(body).expect(400);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(refused.body.errors).toEqual([{ path: 'reviews', message: 'at most 10000 reviews per job', code: 'too_many', limit: 10000 }]);
  });
});

describe('what a caller without a key learns', () => {
  it('readiness shows each component and its status, never addresses or error messages; a key sees them all', async () => {
    const target = await app({ API_KEYS: 'k-one', MODEL_SERVER_URL: 'http://127.0.0.1:9' });
    const anonymous = await target.http.get('/api/v1/health/ready').expect(503);
    expect(anonymous.body.checks.modelServer).toEqual({ status: 'down' });
    expect(JSON.stringify(anonymous.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|message/);
    expect(anonymous.body.checks.redis).toEqual({ status: 'up' });
    const operator = await target.http.get('/api/v1/health/ready').set('X-API-Key', 'k-one').expect(503);
    expect(operator.body.checks.modelServer).toMatchObject({ status: 'down', url: 'http://127.0.0.1:9', message: expect.any(String) });
  });
});

describe('bodies are read only for a known caller', () => {
  it('refuses compressed and form-encoded bodies (415) and never parses a body for a caller without a key', async () => {
    const target = await app({ API_KEYS: 'k-one' });
    const bomb = gzipSync(Buffer.from(`[${'{},'.repeat(3_000_000)}{}]`));
    const anonymous = await target.http.post('/api/v1/predictions').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send(bomb).expect(401);
    expect(anonymous.body.type).toBe('/api/v1/problems/unauthorized');
    const keyed = await target.http
      .post('/api/v1/predictions')
      .set('X-API-Key', 'k-one')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send(bomb)
      .expect(415);
    expect(keyed.body).toMatchObject({ type: '/api/v1/problems/unsupported-media-type', status: 415 });
    const form = await target.http.post('/api/v1/predictions').set('X-API-Key', 'k-one').type('form').send('text=Bien').expect(415);
    expect(form.body.detail).toBe('Content-Type "application/x-www-form-urlencoded" is not accepted here: send application/json');
    // Anonymous and malformed: still 401, since the body is never read before the key.
    await target.http.post('/api/v1/predictions').set('Content-Type', 'application/json').send('{oops').expect(401);
  });
});

describe('production', () => {
  it('an API started with NODE_ENV=production and no keys does not start; a worker does', async () => {
    await expect(startApp({ NODE_ENV: 'production' })).rejects.toThrow(/API_KEYS: required in production/);
    const worker = await app({ NODE_ENV: 'production', APP_ROLE: 'worker' });
    await request(worker.app.getHttpServer()).get('/api/v1/health/live').expect(200);
  });

  it('a worker stopped as soon as it has started shuts down without an unhandled Redis error', async () => {
    // An orchestrator may stop a pod that has just started: closing BullMQ's blocking connection while it
    // is still initialising used to reject its pending commands with nobody listening ("Connection is closed").
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const worker = await startApp({ APP_ROLE: 'worker' });
        await worker.close();
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      process.off('unhandledRejection', record);
    }
    expect(unhandled.map(String)).toEqual([]);
  });
});
