// The supervisor `npm start` runs its components under: restarts with backoff, stops restarting on purpose.
//   node --test scripts/supervisor.test.mjs
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

import { Supervisor } from './supervisor.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('a child that dies is started again, each time a little later, until stopAll', async () => {
  const messages = [];
  const supervisor = new Supervisor((message) => messages.push(message), 50);
  let starts = 0;
  supervisor.keep('crasher', () => {
    starts++;
    return spawn(process.execPath, ['-e', 'process.exit(3)']);
  });
  await sleep(1_500);
  supervisor.stopAll();
  const seen = starts;
  assert.ok(seen >= 3, `started ${seen} times`);
  assert.match(messages[0], /^crasher exited \(3\); starting it again in 0.05 s$/);
  assert.match(messages[1], /in 0.1 s$/); // backoff doubles
  await sleep(500);
  assert.equal(starts, seen, 'no restart after stopAll');
});

test('a long-running child is stopped with SIGTERM and not started again', async () => {
  const supervisor = new Supervisor(() => undefined, 50);
  let starts = 0;
  supervisor.keep('server', () => {
    starts++;
    return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
  });
  supervisor.stopAll();
  await supervisor.stop('server');
  await sleep(200);
  assert.equal(starts, 1);
});

test('a watched component that is gone is restarted by its command', async () => {
  const messages = [];
  const supervisor = new Supervisor((message) => messages.push(message), 50);
  let alive = true;
  supervisor.watch('daemon', () => alive, [process.execPath, '-e', 'process.exit(0)'], 20);
  await sleep(100);
  assert.deepEqual(messages, []);
  alive = false;
  await sleep(400);
  alive = true;
  supervisor.stopAll();
  assert.equal(messages[0], 'daemon is gone; starting it again in 0.05 s');
  assert.ok(messages.includes('daemon is back'), messages.join('\n'));
});
