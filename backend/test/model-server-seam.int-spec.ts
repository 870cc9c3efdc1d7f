import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import request from 'supertest';

import { REPO_ROOT, loadEnvironment } from './environment';
import { appsClosedAfterEach, freePort, until, waitForJob } from './helpers';

/**
 * The model-server seam is real: the backend, unchanged, on the second implementation of the contract
 * (docs/model-server-contract.md) — the FastAPI server — answers as it does on TorchServe.
 */
const REVIEWS = [
  'Un film magnifique, des acteurs formidables.',
  'Nul, ennuyeux, je me suis endormi avant la fin.',
  'Une mise en scène superbe et une histoire bouleversante.',
  'Scénario creux, dialogues ridicules, à éviter.',
];

const apps = appsClosedAfterEach();
let fastapi: ChildProcess;
let fastapiUrl: string;

beforeAll(async () => {
  const port = await freePort();
  fastapi = spawn(join(REPO_ROOT, '.venv/bin/python'), ['-m', 'allocine_sentiment.serving.fastapi_server', '--model-dir', 'model/embedded', '--port', String(port)], {
    cwd: join(REPO_ROOT, 'model-server'),
    env: { ...process.env, PYTHONPATH: join(REPO_ROOT, 'model-server') },
    stdio: 'ignore',
  });
  fastapiUrl = `http://127.0.0.1:${port}`;
  await until(async () => (await request(fastapiUrl).get('/ping')).status === 200, 60_000);
}, 90_000);

afterAll(() => {
  fastapi.kill('SIGTERM');
});

describe('the backend on the FastAPI model server', () => {
  it('is ready, describes the model, and answers predictions and jobs with the labels TorchServe gives', async () => {
    const onFastapi = await apps.start({ MODEL_SERVER_URL: fastapiUrl, CHUNK_SIZE: '3' });
    const onTorchserve = await apps.start({ MODEL_SERVER_URL: loadEnvironment().modelServerUrl });
    await until(async () => (await onFastapi.http.get('/api/v1/health/ready')).status === 200, 30_000);
    const model = await onFastapi.http.get('/api/v1/model').expect(200);
    expect(model.body).toMatchObject({ name: 'allocine-embedded-ngram', labels: ['negative', 'positive'] });

    const fromFastapi = await onFastapi.http.post('/api/v1/predictions').send({ texts: REVIEWS }).expect(200);
    const fromTorchserve = await onTorchserve.http.post('/api/v1/predictions').send({ texts: REVIEWS }).expect(200);
    const labels = (body: { results: { label: string; score: number }[] }) => body.results.map((r) => [r.label, r.score.toFixed(6)]);
    expect(labels(fromFastapi.body)).toEqual(labels(fromTorchserve.body));

    const input = Array.from({ length: 20 }, (_, i) => ({ id: `r${i}`, text: i === 7 ? '   ' : REVIEWS[i % REVIEWS.length] }));
    const created = await onFastapi.http.post('/api/v1/jobs').send({ reviews: input.filter((review) => review.text.trim()) }).expect(202);
    const status = await waitForJob(onFastapi, created.body.id, 60_000);
    expect(status).toMatchObject({ state: 'completed', progress: { done: 19, total: 19, failed: 0 } });
    const rows = (await onFastapi.http.get(`/api/v1/jobs/${created.body.id}/results?limit=100`).expect(200)).body.items;
    expect(rows.map((row: { id: string }) => row.id)).toEqual(input.filter((review) => review.text.trim()).map((review) => review.id));
    expect(rows.map((row: { label: string }) => row.label)).toEqual(
      input.filter((review) => review.text.trim()).map((review) => fromTorchserve.body.results[REVIEWS.indexOf(review.text)].label),
    );
  }, 120_000);
});
