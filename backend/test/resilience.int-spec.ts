import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import request from 'supertest';

import { BATCH_QUEUE } from '../src/queue/queue.constants';
import { redisOptions } from '../src/redis/redis-options';
import { REPO_ROOT, loadEnvironment, startTorchServe, stopTorchServe } from './environment';
import { RunningApp, flakyProxy, freePort, modelServerProxy, sleep, startApp, startBackendProcess, until, waitForJob } from './helpers';

const REVIEW = 'Un film magnifique, des acteurs bouleversants.';

describe('a chunk that fails once succeeds on retry', () => {
  it('retries with backoff and loses nothing', async () => {
    const proxy = await flakyProxy(loadEnvironment().modelServerUrl, 1);
    const target = await startApp({ MODEL_SERVER_URL: proxy.url, CHUNK_SIZE: '50', JOB_ATTEMPTS: '3' });
    try {
      const input = Array.from({ length: 200 }, (_, i) => ({ id: String(i), text: REVIEW }));
      const created = await target.http.post('/api/v1/jobs').send({ reviews: input }).expect(202);
      const status = await waitForJob(target, created.body.id);
      expect(proxy.stats().failed).toBe(1);
      expect(status).toMatchObject({ state: 'completed', progress: { done: 200, total: 200, failed: 0 } });
      // The retry is visible to operators.
      const metrics = await target.http.get('/metrics').expect(200);
      expect(metrics.text).toMatch(/allocine_retries_total\{queue="batch",reason="retry"\} 1\b/);
      expect(status.summary).toEqual({ positive: 200, negative: 0, errors: 0 });
      const { body } = await target.http.get(`/api/v1/jobs/${status.id}/results?limit=1000`).expect(200);
      expect(body.items.map((r: { id: string }) => r.id)).toEqual(input.map((r) => r.id));
    } finally {
      await target.close();
      await proxy.close();
    }
  });
});

describe('a model server that never answers', () => {
  it('fails the job once every chunk ran out of retries, keeping each review as an error row', async () => {
    const proxy = await flakyProxy(loadEnvironment().modelServerUrl, Number.MAX_SAFE_INTEGER);
    const target = await startApp({ MODEL_SERVER_URL: proxy.url, CHUNK_SIZE: '5', JOB_ATTEMPTS: '2' });
    try {
      const input = Array.from({ length: 12 }, (_, i) => ({ id: `r${i}`, text: REVIEW }));
      const created = await target.http.post('/api/v1/jobs').send({ reviews: input }).expect(202);
      const status = await waitForJob(target, created.body.id);
      expect(proxy.stats()).toEqual({ failed: 6, forwarded: 0 }); // 3 chunks × 2 attempts
      expect(status).toMatchObject({ state: 'failed', progress: { done: 12, total: 12, failed: 12 } });
      expect(status.summary).toEqual({ positive: 0, negative: 0, errors: 12 });
      const { body } = await target.http.get(`/api/v1/jobs/${status.id}/results?limit=100`).expect(200);
      expect(body.items.map((r: { id: string }) => r.id)).toEqual(input.map((r) => r.id));
      expect(new Set(body.items.map((r: { status: string; error: { code: string } }) => `${r.status}:${r.error.code}`))).toEqual(
        new Set(['error:model_unavailable']),
      );
    } finally {
      await target.close();
      await proxy.close();
    }
  });
});

/** A worker that takes one job and dies with it: it never answers and, once closed, stops renewing its 1 s lock. */
function dyingWorker(prefix: string, stalledCheckMs?: number) {
  let taken: (id: string) => void = () => undefined;
  const holding = new Promise<string>((resolve) => (taken = resolve));
  const worker = new Worker(
    BATCH_QUEUE,
    (job) => {
      taken(job.id!);
      return new Promise(() => undefined);
    },
    {
      connection: redisOptions(loadEnvironment().redisUrl),
      prefix,
      lockDuration: 1_000,
      concurrency: 1,
      ...(stalledCheckMs ? { stalledInterval: stalledCheckMs } : { skipStalledCheck: true }),
    },
  );
  return { holding, die: () => worker.close(true) };
}

