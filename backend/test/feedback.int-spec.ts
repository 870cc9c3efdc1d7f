import type { Correction, CorrectionList, HistoryItem, JobResultsPage, PredictionResult, VersionErrorRates } from '@allocine/contracts';

import { appsClosedAfterEach, sleep, waitForJob } from './helpers';
import { freshDatabase } from './postgres';

/**
 * Reviewers' corrections, against real PostgreSQL (a fresh database), Redis and TorchServe: single predictions
 * and job rows corrected by their ids, what each key may correct, the lists, the CSV and the counts per version.
 */
const POSITIVE = 'Un film bouleversant, des acteurs magnifiques.';
const NEGATIVE = 'Nul, ennuyeux, je me suis endormi.';
const as = (key: string) => ({ 'X-API-Key': key });

const apps = appsClosedAfterEach();
let drop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await drop?.();
  drop = undefined;
});

async function target() {
  const database = await freshDatabase();
  drop = database.drop;
  return apps.start({ DATABASE_URL: database.url, API_KEYS: 'alice,bob', ADMIN_KEYS: 'root' });
}

describe('corrections', () => {
  it('records a correction of a single prediction with who, when and the version; only its owner or an admin may make it', async () => {
    const app = await target();
    const predicted = (await app.http.post('/api/v1/predictions').set(as('alice')).send({ text: POSITIVE }).expect(200)).body as PredictionResult;
    expect(predicted.predictionId).toMatch(/^[0-9a-f-]{36}$/);
    // Corrected at once: the prediction reaches the history a moment after its answer, and the correction waits for it.
    const url = `/api/v1/predictions/${predicted.predictionId}/feedback`;
    const corrected = (await app.http.post(url).set(as('alice')).send({ label: 'negative' }).expect(201)).body as Correction;
    expect(corrected).toMatchObject({
      predictionId: predicted.predictionId, label: 'negative', predictedLabel: 'positive', model: predicted.model, version: predicted.version,
      source: 'single', text: POSITIVE,
    });
    expect(corrected.correctedBy).toMatch(/^key:[0-9a-f]{16}$/);
    expect(Date.now() - Date.parse(corrected.correctedAt)).toBeLessThan(10_000);

    // Another client key cannot see it (404, as for an unknown id); an admin key can correct it.
    const refused = await app.http.post(url).set(as('bob')).send({ label: 'positive' }).expect(404);
    expect(refused.body.type).toBe('/api/v1/problems/not-found');
    const byAdmin = (await app.http.post(url).set(as('root')).send({ label: 'negative' }).expect(201)).body as Correction;
    expect(byAdmin.correctedBy).not.toBe(corrected.correctedBy);

    // The history shows it on the prediction.
    const history = (await app.http.get('/api/v1/predictions').set(as('alice')).expect(200)).body.items as HistoryItem[];
    expect(history).toEqual([expect.objectContaining({ predictionId: predicted.predictionId, label: 'positive', correction: { label: 'negative', correctedAt: byAdmin.correctedAt } })]);

    // Bad input changes nothing.
    const badLabel = await app.http.post(url).set(as('alice')).send({ label: 'neutral' }).expect(400);
    expect(badLabel.body.errors).toEqual([expect.objectContaining({ path: 'label', message: 'label is positive or negative' })]);
    await app.http.post('/api/v1/predictions/not-an-id/feedback').set(as('alice')).send({ label: 'negative' }).expect(400);
    await app.http.post('/api/v1/predictions/7b0c2f8e-2d1f-4c3a-9a57-7b2a1c0d9e11/feedback').set(as('alice')).send({ label: 'negative' }).expect(404);
    const list = (await app.http.get('/api/v1/feedback').set(as('alice')).expect(200)).body as CorrectionList;
    expect(list.items).toHaveLength(1);
  });

  it("corrects a job's rows by their ids, lists and exports what each key may see, and counts errors per model version", async () => {
    const app = await target();
    const reviews = [POSITIVE, NEGATIVE, POSITIVE].map((text, i) => ({ id: `r${i + 1}`, text }));
    const job = (await app.http.post('/api/v1/jobs').set(as('alice')).send({ reviews }).expect(202)).body;
    await waitForJob(app, job.id, 90_000, as('alice'));
    const page = (await app.http.get(`/api/v1/jobs/${job.id}/results`).set(as('alice')).expect(200)).body as JobResultsPage;
    expect(page.items.map((row) => row.predictionId)).toEqual([`${job.id}:0`, `${job.id}:1`, `${job.id}:2`]);
    const [first, second] = page.items;
    await app.http.post(`/api/v1/predictions/${first.predictionId}/feedback`).set(as('alice')).send({ label: first.label === 'positive' ? 'negative' : 'positive' }).expect(201);
    // A confirmation (the model was right) counts as reviewed, not wrong.
    await app.http.post(`/api/v1/predictions/${second.predictionId}/feedback`).set(as('alice')).send({ label: second.label }).expect(201);
    const bobs = (await app.http.post('/api/v1/predictions').set(as('bob')).send({ text: NEGATIVE }).expect(200)).body as PredictionResult;
    await app.http.post(`/api/v1/predictions/${bobs.predictionId}/feedback`).set(as('bob')).send({ label: 'positive' }).expect(201);

    const alices = (await app.http.get('/api/v1/feedback').set(as('alice')).expect(200)).body as CorrectionList;
    expect(alices.items.map((c) => [c.predictionId, c.source, c.reviewId])).toEqual([
      [second.predictionId, 'job', 'r2'],
      [first.predictionId, 'job', 'r1'],
    ]);
    const everyone = (await app.http.get('/api/v1/feedback').set(as('root')).expect(200)).body as CorrectionList;
    expect(everyone.items).toHaveLength(3);
    const paged = (await app.http.get('/api/v1/feedback?limit=1').set(as('root')).expect(200)).body as CorrectionList;
    const rest = (await app.http.get(`/api/v1/feedback?limit=5&cursor=${paged.nextCursor}`).set(as('root')).expect(200)).body as CorrectionList;
    expect([...paged.items, ...rest.items].map((c) => c.predictionId)).toEqual(everyone.items.map((c) => c.predictionId));

    const csv = await app.http.get('/api/v1/feedback?format=csv').set(as('alice')).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = (csv.text as string).trim().split('\n');
    expect(lines[0]).toBe('prediction_id,corrected_at,source,job_id,review_id,text,predicted_label,label,model,version,corrected_by');
    expect(lines).toHaveLength(3);

    await sleep(1_500); // bob's prediction reaches the history
    const versions = (await app.http.get('/api/v1/feedback/versions').set(as('alice')).expect(200)).body as VersionErrorRates;
    expect(versions.items).toEqual([expect.objectContaining({ model: bobs.model, version: bobs.version, predictions: 3, reviewed: 2, wrong: 1, observedErrorRate: 0.5 })]);
    const all = (await app.http.get('/api/v1/feedback/versions').set(as('root')).expect(200)).body as VersionErrorRates;
    expect(all.items).toEqual([expect.objectContaining({ predictions: 4, reviewed: 3, wrong: 2 })]);
  });
});
