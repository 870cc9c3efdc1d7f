import { Job, UnrecoverableError } from 'bullmq';

import { loadConfig } from '../config/app-config';
import { JobStore } from '../jobs/job.store';
import { MetricsService } from '../metrics/metrics.service';
import { ModelServerClient } from '../model-server/model-server.client';
import { ModelServerError } from '../model-server/model-server.errors';
import { JobName } from '../queue/queue.constants';
import { PredictionProcessor } from './prediction.processor';

const positive = { label: 'positive', score: 0.9, probabilities: { negative: 0.1, positive: 0.9 }, uncertain: false, truncated: false, model: 'm', version: '1' };

function job(name: string, data: unknown, attemptsMade = 0, attempts = 3): Job {
  return { name, data, attemptsMade, opts: { attempts } } as unknown as Job;
}

describe('PredictionProcessor', () => {
  let model: { predict: jest.Mock };
  let store: { markRunning: jest.Mock; chunkRows: jest.Mock; saveChunk: jest.Mock; finish: jest.Mock };
  let processor: PredictionProcessor;

  beforeEach(() => {
    model = { predict: jest.fn() };
    store = { markRunning: jest.fn(), chunkRows: jest.fn(), saveChunk: jest.fn(), finish: jest.fn() };
    processor = new PredictionProcessor(
      model as unknown as ModelServerClient,
      store as unknown as JobStore,
      new MetricsService(),
      loadConfig({}),
    );
  });

  describe('predict jobs', () => {
    it('returns the model results', async () => {
      model.predict.mockResolvedValue([positive]);
      await expect(processor.process(job(JobName.Predict, { texts: ['Bien'] }))).resolves.toEqual([positive]);
    });

    it('gives up at once on a 4xx (UnrecoverableError) and lets BullMQ retry a 5xx', async () => {
      model.predict.mockRejectedValueOnce(new ModelServerError('answered 400', false, 'rejected'));
      await expect(processor.process(job(JobName.Predict, { texts: ['x'] }))).rejects.toBeInstanceOf(UnrecoverableError);
      model.predict.mockRejectedValueOnce(new ModelServerError('answered 503', true, 'unavailable'));
      const retry = await processor.process(job(JobName.Predict, { texts: ['x'] })).catch((e: Error) => e);
      expect(retry).not.toBeInstanceOf(UnrecoverableError);
      expect((retry as Error).message).toBe('unavailable: answered 503');
    });
  });

  describe('chunk jobs', () => {
    const pending = [
      { id: 'a', text: 'Bien', status: 'pending' },
      { id: 'b', text: 'Nul', status: 'pending' },
    ];

    it('stores one row per review, in order, with per-item errors as rows', async () => {
      store.markRunning.mockResolvedValue('running');
      store.chunkRows.mockResolvedValue(pending);
      model.predict.mockResolvedValue([positive, { error: { code: 'empty_text', message: 'empty' } }]);
      await expect(processor.process(job(JobName.Chunk, { jobId: 'j', index: 2 }))).resolves.toEqual({ done: 2, failed: 1, positive: 1, negative: 0 });
      expect(store.saveChunk).toHaveBeenCalledWith(
        'j',
        2,
        [
          expect.objectContaining({ id: 'a', status: 'done', label: 'positive' }),
          { id: 'b', text: 'Nul', status: 'error', error: { code: 'empty_text', message: 'empty' } },
        ],
        { done: 2, failed: 1, positive: 1, negative: 0 },
      );
    });

    it('rethrows a retryable failure while attempts remain, and stores nothing', async () => {
      store.markRunning.mockResolvedValue('running');
      store.chunkRows.mockResolvedValue(pending);
      model.predict.mockRejectedValue(new ModelServerError('answered 503', true, 'unavailable'));
      await expect(processor.process(job(JobName.Chunk, { jobId: 'j', index: 0 }, 0, 3))).rejects.toBeInstanceOf(ModelServerError);
      expect(store.saveChunk).not.toHaveBeenCalled();
    });

    it('turns the reviews into error rows on the last attempt so the job still finishes', async () => {
      store.markRunning.mockResolvedValue('running');
      store.chunkRows.mockResolvedValue(pending);
      model.predict.mockRejectedValue(new ModelServerError('answered 503', true, 'unavailable'));
      await expect(processor.process(job(JobName.Chunk, { jobId: 'j', index: 0 }, 2, 3))).resolves.toEqual({ done: 2, failed: 2, positive: 0, negative: 0 });
      expect(store.saveChunk.mock.calls[0][2]).toEqual([
        expect.objectContaining({ id: 'a', status: 'error', error: { code: 'model_unavailable', message: 'answered 503' } }),
        expect.objectContaining({ id: 'b', status: 'error' }),
      ]);
    });

    it('skips chunks of cancelled jobs without calling the model', async () => {
      store.markRunning.mockResolvedValue('cancelled');
      await expect(processor.process(job(JobName.Chunk, { jobId: 'j', index: 0 }))).resolves.toEqual({ skipped: 'cancelled' });
      expect(model.predict).not.toHaveBeenCalled();
    });
  });

  it('finalize closes the job record', async () => {
    store.finish.mockResolvedValue({ state: 'completed', createdAt: new Date().toISOString() });
    await expect(processor.process(job(JobName.Finalize, { jobId: 'j' }))).resolves.toEqual({ state: 'completed' });
    expect(store.finish).toHaveBeenCalledWith('j');
  });

  it('refuses unknown job names for good', async () => {
    await expect(processor.process(job('mystery', {}))).rejects.toBeInstanceOf(UnrecoverableError);
  });
});
