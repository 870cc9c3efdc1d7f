import { createHmac } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

import type { JobStatus, WebhookPayload } from '@allocine/contracts';

import { loadEnvironment } from './environment';
import { RunningApp, appsClosedAfterEach, freePort, modelServerProxy, until } from './helpers';

/**
 * Job callbacks end to end: the real API and workers (real Redis, real TorchServe) POST to a receiver on this
 * machine, which verifies each signature on its own, as an integrator would from the documentation.
 */
const SECRET = 'operator-secret-for-tests-0123456789abcdef';
const KEY = { 'X-API-Key': 'alice' };
const REVIEWS = [
  { id: 'a', text: 'Un film magnifique, des acteurs formidables.' },
  { id: 'b', text: "Nul, ennuyeux, je me suis endormi avant la fin." },
  { id: 'c', text: 'Une mise en scène superbe et une histoire bouleversante.' },
];

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver answering each POST with the next status of `statuses` (the last one repeats). */
async function receiver(statuses: number[]) {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(statuses[Math.min(received.length - 1, statuses.length - 1)]).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/allocine`;
  return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** The Standard Webhooks check, written from the spec: HMAC-SHA256 of "id.timestamp.body" keyed by the secret's base64 part. */
function verifies(secret: string, message: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signed = `${message.headers['webhook-id']}.${message.headers['webhook-timestamp']}.${message.body}`;
  const expected = `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
  return String(message.headers['webhook-signature']).split(' ').includes(expected);
}

async function webhookSettled(target: RunningApp, id: string): Promise<JobStatus> {
  let status: JobStatus | undefined;
  await until(async () => {
    status = (await target.http.get(`/api/v1/jobs/${id}`).set(KEY).expect(200)).body as JobStatus;
    return status.webhook?.state !== 'pending';
  }, 60_000);
  return status as JobStatus;
}

const apps = appsClosedAfterEach();
const settings = { API_KEYS: 'alice,bob', WEBHOOK_SECRET: SECRET, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_BACKOFF_MS: '200' };