describe('workers that die holding a chunk', () => {
  let api: RunningApp;
  let survivor: RunningApp | undefined;
  let queue: Queue;

  beforeEach(async () => {
    api = await startApp({ APP_ROLE: 'api', CHUNK_SIZE: '50' });
    queue = new Queue(BATCH_QUEUE, { connection: redisOptions(loadEnvironment().redisUrl), prefix: api.config.QUEUE_PREFIX });
  });

  afterEach(async () => {
    await queue.close();
    await survivor?.close();
    survivor = undefined;
    await api.close();
  });

  const startSurvivor = async () => {
    survivor = await startApp({ APP_ROLE: 'worker', QUEUE_PREFIX: api.config.QUEUE_PREFIX, STALLED_CHECK_MS: '300' });
  };

  /** A job of `count` reviews whose first chunk a worker took and then died with. */
  const jobHeldByADeadWorker = async (count: number) => {
    const input = Array.from({ length: count }, (_, i) => ({ id: `r${i}`, text: REVIEW }));
    const created = await api.http.post('/api/v1/jobs').send({ reviews: input }).expect(202);
    const doomed = dyingWorker(api.config.QUEUE_PREFIX);
    const chunk = await doomed.holding;
    await doomed.die();
    return { input, jobId: created.body.id as string, chunk };
  };

  it('a chunk whose worker died once is requeued by the stalled check and the job completes with every review', async () => {
    const { input, jobId, chunk } = await jobHeldByADeadWorker(100);
    expect(await queue.getJobState(chunk)).toBe('active'); // held by a worker that is gone

    await startSurvivor();
    const status = await waitForJob(api, jobId, 30_000);
    expect(status).toMatchObject({ state: 'completed', progress: { done: 100, total: 100, failed: 0 } });
    expect(status.summary).toEqual({ positive: 100, negative: 0, errors: 0 });
    const { body } = await api.http.get(`/api/v1/jobs/${status.id}/results?limit=1000`).expect(200);
    expect(body.items.map((r: { id: string }) => r.id)).toEqual(input.map((r) => r.id));
    const recovered = await queue.getJob(chunk);
    expect(recovered?.stalledCounter).toBe(1); // it went through the stalled check, not a normal retry
    expect(recovered?.finishedOn).toBeDefined();
  });

  it('a chunk that kills its workers twice fails, and the job still ends with its reviews as error rows', async () => {
    const { input, jobId, chunk } = await jobHeldByADeadWorker(50);
    // The second one's stalled check requeues the chunk (once is tolerated), then it takes it and dies too.
    const second = dyingWorker(api.config.QUEUE_PREFIX, 300);
    expect(await second.holding).toBe(chunk);
    await second.die();

    await startSurvivor();
    const status = await waitForJob(api, jobId, 30_000);
    expect(status).toMatchObject({ state: 'failed', progress: { done: 50, total: 50, failed: 50 } });
    const { body } = await api.http.get(`/api/v1/jobs/${status.id}/results?limit=100`).expect(200);
    expect(body.items.map((r: { id: string }) => r.id)).toEqual(input.map((r) => r.id));
    expect(body.items.every((r: { status: string; error?: { code: string } }) => r.status === 'error' && r.error?.code === 'not_processed')).toBe(true);
    const failed = await queue.getJob(chunk);
    expect(await failed?.getState()).toBe('failed');
    expect(failed?.failedReason).toMatch(/stalled more than allowable limit/);
  });
});

