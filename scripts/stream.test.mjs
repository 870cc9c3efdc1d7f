// The stream connector against a real Kafka broker (KRaft, started here on ports of its own from the jars
// streaming/broker/fetch.sh fetched), a real model server (the FastAPI server on the embedded model) and the
// built backend run as APP_ROLE=stream: every review classified once in order, bad messages dead-lettered with
// their reason while their partition goes on, and nothing lost when the connector is killed (kill -9).
//   node --test --test-concurrency=1 scripts/stream.test.mjs   (needs the built backend, .venv, Java, Maven)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startBroker } from '../streaming/broker/broker.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { Admin, Consumer, Producer, ProduceAcks, stringSerializers } = createRequire(import.meta.url)('@platformatic/kafka');
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
  const port = await freePort();
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
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  await waitFor('the connector', async () => (await fetch(`http://127.0.0.1:${port}/api/v1/health/live`)).ok);
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

/** Reads `topic` from the beginning until `count` messages came (or `seconds` passed): what a downstream consumer sees. */
async function readAll(topic, count, seconds = 120) {
  const consumer = new Consumer({ groupId: `reader-${topic}-${Math.random()}`, clientId: 'test-reader', bootstrapBrokers: [brokers] });
  const stream = await consumer.consume({ autocommit: false, topics: [topic], mode: 'earliest' });
  const seen = [];
  const deadline = Date.now() + seconds * 1_000;
  try {
    await new Promise((resolve, reject) => {
      const timer = setInterval(() => Date.now() > deadline && resolve(), 250);
      stream.on('data', (message) => {
        const headers = Object.fromEntries([...message.headers].map(([key, value]) => [key.toString(), value.toString()]));
        seen.push({ partition: message.partition, key: message.key?.toString(), value: message.value?.toString() ?? '', headers });
        if (seen.length >= count) {
          clearInterval(timer);
          resolve();
        }
      });
      stream.on('error', reject);
    });
  } finally {
    await stream.close().catch(() => undefined);
    await consumer.close(true).catch(() => undefined);
  }
  return seen;
}

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

before(async () => {
  const [port, controllerPort, modelPort] = [await freePort(), await freePort(), await freePort()];
  broker = await startBroker({ dir: join(dir, 'broker'), port, controllerPort });
  brokers = `127.0.0.1:${port}`;
  modelUrl = `http://127.0.0.1:${modelPort}`;
  modelServer = track(
    spawn(join(ROOT, '.venv/bin/python'), ['-m', 'allocine_sentiment.serving.fastapi_server', '--model-dir', join(ROOT, 'model-server/model/embedded'), '--port', String(modelPort)], {
      env: { ...process.env, PYTHONPATH: join(ROOT, 'model-server') },
      stdio: 'ignore',
    }),
  );
  await waitFor('the model server', async () => (await fetch(`${modelUrl}/ping`)).ok);
});

after(() => {
  for (const child of children) child.kill('SIGKILL');
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

test('poison messages go to the DLQ with their reason, and their partition goes on', async () => {
  await resetTopics();
  const values = [
    { id: 'ok-1', text: 'Une merveille.' },
    'this is not json',
    { id: 'empty', text: '   ' },
    { id: 'long', text: 'x'.repeat(20_001) },
    { id: 'control', text: 'bien\u0000' },
    { text: 'no id' },
    { id: 'ok-2', text: 'Décevant.' },
  ];
  await produce(values, () => 0);
  const connector = await startConnector('poison');
  const [sentiments, dead] = await Promise.all([readAll(OUTPUT, 2, 60), readAll(DLQ, 5, 60)]);
  connector.kill('SIGTERM');
  // Keyed by review id, the two sentiments may land in different output partitions: their order there is per key.
  assert.deepEqual(sentiments.map((message) => JSON.parse(message.value).id).sort(), ['ok-1', 'ok-2']);
  assert.equal(dead.length, 5);
  const reasons = Object.fromEntries(dead.map((message) => [message.value.slice(0, 24), `${message.headers['x-dlq-reason']}: ${message.headers['x-dlq-detail']}`]));
  assert.match(reasons['this is not json'], /^not_json/);
  assert.match(reasons[JSON.stringify({ id: 'empty', text: '   ' }).slice(0, 24)], /^invalid: text/);
  assert.ok(dead.every((message) => message.headers['x-source-topic'] === INPUT && message.headers['x-source-offset'] !== undefined));
  assert.ok(Object.values(reasons).some((reason) => /control character/.test(reason)));
  assert.ok(Object.values(reasons).some((reason) => /longer than/.test(reason)));
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
  const sentiments = await readAll(OUTPUT, 6_000, 120); // the group notices the dead one after STREAM_SESSION_TIMEOUT_MS
  second.kill('SIGTERM');
  const ids = new Set(sentiments.map((message) => JSON.parse(message.value).id));
  assert.equal(ids.size, 6_000, 'every review classified after the crash');
  console.log(`# duplicates after kill -9 (at least once): ${sentiments.length - ids.size}`);
});
