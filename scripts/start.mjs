#!/usr/bin/env node
// `npm start`: set up whatever is missing, then run the whole product on its embedded defaults:
// Redis, TorchServe with the embedded model, the API with its queue workers, and the UI on :8501.
// `MODEL_DIR=<dir> npm start` serves another model directory (any Hugging Face sequence-classification
// checkpoint, e.g. model-server/model/camembert-base-random) the same way, sized by its serving.json.
// `MODEL_SERVER=fastapi npm start` serves the model with the FastAPI server instead of TorchServe (the same
// contract: docs/model-server-contract.md).
// A component that dies (TorchServe, the API, the UI, the Redis started here) is started again with backoff.
// Ctrl+C stops every child; queued work stays in Redis and resumes on the next start.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { brokerAnswers, brokerCommand } from '../streaming/broker/broker.mjs';
import { unsupportedNodeMessage } from './node-version.mjs';
import { Supervisor } from './supervisor.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// Where the stack keeps its state: Redis's append-only file, the embedded history, the UI's key.
const RUN_DIR = resolve(process.env.INIT_CWD ?? process.cwd(), process.env.RUN_DIR ?? join(ROOT, '.run'));
const API_PORT = Number(process.env.PORT ?? 3000);
const UI_PORT = Number(process.env.UI_PORT ?? 8501);
// Relative to where the user ran npm (npm itself runs scripts from the repository root).
const MODEL_DIR = resolve(process.env.INIT_CWD ?? process.cwd(), process.env.MODEL_DIR ?? join(ROOT, 'model-server/model/embedded'));
const MODEL_SERVER = process.env.MODEL_SERVER ?? 'torchserve';
if (!['torchserve', 'fastapi'].includes(MODEL_SERVER)) {
  console.error(`MODEL_SERVER must be torchserve or fastapi, not ${MODEL_SERVER}`);
  process.exit(1);
}
let redisStartedHere = false;
let stopping = false;

const say = (message) => console.log(`\x1b[36m[start]\x1b[0m ${message}`);
const warn = (message) => console.error(`\x1b[33m[start]\x1b[0m ${message}`);
// RESTART_DELAY_MS: how long a dead component stays down before it is started again (then doubled, up to 30 s).
const supervisor = new Supervisor(warn, Number(process.env.RESTART_DELAY_MS ?? 1_000));
const fail = (message) => {
  console.error(`\x1b[31m[start]\x1b[0m ${message}`);
  process.exit(1);
};

// Below package.json's engines (the real minimum, 22.12): say so first, and how to get the LTS.
const unsupportedNode = unsupportedNodeMessage();
if (unsupportedNode) warn(unsupportedNode);

/** Run a set-up step in the foreground, streaming its output so long steps show progress. */
function step(title, command, args, env = {}) {
  say(title);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) fail(`${title} failed (exit ${result.status})`);
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

const stale = (output, ...inputs) => newestMtime(output) < Math.max(...inputs.map(newestMtime));

const isLoopback = (host) => host === 'localhost' || host === '::1' || host.startsWith('127.');

function portAnswers(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

async function waitFor(what, check, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  fail(`${what} did not come up within ${seconds}s`);
}

/** Run a component as a child, started again (with backoff) whenever it dies. */
function run(name, command, args, env = {}) {
  supervisor.keep(name, () => spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] }));
}

