import { recordingDatabase } from '../../test/unit/recording-database';
import type { ErrorRowEvent, HistoryEvent, JobEvent } from './history-events';
import { withoutNul, writeEvents } from './history-writer';
import type { HistoryDatabase } from './schema';

const job = (state: JobEvent['state'], done: number): JobEvent => ({
  type: 'job',
  id: 'j1',
  owner: 'alice',
  name: null,
  metadata: null,
  state,
  total: 2,
  done,
  failed: 0,
  positive: done,
  negative: 0,
  createdAt: '2026-12-01T10:00:00.000Z',
  finishedAt: null,
});

const errorRow = (eventId: string, message: string): ErrorRowEvent => ({
  type: 'error-row',
  eventId,
  at: '2026-12-01T10:00:01.000Z',
  owner: 'alice',
  jobId: 'j1',
  position: 0,
  reviewId: '1',
  text: null,
  textSha256: 'ab',
  error: { code: 'model_unavailable', message },
});

describe('writeEvents', () => {
  it("writes one transaction: a job's latest state once, each event id once (the last wins), deletions last", async () => {
    const { db, sent } = recordingDatabase<HistoryDatabase>();
    const events: HistoryEvent[] = [job('queued', 0), errorRow('e1', 'first try'), job('running', 1), errorRow('e1', 'retried'), { type: 'job-deleted', id: 'j0', owner: 'alice' }];
    await writeEvents(db, events);
    const statements = sent.filter(({ sql }) => !/^(begin|commit)/.test(sql)).map(({ sql }) => sql.split(' ').slice(0, 3).join(' '));
    expect(statements).toEqual(['insert into "jobs"', 'insert into "predictions"', 'delete from "predictions"', 'delete from "jobs"']);
    expect(sent[0].parameters).toContain('running');
    expect(sent[0].parameters).not.toContain('queued');
    expect(sent[1].parameters).toContain('retried');
    expect(sent[1].parameters).not.toContain('first try');
    expect(sent[1].sql).toMatch(/on conflict \("event_id"\) do update/);
    expect(sent[2].parameters).toEqual(['j0', 'alice']);
  });

  it('splits large batches into inserts of 500 rows (under PostgreSQL’s parameter limit)', async () => {
    const { db, sent } = recordingDatabase<HistoryDatabase>();
    await writeEvents(db, Array.from({ length: 1_001 }, (_, i) => errorRow(`e${i}`, 'x')));
    expect(sent.filter(({ sql }) => sql.startsWith('insert')).map(({ parameters }) => parameters.length / 19)).toEqual([500, 500, 1]);
  });
});

describe('withoutNul (the history copy of a job\'s metadata)', () => {
  it('turns U+0000, which jsonb cannot hold, into U+FFFD in keys and strings at any depth; nothing else changes', () => {
    expect(withoutNul({ 'k\u0000': ['a\u0000b', { c: 1, d: null, e: 'é\u001b' }], f: true })).toEqual({ 'k\ufffd': ['a\ufffdb', { c: 1, d: null, e: 'é\u001b' }], f: true });
  });
});
