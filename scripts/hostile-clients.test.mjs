// Hostile clients against the real stack, started as `npm start` starts it (with keys): each attack gets a
// prompt, documented refusal or fair service, and while it runs the API's resident memory grows by less than
// 150 MB, liveness answers within 500 ms and another key's single predictions keep answering 200.
//   npm run test:hostile            (npm test runs it)
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';

import { ROOT, UI, startStack } from '../frontend/e2e/stack.mjs';
import { redisDurability } from './redis-durability.mjs';

const API = 'http://127.0.0.1:3000';
const GREEDY = 'greedy-key';
const OTHER = 'other-key';
const UI_KEY = 'hostile-suite-ui-key';
const ARTIFACTS = join(ROOT, 'test-artifacts/hostile');
const MB = 1024 * 1024;
const REVIEW = 'Un film magnifique, des acteurs formidables.';
mkdirSync(ARTIFACTS, { recursive: true });
let stack;
const report = {};

before(async () => {
  // Transformer-sized chunks (10 reviews), as in the attack that used to fill the queue for everyone.
  stack = await startStack({ API_KEYS: `${GREEDY},${OTHER}`, UI_API_KEY: UI_KEY, CHUNK_SIZE: '10', RATE_LIMIT_PER_MINUTE: '1000000' });
});

