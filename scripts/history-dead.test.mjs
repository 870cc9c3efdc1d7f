// `npm run history:dead` against a real Redis (REDIS_URL): lists set-aside history events with their reason,
// replays them onto the history stream, drops them.
//   REDIS_URL=redis://127.0.0.1:6379 node --test scripts/history-dead.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Redis } from 'ioredis';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'history-dead.mjs');
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const PREFIX = `dead-test-${randomUUID().slice(0, 8)}`;
const redis = new Redis(REDIS_URL);
const run = (...args) => execFileSync(process.execPath, [SCRIPT, ...args], { env: { ...process.env, REDIS_URL, QUEUE_PREFIX: PREFIX }, encoding: 'utf-8' });

after(async () => {
  await redis.del(`${PREFIX}:history`, `${PREFIX}:history:dead`);
  redis.disconnect();
});

test('lists, replays and drops set-aside events', async () => {
  const dead = `${PREFIX}:history:dead`;
  const first = await redis.xadd(dead, '*', 'e', JSON.stringify({ type: 'job', id: 'j-1' }), 'reason', 'invalid byte sequence');
  const second = await redis.xadd(dead, '*', 'e', 'not json', 'reason', 'not a history event');
  const listed = run('list');
  assert.match(listed, /^2 event\(s\) set aside/);
  assert.match(listed, new RegExp(`${second} .* unreadable  — not a history event`));
  assert.match(listed, new RegExp(`${first} .* job j-1  — invalid byte sequence`));

  assert.match(run('replay', first), /replayed 1 event\(s\) onto/);
  const replayed = await redis.xrange(`${PREFIX}:history`, '-', '+');
  assert.deepEqual(replayed.map(([, fields]) => fields), [['e', JSON.stringify({ type: 'job', id: 'j-1' })]]);
  assert.equal(await redis.xlen(dead), 1);

  assert.match(run('drop'), /dropped 1 event\(s\)/);
  assert.equal(await redis.xlen(dead), 0);
});
