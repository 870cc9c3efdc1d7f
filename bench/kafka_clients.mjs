#!/usr/bin/env node
// The Kafka clients for Node.js side by side, on a broker of its own (the one STREAMING=1 npm start runs, on ports
// of its own): --messages reviews (Allociné validation texts) produced with acks=all by an idempotent producer
// in sends of 1,000, then consumed from the beginning, timed each way, for @platformatic/kafka (what the
// connector uses) and KafkaJS. @confluentinc/kafka-javascript is not measured: its install downloads a prebuilt
// librdkafka, which fails without that network access (the README says so).
//   npm run bench:kafka-clients -- [--messages 50000] [--json OUT] [--quick]
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startBroker } from '../streaming/broker/broker.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : fallback);
const QUICK = argv.includes('--quick');
const MESSAGES = Number(option('messages', QUICK ? 2_000 : 50_000));
const JSON_OUT = option('json');

const VALIDATION = join(ROOT, '../shared/data/allocine/validation.jsonl');
const source = existsSync(VALIDATION) ? VALIDATION : join(ROOT, 'model-server/tests/fixtures/reviews.jsonl');
const texts = readFileSync(source, 'utf-8').trim().split('\n').map((line) => JSON.parse(line).review);
const values = Array.from({ length: MESSAGES }, (_, i) => JSON.stringify({ id: String(i), text: texts[i % texts.length] }));

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** A package's installed version (read from its package.json: not every package exports that path). */
const versionOf = (name) => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf-8')).version;

async function timed(what) {
  const started = performance.now();
  await what();
  const seconds = (performance.now() - started) / 1_000;
  return { seconds: Number(seconds.toFixed(2)), perSecond: Math.round(MESSAGES / seconds) };
}

async function platformatic(brokers, topic) {
  const { Admin, Consumer, Producer, ProduceAcks, stringSerializers } = require('@platformatic/kafka');
  const admin = new Admin({ clientId: 'bench', bootstrapBrokers: [brokers] });
  await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 });
  await admin.close();
  const producer = new Producer({ clientId: 'bench', bootstrapBrokers: [brokers], serializers: stringSerializers, idempotent: true, acks: ProduceAcks.ALL });
  const produce = await timed(async () => {
    for (let start = 0; start < MESSAGES; start += 1_000) await producer.send({ messages: values.slice(start, start + 1_000).map((value) => ({ topic, value })) });
  });
  await producer.close();
  const consumer = new Consumer({ groupId: `bench-${topic}`, clientId: 'bench', bootstrapBrokers: [brokers] });
  const consume = await timed(async () => {
    const stream = await consumer.consume({ autocommit: false, topics: [topic], mode: 'earliest' });
    let seen = 0;
    await new Promise((resolve) => stream.on('data', () => ++seen === MESSAGES && resolve()));
    await stream.close();
  });
  await consumer.close(true);
  return { client: `@platformatic/kafka ${versionOf('@platformatic/kafka')}`, produce, consume };
}

async function kafkajs(brokers, topic) {
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({ clientId: 'bench', brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const produce = await timed(async () => {
    for (let start = 0; start < MESSAGES; start += 1_000) await producer.send({ topic, acks: -1, messages: values.slice(start, start + 1_000).map((value) => ({ value })) });
  });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `bench-${topic}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const consume = await timed(async () => {
    let seen = 0;
    await new Promise((resolve) => consumer.run({ autoCommit: false, eachBatch: async ({ batch }) => ((seen += batch.messages.length) >= MESSAGES ? resolve() : undefined) }));
  });
  await consumer.disconnect();
  return { client: `kafkajs ${versionOf('kafkajs')} (last release 2023)`, produce, consume };
}

const [port, controllerPort] = [await freePort(), await freePort()];
const broker = await startBroker({ dir: mkdtempSync(join(tmpdir(), 'bench-kafka-')), port, controllerPort });
const brokers = `127.0.0.1:${port}`;
try {
  const results = [await platformatic(brokers, 'bench.platformatic'), await kafkajs(brokers, 'bench.kafkajs')];
  for (const { client, produce, consume } of results) console.log(`${client}: produce ${produce.perSecond}/s, consume ${consume.perSecond}/s`);
  const result = {
    command: `npm run bench:kafka-clients -- ${argv.join(' ')}`.trim(),
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model },
    messages: MESSAGES,
    reviews: source.includes('validation') ? 'Allociné validation texts' : 'test fixtures',
    results,
    notMeasured: { '@confluentinc/kafka-javascript': 'its install downloads a prebuilt librdkafka: refused on machines without that network access' },
  };
  if (JSON_OUT) {
    mkdirSync(dirname(JSON_OUT), { recursive: true });
    writeFileSync(JSON_OUT, `${JSON.stringify(result, null, 2)}\n`);
  }
} finally {
  broker.kill('SIGKILL');
}
process.exit(0);
