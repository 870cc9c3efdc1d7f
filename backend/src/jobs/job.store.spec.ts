import type { JobResultRow } from '@allocine/contracts';

import { MemoryRedis } from '../../test/unit/memory-redis';
import { strictDouble } from '../../test/unit/strict-double';
import { loadConfig } from '../config/app-config';
import type { HistoryLog } from '../history/history-log';
import { RedisKeys } from '../redis/redis-keys';
import type { RedisService } from '../redis/redis.service';
import { JobStore } from './job.store';

const TTL = 3_600;
const reviews = Array.from({ length: 5 }, (_, i) => ({ id: `r${i + 1}`, text: `critique ${i + 1}` }));
const done = (row: { id: string; text: string }): JobResultRow => ({
  ...row,
  status: 'done',
  label: 'positive',
  score: 0.9,
  probabilities: { negative: 0.1, positive: 0.9 },
  uncertain: false,
});

/** A chunk as saveChunk's Lua script leaves it (the script itself runs against a real Redis in jobs.int-spec.ts). */
function saved(memory: MemoryRedis, id: string, index: number, rows: JobResultRow[], counts: object) {
  memory.strings.set(`t:job:${id}:chunk:${index}`, JSON.stringify(rows));
  const progress = memory.hashes.get(`t:job:${id}:progress`) ?? new Map<string, string>();
  memory.hashes.set(`t:job:${id}:progress`, progress.set(String(index), JSON.stringify(counts)));
}

function store() {
  const memory = new MemoryRedis();
  const redis = strictDouble<RedisService>('redis', { client: memory as never, keys: new RedisKeys('t') });
  const history = strictDouble<HistoryLog>('history', { appendTo: (tx) => tx });
  return { memory, history, jobs: new JobStore(redis, history, loadConfig({ RESULTS_TTL_SECONDS: String(TTL) })) };
}

describe('JobStore', () => {
  it('records a job with its reviews pending in chunks, every key expiring with the results, in one transaction with its history', async () => {
    const { memory, history, jobs } = store();
    const record = await jobs.create('j1', 'alice', reviews, 2, { name: 'Lot', metadata: { film: 'x' } }, null);
    expect(record).toMatchObject({ id: 'j1', owner: 'alice', state: 'queued', total: 5, chunkSize: 2, chunkCount: 3, callbackUrl: null, webhook: null });
    expect([...memory.strings.keys()]).toEqual(['t:job:j1:chunk:0', 't:job:j1:chunk:1', 't:job:j1:chunk:2']);
    expect(JSON.parse(memory.strings.get('t:job:j1:chunk:2')!)).toEqual([{ id: 'r5', text: 'critique 5', status: 'pending' }]);
    expect([...memory.ttls.values()].every((seconds) => seconds === TTL)).toBe(true);
    expect(memory.ttls.has('t:job:j1')).toBe(true);
    expect(history.appendTo).toHaveBeenCalledWith(expect.anything(), [expect.objectContaining({ type: 'job', id: 'j1', state: 'queued', done: 0 })]);
    expect(await jobs.get('j1')).toEqual(record);
  });

  it('reads rows in the caller’s order across chunks, pending until classified, and a lost chunk as expired rows', async () => {
    const { memory, jobs } = store();
    const record = await jobs.create('j1', 'alice', reviews, 2, { name: null, metadata: null });
    saved(memory, 'j1', 1, reviews.slice(2, 4).map(done), { done: 2, failed: 0, positive: 2, negative: 0 });
    expect((await jobs.rows(record, 1, 3)).map((row) => [row.id, row.status])).toEqual([
      ['r2', 'pending'],
      ['r3', 'done'],
      ['r4', 'done'],
    ]);
    memory.strings.delete('t:job:j1:chunk:2');
    expect(await jobs.rows(record, 4, 10)).toEqual([{ id: '5', text: '', status: 'error', error: { code: 'expired', message: 'results expired' } }]);
    expect(await jobs.rows(record, 5, 10)).toEqual([]);
  });

  it('sums the chunks\' counts into the status, its summary and links', async () => {
    const { memory, jobs } = store();
    const record = await jobs.create('j1', 'alice', reviews, 2, { name: null, metadata: null });
    saved(memory, 'j1', 0, reviews.slice(0, 2).map(done), { done: 2, failed: 1, positive: 1, negative: 0 });
    expect(await jobs.counts('j1')).toEqual({ done: 2, failed: 1, positive: 1, negative: 0 });
    const status = await jobs.status(record);
    expect(status).toMatchObject({ id: 'j1', progress: { done: 2, total: 5, failed: 1 }, summary: { positive: 1, negative: 0, errors: 1 }, links: { self: '/api/v1/jobs/j1' } });
  });

  it('deletes a job and leaves a tombstone for the retention, announced as deleted', async () => {
    const { memory, jobs } = store();
    const record = await jobs.create('j1', 'alice', reviews, 2, { name: null, metadata: null });
    await jobs.delete('j1', record);
    expect(await jobs.get('j1')).toBeNull();
    expect(memory.strings.has('t:job:j1:chunk:0')).toBe(false);
    expect(await jobs.isDeleted('j1')).toBe(true);
    expect(memory.ttls.get('t:job:j1:deleted')).toBe(TTL);
    expect(memory.published.at(-1)).toEqual(['t:job:j1:changed', 'deleted']);
  });
});
