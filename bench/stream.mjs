#!/usr/bin/env node
// The Kafka stream end to end, side by side with the REST API in one run, on the product as `STREAMING=1 npm start`
// runs it (started here unless --url names a running one):
//   1. messages per second through Kafka (produce → sentiment read back) against the same reviews as one REST job;
//   2. the time to drain a backlog of --backlog messages (100,000), and single-prediction latency meanwhile
//      (while at least half the backlog is left) against idle: a stream backlog must not slow interactive calls;
//   3. the end-to-end p95 per message at half of the measured capacity;
//   4. what exactly once costs: a connector of each delivery (STREAM_DELIVERY), on topics of its own, same reviews.
//   npm run bench:stream -- [--json OUT] [--reviews 10000] [--backlog 100000] [--seconds 30] [--quick]
//     [--url http://127.0.0.1:3000 --brokers 127.0.0.1:9092 --key K]   (a stack already running)
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { Admin, Consumer, FetchIsolationLevels, Producer, ProduceAcks, stringSerializers } = createRequire(import.meta.url)('@platformatic/kafka');
const argv = process.argv.slice(2);
const args = Object.fromEntries(argv.map((a, i, all) => (a.startsWith('--') ? [a.slice(2), all[i + 1]?.startsWith('--') ? true : (all[i + 1] ?? true)] : [])).filter((p) => p.length));
const QUICK = argv.includes('--quick');
// One REST job's worth (MAX_REVIEWS_PER_JOB's default), and the same reviews through Kafka.
const REVIEWS = Number(args.reviews ?? (QUICK ? 300 : 10_000));
const BACKLOG = Number(args.backlog ?? (QUICK ? 1_000 : 100_000));
const SECONDS = Number(args.seconds ?? (QUICK ? 3 : 30));
const SINGLES = QUICK ? 20 : 200;
const INPUT = 'allocine.reviews.v1';
const OUTPUT = 'allocine.sentiments.v1';

const VALIDATION = join(ROOT, '../shared/data/allocine/validation.jsonl');
const source = existsSync(VALIDATION) ? VALIDATION : join(ROOT, 'model-server/tests/fixtures/reviews.jsonl');
const texts = readFileSync(source, 'utf-8').trim().split('\n').map((line) => JSON.parse(line).review);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Number((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(1));
};

let stack;
let url = args.url;
let brokers = args.brokers ?? '127.0.0.1:9092';
let key = args.key;
if (!url) {
  const { startStack } = await import('../frontend/e2e/stack.mjs');
  key = `bench-${randomUUID()}`;
  console.log('starting the product: STREAMING=1 npm start');
  stack = await startStack({ STREAMING: '1', API_KEYS: key, RATE_LIMIT_PER_MINUTE: '1000000' });
  url = 'http://127.0.0.1:3000';
}
// Whatever happens, the stack started here is stopped (SIGINT, as Ctrl+C), never left running.
let failed = false;
try {
  await measure();
} catch (error) {
  console.error(error);
  failed = true;
} finally {
  if (stack) await stack.stop();
}
process.exit(failed ? 1 : 0);

