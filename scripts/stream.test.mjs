// The stream connector against a real Kafka broker (KRaft, started here on ports of its own from the jars
// streaming/broker/fetch.sh fetched), a real model server (the FastAPI server on the embedded model) and the
// built backend run as APP_ROLE=stream (or all): every review classified once in order, messages valid against
// the AsyncAPI document's schemas, bad messages dead-lettered with their reason while their partition goes on,
// the history and readiness of an `all` process, and nothing lost when a connector, the broker or the model
// server is killed (kill -9), or when one of two connectors dies; exactly once with transactions.
//   node --test --test-concurrency=1 scripts/stream.test.mjs   (needs the built backend, .venv, Java, Maven)
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startBroker } from '../streaming/broker/broker.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { Admin, Consumer, FetchIsolationLevels, Producer, ProduceAcks, stringSerializers } = require('@platformatic/kafka');
const Ajv = require('ajv');

// The AsyncAPI document's payload schemas: what every message on the topics must satisfy.
const asyncapi = JSON.parse(readFileSync(join(ROOT, 'libs/contracts/asyncapi.json'), 'utf-8'));
const ajv = new Ajv({ allErrors: true, strict: false });
const validSentiment = ajv.compile(asyncapi.components.messages.sentiment.payload);
const validReview = ajv.compile(asyncapi.components.messages.review.payload);
const INPUT = 'allocine.reviews.v1';
const OUTPUT = 'allocine.sentiments.v1';
const DLQ = 'allocine.reviews.v1.dlq';

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'stream-test-'));
const children = new Set();
let broker;
let brokerPorts;
let brokers;
let modelServer;
let modelUrl;

function track(child) {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

async function waitFor(what, check, seconds = 90) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} not ready within ${seconds} s`);
}

/** A connector: the built backend in the stream role, on a port of its own. */
async function startConnector(group, extra = {}) {
  const port = extra.PORT ?? (await freePort());
  const connector = track(
    spawn(process.execPath, [join(ROOT, 'dist/backend/backend/src/main.js')], {
      env: {
        ...process.env,
        APP_ROLE: 'stream',
        PORT: String(port),
        HOST: '127.0.0.1',
        KAFKA_BROKERS: brokers,
        STREAM_GROUP_ID: group,
        MODEL_SERVER_URL: modelUrl,
        QUEUE_PREFIX: `stream-test-${group}`,
        LOG_LEVEL: 'warn',
        ...extra,
      },
      stdio: ['ignore', process.env.STREAM_TEST_LOGS ? 'inherit' : 'ignore', 'inherit'],
    }),
  );
  await waitFor('the connector', async () => (await fetch(`http://127.0.0.1:${port}/api/v1/health/live`)).ok);
  connector.port = port;
  return connector;
}

/** Reviews on the input topic (values as given: a string is sent as is, anything else as its JSON). */
async function produce(values, partitionOf = (i) => i % 3) {
  const producer = new Producer({ clientId: 'test-producer', bootstrapBrokers: [brokers], serializers: stringSerializers, idempotent: true, acks: ProduceAcks.ALL });
  try {
    for (let start = 0; start < values.length; start += 1_000) {
      const messages = values.slice(start, start + 1_000).map((value, i) => ({
        topic: INPUT,
        partition: partitionOf(start + i),
        value: typeof value === 'string' ? value : JSON.stringify(value),
      }));
      await producer.send({ messages });
    }
  } finally {
    await producer.close();
  }
}

/**
 * Reads `topic` from the beginning, as a downstream consumer would, until `count` messages came (or `count`
 * distinct review ids, with `distinct`), or `seconds` passed. `committed`: only what committed transactions wrote.
 */
async function readAll(topic, count, seconds = 120, { distinct = false, committed = false } = {}) {
  const consumer = new Consumer({ groupId: `reader-${topic}-${Math.random()}`, clientId: 'test-reader', bootstrapBrokers: [brokers] });
  const stream = await consumer.consume({
    autocommit: false,
    topics: [topic],
    mode: 'earliest',
    ...(committed ? { isolationLevel: FetchIsolationLevels.READ_COMMITTED } : {}),
  });
  const seen = [];
  const ids = new Set();
  const deadline = Date.now() + seconds * 1_000;
  let timer;
  try {
    await new Promise((resolve, reject) => {
      timer = setInterval(() => Date.now() > deadline && resolve(), 250);
      stream.on('data', (message) => {
        const headers = Object.fromEntries([...message.headers].map(([key, value]) => [key.toString(), value.toString()]));
        const entry = { partition: message.partition, key: message.key?.toString(), value: message.value?.toString() ?? '', headers };
        seen.push(entry);
        if (distinct) ids.add(entry.key);
        if ((distinct ? ids.size : seen.length) >= count) resolve();
      });
      stream.on('error', reject);
    });
  } finally {
    clearInterval(timer);
    await stream.close().catch(() => undefined);
    await consumer.close(true).catch(() => undefined);
  }
  return seen;
}

