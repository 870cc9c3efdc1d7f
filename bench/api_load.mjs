#!/usr/bin/env node
// End-to-end load on a running stack (npm start): concurrent single predictions, then one batch job.
//   node bench/api_load.mjs [--url http://localhost:3000] [--requests 500] [--concurrency 32] [--job 5000] [--key K]
//     [--json OUT --label TEXT]  (the single-prediction figures as JSON, e.g. with and without history)
// Soak mode: --soak SECONDS [--clients 64] [--job 10000] [--json OUT]: a big job runs while every client mixes
// single predictions with small jobs; the only answers allowed are successes and 429/503 with Retry-After.
// Bounded in count and time; talks to the given local URL only.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).map((a, i, all) => (a.startsWith('--') ? [a.slice(2), all[i + 1]] : [])).filter((p) => p.length));
const URL_BASE = args.url ?? 'http://localhost:3000';
const REQUESTS = Number(args.requests ?? 500);
const CONCURRENCY = Number(args.concurrency ?? 32);
const JOB = Number(args.job ?? 5000);
// Real Allociné validation reviews (mean ~540 characters) when ../shared is there, else the short fixtures.
const VALIDATION = join(ROOT, '../shared/data/allocine/validation.jsonl');
const source = existsSync(VALIDATION) ? VALIDATION : join(ROOT, 'model-server/tests/fixtures/reviews.jsonl');
const reviews = readFileSync(source, 'utf-8').trim().split('\n').map((l) => JSON.parse(l).review);
console.log(`reviews from ${source} (mean ${Math.round(reviews.reduce((s, r) => s + r.length, 0) / reviews.length)} characters)`);

const KEY_HEADERS = args.key ? { 'X-API-Key': args.key } : {};
const post = (path, body) => fetch(`${URL_BASE}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...KEY_HEADERS }, body: JSON.stringify(body) });
const get = (path) => fetch(`${URL_BASE}${path}`, { headers: KEY_HEADERS });
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function singles() {
  const latencies = [];
  let next = 0;
  const statuses = {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const text = reviews[next++ % reviews.length];
        const t0 = performance.now();
        const response = await post('/api/v1/predictions', { text });
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        await response.arrayBuffer();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(`single predictions: ${REQUESTS} requests, concurrency ${CONCURRENCY}, statuses ${JSON.stringify(statuses)}`);
  if (statuses[429]) console.log('  (429s are the per-client rate limit: run the API with RATE_LIMIT_PER_MINUTE raised to measure throughput)');
  console.log(`  ${(REQUESTS / seconds).toFixed(0)} req/s; latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`);
  const ms = (p) => Number(percentile(latencies, p).toFixed(2));
  return { requests: REQUESTS, concurrency: CONCURRENCY, statuses, perSecond: Number((REQUESTS / seconds).toFixed(1)), p50Ms: ms(50), p95Ms: ms(95), p99Ms: ms(99) };
}

async function job() {
  const input = Array.from({ length: JOB }, (_, i) => ({ id: String(i), text: reviews[i % reviews.length] }));
  const started = performance.now();
  const created = await (await post('/api/v1/jobs', { reviews: input })).json();
  let status;
  const deadline = Date.now() + 600_000;
  do {
    await new Promise((resolve) => setTimeout(resolve, 250));
    status = await (await get(`/api/v1/jobs/${created.id}`)).json();
  } while (['queued', 'running'].includes(status.state) && Date.now() < deadline);
  const seconds = (performance.now() - started) / 1000;
  console.log(`batch job: ${JOB} reviews → ${status.state}, ${status.progress.done} done, ${status.progress.failed} failed`);
  console.log(`  ${seconds.toFixed(1)} s end to end, ${(JOB / seconds).toFixed(0)} reviews/s`);
}

if (args.soak) {
  const { soak } = await import('./api_soak.mjs');
  const result = await soak({ post, get, reviews, seconds: Number(args.soak), clients: Number(args.clients ?? 64), jobSize: Number(args.job ?? 10_000) });
  result.command = `node bench/api_load.mjs ${process.argv.slice(2).map((a) => (a === args.key ? '<key>' : a)).join(' ')}`;
  console.log(JSON.stringify(result, null, 2));
  if (args.json) writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
  process.exit(result.violations.length ? 1 : 0);
}
const singleResults = await singles();
if (JOB > 0) await job();
if (args.json) {
  const command = `node bench/api_load.mjs ${process.argv.slice(2).map((a) => (a === args.key ? '<key>' : a)).join(' ')}`;
  writeFileSync(args.json, `${JSON.stringify({ command, date: new Date().toISOString().slice(0, 10), label: args.label ?? null, singles: singleResults }, null, 2)}\n`);
}
const metrics = await (await get('/metrics')).text();
const batchCount = Number(/allocine_model_batch_size_count (\d+)/.exec(metrics)?.[1] ?? 0);
const batchSum = Number(/allocine_model_batch_size_sum (\d+)/.exec(metrics)?.[1] ?? 0);
console.log(`TorchServe dynamic batching: mean ${(batchSum / Math.max(1, batchCount)).toFixed(2)} requests per model batch over ${batchCount} calls`);
