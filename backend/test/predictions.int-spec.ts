import { RunningApp, startApp } from './helpers';

const POSITIVE = "Un chef-d'œuvre, bouleversant du début à la fin.";
const NEGATIVE = 'Nul, ennuyeux, je me suis endormi.';

describe('POST /api/v1/predictions (real Redis, real TorchServe)', () => {
  let target: RunningApp;

  beforeAll(async () => {
    target = await startApp();
  });
  afterAll(() => target.close());

  it('classifies one French review through the queue', async () => {
    const { body } = await target.http.post('/api/v1/predictions').send({ text: POSITIVE }).expect(200);
    expect(body).toMatchObject({ label: 'positive', model: 'allocine-embedded-ngram', version: '1.0', truncated: false });
    expect(body.probabilities.positive).toBeGreaterThan(0.5);
    expect(body.score).toBe(body.probabilities.positive);
    expect(typeof body.latencyMs).toBe('number');
  });

  it('classifies a list, one result per text in order', async () => {
    const { body } = await target.http
      .post('/api/v1/predictions')
      .send({ texts: [NEGATIVE, POSITIVE, NEGATIVE] })
      .expect(200);
    expect(body.results.map((r: { label: string }) => r.label)).toEqual(['negative', 'positive', 'negative']);
  });

  it('explains a review on request: each word as written, with its signed weight', async () => {
    const text = 'Un scénario NUL mais des acteurs magnifiques.';
    const { body } = await target.http.post('/api/v1/predictions').send({ text, explain: true }).expect(200);
    expect(body.explanation.method).toBe('linear-exact');
    const words = body.explanation.words as { text: string; start: number; end: number; weight: number }[];
    expect(words.map((w) => w.text)).toEqual(['Un', 'scénario', 'NUL', 'mais', 'des', 'acteurs', 'magnifiques']);
    for (const w of words) expect(text.slice(w.start, w.end)).toBe(w.text);
    const weight = (word: string) => words.find((w) => w.text === word)!.weight;
    expect(weight('magnifiques')).toBeGreaterThan(0);
    expect(weight('NUL')).toBeLessThan(0);
    const plain = await target.http.post('/api/v1/predictions').send({ text }).expect(200);
    expect(plain.body.explanation).toBeUndefined();
    expect(plain.body.label).toBe(body.label);
    const bad = await target.http.post('/api/v1/predictions').send({ text, explain: 'yes' }).expect(400);
    expect(bad.body.errors).toEqual([{ path: 'explain', message: 'explain must be true or false', code: 'wrong_type' }]);
    await target.http.post('/api/v1/predictions').send({ texts: [text], explain: true }).expect(400);
  });

  it('answers bad input with 400 and the one error shape, without touching the queue', async () => {
    const { body } = await target.http.post('/api/v1/predictions').send({ text: '   ' }).expect(400);
    expect(body).toEqual({
      type: '/api/v1/problems/invalid-request',
      title: 'Invalid request',
      status: 400,
      detail: 'Invalid prediction request',
      instance: '/api/v1/predictions',
      errors: [{ path: 'text', message: 'text is empty', code: 'empty' }],
    });
    const long = await target.http.post('/api/v1/predictions').send({ text: 'a'.repeat(5001) }).expect(400);
    expect(long.body.errors).toEqual([{ path: 'text', message: 'text is longer than 5000 characters', code: 'too_long', limit: 5000 }]);
    const many = await target.http.post('/api/v1/predictions').send({ texts: Array(101).fill('bien') }).expect(400);
    expect(many.body.errors).toEqual([{ path: 'texts', message: 'at most 100 texts per request', code: 'too_many', limit: 100 }]);
    const notJson = await target.http.post('/api/v1/predictions').set('Content-Type', 'application/json').send('{oops').expect(400);
    expect(notJson.body).toMatchObject({ type: '/api/v1/problems/invalid-request', status: 400, detail: 'Request body is not valid JSON' });
    expect(notJson.type).toBe('application/problem+json');
  });

  it('refuses bodies over the limit with 413', async () => {
    const { body } = await target.http.post('/api/v1/predictions').send({ text: 'a'.repeat(1_100_000) }).expect(413);
    expect(body).toEqual({
      type: '/api/v1/problems/payload-too-large',
      title: 'Payload too large',
      status: 413,
      detail: 'Request body is too large',
      instance: '/api/v1/predictions',
    });
  });

  it('answers unknown routes with 404 in the same shape and never a stack trace', async () => {
    const { body } = await target.http.get('/api/v1/nothing-here').expect(404);
    expect(body).toEqual({
      type: '/api/v1/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'Cannot GET /api/v1/nothing-here',
      instance: '/api/v1/nothing-here',
    });
    const described = await target.http.get('/api/v1/problems/not-found').expect(200);
    expect(described.body).toMatchObject({ type: '/api/v1/problems/not-found', status: 404, title: 'Not found' });
  });

  it('batches concurrent single predictions (batch-size metric above 1)', async () => {
    const texts = Array.from({ length: 96 }, (_, i) => (i % 2 ? POSITIVE : NEGATIVE));
    const answers = await Promise.all(texts.map((text) => target.http.post('/api/v1/predictions').send({ text })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.map((a) => a.body.label)).toEqual(texts.map((t) => (t === POSITIVE ? 'positive' : 'negative')));
    const { text } = await target.http.get('/metrics').expect(200);
    const count = Number(/allocine_model_batch_size_count (\d+)/.exec(text)?.[1]);
    const ones = Number(/allocine_model_batch_size_bucket\{le="1"\} (\d+)/.exec(text)?.[1]);
    expect(count).toBeGreaterThan(0);
    expect(ones).toBeLessThan(count); // some calls were grouped with others by TorchServe
    expect(text).toMatch(/allocine_predictions_total\{label="positive"\} \d+/);
    expect(text).toMatch(/allocine_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/predictions",status="200"\}/);
    expect(text).toMatch(/allocine_queue_jobs\{state="waiting"\}/);
    expect(text).toMatch(/allocine_model_server_request_duration_seconds_count\{outcome="ok"\}/);
  });

  it('describes the served model', async () => {
    const { body } = await target.http.get('/api/v1/model').expect(200);
    expect(body).toMatchObject({ name: 'allocine-embedded-ngram', version: '1.0', labels: ['negative', 'positive'] });
    expect(body.documentedAccuracy[0]).toMatchObject({ dataset: expect.stringMatching(/validation/) });
    expect(body.documentedAccuracy[0].accuracy).toBeGreaterThan(0.85);
  });

  it('reports every component ready', async () => {
    const { body } = await target.http.get('/api/v1/health/ready').expect(200);
    expect(Object.keys(body.details).sort()).toEqual(['history', 'modelServer', 'queue', 'redis', 'workers']);
    expect(body.details.history).toEqual({ status: 'up', backend: 'off' }); // no DATABASE_URL or HISTORY_DIR here
    expect(Object.values(body.details).every((c) => (c as { status: string }).status === 'up')).toBe(true);
    await target.http.get('/api/v1/health/live').expect(200);
  });

  it('documents every route in OpenAPI', async () => {
    const { body } = await target.http.get('/api/docs-json').expect(200);
    expect(Object.keys(body.paths).sort()).toEqual([
      '/api/v1/drift',
      '/api/v1/feedback',
      '/api/v1/feedback/versions',
      '/api/v1/health/live',
      '/api/v1/health/ready',
      '/api/v1/jobs',
      '/api/v1/jobs/{id}',
      '/api/v1/jobs/{id}/cancel',
      '/api/v1/jobs/{id}/events',
      '/api/v1/jobs/{id}/results',
      '/api/v1/model',
      '/api/v1/models',
      '/api/v1/models/events',
      '/api/v1/models/rollback',
      '/api/v1/models/shadow',
      '/api/v1/models/{version}/promote',
      '/api/v1/models/{version}/shadow',
      '/api/v1/predictions',
      '/api/v1/predictions/{predictionId}/feedback',
      '/api/v1/problems',
      '/api/v1/problems/{name}',
      '/api/v1/stats',
      '/api/v1/webhooks/secret',
    ]);
    // Every documented error is the one RFC 9457 problem schema, served as application/problem+json.
    const errors = Object.values(body.paths as Record<string, Record<string, { responses: Record<string, { content?: object }> }>>)
      .flatMap((item) => Object.values(item))
      .flatMap((operation) => Object.entries(operation.responses).filter(([status]) => Number(status) >= 400));
    expect(errors.length).toBeGreaterThan(20);
    for (const [, response] of errors) expect(Object.keys(response.content ?? {})).toEqual(['application/problem+json']);
    expect(body.info.description).toContain('| `/api/v1/problems/idempotency-mismatch` | 422 |');
    await target.http.get('/api/docs').expect(200);
  });
});