const idsOf = (messages) => new Set(messages.map((message) => JSON.parse(message.value).id));

async function resetTopics() {
  const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: [brokers] });
  try {
    const existing = await admin.listTopics();
    const ours = [INPUT, OUTPUT, DLQ].filter((topic) => existing.includes(topic));
    if (ours.length) await admin.deleteTopics({ topics: ours });
    await waitFor('topics deleted', async () => !(await admin.listTopics()).some((topic) => ours.includes(topic)), 30);
    await admin.createTopics({ topics: [INPUT, OUTPUT, DLQ], partitions: 3, replicas: 1 });
  } finally {
    await admin.close();
  }
}

/** The model server on its port (the connectors reach it at modelUrl): the FastAPI server on the embedded model. */
async function startModelServer() {
  modelServer = track(
    spawn(join(ROOT, '.venv/bin/python'), ['-m', 'allocine_sentiment.serving.fastapi_server', '--model-dir', join(ROOT, 'model-server/model/embedded'), '--port', new URL(modelUrl).port], {
      env: { ...process.env, PYTHONPATH: join(ROOT, 'model-server') },
      stdio: 'ignore',
    }),
  );
  await waitFor('the model server', async () => (await fetch(`${modelUrl}/ping`)).ok);
}

before(async () => {
  const [port, controllerPort, modelPort] = [await freePort(), await freePort(), await freePort()];
  brokerPorts = { port, controllerPort };
  broker = await startBroker({ dir: join(dir, 'broker'), ...brokerPorts });
  brokers = `127.0.0.1:${port}`;
  modelUrl = `http://127.0.0.1:${modelPort}`;
  await startModelServer();
});

