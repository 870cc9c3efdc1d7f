import type { JobListItem, JobStatus } from '@allocine/contracts';

import { ApiError } from '../common/api-errors';
import { RedisDown } from '../failures/failure';
import type { HistoryRepository } from '../history/history.repository';
import { strictDouble } from '../../test/unit/strict-double';
import { JobReader } from './job-reader';
import type { JobRecord, JobStore } from './job.store';

const live = { id: 'j1', owner: 'alice', state: 'running', total: 5, chunkSize: 2, chunkCount: 3 } as JobRecord;
const archived: JobListItem = {
  id: 'j2',
  name: null,
  metadata: null,
  state: 'completed',
  total: 3,
  done: 3,
  failed: 1,
  positive: 1,
  negative: 1,
  createdAt: '2026-12-01T10:00:00.000Z',
  finishedAt: '2026-12-01T10:01:00.000Z',
};

function reader(store: Partial<JobStore>, history: Partial<HistoryRepository> = {}) {
  const doubles = { store: strictDouble<JobStore>('store', store), history: strictDouble<HistoryRepository>('history', history) };
  return { ...doubles, reader: new JobReader(doubles.store, doubles.history) };
}

describe('JobReader', () => {
  it("reads a live job from Redis, and another owner's job as an unknown one (the history is not asked)", async () => {
    const liveStatus = { id: 'j1', state: 'running' } as JobStatus;
    const { reader: jobs, store } = reader({ get: async () => live, status: async () => liveStatus, rows: async () => [] });
    const job = await jobs.find('alice', 'j1');
    expect(job.live).toBe(live);
    expect(job.pageSize).toBe(2);
    expect(await job.status()).toBe(liveStatus);
    await expect(jobs.find('mallory', 'j1')).rejects.toMatchObject({ type: 'not-found' });
    expect(store.get).toHaveBeenCalledTimes(2);
  });

  it('reads a job whose results expired from the history, with the status assembled as a live one’s', async () => {
    const { reader: jobs } = reader({ get: async () => null, isDeleted: async () => false }, { job: async () => archived });
    const status = await (await jobs.find('alice', 'j2')).status();
    expect(status).toEqual({
      id: 'j2',
      state: 'completed',
      progress: { done: 3, total: 3, failed: 1 },
      createdAt: archived.createdAt,
      startedAt: null,
      finishedAt: archived.finishedAt,
      expiresAt: null,
      summary: { positive: 1, negative: 1, errors: 1 },
      links: { self: '/api/v1/jobs/j2', results: '/api/v1/jobs/j2/results', csv: '/api/v1/jobs/j2/results?format=csv' },
    });
  });

  it('keeps every place of an archived job: a row the history lost reads as an error row, not as a gap', async () => {
    const kept = new Map([[0, { id: 'a', text: 'Bien', status: 'done' as const, label: 'positive' as const, score: 0.9, probabilities: { negative: 0.1, positive: 0.9 }, uncertain: false }]]);
    const { reader: jobs, history } = reader({ get: async () => null, isDeleted: async () => false }, { job: async () => archived, jobRows: async () => kept });
    const page = await jobs.page('alice', 'j2', 0, 10);
    expect(page).toMatchObject({ jobId: 'j2', state: 'completed', total: 3, offset: 0, limit: 10 });
    expect(page.items.map((row) => row.status)).toEqual(['done', 'error', 'error']);
    expect(page.items[2]).toEqual({ id: '3', text: '', status: 'error', error: { code: 'not_kept', message: 'this review is not in the history' } });
    expect(history.jobRows).toHaveBeenCalledWith('j2', 0, 3);
  });

  it('does not read a deleted job back from the history while its tombstone stands', async () => {
    const { reader: jobs, history } = reader({ get: async () => null, isDeleted: async () => true }, { job: async () => archived });
    await expect(jobs.find('alice', 'j2')).rejects.toBeInstanceOf(ApiError);
    expect(history.job).not.toHaveBeenCalled();
  });

  it('lists jobs from the history, an unfinished one with its live state and counts from Redis', async () => {
    const listed = { ...archived, id: 'j1', state: 'running' as const, done: 0, positive: 0, negative: 0, failed: 0, finishedAt: null };
    const done = { ...live, state: 'completed', finishedAt: '2026-12-01T10:02:00.000Z' } as JobRecord;
    const { reader: jobs, store } = reader(
      { get: async () => done, counts: async () => ({ done: 5, failed: 0, positive: 3, negative: 2 }) },
      { jobs: async () => ({ items: [listed, archived], nextCursor: null }) },
    );
    const page = await jobs.list('alice', undefined, 10);
    expect(page.items).toEqual([{ ...listed, state: 'completed', done: 5, failed: 0, positive: 3, negative: 2, finishedAt: '2026-12-01T10:02:00.000Z' }, archived]);
    expect(store.get).toHaveBeenCalledTimes(1); // a finished job is the history's alone
  });

  it('pages all rows of a live job by chunk, and says Redis is down when it is', async () => {
    const { reader: jobs, store } = reader({ get: async () => live, rows: async (_record, offset, limit) => Array.from({ length: Math.min(limit, 5 - offset) }, () => ({ id: 'x', text: '', status: 'pending' as const })) });
    const pages: number[] = [];
    for await (const rows of jobs.allRows('alice', 'j1')) pages.push(rows.length);
    expect(pages).toEqual([2, 2, 1]);
    expect(store.rows).toHaveBeenCalledTimes(3);
    const { reader: down } = reader({ get: async () => Promise.reject(new Error('ECONNREFUSED')) });
    await expect(down.find('alice', 'j1')).rejects.toBeInstanceOf(RedisDown);
  });
});