async function measure() {
  const headers = { 'Content-Type': 'application/json', ...(key ? { 'X-API-Key': key } : {}) };
  const api = (path, body) => fetch(`${url}/api/v1${path}`, body ? { method: 'POST', headers, body: JSON.stringify(body) } : { headers });
  // Ready first: the API, the workers, the model server (and, with KAFKA_BROKERS, the stream) answer.
  for (let i = 0; (await api('/health/ready').then((response) => response.status, () => 0)) !== 200; i++) {
    if (i > 240) throw new Error(`${url} is not ready`);
    await sleep(500);
  }

  // One reader of the output topic for the whole run: each phase waits for its own ids (a run prefix).
  const run = randomUUID().slice(0, 8);
  const arrived = new Map();
  const waiting = new Map();
  const consumer = new Consumer({ groupId: `bench-${run}`, clientId: 'bench-stream', bootstrapBrokers: brokers.split(',') });
  const reader = await consumer.consume({ autocommit: false, topics: [OUTPUT], mode: 'latest' });
  reader.on('data', (message) => {
    const id = message.key?.toString() ?? '';
    if (!id.startsWith(run) || arrived.has(id)) return;
    arrived.set(id, performance.now());
    const phase = id.split(':')[1];
    const wait = waiting.get(phase);
    if (wait && --wait.left === 0) wait.resolve();
  });
  await sleep(2_000); // the reader has its partitions before anything is sent
  const producer = new Producer({ clientId: 'bench-stream', bootstrapBrokers: brokers.split(','), serializers: stringSerializers, idempotent: true, acks: ProduceAcks.ALL });

  /** Sends `count` reviews of phase `phase` (ids `<run>:<phase>:<i>`), in sends of 1,000; resolves with when each was sent. */
  async function send(phase, count, offset = 0) {
    const sentAt = new Map();
    for (let start = 0; start < count; start += 1_000) {
      const messages = Array.from({ length: Math.min(1_000, count - start) }, (_, i) => {
        const id = `${run}:${phase}:${offset + start + i}`;
        return { topic: INPUT, key: id, value: JSON.stringify({ id, text: texts[(offset + start + i) % texts.length] }) };
      });
      const at = performance.now();
      await producer.send({ messages });
      for (const message of messages) sentAt.set(message.key, at);
    }
    return sentAt;
  }
  const phaseDone = (phase, count) => new Promise((resolve) => waiting.set(phase, { left: count, resolve }));

  async function singles(count, until = () => false) {
    const latencies = [];
    for (let i = 0; i < count && !until(); i++) {
      const started = performance.now();
      const response = await api('/predictions', { text: texts[i % texts.length] });
      await response.arrayBuffer();
      if (response.ok) latencies.push(performance.now() - started);
    }
    return { count: latencies.length, p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95) };
  }

  // 0. Single predictions with nothing else running.
  /** Each phase starts on a quiet stack: the history written by the one before (into the same database) drained. */
  async function quiet() {
    for (let i = 0, zeros = 0; zeros < 2 && i < 240; i++) {
      const metrics = await (await fetch(`${url}/metrics`, { headers })).text();
      zeros = /^allocine_history_backlog 0$/m.test(metrics) ? zeros + 1 : 0;
      await sleep(500);
    }
  }

  await quiet();
  const idle = await singles(SINGLES);
  console.log(`single predictions, idle: p50 ${idle.p50Ms} ms, p95 ${idle.p95Ms} ms`);

  // 1. One REST job, then the same reviews through Kafka.
  await quiet();
  let started = performance.now();
  const accepted = await api('/jobs', { reviews: Array.from({ length: REVIEWS }, (_, i) => ({ id: String(i), text: texts[i % texts.length] })) });
  const created = await accepted.json();
  if (accepted.status !== 202) {
    console.error(`the REST job was refused (${accepted.status}): ${created.detail ?? JSON.stringify(created)}`);
    if (stack) await stack.stop();
    process.exit(1);
  }
  let status;
  do {
    await sleep(200);
    status = await (await api(`/jobs/${created.id}`)).json();
  } while (['queued', 'running'].includes(status.state));
  const restSeconds = (performance.now() - started) / 1_000;
  const rest = { reviews: REVIEWS, state: status.state, seconds: Number(restSeconds.toFixed(2)), perSecond: Math.round(REVIEWS / restSeconds) };
  console.log(`REST job: ${REVIEWS} reviews in ${rest.seconds} s (${rest.perSecond}/s), ${status.state}`);

  await quiet();
  let done = phaseDone('throughput', REVIEWS);
  started = performance.now();
  await send('throughput', REVIEWS);
  await done;
  const kafkaSeconds = (performance.now() - started) / 1_000;
  const kafka = { messages: REVIEWS, seconds: Number(kafkaSeconds.toFixed(2)), perSecond: Math.round(REVIEWS / kafkaSeconds) };
  const ratio = Number((kafka.perSecond / rest.perSecond).toFixed(2));
  console.log(`Kafka: ${REVIEWS} messages in ${kafka.seconds} s (${kafka.perSecond}/s): ${ratio}× the REST job`);

  // 2. A backlog, sent as fast as the broker takes it; single predictions meanwhile, while half of it is left.
  await quiet();
  done = phaseDone('backlog', BACKLOG);
  started = performance.now();
  await send('backlog', BACKLOG);
  const sentSeconds = (performance.now() - started) / 1_000;
  const backlogLeft = () => BACKLOG - [...arrived.keys()].filter((id) => id.includes(':backlog:')).length;
  const duringBacklog = await singles(SINGLES * 10, () => backlogLeft() < BACKLOG / 2);
  await done;
  const drainSeconds = (performance.now() - started) / 1_000;
  const backlog = { messages: BACKLOG, sentInSeconds: Number(sentSeconds.toFixed(2)), drainedInSeconds: Number(drainSeconds.toFixed(1)), perSecond: Math.round(BACKLOG / drainSeconds) };
  console.log(`backlog: ${BACKLOG} messages sent in ${backlog.sentInSeconds} s, drained in ${backlog.drainedInSeconds} s (${backlog.perSecond}/s)`);
  console.log(`single predictions during the backlog: p50 ${duringBacklog.p50Ms} ms, p95 ${duringBacklog.p95Ms} ms (${duringBacklog.count} calls)`);

  // 3. Half of capacity, paced every 100 ms: latency from send to sentiment read back.
  await quiet();
  const rate = Math.max(1, Math.round(kafka.perSecond / 2));
  const perTick = Math.max(1, Math.round(rate / 10));
  const ticks = SECONDS * 10;
  done = phaseDone('paced', perTick * ticks);
  const sentAt = new Map();
  started = performance.now();
  for (let tick = 0; tick < ticks; tick++) {
    for (const [id, at] of await send('paced', perTick, tick * perTick)) sentAt.set(id, at);
    const next = started + (tick + 1) * 100;
    await sleep(Math.max(0, next - performance.now()));
  }
  await done;
  const latencies = [...sentAt].map(([id, at]) => arrived.get(id) - at);
  const paced = { ratePerSecond: perTick * 10, seconds: SECONDS, messages: latencies.length, p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), p99Ms: percentile(latencies, 99) };
  console.log(`at half of capacity (${paced.ratePerSecond} messages/s for ${SECONDS} s): end to end p50 ${paced.p50Ms} ms, p95 ${paced.p95Ms} ms`);

  /**
   * One connector process (the built backend as APP_ROLE=stream) with `delivery`, on topics and a group of its own,
   * beside the stack (its model server and Redis): `count` reviews sent, timed until their last sentiment is read
   * (with read_committed for exactly once, as its consumers must).
   */
  async function deliveryRun(delivery, count) {
    const name = `bench.${run}.${delivery}`;
    const topics = { STREAM_INPUT_TOPIC: `${name}.in`, STREAM_OUTPUT_TOPIC: `${name}.out`, STREAM_DLQ_TOPIC: `${name}.dlq` };
    const port = 3900 + (delivery === 'exactly-once' ? 1 : 0);
    const connector = spawn(process.execPath, [join(ROOT, 'dist/backend/backend/src/main.js')], {
      env: { ...process.env, NODE_ENV: 'development', APP_ROLE: 'stream', PORT: String(port), HOST: '127.0.0.1', KAFKA_BROKERS: brokers, STREAM_GROUP_ID: name, STREAM_DELIVERY: delivery, QUEUE_PREFIX: name, LOG_LEVEL: 'warn', ...topics },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const admin = new Admin({ clientId: 'bench-stream', bootstrapBrokers: brokers.split(',') });
    try {
      for (let i = 0; !(await admin.listTopics().catch(() => [])).includes(topics.STREAM_OUTPUT_TOPIC); i++) {
        if (i > 240) throw new Error(`the ${delivery} connector did not create its topics`);
        await sleep(250);
      }
      const reader = new Consumer({ groupId: `${name}.reader`, clientId: 'bench-stream', bootstrapBrokers: brokers.split(',') });
      const stream = await reader.consume({ autocommit: false, topics: [topics.STREAM_OUTPUT_TOPIC], mode: 'earliest', isolationLevel: FetchIsolationLevels.READ_COMMITTED });
      const ids = new Set();
      const all = new Promise((resolve) => stream.on('data', (message) => ids.add(message.key.toString()) && ids.size === count && resolve()));
      const started = performance.now();
      for (let start = 0; start < count; start += 1_000) {
        const messages = Array.from({ length: Math.min(1_000, count - start) }, (_, i) => ({ topic: topics.STREAM_INPUT_TOPIC, value: JSON.stringify({ id: `${start + i}`, text: texts[(start + i) % texts.length] }) }));
        await producer.send({ messages });
      }
      await all;
      const seconds = (performance.now() - started) / 1_000;
      await stream.close();
      await reader.close(true);
      return { messages: count, seconds: Number(seconds.toFixed(2)), perSecond: Math.round(count / seconds) };
    } finally {
      connector.kill('SIGTERM');
      await new Promise((resolve) => connector.once('exit', resolve));
      await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
      await admin.close();
    }
  }
  const atLeastOnce = await deliveryRun('at-least-once', REVIEWS);
  const exactlyOnce = await deliveryRun('exactly-once', REVIEWS);
  const delivery = { atLeastOnce, exactlyOnce, exactlyOnceVsAtLeastOnce: Number((exactlyOnce.perSecond / atLeastOnce.perSecond).toFixed(2)) };
  console.log(`delivery: at least once ${atLeastOnce.perSecond}/s, exactly once ${exactlyOnce.perSecond}/s (${delivery.exactlyOnceVsAtLeastOnce}×)`);

  await reader.close();
  await consumer.close(true);
  await producer.close();

  const result = {
    command: `npm run bench:stream -- ${argv.map((a) => (a === key ? '<key>' : a)).join(' ')}`.trim(),
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) },
    reviews: `${source.includes('validation') ? 'Allociné validation' : 'test fixtures'} (mean ${Math.round(texts.reduce((sum, text) => sum + text.length, 0) / texts.length)} characters)`,
    quick: QUICK,
    rest,
    kafka,
    kafkaVsRest: ratio,
    backlog,
    singles: { idle, duringBacklog, ratio: Number((duringBacklog.p95Ms / Math.max(idle.p95Ms, 0.1)).toFixed(2)) },
    halfCapacity: paced,
    delivery,
    aims: { kafkaVsRestAtLeast: 0.8, met: ratio >= 0.8, singleP95DuringBacklogAtMost: '2× idle', singleP95Met: duringBacklog.p95Ms <= 2 * idle.p95Ms },
  };
  console.log(JSON.stringify(result, null, 2));
  if (args.json && args.json !== true) {
    mkdirSync(dirname(args.json), { recursive: true });
    writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
  }
}
