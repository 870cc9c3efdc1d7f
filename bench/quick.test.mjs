// Every benchmark command the README shows for the embedded stack, run in a quick mode (seconds, a tiny sample)
// so that a change that breaks one fails `npm test` instead of the next person who runs it. The figures are not
// checked: only that each command still runs to the end against the real stack and writes what it promises.
//   node --test bench/quick.test.mjs        (npm test runs it; bench:transformer and bench:spark: see the README)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { ROOT, startStack } from '../frontend/e2e/stack.mjs';

const KEY = 'bench-quick-key';
const out = mkdtempSync(join(tmpdir(), 'bench-quick-'));
let stack;

before(async () => {
  // As the README says to run them: with keys, the rate limit raised so that throughput, not the limit, is measured;
  // with the stream on (STREAMING=1: the broker and the connector), for bench:stream.
  stack = await startStack({ API_KEYS: KEY, RATE_LIMIT_PER_MINUTE: '1000000', STREAMING: '1' });
});

after(async () => {
  if (stack) assert.equal(await stack.stop(), 0);
});

const run = (command, args) => {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf-8', timeout: 300_000 });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
};

test('node bench/api_load.mjs: single predictions and a job end to end', () => {
  const json = join(out, 'load.json');
  const printed = run(process.execPath, ['bench/api_load.mjs', '--requests', '40', '--concurrency', '8', '--job', '200', '--key', KEY, '--json', json, '--label', 'quick']);
  assert.match(printed, /batch job: 200 reviews → completed, 200 done, 0 failed/);
  const result = JSON.parse(readFileSync(json, 'utf-8'));
  assert.deepEqual(result.singles.statuses, { 200: 40 });
});

test('node bench/api_load.mjs --soak: the overload check passes (only successes, 429 and 503 with Retry-After)', () => {
  const json = join(out, 'soak.json');
  run(process.execPath, ['bench/api_load.mjs', '--soak', '5', '--clients', '8', '--job', '500', '--key', KEY, '--json', json]);
  assert.deepEqual(JSON.parse(readFileSync(json, 'utf-8')).violations, []);
});

test('npm run bench:stream: Kafka against a REST job, a backlog drained, latency at half of capacity', () => {
  const json = join(out, 'stream.json');
  const printed = run('npm', ['run', '--silent', 'bench:stream', '--', '--quick', '--url', 'http://127.0.0.1:3000', '--brokers', '127.0.0.1:9092', '--key', KEY, '--json', json]);
  assert.match(printed, /Kafka: 300 messages in/);
  const result = JSON.parse(readFileSync(json, 'utf-8'));
  assert.equal(result.rest.state, 'completed');
  assert.equal(result.backlog.messages, 1_000);
  assert.ok(result.halfCapacity.messages > 0 && result.halfCapacity.p95Ms > 0);
  assert.ok(!JSON.stringify(result).includes(KEY), 'the key is not written down');
});

test('npm run bench:kafka-clients: @platformatic/kafka and KafkaJS against a broker of its own', () => {
  const json = join(out, 'kafka-clients.json');
  const printed = run('npm', ['run', '--silent', 'bench:kafka-clients', '--', '--quick', '--json', json]);
  assert.match(printed, /@platformatic\/kafka .*: produce \d+\/s, consume \d+\/s/);
  assert.deepEqual(JSON.parse(readFileSync(json, 'utf-8')).results.map((result) => result.client.split(' ')[0]), ['@platformatic/kafka', 'kafkajs']);
});

test('bench/footprint.mjs: the stack’s resident memory per process, idle and after a job', async () => {
  const { footprint } = await import('./footprint.mjs');
  const measured = await footprint({ pid: stack.pid, url: 'http://127.0.0.1:3000', key: KEY, job: 200 });
  assert.equal(measured.job.state, 'completed');
  assert.ok(measured.job.reviewsPerSecond > 0 && measured.singlePredictions.p95Ms > 0, JSON.stringify(measured.job));
  for (const taken of [measured.idle, measured.afterJob]) {
    assert.ok(taken.byRole['API and workers (Node.js, embedded history)'] > 0, JSON.stringify(taken.byRole));
    assert.ok(taken.totalMb > 0 && taken.processes.length >= 4);
    // The embedded model's workers never load PyTorch (~540 MB each when they did): the lean stack's keystone.
    const workers = taken.processes.filter((process) => process.role === 'TorchServe worker (Python)');
    assert.ok(workers.length >= 2 && workers.every((worker) => worker.rssMb < 250), JSON.stringify(workers));
  }
});

test('bench/handler_throughput.py: the handler in process', () => {
  assert.match(run(join(ROOT, '.venv/bin/python'), ['bench/handler_throughput.py', '--repeat', '1']), /reviews\/s/);
});