/** TorchServe daemonises itself: its JVM's pid is in its pid file (in TMPDIR). */
function torchServeAlive() {
  try {
    const pid = Number(readFileSync(join(process.env.TMPDIR || '/tmp', '.model_server.pid'), 'utf-8').trim());
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const installed = (command) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * A system package npm start needs: installed with apt when this runs as root on Debian or Ubuntu (what a fresh
 * machine or container is), else the one command that installs it is named.
 */
function aptInstall(pkg, what, alternative = '') {
  const command = `apt-get install -y ${pkg}`;
  if (process.getuid?.() !== 0 || !installed('apt-get')) fail(`${what} is needed. Install it: sudo ${command}${alternative ? ` (${alternative})` : ''}`);
  say(`${what} is missing: ${command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', pkg]]) {
    if (spawnSync('apt-get', args, { stdio: 'inherit', env }).status !== 0) fail(`apt-get ${args.join(' ')} failed: install ${pkg} by hand`);
  }
}

async function setUp() {
  // TorchServe runs on Java 17+.
  if (MODEL_SERVER === 'torchserve' && !installed('java')) aptInstall('openjdk-17-jre-headless', 'Java (TorchServe)');
  if (!existsSync(join(ROOT, 'node_modules'))) step('installing npm dependencies (npm ci, about 1 minute)', 'npm', ['ci', '--no-audit', '--no-fund']);
  step('checking the Python environment (.venv, pinned requirements; first time about 1 minute)', 'bash', ['model-server/scripts/setup-python.sh']);
  checkModelDir();
  const store = join(ROOT, 'model-server/model-store');
  const packaged = existsSync(join(store, 'model-dir.txt')) ? readFileSync(join(store, 'model-dir.txt'), 'utf-8').trim() : '';
  const archiveInputs = [
    MODEL_DIR,
    join(ROOT, 'model-server/allocine_sentiment'),
    join(ROOT, 'libs/contracts/src/model-server-contract.json'),
    join(ROOT, 'model-server/config'),
    join(ROOT, 'model-server/scripts/build-mar.sh'),
  ];
  if (MODEL_SERVER === 'torchserve' && (packaged !== MODEL_DIR || stale(join(store, 'allocine-sentiment.mar'), ...archiveInputs))) {
    step(`packaging ${MODEL_DIR} for TorchServe (.mar and its configuration from serving.json)`, 'bash', ['model-server/scripts/build-mar.sh', MODEL_DIR]);
  }
  if (stale(join(ROOT, 'dist/backend'), join(ROOT, 'backend/src'), join(ROOT, 'libs/contracts/src'))) {
    step('building the API (tsc)', 'npx', ['tsc', '-p', 'backend/tsconfig.app.json']);
  }
  // angular.json too: build options (e.g. no inline critical CSS, which the UI's CSP forbids) change the output.
  if (existsSync(join(ROOT, 'frontend/project.json')) && stale(join(ROOT, 'dist/frontend'), join(ROOT, 'frontend/src'), join(ROOT, 'libs/contracts/src'), join(ROOT, 'angular.json'))) {
    step('building the UI (Angular production build, about 1 minute)', 'npx', ['ng', 'build', 'frontend']);
  }
}

function checkModelDir() {
  if (existsSync(join(MODEL_DIR, 'embedded_model.json')) || existsSync(join(MODEL_DIR, 'config.json'))) return;
  const hint = MODEL_DIR.endsWith('camembert-base-random')
    ? ' Create it with: npm run model:random-camembert'
    : ' Expected the embedded model (embedded_model.json) or a Hugging Face checkpoint (config.json, weights, tokenizer.json).';
  fail(`MODEL_DIR=${MODEL_DIR} is not a model directory.${hint}`);
}

/**
 * The Redis that holds accepted jobs. REDIS_URL: that one, checked (refused under an eviction policy, a warning
 * without persistence). Else the one on 127.0.0.1:REDIS_PORT (6379) if it is durable (noeviction, and an
 * append-only file or snapshots); else a Redis of our own with an append-only file, on that port or, when
 * another Redis is there, the next one.
 */
async function startRedis() {
  // Imported here, not at the top: it needs ioredis, which setUp's npm ci brings on a fresh machine.
  const { evictionProblem, redisDurability } = await import('./redis-durability.mjs');
  if (process.env.REDIS_URL) {
    const url = process.env.REDIS_URL;
    say(`Redis: using REDIS_URL=${url.replace(/\/\/[^@]*@/, '//***@')}`);
    const durability = await redisDurability(url).catch((error) => fail(`Redis at REDIS_URL does not answer: ${error.message}`));
    const problem = evictionProblem(durability);
    if (problem) fail(`Redis at REDIS_URL cannot hold the queue: ${problem}`);
    if (durability.persistent === false) {
      warn('Redis at REDIS_URL keeps nothing on disk (no append-only file, no snapshots): accepted jobs are lost if it restarts');
    }
    return url;
  }
  const usual = Number(process.env.REDIS_PORT ?? 6379);
  let port = usual;
  if (await portAnswers(usual)) {
    const url = `redis://127.0.0.1:${usual}`;
    const found = await redisDurability(url).catch(() => null);
    const problem = found && (evictionProblem(found) ?? (found.persistent === false ? 'it keeps nothing on disk, so a restart would lose accepted jobs' : null));
    if (found && !problem) {
      say(`Redis: using the one already answering on 127.0.0.1:${usual} (noeviction, persistent)`);
      return url;
    }
    say(`Redis: not using the one on 127.0.0.1:${usual} (${problem ?? 'it does not answer as Redis'}); REDIS_URL=${url} would use it anyway`);
    port = usual + 1;
  }
  if (!installed('redis-server')) aptInstall('redis-server', 'Redis', 'or set REDIS_URL=redis://host:port');
  const dir = join(RUN_DIR, port === 6379 ? 'redis' : `redis-${port}`);
  mkdirSync(dir, { recursive: true });
  say(`Redis: starting redis-server on 127.0.0.1:${port} (append-only file in ${dir}, so accepted jobs survive restarts)`);
  // appendfsync always: a job is on disk before its 202, so even a crash of Redis loses no accepted review.
  // maxmemory with noeviction: past the bound Redis refuses writes (the API answers 503) instead of growing.
  const maxmemory = process.env.REDIS_MAXMEMORY ?? '512mb';
  run('redis', 'redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always',
    '--maxmemory', maxmemory, '--maxmemory-policy', 'noeviction']);
  redisStartedHere = true;
  await waitFor('Redis', () => portAnswers(port), 15);
  return `redis://127.0.0.1:${port}`;
}

/**
 * With keys on, the UI server's own key: UI_API_KEY, else one made once and kept in .run/ui-api-key (so the
 * UI's history survives restarts). Never one of API_KEYS: whoever reaches the UI acts with it.
 */
function uiApiKey(keys) {
  const given = process.env.UI_API_KEY ?? '';
  if (given && keys.includes(given)) {
    fail('UI_API_KEY must be a key of its own, not one of API_KEYS: whoever reaches the UI acts with it. Leave it unset and one is made in .run/ui-api-key');
  }
  if (given || keys.length === 0) return given;
  const file = join(RUN_DIR, 'ui-api-key');
  if (existsSync(file)) return readFileSync(file, 'utf-8').trim();
  mkdirSync(RUN_DIR, { recursive: true });
  const key = `ui-${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  say(`UI key: made the UI server's own key in ${file} (UI_API_KEY sets another)`);
  return key;
}

async function startModelServer() {
  if (MODEL_SERVER === 'torchserve') {
    step('starting TorchServe (waits until both lanes have loaded the model)', 'bash', ['model-server/scripts/start.sh']);
    supervisor.watch('TorchServe', torchServeAlive, ['bash', join(ROOT, 'model-server/scripts/start.sh')]);
    return;
  }
  say('starting the FastAPI model server on 127.0.0.1:8080 (MODEL_SERVER=fastapi)');
  run('model-server', join(ROOT, '.venv/bin/python'), ['-m', 'allocine_sentiment.serving.fastapi_server', '--model-dir', MODEL_DIR, '--port', '8080'], {
    PYTHONPATH: join(ROOT, 'model-server'),
  });
  await waitFor('the FastAPI model server', () => portAnswers(8080), 120);
}

/**
 * STREAMING=1: a single-node Kafka broker (KRaft) on 127.0.0.1:9092 (KAFKA_PORT), its data in .run/kafka, and the
 * stream connector in the API process (KAFKA_BROKERS). The jars are fetched once with Maven.
 */
async function startKafka() {
  if (process.env.KAFKA_BROKERS) return process.env.KAFKA_BROKERS;
  if (!['1', 'true'].includes(process.env.STREAMING ?? '')) return null;
  const port = Number(process.env.KAFKA_PORT ?? 9092);
  if (!installed('mvn')) aptInstall('maven', 'the Kafka broker is fetched with Maven');
  say(`starting a Kafka broker on 127.0.0.1:${port} (data in .run/kafka)`);
  const { command, args } = brokerCommand({ dir: join(RUN_DIR, 'kafka'), port, controllerPort: port + 1 });
  run('kafka', command, args);
  await waitFor('the Kafka broker', () => brokerAnswers(port), 90);
  return `127.0.0.1:${port}`;
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  supervisor.stopAll();
  say('stopping: API and UI first (in-flight chunks finish), then the model server, Kafka and Redis');
  for (const name of ['ui', 'api']) await supervisor.stop(name);
  if (MODEL_SERVER === 'fastapi') await supervisor.stop('model-server');
  else spawnSync('bash', ['model-server/scripts/stop.sh'], { cwd: ROOT, stdio: 'inherit' });
  // The broker after the API (its connector commits what it finished), before Redis.
  await supervisor.stop('kafka');
  if (redisStartedHere) await supervisor.stop('redis');
  say('everything stopped');
  process.exit(code);
}

async function main() {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  await setUp();
  const redisUrl = await startRedis();
  await startModelServer();
  const kafkaBrokers = await startKafka();
  const apiHost = process.env.HOST ?? '127.0.0.1';
  const keys = (process.env.API_KEYS ?? '').split(',').map((key) => key.trim()).filter(Boolean);
  const uiKey = uiApiKey(keys);
  run('api', 'node', ['dist/backend/backend/src/main.js'], {
    REDIS_URL: redisUrl,
    PORT: String(API_PORT),
    HOST: apiHost,
    NODE_ENV: process.env.NODE_ENV ?? 'production',
    // One readable line per event here; LOG_FORMAT=json gives what a log collector wants.
    LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty',
    // Without keys the API answers only this machine; listening wider (HOST) without keys is refused at boot.
    ALLOW_ANONYMOUS: process.env.ALLOW_ANONYMOUS ?? String(keys.length === 0 && !uiKey && isLoopback(apiHost)),
    ...(uiKey ? { UI_API_KEY: uiKey } : {}),
    // The stream connector runs in this process (APP_ROLE=all) when there are brokers.
    ...(kafkaBrokers ? { KAFKA_BROKERS: kafkaBrokers } : {}),
    // History: PostgreSQL at DATABASE_URL when given, else an embedded PostgreSQL (PGlite) kept in .run/.
    ...(process.env.DATABASE_URL ? {} : { HISTORY_DIR: process.env.HISTORY_DIR ?? join(RUN_DIR, 'history') }),
  });
  await waitFor('the API', () => portAnswers(API_PORT), 60);
  const ui = join(ROOT, 'dist/frontend/browser');
  if (existsSync(ui)) {
    // With keys, the UI server lends its API calls its own key (uiApiKey).
    const uiHost = process.env.UI_HOST || '127.0.0.1';
    if (!isLoopback(uiHost) && !process.env.UI_HOSTS) {
      warn(`UI_HOST=${uiHost} shares the UI, which answers only to localhost names: set UI_HOSTS to the names people will use (UI_HOSTS=films.example.org)`);
    }
    run('ui', 'node', ['scripts/ui-server.mjs'], { UI_PORT: String(UI_PORT), UI_DIR: ui, API_URL: `http://127.0.0.1:${API_PORT}`, UI_API_KEY: uiKey });
    await waitFor('the UI', () => portAnswers(UI_PORT), 20);
  }
  console.log(`
  Allociné Sentiment is running
    UI            http://localhost:${UI_PORT}${existsSync(ui) ? '' : '   (no UI build found)'}
    API           http://localhost:${API_PORT}/api/v1   (docs: http://localhost:${API_PORT}/api/docs)
    Metrics       http://localhost:${API_PORT}/metrics
    Model server  http://127.0.0.1:8080 (${MODEL_SERVER === 'fastapi' ? 'FastAPI' : 'TorchServe, management on 127.0.0.1:8081, local only'}), serving ${MODEL_DIR}${
      kafkaBrokers ? `\n    Kafka         ${kafkaBrokers}: reviews on allocine.reviews.v1, sentiments on allocine.sentiments.v1` : ''
    }
  Ctrl+C stops everything.
`);
}

main().catch((error) => {
  console.error(error);
  void shutdown(1);
});
