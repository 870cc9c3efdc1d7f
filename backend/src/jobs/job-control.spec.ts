import type { JobStatus } from '@allocine/contracts';

import type { HistoryLog } from '../history/history-log';
import type { PredictionProducer } from '../queue/prediction.producer';
import { strictDouble } from '../../test/unit/strict-double';
import { JobControl } from './job-control';
import type { JobReader, JobView } from './job-reader';
import type { JobRecord, JobStore } from './job.store';

const cancelled = { id: 'j1', state: 'cancelled' } as JobStatus;

function control(view: Partial<JobView>, store: Partial<JobStore>) {
  const reader = strictDouble<JobReader>('reader', { find: async () => strictDouble<JobView>('view', { status: async () => cancelled, ...view }) });
  const doubles = {
    store: strictDouble<JobStore>('store', store),
    producer: strictDouble<PredictionProducer>('producer', { withdrawBatch: async () => undefined, enqueueCallback: async () => undefined }),
    history: strictDouble<HistoryLog>('history', { append: async () => undefined }),
  };
  return { ...doubles, control: new JobControl(reader, doubles.store, doubles.producer, doubles.history) };
}

describe('JobControl', () => {
  it('cancels a running job: its queued chunks withdrawn, the job closed, its callback queued, its status answered', async () => {
    const record = { id: 'j1', callbackUrl: 'https://films.example/hook' } as JobRecord;
    const { control: jobs, store, producer, history } = control({ live: record, state: 'running' }, { cancel: async () => 'cancelled', finish: async () => record });
    expect(await jobs.cancel('alice', 'j1')).toBe(cancelled);
    expect(producer.withdrawBatch).toHaveBeenCalledWith('j1');
    expect(store.finish).toHaveBeenCalledWith('j1');
    expect(producer.enqueueCallback).toHaveBeenCalledWith('j1');
    expect(history.append).not.toHaveBeenCalled();
  });

  it('refuses to cancel a finished job (409), changing nothing', async () => {
    const record = { id: 'j1', callbackUrl: 'https://films.example/hook' } as JobRecord;
    const { control: jobs, producer } = control({ live: record, state: 'completed' }, {});
    await expect(jobs.cancel('alice', 'j1')).rejects.toMatchObject({ type: 'conflict', message: expect.stringMatching(/is completed/) });
    expect(producer.enqueueCallback).not.toHaveBeenCalled();
  });

  it('reports the state a job reached while it was being cancelled (409)', async () => {
    const record = { id: 'j1', callbackUrl: null } as JobRecord;
    const { control: jobs, producer } = control({ live: record, state: 'running' }, { cancel: async () => 'already:completed' });
    await expect(jobs.cancel('alice', 'j1')).rejects.toMatchObject({ type: 'conflict', message: expect.stringMatching(/is completed/) });
    expect(producer.withdrawBatch).not.toHaveBeenCalled();
  });

  it('deletes a running job: stopped first, then gone with its results and history, and no callback', async () => {
    const record = { id: 'j1', callbackUrl: 'https://films.example/hook' } as JobRecord;
    const { control: jobs, store, producer, history } = control(
      { live: record, state: 'running' },
      { cancel: async () => 'cancelled', finish: async () => record, delete: async () => undefined },
    );
    await jobs.remove('alice', 'j1');
    expect(producer.withdrawBatch).toHaveBeenCalledWith('j1');
    expect(store.delete).toHaveBeenCalledWith('j1', record);
    expect(history.append).toHaveBeenCalledWith([{ type: 'job-deleted', id: 'j1', owner: 'alice' }]);
    expect(producer.enqueueCallback).not.toHaveBeenCalled();
  });

  it('deletes a finished job with its results, and its history through the stream', async () => {
    const record = { id: 'j1', callbackUrl: null } as JobRecord;
    const { control: jobs, store, history } = control({ live: record, state: 'completed' }, { delete: async () => undefined });
    await jobs.remove('alice', 'j1');
    expect(store.delete).toHaveBeenCalledWith('j1', record);
    expect(history.append).toHaveBeenCalledWith([{ type: 'job-deleted', id: 'j1', owner: 'alice' }]);
  });

  it('deletes a job only the history still has (nothing of it in Redis to remove)', async () => {
    const { control: jobs, store } = control({ live: null, state: 'completed' }, { delete: async () => undefined });
    await jobs.remove('alice', 'j2');
    expect(store.delete).toHaveBeenCalledWith('j2', null);
  });
});
