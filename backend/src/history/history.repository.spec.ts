import type { Kysely } from 'kysely';

import { recordingDatabase } from '../../test/unit/recording-database';
import { HistoryUnavailable } from '../failures/failure';
import { HistoryDatabaseService } from './history-database';
import { decodeJobCursor } from './history-queries';
import { HistoryRepository } from './history.repository';
import type { HistoryDatabase, JobRow, PredictionRow } from './schema';

/** The real service's request-path methods (ready, answer) over a recording database, without its boot. */
function repository(db: Kysely<HistoryDatabase> | null, enabled = true) {
  const service = Object.assign(Object.create(HistoryDatabaseService.prototype) as HistoryDatabaseService, {
    kysely: db,
    migrated: db !== null,
    backend: enabled ? 'postgres' : 'off',
  });
  return new HistoryRepository(service);
}

const [J1, J2, J3] = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];

const jobRow = (id: string, createdAt: string): JobRow =>
  ({ id, owner: 'alice', name: null, metadata: null, state: 'completed', total: 2, done: 2, failed: 0, positive: 1, negative: 1, created_at: createdAt, finished_at: createdAt }) as unknown as JobRow;

describe('HistoryRepository', () => {
  it("lists the owner's jobs newest first, one more row than the page to know whether a next page exists", async () => {
    const { db, sent } = recordingDatabase<HistoryDatabase>([[jobRow(J3, '2026-12-03T10:00:00.000Z'), jobRow(J2, '2026-12-02T10:00:00.000Z'), jobRow(J1, '2026-12-01T10:00:00.000Z')]]);
    const page = await repository(db).jobs('alice', undefined, 2);
    expect(page.items.map((job) => job.id)).toEqual([J3, J2]);
    expect(decodeJobCursor(page.nextCursor!)).toEqual({ at: new Date('2026-12-02T10:00:00.000Z'), id: J2 });
    expect(sent[0].sql).toMatch(/where "owner" = \$1 order by "created_at" desc, "id" desc limit \$2$/);
    expect(sent[0].parameters).toEqual(['alice', 3]);
    // The next page starts strictly after the cursor, ties broken by id.
    const next = recordingDatabase<HistoryDatabase>([[jobRow(J1, '2026-12-01T10:00:00.000Z')]]);
    expect((await repository(next.db).jobs('alice', page.nextCursor!, 2)).nextCursor).toBeNull();
    expect(next.sent[0].sql).toMatch(/\("created_at" < \$2 or \("created_at" = \$3 and "id" < \$4\)\)/);
  });

  it('keeps every place of a job: an error row answers as an error, a classified one with its label', async () => {
    const classified = { position: 0, review_id: 'a', text: 'Bien', label: 'positive', score: 0.9, p_negative: 0.1, p_positive: 0.9, uncertain: false, created_at: '2026-12-01T10:00:00.000Z' } as unknown as PredictionRow;
    const failed = { position: 1, review_id: 'b', text: 'x', label: null, error_code: 'model_unavailable', error_message: 'down' } as unknown as PredictionRow;
    const { db, sent } = recordingDatabase<HistoryDatabase>([[classified, failed]]);
    const rows = await repository(db).jobRows('j1', 0, 2);
    expect(rows.get(0)).toMatchObject({ id: 'a', status: 'done', label: 'positive', score: 0.9 });
    expect(rows.get(1)).toEqual({ id: 'b', text: 'x', status: 'error', error: { code: 'model_unavailable', message: 'down' } });
    expect(sent[0].parameters).toEqual(['j1', 0, 2]);
  });

  it('says why it cannot answer: history off (for good), not migrated yet, or the database down', async () => {
    const off = await repository(null, false).jobs('alice', undefined, 10).catch((error: unknown) => error);
    expect(off).toMatchObject({ kind: 'history-off', retryable: false });
    expect(await repository(null, false).job('alice', 'j1')).toBeNull();
    await expect(repository(null, true).jobs('alice', undefined, 10)).rejects.toMatchObject({ kind: 'database-down' });
    const { db } = recordingDatabase<HistoryDatabase>([new Error('Connection terminated unexpectedly')]);
    const down = await repository(db).job('alice', 'j1').catch((error: unknown) => error);
    expect(down).toBeInstanceOf(HistoryUnavailable);
    expect((down as HistoryUnavailable).message).toBe('History database not answering; try again shortly');
  });
});
