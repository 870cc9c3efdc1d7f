import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { DriftReport } from '@allocine/contracts';

import { appsClosedAfterEach, waitForJob } from './helpers';

/**
 * Drift against a real Redis and TorchServe: jobs classified by the real workers are binned per hour, and the
 * report compares them with the committed baseline (the validation split). Each app has a queue prefix, and so
 * an hour of traffic, of its own.
 */
const BASELINE = join(__dirname, '../../model-server/model/embedded/drift-baseline.json');
const DATA = process.env.ALLOCINE_DATA_DIR ?? join(__dirname, '../../../shared/data');
const validation = readFileSync(join(DATA, 'allocine/validation.jsonl'), 'utf-8')
  .trim()
  .split('\n')
  .map((line) => (JSON.parse(line) as { review: string }).review);

const apps = appsClosedAfterEach();

async function driftAfter(texts: string[]): Promise<{ report: DriftReport; metrics: string }> {
  const app = await apps.start({ DRIFT_BASELINE_PATH: BASELINE });
  const job = await app.http.post('/api/v1/jobs').send({ reviews: texts.map((text) => ({ text })) }).expect(202);
  await waitForJob(app, job.body.id);
  const report = (await app.http.get('/api/v1/drift?hours=3').expect(200)).body as DriftReport;
  const metrics = (await app.http.get('/metrics').expect(200)).text as string;
  return { report, metrics };
}

const psiLine = (metrics: string, feature: string) => Number(new RegExp(`^allocine_drift_psi\\{feature="${feature}"\\} (\\S+)$`, 'm').exec(metrics)?.[1]);

describe('drift', () => {
  it('finds no drift in reviews like the baseline: every index under the moderate threshold', async () => {
    const { report, metrics } = await driftAfter(validation.slice(0, 300));
    expect(report.baseline).toMatchObject({ n: 500, model: 'allocine-embedded-ngram' });
    expect(report.latest?.count).toBe(300);
    for (const [feature, value] of Object.entries(report.latest!.psi!)) {
      expect([feature, value < report.thresholds.moderate]).toEqual([feature, true]);
      expect(psiLine(metrics, feature)).toBeCloseTo(value, 4);
    }
    // (An hour that turns during the job splits its reviews between two hours: all of them are counted.)
    expect(report.hours.reduce((sum, hour) => sum + hour.count, 0)).toBe(300);
  });

  it('finds major drift in short English reviews: lengths and unknown words past the major threshold, as metrics too', async () => {
    const english = ['Great movie, loved it', 'Boring and way too long', 'Awesome acting, terrible script', 'Worst film ever made'];
    const { report, metrics } = await driftAfter(Array.from({ length: 200 }, (_, i) => `${english[i % english.length]} #${i}`));
    const { psi } = report.latest!;
    expect(psi!.text_length).toBeGreaterThan(report.thresholds.major);
    expect(psi!.unknown_words).toBeGreaterThan(report.thresholds.major);
    expect(psiLine(metrics, 'unknown_words')).toBeGreaterThan(report.thresholds.major);
  });

  it('does not compare an hour with too few reviews', async () => {
    const { report } = await driftAfter(validation.slice(0, 20));
    expect(report.latest).toBeNull();
    expect(report.hours[0]).toEqual({ start: expect.any(String), count: 20, psi: null });
  });
});