describe('back-pressure', () => {
  it('refuses new jobs with 503 and Retry-After once the batch lane is too deep, and single predictions only by their own lane', async () => {
    // No workers (APP_ROLE=api): whatever is queued stays queued.
    const target = await startApp({ APP_ROLE: 'api', MAX_BATCH_QUEUE_DEPTH: '3', MAX_QUEUE_DEPTH: '2', CHUNK_SIZE: '10', PREDICT_TIMEOUT_MS: '3000' });
    try {
      const reviews = Array.from({ length: 30 }, (_, i) => ({ id: String(i), text: REVIEW }));
      await target.http.post('/api/v1/jobs').send({ reviews }).expect(202);
      const refused = await target.http.post('/api/v1/jobs').send({ reviews }).expect(503);
      expect(refused.headers['retry-after']).toBe('30');
      expect(refused.body.detail).toBe('Too much work queued (3 chunks waiting); try again shortly');
      // The batch backlog refuses no single prediction: it is queued (and, with no worker, times out: 504).
      await target.http.post('/api/v1/predictions').send({ text: REVIEW }).expect(504);
      // Its own lane full (two waiting), the next one is refused at once.
      // (supertest sends on then(): these two go now and wait.)
      const waiting = [1, 2].map(() => target.http.post('/api/v1/predictions').send({ text: REVIEW }).then((response) => response.status));
      await sleep(500);
      const sync = await target.http.post('/api/v1/predictions').send({ text: REVIEW }).expect(503);
      expect(sync.headers['retry-after']).toBe('5');
      expect(sync.body.detail).toBe('Too many single predictions waiting (2); try again shortly');
      expect(await Promise.all(waiting)).toEqual([504, 504]);
    } finally {
      await target.close();
    }
  });
});

describe('synchronous timeout', () => {
  it('answers 504 and withdraws the queued prediction so nothing runs later', async () => {
    // No workers: the prediction can only wait, and must be gone from the queue once the client had its 504.
    const target = await startApp({ APP_ROLE: 'api', PREDICT_TIMEOUT_MS: '300' });
    try {
      const { body } = await target.http.post('/api/v1/predictions').send({ text: REVIEW }).expect(504);
      expect(body).toMatchObject({ type: '/api/v1/problems/model-timeout', status: 504, detail: 'Prediction timed out: no result within 300 ms' });
      const ready = await target.http.get('/api/v1/health/ready').expect(503);
      expect(ready.body.checks.queue).toMatchObject({ waiting: 0, active: 0, delayed: 0 });
    } finally {
      await target.close();
    }
  });
});

function startRedis(port: number): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
}


describe('Redis outage', () => {
  it('answers 503 while Redis is down and resumes work (workers included) once it is back', async () => {
    const port = await freePort();
    let redis = startRedis(port);
    await sleep(300);
    const target = await startApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      await until(async () => (await target.http.post('/api/v1/predictions').send({ text: REVIEW })).status === 200, 15_000);

      redis.kill('SIGKILL');
      await sleep(300);
      const down = await target.http.post('/api/v1/predictions').send({ text: REVIEW });
      expect(down.status).toBe(503);
      expect(down.headers['retry-after']).toBeDefined();
      expect(down.body.detail).toMatch(/Queue unavailable|Redis/);
      const ready = await target.http.get('/api/v1/health/ready').expect(503);
      expect(ready.body.checks.redis.status).toBe('down');
      redis = startRedis(port);
      await until(async () => (await target.http.post('/api/v1/predictions').send({ text: REVIEW })).status === 200, 30_000);
      const created = await target.http.post('/api/v1/jobs').send({ reviews: [{ text: REVIEW }, { text: 'Nul.' }] }).expect(202);
      expect((await waitForJob(target, created.body.id, 30_000)).state).toBe('completed');
    } finally {
      await target.close();
      redis.kill('SIGKILL');
    }
  });
});

