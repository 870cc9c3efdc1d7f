// The model lifecycle as an operator runs it, with real processes: `npm start` with a client key and an admin key
// (TorchServe, Redis, the API, the history), reviewers' corrections, `npm run model:train -- --with-feedback` on
// their export, then shadow, promotion under load with a 2,000-review job running, and rollback.
//   node --test scripts/lifecycle.test.mjs        (npm test runs it)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { ROOT, startStack } from '../frontend/e2e/stack.mjs';

const API = 'http://127.0.0.1:3000/api/v1';
const CLIENT = 'lifecycle-client-key';
const ADMIN = 'lifecycle-admin-key';
// A version of its own: the archive it leaves in the model store is removed after, and no one's 1.1 is touched.
const VERSION = `9.${Date.now() % 1_000_000}`;
const WORK = mkdtempSync(join(tmpdir(), 'lifecycle-'));
const REGISTRY = join(WORK, 'registry');
const ARCHIVE = join(ROOT, 'model-server/model-store', `allocine-sentiment-v${VERSION}.mar`);

// Two of the embedded model's mistakes (it says negative, then positive), and eight confirmations.
const REVIEWED = readFileSync(join(ROOT, 'model-server/tests/fixtures/reviewed.jsonl'), 'utf-8')
  .trim()
  .split('\n')
  .map((line) => Object.values(JSON.parse(line)));

let stack;

before(async () => {
  // Its own Redis keys and history: nothing of a developer's own state is read or changed.
  stack = await startStack({
    API_KEYS: CLIENT,
    ADMIN_KEYS: ADMIN,
    MODEL_REGISTRY_DIR: REGISTRY,
    QUEUE_PREFIX: `lifecycle${process.pid}`,
    HISTORY_DIR: join(WORK, 'history'),
    RATE_LIMIT_PER_MINUTE: '100000',
  });
});

after(async () => {
  if (stack) assert.equal(await stack.stop(), 0);
  rmSync(ARCHIVE, { force: true });
  rmSync(WORK, { recursive: true, force: true });
});

