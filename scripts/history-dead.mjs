#!/usr/bin/env node
// History events the database refused are set aside in Redis (`<prefix>:history:dead`, at most
// HISTORY_DEAD_MAX, each with its reason). This lists them, puts them back on the history stream once the cause
// is fixed (the drainer writes them again), or drops them.
//   npm run history:dead                  list (newest first, at most 50; --limit N)
//   npm run history:dead -- replay [ID…]  put these (default: all) back on the history stream
//   npm run history:dead -- drop [ID…]    delete these (default: all)
// REDIS_URL (default redis://127.0.0.1:6379) and QUEUE_PREFIX (default allocine) as for the API.
import { parseArgs } from 'node:util';

import { Redis } from 'ioredis';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { limit: { type: 'string', default: '50' } } });
const [command = 'list', ...ids] = positionals;
if (!['list', 'replay', 'drop'].includes(command)) {
  console.error(`unknown command "${command}": list, replay [ID…] or drop [ID…]`);
  process.exit(64);
}
const stream = `${process.env.QUEUE_PREFIX || 'allocine'}:history`;
const dead = `${stream}:dead`;
const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, lazyConnect: true });

/** The entries named, or all of them, oldest first: [[id, {e, reason}]]. */
async function entries(named) {
  const found = named.length
    ? (await Promise.all(named.map((id) => redis.xrange(dead, id, id)))).flat()
    : await redis.xrange(dead, '-', '+');
  return found.map(([id, fields]) => [id, Object.fromEntries(fields.reduce((pairs, value, i) => (i % 2 ? pairs : [...pairs, [value, fields[i + 1]]]), []))]);
}

function summary(raw) {
  try {
    const event = JSON.parse(raw);
    return `${event.type ?? '?'}${event.jobId ? ` job ${event.jobId}` : event.id ? ` ${event.id}` : ''}`;
  } catch {
    return 'unreadable';
  }
}

try {
  await redis.connect();
  if (command === 'list') {
    const total = await redis.xlen(dead);
    const newest = await redis.xrevrange(dead, '+', '-', 'COUNT', Number(values.limit));
    console.log(`${total} event(s) set aside in ${dead}${total > newest.length ? ` (newest ${newest.length} shown)` : ''}`);
    for (const [id, fields] of newest) {
      const entry = Object.fromEntries([[fields[0], fields[1]], [fields[2], fields[3]]]);
      console.log(`${id}  ${new Date(Number(id.split('-')[0])).toISOString()}  ${summary(entry.e)}  — ${entry.reason}`);
    }
  } else {
    const chosen = await entries(ids);
    const missing = ids.filter((id) => !chosen.some(([found]) => found === id));
    if (missing.length) console.error(`not set aside (already replayed or dropped?): ${missing.join(', ')}`);
    for (const [id, fields] of chosen) {
      const transaction = redis.multi();
      if (command === 'replay') transaction.xadd(stream, '*', 'e', fields.e);
      await transaction.xdel(dead, id).exec();
    }
    console.log(`${command === 'replay' ? 'replayed' : 'dropped'} ${chosen.length} event(s)${command === 'replay' ? ` onto ${stream}` : ''}`);
  }
} finally {
  redis.disconnect();
}