describe('job callbacks', () => {
  it('deliver a signed completion after two failed attempts, every attempt listed on the job', async () => {
    const hook = await receiver([500, 503, 204]);
    try {
      const target = await apps.start(settings);
      const { secret } = (await target.http.get('/api/v1/webhooks/secret').set(KEY).expect(200)).body as { secret: string };
      const other = (await target.http.get('/api/v1/webhooks/secret').set({ 'X-API-Key': 'bob' }).expect(200)).body as { secret: string };
      expect(other.secret).not.toBe(secret);

      const created = await target.http.post('/api/v1/jobs').set(KEY).send({ reviews: REVIEWS, callbackUrl: hook.url }).expect(202);
      expect(created.body.webhook).toEqual({ url: hook.url, state: 'pending', attempts: [], nextAttemptAt: null });
      const status = await webhookSettled(target, created.body.id);

      expect(status.state).toBe('completed');
      expect(status.webhook?.state).toBe('delivered');
      expect(status.webhook?.attempts.map((attempt) => [attempt.attempt, attempt.status])).toEqual([
        [1, 500],
        [2, 503],
        [3, 204],
      ]);
      expect(status.webhook?.attempts[0].error).toBe('the receiver answered 500');
      expect(status.webhook?.nextAttemptAt).toBeNull();

      expect(hook.received).toHaveLength(3);
      for (const message of hook.received) {
        expect(verifies(secret, message)).toBe(true);
        expect(verifies(other.secret, message)).toBe(false);
        expect(message.headers['webhook-id']).toBe(`${created.body.id}.completed`);
        expect(Math.abs(Number(message.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      }
      const payload = JSON.parse(hook.received[2].body) as WebhookPayload;
      expect(payload).toMatchObject({ type: 'job.completed', data: { id: created.body.id, state: 'completed', progress: { done: 3, total: 3, failed: 0 } } });
      expect(payload.data.summary.positive + payload.data.summary.negative).toBe(3);
      expect(payload.data).not.toHaveProperty('webhook');
      // Review text never travels in a callback; the receiver reads results from links.results with its key.
      expect(hook.received[2].body).not.toContain('magnifique');
    } finally {
      await hook.close();
    }
  });

  it('take callbackUrl as a field of a multipart CSV upload too', async () => {
    const hook = await receiver([204]);
    try {
      const target = await apps.start(settings);
      const csv = Buffer.from('id,avis\nx1,Un film magnifique.\nx2,Nul et ennuyeux.\n');
      const created = await target.http
        .post('/api/v1/jobs')
        .set(KEY)
        .attach('file', csv, 'avis.csv')
        .field('textColumn', 'avis')
        .field('idColumn', 'id')
        .field('callbackUrl', hook.url)
        .expect(202);
      const status = await webhookSettled(target, created.body.id);
      expect(status.webhook?.state).toBe('delivered');
      expect(JSON.parse(hook.received[0].body)).toMatchObject({ type: 'job.completed', data: { progress: { done: 2, total: 2 } } });
    } finally {
      await hook.close();
    }
  });

  it('give up after WEBHOOK_MAX_ATTEMPTS when nobody answers, and say why on the job', async () => {
    const target = await apps.start({ ...settings, WEBHOOK_MAX_ATTEMPTS: '2' });
    const nobody = `http://127.0.0.1:${await freePort()}/hook`;
    const created = await target.http.post('/api/v1/jobs').set(KEY).send({ reviews: REVIEWS, callbackUrl: nobody }).expect(202);
    const status = await webhookSettled(target, created.body.id);
    expect(status.webhook).toMatchObject({ state: 'failed', nextAttemptAt: null });
    expect(status.webhook?.attempts).toHaveLength(2);
    for (const attempt of status.webhook?.attempts ?? []) {
      expect(attempt.status).toBeNull();
      expect(attempt.error).toMatch(/ECONNREFUSED/);
    }
  });

  it('tell of a cancelled job too (type job.cancelled), once', async () => {
    const hook = await receiver([204]);
    // Each model call held 1 s: the job is still running when it is cancelled.
    const proxy = await modelServerProxy(loadEnvironment().modelServerUrl, { delayMs: (path) => (path.endsWith('allocine-sentiment') ? 1_000 : 0) });
    try {
      const target = await apps.start({ ...settings, MODEL_SERVER_URL: proxy.url, CHUNK_SIZE: '5', CHUNK_CONCURRENCY: '1' });
      await until(async () => (await target.http.get('/api/v1/model').set(KEY)).status === 200, 15_000);
      const many = Array.from({ length: 40 }, (_, i) => ({ id: `r${i}`, text: REVIEWS[i % 3].text }));
      const created = await target.http.post('/api/v1/jobs').set(KEY).send({ reviews: many, callbackUrl: hook.url }).expect(202);
      const cancelled = await target.http.post(`/api/v1/jobs/${created.body.id}/cancel`).set(KEY).expect(200);
      expect(cancelled.body.state).toBe('cancelled');
      const status = await webhookSettled(target, created.body.id);
      expect(status.webhook?.state).toBe('delivered');
      // The chunk still running when the job was cancelled finishes later: it must not send a second callback.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(hook.received).toHaveLength(1);
      expect(JSON.parse(hook.received[0].body)).toMatchObject({ type: 'job.cancelled', data: { id: created.body.id, state: 'cancelled' } });
    } finally {
      await proxy.close();
      await hook.close();
    }
  });

  it("are fair: a key whose receivers hang holds at most its share of the delivery slots, another key's callback goes at once", async () => {
    // alice's receiver never answers: each of her deliveries holds a slot until WEBHOOK_TIMEOUT_MS.
    const hanging = http.createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hooks`;
    const hook = await receiver([204]);
    try {
      const target = await apps.start({ ...settings, WEBHOOK_TIMEOUT_MS: '8000', WEBHOOK_MAX_ATTEMPTS: '1' });
      const alice: string[] = [];
      for (let i = 0; i < 18; i++) {
        alice.push((await target.http.post('/api/v1/jobs').set(KEY).send({ reviews: REVIEWS, callbackUrl: hangingUrl }).expect(202)).body.id as string);
      }
      // Every one of alice's jobs is finished, so her 18 deliveries are queued or hanging.
      await until(async () => {
        const states = await Promise.all(alice.map(async (id) => (await target.http.get(`/api/v1/jobs/${id}`).set(KEY)).body.state));
        return states.every((state) => state === 'completed');
      }, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const bob = { 'X-API-Key': 'bob' };
      const created = await target.http.post('/api/v1/jobs').set(bob).send({ reviews: REVIEWS, callbackUrl: hook.url }).expect(202);
      const started = Date.now();
      await until(async () => hook.received.length === 1, 7_000);
      // With all 16 slots held by alice's hanging receiver, bob's would wait the 8 s timeout.
      expect(Date.now() - started).toBeLessThan(5_000);
      const status = (await target.http.get(`/api/v1/jobs/${created.body.id}`).set(bob).expect(200)).body as JobStatus;
      expect(status.webhook?.state).toBe('delivered');
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
      await hook.close();
    }
  });

  it('refuse private targets unless allowed, hosts off the allow-list, and callbacks when webhooks are off: 400 naming the field', async () => {
    const strict = await apps.start({ API_KEYS: 'alice', WEBHOOK_SECRET: SECRET, WEBHOOK_ALLOWED_HOSTS: 'hooks.example.com,localhost,127.0.0.1' });
    const refusals = [
      ['http://127.0.0.1/hook', /^callbackUrl's host 127\.0\.0\.1 is not a public address$/],
      ['http://localhost/hook', /^callbackUrl's host localhost is not a public address$/],
      ['http://localhost:6379/hook', /port 6379 is not allowed/],
      ['https://elsewhere.example.org/hook', /not in the allowed callback hosts/],
      ['not a url', /absolute http or https URL/],
    ] as const;
    for (const [url, message] of refusals) {
      const { body } = await strict.http.post('/api/v1/jobs').set(KEY).send({ reviews: REVIEWS, callbackUrl: url }).expect(400);
      expect(body).toMatchObject({ type: '/api/v1/problems/invalid-request', errors: [{ path: 'callbackUrl', message: expect.stringMatching(message) }] });
    }
    const off = await apps.start({ API_KEYS: 'alice' });
    const { body } = await off.http.post('/api/v1/jobs').set(KEY).send({ reviews: REVIEWS, callbackUrl: 'https://hooks.example.com/x' }).expect(400);
    expect(body.errors).toEqual([{ path: 'callbackUrl', message: expect.stringMatching(/webhooks are off/), code: 'callback_refused' }]);
    await off.http.get('/api/v1/webhooks/secret').set(KEY).expect(404);
  });
});