async function call(key, method, path, body) {
  const response = await fetch(`${API}${path}`, {
    method,
    // A fresh connection each time: a kept-alive one the server closed while training ran would fail the call.
    headers: { 'X-API-Key': key, Connection: 'close', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

async function ok(key, method, path, body) {
  const answer = await call(key, method, path, body);
  assert.ok(answer.status < 300, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** A correction made right after its prediction: the API waits for the prediction to reach the history. */
async function correct(predictionId, label) {
  await ok(CLIENT, 'POST', `/predictions/${predictionId}/feedback`, { label });
}

test('corrections, a candidate, shadow, promotion under load with a job running, rollback', { timeout: 900_000 }, async () => {
  const listed = await ok(CLIENT, 'GET', '/models');
  assert.equal(listed.live, '1.0');
  assert.deepEqual(listed.items.map((item) => [item.version, item.status]), [['1.0', 'live']]);

  // 1. Reviewers correct ten predictions (two of them the model got wrong).
  const { results } = await ok(CLIENT, 'POST', '/predictions', { texts: REVIEWED.map(([text]) => text) });
  assert.deepEqual(results.slice(0, 2).map((result) => result.label), ['negative', 'positive'], 'the model is wrong on the first two');
  for (const [i, result] of results.entries()) await correct(result.predictionId, REVIEWED[i][1]);
  const csv = await ok(ADMIN, 'GET', '/feedback?format=csv');
  const exported = join(WORK, 'corrections.csv');
  writeFileSync(exported, csv);

  // 2. A candidate trained on them, through the gate, registered.
  const train = spawnSync('npm', ['run', '--silent', 'model:train', '--', '--with-feedback', exported, '--version', VERSION], {
    cwd: ROOT,
    encoding: 'utf-8',
    env: { ...process.env, MODEL_REGISTRY_DIR: REGISTRY },
    timeout: 300_000,
  });
  assert.equal(train.status, 0, `${train.stdout}\n${train.stderr}`);
  assert.match(train.stdout, new RegExp(`registered version ${VERSION.replace('.', '\\.')}`));
  const registered = (await ok(CLIENT, 'GET', '/models')).items.find((item) => item.version === VERSION);
  assert.equal(registered.status, 'registered');
  assert.equal(registered.served, false);
  assert.equal(registered.corrections, 10);
  assert.equal(registered.gate.passed, true);
  assert.deepEqual(registered.metrics.map((metric) => metric.set), ['validation', 'tv_series_dev']);
  assert.match(registered.dataFingerprint, /^sha256:[0-9a-f]{64}$/);

  // 3. A client key is refused every model operation; nothing changes.
  for (const [method, path, body] of [['POST', `/models/${VERSION}/shadow`, { percent: 50 }], ['POST', `/models/${VERSION}/promote`], ['POST', '/models/rollback'], ['DELETE', '/models/shadow']]) {
    const refused = await call(CLIENT, method, path, body);
    assert.equal(refused.status, 403, `${method} ${path}`);
    assert.equal(refused.body.type, '/api/v1/problems/forbidden');
  }
  assert.equal((await ok(CLIENT, 'GET', '/models')).live, '1.0');

  // 4. In shadow for all traffic: it classifies copies, agreement and corrected accuracy are reported.
  const shadowed = await ok(ADMIN, 'POST', `/models/${VERSION}/shadow`, { percent: 100 });
  assert.deepEqual([shadowed.shadow.version, shadowed.shadow.percent], [VERSION, 100]);
  const again = await ok(CLIENT, 'POST', '/predictions', { texts: REVIEWED.map(([text]) => text) });
  const report = await until('the shadow to compare ten reviews', async () => {
    const current = await ok(CLIENT, 'GET', '/models/shadow');
    return current.compared >= 10 && current;
  });
  assert.equal(report.live, '1.0');
  assert.equal(report.agreement, report.agreed / report.compared);
  assert.ok(report.agreement < 1, 'the candidate disagrees where it learned otherwise');
  assert.equal(report.confidence.live.reduce((a, b) => a + b), report.compared);
  // A reviewer corrects the first two again: the candidate (which learned them) is right, the live model wrong.
  for (const i of [0, 1]) await correct(again.results[i].predictionId, REVIEWED[i][1]);
  const scored = await until('corrections scored', async () => {
    const current = await ok(CLIENT, 'GET', '/models/shadow');
    return current.corrected.n >= 2 && current;
  });
  assert.deepEqual([scored.corrected.liveAccuracy, scored.corrected.shadowAccuracy], [0, 1]);
  const metrics = await (await fetch('http://127.0.0.1:3000/metrics', { headers: { 'X-API-Key': ADMIN } })).text();
  assert.match(metrics, /allocine_shadow\{measure="agreement"\} 0\.\d+/);

  // 5. Promotion under load, a 2,000-review job running: no request fails, the job finishes on its version.
  const job = await ok(CLIENT, 'POST', '/jobs', { reviews: Array.from({ length: 2_000 }, (_, i) => ({ text: `${REVIEWED[i % 10][0]} (${i})` })) });
  let loading = true;
  const seen = [];
  const failures = [];
  const load = async () => {
    while (loading) {
      const answer = await call(CLIENT, 'POST', '/predictions', { text: 'Un film magnifique, bouleversant du début à la fin.' }).catch((error) => ({ status: 0, body: String(error) }));
      if (answer.status === 200) seen.push(answer.body.version);
      else failures.push(`${answer.status} ${JSON.stringify(answer.body)}`);
    }
  };
  const loaders = Array.from({ length: 4 }, load);
  await sleep(1_000);
  const promoted = await ok(ADMIN, 'POST', `/models/${VERSION}/promote`);
  assert.deepEqual([promoted.live, promoted.previous, promoted.shadow], [VERSION, '1.0', null]);
  await sleep(2_000);
  loading = false;
  await Promise.all(loaders);
  assert.deepEqual(failures, [], 'no request failed during the promotion');
  assert.ok(seen.includes('1.0') && seen.at(-1) === VERSION, `answers went from 1.0 to ${VERSION}: ${[...new Set(seen)]}`);
  assert.equal(seen.lastIndexOf('1.0') < seen.indexOf(VERSION) + 8, true, 'once switched, answers stay on the new version (a few in flight aside)');
  const finished = await until('the job to finish', async () => {
    const status = await ok(CLIENT, 'GET', `/jobs/${job.id}`);
    return ['completed', 'failed', 'cancelled'].includes(status.state) && status;
  }, 300_000);
  assert.equal(finished.state, 'completed');
  assert.deepEqual(finished.progress, { done: 2_000, total: 2_000, failed: 0 });
  const versions = new Set();
  for (let offset = 0; offset < 2_000; offset += 1_000) {
    const page = await ok(CLIENT, 'GET', `/jobs/${job.id}/results?offset=${offset}&limit=1000`);
    for (const row of page.items) versions.add(row.version);
  }
  assert.deepEqual([...versions], ['1.0'], 'the job ran on the version live when it started');

  // 6. New results carry the new version; rollback restores the previous one the same way.
  assert.equal((await ok(CLIENT, 'POST', '/predictions', { text: 'Bien.' })).version, VERSION);
  const rolledBack = await ok(ADMIN, 'POST', '/models/rollback');
  assert.deepEqual([rolledBack.live, rolledBack.previous], ['1.0', VERSION]);
  assert.equal((await ok(CLIENT, 'POST', '/predictions', { text: 'Bien.' })).version, '1.0');

  // 7. The audit log: who (a digest, never the key), when, which versions.
  const { items } = await ok(CLIENT, 'GET', '/models/events');
  assert.deepEqual(items.slice(0, 3).map((event) => [event.action, event.fromVersion, event.toVersion]), [
    ['rollback', VERSION, '1.0'],
    ['promote', '1.0', VERSION],
    ['shadow', '1.0', VERSION],
  ]);
  assert.ok(items.slice(0, 3).every((event) => event.actor.startsWith('key:') && !event.actor.includes(ADMIN)));
});

test('a version that does not exist, or the live one, is refused with a clear error and changes nothing', async () => {
  assert.equal((await call(ADMIN, 'POST', '/models/4.2/promote')).status, 404);
  assert.equal((await call(ADMIN, 'POST', '/models/1.0/promote')).status, 409);
  assert.equal((await call(ADMIN, 'POST', '/models/1.0/shadow', { percent: 10 })).status, 409);
  const bad = await call(ADMIN, 'POST', `/models/${VERSION}/shadow`, { percent: 0 });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.errors[0].path, 'percent');
  assert.equal((await call(ADMIN, 'POST', '/models/not..a/version/promote')).status, 404);
  assert.equal((await ok(CLIENT, 'GET', '/models')).live, '1.0');
});