after(() => {
  for (const child of children) {
    try {
      if (child.spawnargs[0] === 'npm') process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  broker?.kill('SIGKILL');
});

test('10,000 reviews across 3 partitions: 10,000 sentiments, each id once, in each partition’s order', async () => {
  await resetTopics();
  const reviews = Array.from({ length: 10_000 }, (_, i) => ({ id: `r${i}`, text: i % 2 ? 'Un film magnifique, bouleversant.' : 'Nul et ennuyeux, une perte de temps.' }));
  await produce(reviews);
  const connector = await startConnector('throughput');
  const started = Date.now();
  const sentiments = await readAll(OUTPUT, 10_000);
  const seconds = (Date.now() - started) / 1_000;
  connector.kill('SIGTERM');
  const bodies = sentiments.map((message) => JSON.parse(message.value));
  const ids = new Set(bodies.map((body) => body.id));
  assert.equal(ids.size, 10_000, 'every review classified');
  assert.equal(bodies.length - ids.size, 0, 'no duplicate in a run without failures');
  for (const body of bodies.slice(0, 50)) {
    assert.equal(body.label, Number(body.id.slice(1)) % 2 ? 'positive' : 'negative', body.id);
    assert.ok(body.score >= 0.5 && body.probabilities && body.model && body.version, JSON.stringify(body));
    assert.equal(body.source.topic, INPUT);
  }
  assert.ok(sentiments.every((message) => message.key === JSON.parse(message.value).id), 'keyed by review id');
  const invalid = bodies.find((body) => !validSentiment(body));
  assert.equal(invalid, undefined, `a sentiment the AsyncAPI schema refuses: ${JSON.stringify(validSentiment.errors)}`);
  assert.ok(validReview(reviews[0]) && !validReview({ id: 'x', text: '' }), 'the review schema is the one the connector applies');
  assert.ok(sentiments.every((message) => message.headers['x-request-id']), 'the request id travels in a header');
  // Each output partition holds each input partition's reviews in their input order.
  for (const partition of [0, 1, 2]) {
    const last = new Map();
    for (const body of bodies.filter((_, i) => sentiments[i].partition === partition)) {
      const offset = Number(body.source.offset);
      assert.ok(offset > (last.get(body.source.partition) ?? -1), `order kept for input partition ${body.source.partition}`);
      last.set(body.source.partition, offset);
    }
  }
  console.log(`# 10,000 reviews through Kafka in ${seconds.toFixed(1)} s (${Math.round(10_000 / seconds)} messages/s)`);
});

test('sentiments that together exceed one broker request (3 KB of metadata each) are sent in parts: none stalls', async () => {
  await resetTopics();
  const metadata = { notes: 'é'.repeat(1_500) }; // 3 KB as UTF-8: a group of in-flight batches is megabytes
  await produce(Array.from({ length: 6_000 }, (_, i) => ({ id: `big${i}`, text: 'Un beau film.', metadata })));
  const connector = await startConnector('large', { STREAM_BATCH_SIZE: '100', STREAM_CONCURRENCY: '16' });
  const sentiments = await readAll(OUTPUT, 6_000, 120, { distinct: true });
  connector.kill('SIGTERM');
  assert.equal(idsOf(sentiments).size, 6_000, 'every review classified');
  assert.deepEqual(JSON.parse(sentiments[0].value).metadata, metadata);
});

test('poison messages go to the DLQ with their reason, and their partition goes on; an `all` process keeps the history and reports the stream', async () => {
  await resetTopics();
  const values = [
    { id: 'ok-1', text: 'Une merveille.' },
    'this is not json',
    { id: 'empty', text: '   ' },
    { id: 'long', text: 'x'.repeat(20_001) },
    { id: 'control', text: 'bien\u0000' },
    { text: 'no id' },
    { id: 'ok-2', text: 'Décevant.', metadata: { site: 'exemple' } },
  ];
  await produce(values, () => 0);
  // What `STREAMING=1 npm start` runs: the API, the workers and the connector in one process, the history embedded.
  const connector = await startConnector('poison', { APP_ROLE: 'all', HISTORY_DIR: join(dir, 'history'), STREAM_MONITOR_INTERVAL_MS: '500' });
  const [sentiments, dead] = await Promise.all([readAll(OUTPUT, 2, 60), readAll(DLQ, 5, 60)]);
  // Keyed by review id, the two sentiments may land in different output partitions: their order there is per key.
  assert.deepEqual(sentiments.map((message) => JSON.parse(message.value).id).sort(), ['ok-1', 'ok-2']);
  assert.deepEqual(JSON.parse(sentiments.find((message) => message.key === 'ok-2').value).metadata, { site: 'exemple' });
  assert.equal(dead.length, 5);
  const reasons = Object.fromEntries(dead.map((message) => [message.value.slice(0, 24), `${message.headers['x-dlq-reason']}: ${message.headers['x-dlq-detail']}`]));
  assert.match(reasons['this is not json'], /^not_json/);
  assert.match(reasons[JSON.stringify({ id: 'empty', text: '   ' }).slice(0, 24)], /^invalid: text/);
  assert.ok(dead.every((message) => message.headers['x-source-topic'] === INPUT && message.headers['x-source-offset'] !== undefined));
  assert.ok(Object.values(reasons).some((reason) => /control character/.test(reason)));
  assert.ok(Object.values(reasons).some((reason) => /longer than/.test(reason)));

  // The history has the two with origin `stream` (topic, partition, offset), and filters on it.
  const api = `http://127.0.0.1:${connector.port}/api/v1`;
  let items = [];
  await waitFor('the streamed predictions in the history', async () => {
    items = (await (await fetch(`${api}/predictions?source=stream`)).json()).items ?? [];
    return items.length === 2;
  }, 90); // the embedded database's first start (WebAssembly compiled, migrations) comes first
  assert.deepEqual(items.map((item) => [item.reviewId, item.source, item.stream.topic, item.stream.partition]).sort(), [
    ['ok-1', 'stream', INPUT, 0],
    ['ok-2', 'stream', INPUT, 0],
  ]);
  assert.deepEqual(items.map((item) => item.stream.offset).sort(), ['0', '6']);
  assert.equal((await (await fetch(`${api}/predictions?source=job`)).json()).items.length, 0);

  // Readiness (what the Santé page shows): the broker, the lag (nothing left) and one connector.
  let stream;
  await waitFor('the stream in readiness', async () => {
    stream = (await (await fetch(`${api}/health/ready`)).json()).details?.stream;
    return stream?.lag === 0 && stream?.connectors === 1;
  }, 30);
  assert.equal(stream.status, 'up');
  assert.equal(stream.topic, INPUT);
  const metrics = await (await fetch(`http://127.0.0.1:${connector.port}/metrics`)).text();
  assert.match(metrics, /allocine_stream_consumer_lag\{topic="allocine.reviews.v1",partition="0"\} 0/);
  assert.match(metrics, /allocine_stream_messages_total\{outcome="dead-lettered"\} 5/);
  connector.kill('SIGTERM');
  await new Promise((resolve) => connector.once('exit', resolve));
});

test('a connector killed (kill -9) mid-stream and started again: no review lost', async () => {
  await resetTopics();
  const reviews = Array.from({ length: 6_000 }, (_, i) => ({ id: `k${i}`, text: 'Pas mal du tout.' }));
  await produce(reviews);
  const first = await startConnector('crash', { STREAM_BATCH_SIZE: '16' });
  await waitFor('some sentiments', async () => (await readAll(OUTPUT, 200, 2)).length >= 200, 60);
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  const second = await startConnector('crash');
  const sentiments = await readAll(OUTPUT, 6_000, 120, { distinct: true }); // the group notices the dead one after STREAM_SESSION_TIMEOUT_MS
  second.kill('SIGTERM');
  const ids = idsOf(sentiments);
  assert.equal(ids.size, 6_000, 'every review classified after the crash');
  console.log(`# duplicates after kill -9 (at least once): ${sentiments.length - ids.size}`);
});

test('the model server killed mid-stream: the connector pauses, resumes when it is back, and loses nothing', async () => {
  await resetTopics();
  await produce(Array.from({ length: 5_000 }, (_, i) => ({ id: `m${i}`, text: 'Un vrai bonheur.' })));
  const connector = await startConnector('model-down', { STREAM_BATCH_SIZE: '16' });
  await waitFor('some sentiments', async () => (await readAll(OUTPUT, 200, 2)).length >= 200, 60);
  modelServer.kill('SIGKILL');
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const duringOutage = (await readAll(OUTPUT, 5_000, 2)).length;
  assert.ok(duringOutage < 5_000, 'the stream waits for the model server');
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  assert.equal((await readAll(OUTPUT, 5_000, 2)).length, duringOutage, 'nothing produced while the model server is away');
  await startModelServer();
  const sentiments = await readAll(OUTPUT, 5_000, 120, { distinct: true });
  connector.kill('SIGTERM');
  assert.equal(idsOf(sentiments).size, 5_000, 'every review classified once the model server is back');
  assert.equal((await readAll(DLQ, 1, 2)).length, 0, 'an outage sends nothing to the DLQ');
});

test('the broker killed (kill -9) mid-stream and restarted: no review lost', async () => {
  await resetTopics();
  await produce(Array.from({ length: 5_000 }, (_, i) => ({ id: `b${i}`, text: 'Trop long, mais beau.' })));
  const connector = await startConnector('broker-down', { STREAM_BATCH_SIZE: '16' });
  await waitFor('some sentiments', async () => (await readAll(OUTPUT, 200, 2)).length >= 200, 60);
  broker.kill('SIGKILL');
  await new Promise((resolve) => broker.once('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  // Same data directory and ports: every message the broker acknowledged is still there.
  broker = await startBroker({ dir: join(dir, 'broker'), ...brokerPorts });
  const sentiments = await readAll(OUTPUT, 5_000, 180, { distinct: true });
  connector.kill('SIGTERM');
  const ids = idsOf(sentiments);
  assert.equal(ids.size, 5_000, 'every review classified after the broker came back');
  console.log(`# duplicates after the broker's kill -9 (at least once): ${sentiments.length - ids.size}`);
});

test('two connectors share the partitions; one killed (kill -9): the other takes its partitions, nothing lost', async () => {
  await resetTopics();
  await produce(Array.from({ length: 6_000 }, (_, i) => ({ id: `t${i}`, text: 'Sans intérêt.' })));
  const first = await startConnector('pair', { STREAM_BATCH_SIZE: '16' });
  const second = await startConnector('pair', { STREAM_BATCH_SIZE: '16' });
  // Both in the group before one dies: the group gave each some of the three partitions.
  const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: [brokers] });
  try {
    await waitFor('two members in the group', async () => (await admin.describeGroups({ groups: ['pair'] })).get('pair')?.members.size === 2, 60);
  } finally {
    await admin.close();
  }
  await waitFor('some sentiments', async () => (await readAll(OUTPUT, 300, 2)).length >= 300, 60);
  first.kill('SIGKILL');
  const sentiments = await readAll(OUTPUT, 6_000, 120, { distinct: true });
  second.kill('SIGTERM');
  const ids = idsOf(sentiments);
  assert.equal(ids.size, 6_000, 'every review classified by the connector left');
  console.log(`# duplicates after one of two connectors died (at least once): ${sentiments.length - ids.size}`);
});

test('exactly once (STREAM_DELIVERY=exactly-once): a connector killed mid-stream, and a read_committed reader sees each review once', async () => {
  await resetTopics();
  await produce(Array.from({ length: 4_000 }, (_, i) => ({ id: `x${i}`, text: 'Une réussite.' })));
  const first = await startConnector('exactly', { STREAM_BATCH_SIZE: '16', STREAM_DELIVERY: 'exactly-once' });
  await waitFor('some sentiments', async () => (await readAll(OUTPUT, 200, 2, { committed: true })).length >= 200, 60);
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  const second = await startConnector('exactly', { STREAM_DELIVERY: 'exactly-once' });
  const sentiments = await readAll(OUTPUT, 4_000, 150, { committed: true, distinct: true });
  // A little longer: a duplicate would come after the last new id.
  const settled = await readAll(OUTPUT, 4_001, 5, { committed: true });
  second.kill('SIGTERM');
  assert.equal(idsOf(sentiments).size, 4_000, 'every review classified');
  assert.equal(settled.length, 4_000, 'and each exactly once');
});

/** Rows of the Spark job's Parquet output, read with Spark (which follows the sink's log of committed files). */
function parquetRows(path) {
  const read = spawnSync(
    join(ROOT, '.venv/bin/python'),
    ['-c', `from pyspark.sql import SparkSession
s = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
s.sparkContext.setLogLevel("ERROR")
import json
print(json.dumps([r.asDict() for r in s.read.parquet(${JSON.stringify(path)}).select("id", "label", "error", "partition", "offset").collect()]))`],
    { encoding: 'utf-8', env: { ...process.env, PYTHONPATH: join(ROOT, 'model-server') } },
  );
  assert.equal(read.status, 0, read.stderr);
  return JSON.parse(read.stdout.trim().split('\n').at(-1));
}

/** `npm run stream:spark` in a process group of its own (kill -9 of the group: the JVM and its Python workers). */
function sparkStream(args) {
  return track(spawn('npm', ['run', '--silent', 'stream:spark', '--', '--brokers', brokers, ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }));
}

test('Spark Structured Streaming killed (kill -9) and restarted from its checkpoint: every message exactly once in the Parquet output', async () => {
  await resetTopics();
  const reviews = Array.from({ length: 3_000 }, (_, i) => ({ id: `p${i}`, text: i % 2 ? 'Un film magnifique.' : 'Ennuyeux au possible.' }));
  await produce([...reviews, 'not json', { id: 'empty', text: '' }]);
  const output = join(dir, 'spark-out');
  const checkpoint = join(dir, 'spark-checkpoint');
  const args = ['--topic', INPUT, '--output', output, '--checkpoint', checkpoint, '--max-offsets', '300'];
  const first = sparkStream([...args, '--trigger-seconds', '1']);
  let log = '';
  first.stderr.on('data', (chunk) => (log += chunk));
  // Killed once some micro-batches are committed (the sink's log lists them) and the stream is still going.
  const committed = () => readdirSync(join(output, '_spark_metadata')).filter((name) => /^\d+$/.test(name)).length;
  await waitFor('a few committed micro-batches', async () => committed() >= 2, 240).catch((error) => {
    throw new Error(`${error.message}\n${log.slice(-3000)}`);
  });
  process.kill(-first.pid, 'SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  assert.ok(committed() < 10, 'killed mid-stream (3,002 messages are 11 micro-batches of 300)');
  const second = sparkStream([...args, '--once']);
  let secondLog = '';
  second.stderr.on('data', (chunk) => (secondLog += chunk));
  const code = await new Promise((resolve) => second.once('exit', resolve));
  assert.equal(code, 0, secondLog.slice(-3000));
  const rows = parquetRows(output);
  const ids = rows.filter((row) => row.id?.startsWith('p'));
  assert.equal(new Set(ids.map((row) => row.id)).size, 3_000, 'every review scored');
  assert.equal(rows.length, 3_002, 'each message exactly once (the two bad ones with their error)');
  assert.equal(ids.find((row) => row.id === 'p1').label, 'positive');
  assert.deepEqual(rows.filter((row) => row.error).map((row) => row.error).sort(), ['empty_text', 'malformed_row']);
});