describe('Redis refusing writes (maxmemory reached, noeviction)', () => {
  it('fails closed: requests the counters cannot count are refused with 503, never let through uncounted', async () => {
    const port = await freePort();
    const redis = startRedis(port);
    await sleep(300);
    const target = await startApp({ REDIS_URL: `redis://127.0.0.1:${port}`, API_KEYS: 'right', APP_ROLE: 'api', RATE_LIMIT_PER_MINUTE: '1000' });
    const admin = new Redis(`redis://127.0.0.1:${port}`);
    const unknownJob = `/api/v1/jobs/${randomUUID()}`;
    try {
      await target.http.get(unknownJob).set('X-API-Key', 'wrong').expect(401);
      await target.http.get(unknownJob).set('X-API-Key', 'right').expect(404);
      // Full: every write is refused from now on (OOM), reads still answer.
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.config('SET', 'maxmemory', '1');
      const guess = await target.http.get(unknownJob).set('X-API-Key', 'wrong').expect(503);
      expect(guess.headers['retry-after']).toBeDefined();
      expect(guess.body.detail).toMatch(/not counting/);
      await target.http.get(unknownJob).set('X-API-Key', 'right').expect(503);
      await target.http.get('/api/v1/health/live').expect(200);
      await admin.config('SET', 'maxmemory', '0');
      await target.http.get(unknownJob).set('X-API-Key', 'right').expect(404);
    } finally {
      admin.disconnect();
      await target.close();
      redis.kill('SIGKILL');
    }
  });
});

describe('Redis killed mid-job (append-only file, fsync always, as npm start and compose run it)', () => {
  it('restarts with the job on disk, and the job completes with every review once, in order', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'allocine-aof-'));
    const durable = () =>
      spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], {
        stdio: 'ignore',
      });
    let redis = durable();
    await sleep(300);
    const { modelServerUrl } = loadEnvironment();
    const proxy = await modelServerProxy(modelServerUrl, { delayMs: (path) => (path.endsWith('allocine-sentiment') ? 300 : 0) });
    const target = await startApp({ REDIS_URL: `redis://127.0.0.1:${port}`, MODEL_SERVER_URL: proxy.url, CHUNK_SIZE: '5', CHUNK_CONCURRENCY: '1' });
    try {
      await until(async () => (await target.http.get('/api/v1/model')).status === 200, 15_000);
      const input = Array.from({ length: 60 }, (_, i) => ({ id: `r${i}`, text: i % 3 ? REVIEW : 'Nul, ennuyeux, je me suis endormi.' }));
      const created = await target.http.post('/api/v1/jobs').send({ reviews: input }).expect(202);
      await until(async () => (await target.http.get(`/api/v1/jobs/${created.body.id}`)).body.progress.done >= 10, 20_000);
      redis.kill('SIGKILL');
      await new Promise((resolve) => redis.once('exit', resolve));
      await sleep(1_000);
      redis = durable();
      // The job is read back from the append-only file as soon as Redis answers again.
      await until(async () => (await target.http.get(`/api/v1/jobs/${created.body.id}`)).status === 200, 15_000);
      const status = await waitForJob(target, created.body.id, 60_000);
      expect(status).toMatchObject({ state: 'completed', progress: { done: 60, total: 60, failed: 0 } });
      expect(status.summary).toEqual({ positive: 40, negative: 20, errors: 0 });
      const { body } = await target.http.get(`/api/v1/jobs/${status.id}/results?limit=100`).expect(200);
      expect(body.items.map((r: { id: string }) => r.id)).toEqual(input.map((r) => r.id));
    } finally {
      await target.close();
      await proxy.close();
      redis.kill('SIGKILL');
    }
  }, 120_000);
});

describe('model server outage', () => {
  let target: RunningApp;

  beforeAll(async () => {
    target = await startApp({ PREDICT_ATTEMPTS: '1' });
  });
  afterAll(() => target.close());

  it('readiness goes down when TorchServe stops and up again when it returns', async () => {
    const { torchServeEnv } = loadEnvironment();
    // The worker registers with Redis just after boot.
    await until(async () => (await target.http.get('/api/v1/health/ready')).status === 200, 10_000);
    stopTorchServe(torchServeEnv);
    try {
      const { body } = await target.http.get('/api/v1/health/ready').expect(503);
      // A readiness failure is a problem too, its per-component report in `checks`.
      expect(body).toMatchObject({ type: '/api/v1/problems/not-ready', status: 503, detail: 'Not ready: modelServer down' });
      expect(body.checks.modelServer.status).toBe('down');
      expect(body.checks.redis.status).toBe('up');
      const predict = await target.http.post('/api/v1/predictions').send({ text: REVIEW }).expect(503);
      expect(predict.body.detail).toMatch(/Model server unavailable/);
      expect(predict.headers['retry-after']).toBe('10');
    } finally {
      startTorchServe(torchServeEnv);
    }
    // start.sh returns once both lanes are READY; a JVM just started can still be slow to its first answers
    // (the readiness check gives a describe 2 s), so readiness comes back within moments, not necessarily at once.
    await until(async () => (await target.http.get('/api/v1/health/ready')).status === 200, 20_000);
    const { body } = await target.http.get('/api/v1/health/ready').expect(200);
    expect(body.details.modelServer.status).toBe('up');
    await target.http.post('/api/v1/predictions').send({ text: REVIEW }).expect(200);
  });
});

