#!/usr/bin/env node
// How fast the history is written: N classified reviews (a job's rows, as workers append them, 50 per chunk)
// go through the Redis stream into the database, timed from the first append to the last row committed.
// Side by side in one run: PostgreSQL (DATABASE_URL, default the local server, a fresh database) and the
// embedded PGlite. Uses the built backend (npx tsc -p backend/tsconfig.app.json).
//   node bench/history_write.mjs [--reviews 10000] [--json OUT]
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const dist = (path) => require(join(process.cwd(), 'dist/backend/backend/src', path));
const { loadConfig } = dist('config/app-config.js');
const { RedisService } = dist('redis/redis.service.js');
const { MetricsService } = dist('metrics/metrics.service.js');
const { HistoryDatabaseService } = dist('history/history-database.js');
const { HistoryLog } = dist('history/history-log.js');
const { HistoryDrainer } = dist('history/history-drainer.js');
const { predictionEvent } = dist('history/history-events.js');
const pg = require('pg');

const args = Object.fromEntries(process.argv.slice(2).map((a, i, all) => (a.startsWith('--') ? [a.slice(2), all[i + 1]] : [])).filter((p) => p.length));
const REVIEWS = Number(args.reviews ?? 10_000);
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TEXT = "Un film bouleversant, des acteurs magnifiques et une mise en scène d'une rare élégance.";

async function run(name, settings) {
  const config = loadConfig({ QUEUE_PREFIX: `bench-${randomUUID().slice(0, 8)}`, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', ...settings });
  const redis = new RedisService(config);
  await redis.onModuleInit();
  const database = new HistoryDatabaseService(config);
  await database.onModuleInit();
  const log = new HistoryLog(redis, config);
  const drainer = new HistoryDrainer(database, log, new MetricsService(), config);
  drainer.onApplicationBootstrap();
  const jobId = randomUUID();
  const result = { label: 'positive', score: 0.97, probabilities: { negative: 0.03, positive: 0.97 }, uncertain: false, model: 'bench', version: '1' };
  const started = performance.now();
  for (let chunk = 0; chunk < REVIEWS / 50; chunk++) {
    const events = Array.from({ length: 50 }, (_, i) => {
      const position = chunk * 50 + i;
      return predictionEvent({ ...result, latencyMs: 1 }, { eventId: `${jobId}:${position}`, owner: 'bench', text: TEXT, storeText: true, jobId, position, reviewId: String(position) });
    });
    await log.append(events);
  }
  const appendedMs = performance.now() - started;
  let written = 0;
  while (written < REVIEWS) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const { count } = await database.db.selectFrom('predictions').select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
    written = Number(count);
  }
  const seconds = (performance.now() - started) / 1000;
  await drainer.onModuleDestroy();
  await database.onApplicationShutdown();
  await redis.client.del(log.key);
  await redis.onApplicationShutdown();
  console.log(`${name}: ${REVIEWS} rows in ${seconds.toFixed(2)} s (appending to Redis: ${(appendedMs / 1000).toFixed(2)} s)`);
  return { database: name, reviews: REVIEWS, seconds: Number(seconds.toFixed(3)), rowsPerSecond: Math.round(REVIEWS / seconds), appendSeconds: Number((appendedMs / 1000).toFixed(3)) };
}

const name = `allocine_bench_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: SERVER });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(SERVER);
url.pathname = `/${name}`;
const results = [];
try {
  results.push(await run('postgresql', { DATABASE_URL: url.toString() }));
  results.push(await run('pglite (embedded)', { HISTORY_DIR: mkdtempSync(join(tmpdir(), 'allocine-bench-pglite-')) }));
} finally {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
const report = { command: `node bench/history_write.mjs ${process.argv.slice(2).join(' ')}`.trim(), cpus: cpus().length, date: new Date().toISOString().slice(0, 10), aim: '10,000 rows in under 2 s', results };
if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
process.exit(0);