after(async () => {
  writeFileSync(join(ARTIFACTS, 'measurements.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (!stack) return;
  const code = await stack.stop();
  writeFileSync(join(ARTIFACTS, 'stack.log'), stack.output());
  assert.equal(code, 0);
});

/** Resident memory of the API process, in bytes. */
function apiRss() {
  const pid = execFileSync('pgrep', ['-f', 'dist/backend/backend/src/main.js']).toString().trim().split('\n')[0];
  const line = readFileSync(`/proc/${pid}/status`, 'utf-8').split('\n').find((entry) => entry.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) * 1024;
}

/**
 * Runs the attack while watching the API: its peak resident memory over the start, the slowest liveness
 * answer, and another key's single predictions (every status, the slowest). Returns the attack's result.
 */
async function underWatch(name, attack) {
  const startRss = apiRss();
  let peakRss = startRss;
  let slowestLive = 0;
  const otherStatuses = [];
  let slowestOther = 0;
  let watching = true;
  const watch = async () => {
    while (watching) {
      const started = performance.now();
      const live = await fetch(`${API}/api/v1/health/live`);
      slowestLive = Math.max(slowestLive, performance.now() - started);
      assert.equal(live.status, 200);
      peakRss = Math.max(peakRss, apiRss());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const other = async () => {
    while (watching) {
      const started = performance.now();
      const answer = await fetch(`${API}/api/v1/predictions`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-API-Key': OTHER }, body: JSON.stringify({ text: REVIEW }) });
      await answer.arrayBuffer();
      slowestOther = Math.max(slowestOther, performance.now() - started);
      otherStatuses.push(answer.status);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const watchers = [watch(), other()];
  let result;
  try {
    result = await attack();
  } finally {
    watching = false;
    await Promise.all(watchers);
  }
  const measured = { rssGrowthMB: Math.round(((peakRss - startRss) / MB) * 10) / 10, slowestLiveMs: Math.round(slowestLive), otherPredictions: otherStatuses.length, slowestOtherMs: Math.round(slowestOther) };
  report[name] = measured;
  assert.ok(measured.rssGrowthMB < 150, `${name}: the API grew by ${measured.rssGrowthMB} MB`);
  assert.ok(measured.slowestLiveMs < 500, `${name}: liveness took ${measured.slowestLiveMs} ms`);
  assert.ok(otherStatuses.length > 0 && otherStatuses.every((status) => status === 200), `${name}: another key got ${[...new Set(otherStatuses)]}`);
  return result;
}

const post = (path, body, headers = {}) => fetch(`${API}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) });

describe('nothing is parsed before the caller is known', () => {
  test('an anonymous decompression bomb is refused without being inflated', async () => {
    // Just under the jobs route's 10 MB once inflated (the attack), ~10 KB on the wire.
    const bomb = gzipSync(Buffer.from(`[${'{},'.repeat(3_300_000)}{}]`));
    const statuses = await underWatch('anonymous gzip bombs', () =>
      Promise.all(Array.from({ length: 4 }, () => post('/api/v1/jobs', bomb, { 'Content-Encoding': 'gzip' }).then((answer) => answer.status))),
    );
    assert.deepEqual(statuses, [401, 401, 401, 401]);
    const keyed = await post('/api/v1/jobs', bomb, { 'Content-Encoding': 'gzip', 'X-API-Key': OTHER });
    assert.equal(keyed.status, 415);
    assert.equal((await keyed.json()).type, '/api/v1/problems/unsupported-media-type');
  });

  test('a form post (what any site can make a browser send) is refused: 415 at the API, 403 through the UI', async () => {
    const form = { 'Content-Type': 'application/x-www-form-urlencoded', 'X-API-Key': OTHER };
    assert.equal((await fetch(`${API}/api/v1/predictions`, { method: 'POST', headers: form, body: 'text=Bien' })).status, 415);
    const throughUi = await fetch(`${UI}/api/v1/predictions`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'text=Bien' });
    assert.equal(throughUi.status, 403);
  });
});

describe('a wide CSV', () => {
  test('12,000 columns in 9 MB: a prompt 400 naming the column cap, the API unmoved', async () => {
    // Mostly empty columns, unnamed: the header stays within a record's size, as in the attack.
    const columns = 12_000;
    const header = `text${','.repeat(columns - 1)}`;
    const row = `a${','.repeat(columns - 1)}`;
    const csv = [header, ...Array.from({ length: Math.floor((9 * MB) / row.length) }, () => row)].join('\n');
    const answer = await underWatch('wide CSV', async () => {
      const form = new FormData();
      form.append('file', new Blob([csv], { type: 'text/csv' }), 'wide.csv');
      const response = await fetch(`${API}/api/v1/jobs`, { method: 'POST', headers: { 'X-API-Key': GREEDY }, body: form });
      return { status: response.status, body: await response.json() };
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.detail, `CSV has ${columns} columns; at most 256 are accepted`);
  });
});

describe('one key cannot starve the others', () => {
  test("a greedy key's backlog is its own: it gets 429 past its share, another key's predictions and jobs are served", async () => {
    const letters = { reviews: Array.from({ length: 10_000 }, (_, i) => ({ text: String.fromCharCode(97 + (i % 26)) })) };
    const { statuses, small } = await underWatch('greedy key', async () => {
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await post('/api/v1/jobs', letters, { 'X-API-Key': GREEDY })).status);
      const accepted = await post('/api/v1/jobs', { reviews: [{ text: REVIEW }, { text: 'Un navet.' }] }, { 'X-API-Key': OTHER });
      assert.equal(accepted.status, 202);
      const { id } = await accepted.json();
      let state = 'queued';
      for (let i = 0; i < 300 && !['completed', 'failed'].includes(state); i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        state = (await (await fetch(`${API}/api/v1/jobs/${id}`, { headers: { 'X-API-Key': OTHER } })).json()).state;
      }
      return { statuses, small: state };
    });
    assert.deepEqual(statuses, [202, 202, 429, 429, 429, 429]);
    assert.equal(small, 'completed', "the other key's small job finished while the greedy backlog was still there");
    const greedyJobs = (await (await fetch(`${API}/api/v1/jobs`, { headers: { 'X-API-Key': GREEDY } })).json()).items;
    for (const job of greedyJobs) await fetch(`${API}/api/v1/jobs/${job.id}`, { method: 'DELETE', headers: { 'X-API-Key': GREEDY } });
  });

  test('wrong keys from one address never lock out a valid key from it', async () => {
    for (let i = 0; i < 15; i++) await fetch(`${API}/api/v1/model`, { headers: { 'X-API-Key': `guess-${i}` } });
    assert.equal((await fetch(`${API}/api/v1/model`, { headers: { 'X-API-Key': 'guess-x' } })).status, 429);
    assert.equal((await fetch(`${API}/api/v1/model`, { headers: { 'X-API-Key': OTHER } })).status, 200);
    // The UI server's loopback address shares that count: the UI keeps working.
    assert.equal((await fetch(`${UI}/api/v1/model`)).status, 200);
  });
});

describe('the UI server lends its key only to its own pages', () => {
  test('a DNS-rebinding page (another Host) gets 421, never the webhook secret', async () => {
    const status = await new Promise((resolve, reject) => {
      const url = new URL(`${UI}/api/v1/webhooks/secret`);
      http.get({ host: '127.0.0.1', port: url.port, path: url.pathname, headers: { Host: 'rebind.attacker.example' } }, (response) => {
        response.resume();
        resolve(response.statusCode);
      }).on('error', reject);
    });
    assert.equal(status, 421);
  });
});

describe('streams', () => {
  test('40 slow readers of an 8 MB export do not make the API buffer it', async () => {
    const text = `${REVIEW} `.repeat(44); // ~2,000 characters
    const created = await post('/api/v1/jobs', { reviews: Array.from({ length: 4_000 }, (_, i) => ({ id: String(i), text })) }, { 'X-API-Key': OTHER });
    assert.equal(created.status, 202);
    const { id } = await created.json();
    for (let state = 'queued'; !['completed', 'failed'].includes(state); ) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      state = (await (await fetch(`${API}/api/v1/jobs/${id}`, { headers: { 'X-API-Key': OTHER } })).json()).state;
    }
    const readers = [];
    await underWatch('slow CSV readers', async () => {
      for (let i = 0; i < 40; i++) {
        readers.push(
          await new Promise((resolve, reject) => {
            const request = http.get(`${API}/api/v1/jobs/${id}/results?format=csv`, { headers: { 'X-API-Key': OTHER } }, (response) => {
              response.pause(); // reads nothing more: the API must wait, not buffer
              resolve(request);
            });
            request.on('error', reject);
          }),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    });
    for (const request of readers) request.destroy();
  });

  test('event streams are capped per key', async () => {
    const created = await post('/api/v1/jobs', { reviews: Array.from({ length: 10_000 }, () => ({ text: REVIEW })) }, { 'X-API-Key': GREEDY });
    const { id } = await created.json();
    const controllers = [];
    const statuses = [];
    for (let i = 0; i < 11; i++) {
      const controller = new AbortController();
      controllers.push(controller);
      const answer = await fetch(`${API}/api/v1/jobs/${id}/events`, { headers: { 'X-API-Key': GREEDY }, signal: controller.signal });
      statuses.push(answer.status);
    }
    for (const controller of controllers) controller.abort();
    assert.deepEqual(statuses, [...Array(10).fill(200), 429]);
    await fetch(`${API}/api/v1/jobs/${id}`, { method: 'DELETE', headers: { 'X-API-Key': GREEDY } });
  });
});

describe('small leaks', () => {
  test('control characters are refused per field; bad cursors and dates are 400; anonymous readiness is terse', async () => {
    const nul = await post('/api/v1/predictions', { text: 'Bien\u0000' }, { 'X-API-Key': OTHER });
    assert.equal(nul.status, 400);
    assert.equal((await nul.json()).errors[0].code, 'control_character');
    for (const query of ['/api/v1/predictions?cursor=99999999999999999999', '/api/v1/predictions?cursor=9999999999999999999', '/api/v1/jobs?cursor=AAAA', '/api/v1/stats?from=-200000-01-01']) {
      assert.equal((await fetch(`${API}${query}`, { headers: { 'X-API-Key': OTHER } })).status, 400, query);
    }
    const ready = await (await fetch(`${API}/api/v1/health/ready`)).text();
    assert.doesNotMatch(ready, /127\.0\.0\.1|http:/);
  });
});

describe('Redis durability at start', () => {
  test('npm start refuses a Redis that evicts, and will not queue on one that keeps nothing on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-redis-'));
    const port = 26479;
    const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'allkeys-lru'], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 40 && spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() !== 'PONG'; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(await redisDurability(`redis://127.0.0.1:${port}`), { policy: 'allkeys-lru', persistent: false });
      const refused = spawnSync(process.execPath, ['scripts/start.mjs'], { cwd: ROOT, env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${port}` }, encoding: 'utf-8', timeout: 120_000 });
      assert.notEqual(refused.status, 0);
      assert.match(refused.stderr, /cannot hold the queue: its maxmemory-policy is allkeys-lru.*CONFIG SET maxmemory-policy noeviction/);
    } finally {
      redis.kill();
    }
  });
});