/** kill -9 of TorchServe's JVM and every worker it started: a crash, not a shutdown. */
function killTorchServe(env: Record<string, string>): void {
  const pid = readFileSync(join(env.TMPDIR, '.model_server.pid'), 'utf-8').trim();
  execFileSync('bash', ['-c', `kill -9 $(pgrep -P ${pid}) ${pid} 2>/dev/null || true`]);
}

describe('model server killed mid-job', () => {
  it('rides out a kill -9 of TorchServe and a restart: the job completes with every review, in order, no error row', async () => {
    const { torchServeEnv, modelServerUrl } = loadEnvironment();
    // Slow chunks, one at a time, so the job is still going when TorchServe dies.
    const proxy = await modelServerProxy(modelServerUrl, { delayMs: (path) => (path.endsWith('allocine-sentiment') ? 400 : 0) });
    const target = await startApp({ MODEL_SERVER_URL: proxy.url, CHUNK_SIZE: '5', CHUNK_CONCURRENCY: '1' });
    try {
      await until(async () => (await target.http.get('/api/v1/model')).status === 200, 10_000);
      const input = Array.from({ length: 60 }, (_, i) => ({ id: `r${i}`, text: i % 2 ? REVIEW : 'Nul, ennuyeux, je me suis endormi.' }));
      const created = await target.http.post('/api/v1/jobs').send({ reviews: input }).expect(202);
      await until(async () => (await target.http.get(`/api/v1/jobs/${created.body.id}`)).body.progress.done > 0, 10_000);
      killTorchServe(torchServeEnv);
      await sleep(8_000); // longer than the old retry budget (7.5 s at the defaults, 1.5 s here)
      const during = await target.http.get(`/api/v1/jobs/${created.body.id}`).expect(200);
      expect(during.body.state).toBe('running');
      startTorchServe(torchServeEnv);
      const status = await waitForJob(target, created.body.id, 120_000);
      expect(status).toMatchObject({ state: 'completed', progress: { done: 60, total: 60, failed: 0 } });
      expect(status.summary).toEqual({ positive: 30, negative: 30, errors: 0 });
      const { body } = await target.http.get(`/api/v1/jobs/${status.id}/results?limit=100`).expect(200);
      expect(body.items.map((r: { id: string }) => r.id)).toEqual(input.map((r) => r.id));
      const metrics = await target.http.get('/metrics').expect(200);
      expect(metrics.text).toMatch(/allocine_retries_total\{queue="batch",reason="retry"\} [1-9]/);
    } finally {
      await target.close();
      await proxy.close();
    }
  }, 180_000);
});

describe('a model server without the model registered', () => {
  it('is not ready, although TorchServe answers /ping as Healthy', async () => {
    const work = mkdtempSync(join(tmpdir(), 'allocine-empty-ts-'));
    mkdirSync(join(work, 'store'));
    const [inference, management, metrics] = [28380, 28381, 28382]; // beside the shared TorchServe's 2808x
    const config = join(work, 'config.properties');
    writeFileSync(
      config,
      [`inference_address=http://127.0.0.1:${inference}`, `management_address=http://127.0.0.1:${management}`,
        `metrics_address=http://127.0.0.1:${metrics}`, 'grpc_inference_port=28383', 'grpc_management_port=28384',
        'disable_token_authorization=true'].join('\n'),
    );
    const env = { ...process.env, TMPDIR: work, LOG_LOCATION: join(work, 'logs'), METRICS_LOCATION: join(work, 'logs') };
    const torchserve = join(REPO_ROOT, '.venv/bin/torchserve');
    // As start.sh does: the launcher's output to a file (the JVM it leaves behind keeps writing there).
    const args = ['--start', '--ncs', '--disable-token-auth', '--ts-config', config, '--model-store', join(work, 'store')];
    execFileSync('bash', ['-c', `"${torchserve}" ${args.join(' ')} > "${join(work, 'start.log')}" 2>&1`], { env });
    let target: RunningApp | undefined;
    try {
      const torchServe = request(`http://127.0.0.1:${inference}`);
      await until(async () => (await torchServe.get('/ping')).body.status === 'Healthy', 60_000);
      // APP_ROLE=all: this process asks the model server itself (an API-only one reads the workers' report).
      target = await startApp({ MODEL_SERVER_URL: `http://127.0.0.1:${inference}` });
      const { body } = await target.http.get('/api/v1/health/ready').expect(503);
      expect(body.checks.modelServer).toMatchObject({ status: 'down', torchserve: 'model server answered 404' });
    } finally {
      await target?.close();
      execFileSync(torchserve, ['--stop'], { env, stdio: 'ignore' });
    }
  }, 90_000);
});

describe('a worker process stopped with SIGTERM mid-job', () => {
  it('finishes and saves the chunk in hand before it exits; a new worker completes the job with no error row', async () => {
    const { modelServerUrl, redisUrl } = loadEnvironment();
    // Slow chunks (1.5 s at the model server), one in flight at a time: SIGTERM lands while one is computing.
    const proxy = await modelServerProxy(modelServerUrl, { delayMs: (path) => (path.endsWith('allocine-sentiment') ? 1_500 : 0) });
    const api = await startApp({ APP_ROLE: 'api', MODEL_SERVER_URL: proxy.url, CHUNK_SIZE: '5' });
    const workerEnv = {
      APP_ROLE: 'worker',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: api.config.QUEUE_PREFIX,
      MODEL_SERVER_URL: proxy.url,
      CHUNK_CONCURRENCY: '1',
      SHUTDOWN_GRACE_MS: '20000',
    };
    let worker = await startWorkerProcess(workerEnv);
    try {
      const input = Array.from({ length: 20 }, (_, i) => ({ id: `r${i}`, text: REVIEW }));
      const created = await api.http.post('/api/v1/jobs').send({ reviews: input }).expect(202);
      await until(async () => proxy.calls.some((call) => call.path === '/predictions/allocine-sentiment'), 20_000);
      worker.kill('SIGTERM');
      await new Promise((resolve) => worker.once('exit', resolve));
      // The chunk in flight at SIGTERM was finished and saved before the process let go of Redis.
      const stopped = await api.http.get(`/api/v1/jobs/${created.body.id}`).expect(200);
      expect(stopped.body.progress.done).toBe(5);
      expect(stopped.body.progress.failed).toBe(0);

      worker = await startWorkerProcess({ ...workerEnv, PORT: String(await freePort()) });
      const status = await waitForJob(api, created.body.id, 60_000);
      expect(status).toMatchObject({ state: 'completed', progress: { done: 20, total: 20, failed: 0 } });
      const batch = new Queue(BATCH_QUEUE, { connection: redisOptions(redisUrl), prefix: api.config.QUEUE_PREFIX });
      const first = await batch.getJob(`${created.body.id}-chunk-0`);
      await batch.close();
      expect(first?.attemptsMade).toBe(1); // done on its first attempt: shutting down spent none
      expect(first?.failedReason).toBeFalsy();
    } finally {
      worker.kill('SIGKILL');
      await api.close();
      await proxy.close();
    }
  }, 90_000);
});

async function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  return (await startBackendProcess(env)).child;
}
