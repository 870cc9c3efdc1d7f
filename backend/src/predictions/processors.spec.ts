import { Job, Queue, UnrecoverableError } from 'bullmq';

import { loadConfig } from '../config/app-config';
import { HistoryLog } from '../history/history-log';
import { JobStore } from '../jobs/job.store';
import type { DriftMonitor } from '../drift/drift.monitor';
import { MetricsService } from '../metrics/metrics.service';
import { ModelServerClient } from '../model-server/model-server.client';
import { ModelServerError } from '../model-server/model-server.errors';
import { ServingProfileService } from '../model-server/serving-profile.service';
import { PredictionProducer } from '../queue/prediction.producer';
import type { ShadowSampler } from '../shadow/shadow-sampler';
import { JobName } from '../queue/queue.constants';
import { fromQueueReason } from '../failures/queue-failure';
import { BatchProcessor } from '../jobs/batch.processor';
import { PredictionProcessor } from './prediction.processor';

const positive = { label: 'positive', score: 0.9, probabilities: { negative: 0.1, positive: 0.9 }, uncertain: false, truncated: false, model: 'm', version: '1' };

function job(name: string, data: unknown, attemptsMade = 0, attempts = 3): Job {
  return { name, data, attemptsMade, opts: { attempts } } as unknown as Job;
}

const profile = { modelCallTimeoutMs: () => 150_000, chunkConcurrency: () => 4 } as unknown as ServingProfileService;

describe('PredictionProcessor', () => {
  let model: { predict: jest.Mock };
  let metrics: MetricsService;
  let batch: { process: jest.Mock };
  let processor: PredictionProcessor;
  const soon = () => Date.now() + 10_000;

  beforeEach(() => {
    model = { predict: jest.fn() };
    metrics = new MetricsService();
    batch = { process: jest.fn() };
    processor = new PredictionProcessor(
      model as unknown as ModelServerClient,
      profile,
      metrics,
      loadConfig({}),
      batch as unknown as BatchProcessor,
    );
  });

  it('still runs chunks and finalize steps queued here before batch jobs had their own queue', async () => {
    batch.process.mockResolvedValue({ state: 'completed' });
    const legacy = job(JobName.Finalize, { jobId: 'j' });
    await expect(processor.process(legacy)).resolves.toEqual({ state: 'completed' });
    expect(batch.process).toHaveBeenCalledWith(legacy);
    expect(model.predict).not.toHaveBeenCalled();
  });

  it('returns the model results, asked of the interactive lane within the caller\'s deadline', async () => {
    model.predict.mockResolvedValue([positive]);
    const deadline = soon();
    await expect(processor.process(job(JobName.Predict, { texts: ['Bien'], deadline }))).resolves.toEqual([positive]);
    const [texts, options] = model.predict.mock.calls[0];
    expect(texts).toEqual(['Bien']);
    expect(options).toMatchObject({ lane: 'interactive', deadline });
    expect(options.timeoutMs).toBeLessThanOrEqual(10_000);
  });

  it('does no work for a caller who has stopped waiting', async () => {
    const expired = await processor.process(job(JobName.Predict, { texts: ['x'], deadline: Date.now() - 1 })).catch((e: Error) => e);
    expect(expired).toBeInstanceOf(UnrecoverableError);
    expect(model.predict).not.toHaveBeenCalled();
    expect((await metrics.expired.get()).values[0].value).toBe(1);
  });

  it('gives up at once on a 4xx (UnrecoverableError) and lets BullMQ retry a 5xx, counting the retry', async () => {
    model.predict.mockRejectedValueOnce(new ModelServerError('answered 400', false, 'model-rejected'));
    await expect(processor.process(job(JobName.Predict, { texts: ['x'], deadline: soon() }))).rejects.toBeInstanceOf(UnrecoverableError);
    model.predict.mockRejectedValueOnce(new ModelServerError('answered 503', true, 'model-unavailable'));
    const retry = await processor.process(job(JobName.Predict, { texts: ['x'], deadline: soon() }, 1)).catch((e: Error) => e);
    expect(retry).not.toBeInstanceOf(UnrecoverableError);
    expect(fromQueueReason((retry as Error).message)).toMatchObject({ kind: 'model-unavailable', retryable: true, message: 'answered 503' });
    const retries = (await metrics.retries.get()).values.filter((series) => series.value > 0);
    expect(retries).toEqual([expect.objectContaining({ value: 1, labels: { queue: 'predictions', reason: 'retry' } })]);
  });
});

describe('BatchProcessor', () => {
  let model: { predict: jest.Mock };
  let store: { markRunning: jest.Mock; chunkRows: jest.Mock; saveChunk: jest.Mock; finish: jest.Mock; get: jest.Mock };
  let shadow: { offer: jest.Mock };
  let processor: BatchProcessor;
  let producer: { enqueueCallback: jest.Mock };
  let drift: { observe: jest.Mock };

  beforeEach(() => {
    producer = { enqueueCallback: jest.fn().mockResolvedValue(undefined) };
    drift = { observe: jest.fn() };
    model = { predict: jest.fn() };
    store = { markRunning: jest.fn(), chunkRows: jest.fn(), saveChunk: jest.fn(), finish: jest.fn(), get: jest.fn().mockResolvedValue({ id: 'j', owner: 'key:abc', chunkSize: 50, modelVersion: null }) };
    shadow = { offer: jest.fn() };
    processor = new BatchProcessor(
      model as unknown as ModelServerClient,
      profile,
      store as unknown as JobStore,
      new MetricsService(),
      { enabled: false } as HistoryLog,
      loadConfig({}),
      producer as unknown as PredictionProducer,
      drift as unknown as DriftMonitor,
      shadow as unknown as ShadowSampler,
      {} as Queue,
    );
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
      expect(model.predict).toHaveBeenCalledWith(['Bien', 'Nul'], { lane: 'bulk', timeoutMs: 150_000 });
      expect(store.saveChunk).toHaveBeenCalledWith(
        'j',
        2,
        [
          expect.objectContaining({ id: 'a', status: 'done', label: 'positive' }),
          { id: 'b', text: 'Nul', status: 'error', error: { code: 'empty_text', message: 'empty' } },
        ],
        { done: 2, failed: 1, positive: 1, negative: 0 },
        [], // history off: no events
      );
    });

    it('with history on, saves one event per review (errors included), keyed by its place in the job', async () => {
      const withHistory = new BatchProcessor(
        model as unknown as ModelServerClient,
        profile,
        store as unknown as JobStore,
        new MetricsService(),
        { enabled: true } as HistoryLog,
        loadConfig({ STORE_TEXT: 'false' }),
        producer as unknown as PredictionProducer,
        drift as unknown as DriftMonitor,
        shadow as unknown as ShadowSampler,
        {} as Queue,
      );
      store.markRunning.mockResolvedValue('running');
      store.chunkRows.mockResolvedValue(pending);
      model.predict.mockResolvedValue([positive, { error: { code: 'empty_text', message: 'empty' } }]);
      await withHistory.process(job(JobName.Chunk, { jobId: 'j', index: 2 }));
      const events = store.saveChunk.mock.calls[0][4];
      expect(events).toEqual([
        expect.objectContaining({ type: 'prediction', eventId: 'j:100', owner: 'key:abc', jobId: 'j', position: 100, reviewId: 'a', label: 'positive', text: null }),
        expect.objectContaining({ type: 'error-row', eventId: 'j:101', position: 101, reviewId: 'b', error: { code: 'empty_text', message: 'empty' }, text: null }),
      ]);
      expect(events[0].textSha256).toMatch(/^[0-9a-f]{64}$/); // STORE_TEXT=false: the hash, never the text
    });

    it('sends a job to the version live when it started, and offers what it classified to the shadow', async () => {
      store.markRunning.mockResolvedValue('running');
      store.chunkRows.mockResolvedValue(pending);
      store.get.mockResolvedValue({ id: 'j', owner: 'key:abc', chunkSize: 50, modelVersion: '1.1' });
      model.predict.mockResolvedValue([{ ...positive, version: '1.1' }, { error: { code: 'empty_text', message: 'empty' } }]);
      await processor.process(job(JobName.Chunk, { jobId: 'j', index: 2 }));
      expect(model.predict).toHaveBeenCalledWith(['Bien', 'Nul'], { lane: 'bulk', timeoutMs: 150_000, version: '1.1' });
      expect(store.saveChunk.mock.calls[0][2][0]).toEqual(expect.objectContaining({ id: 'a', version: '1.1', model: 'm' }));
      expect(shadow.offer).toHaveBeenCalledWith([{ predictionId: 'j:100', text: 'Bien', label: 'positive', score: 0.9 }]);
    });

    it('rethrows a retryable failure while attempts remain, and stores nothing', async () => {
      store.markRunning.mockResolvedValue('running');
      store.chunkRows.mockResolvedValue(pending);
      model.predict.mockRejectedValue(new ModelServerError('answered 503', true, 'model-unavailable'));
      await expect(processor.process(job(JobName.Chunk, { jobId: 'j', index: 0 }, 0, 3))).rejects.toBeInstanceOf(ModelServerError);
      expect(store.saveChunk).not.toHaveBeenCalled();
    });

    it('turns the reviews into error rows on the last attempt so the job still finishes', async () => {
      store.markRunning.mockResolvedValue('running');
      store.chunkRows.mockResolvedValue(pending);
      model.predict.mockRejectedValue(new ModelServerError('answered 503', true, 'model-unavailable'));
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
    expect(producer.enqueueCallback).not.toHaveBeenCalled();
  });

  it("finalize queues the job's callback when it has one, and fails (to be retried) if that cannot be queued", async () => {
    store.finish.mockResolvedValue({ id: 'j', state: 'completed', createdAt: new Date().toISOString(), callbackUrl: 'https://hooks.example.com/x' });
    await expect(processor.process(job(JobName.Finalize, { jobId: 'j' }))).resolves.toEqual({ state: 'completed' });
    expect(producer.enqueueCallback).toHaveBeenCalledWith('j');
    producer.enqueueCallback.mockRejectedValueOnce(new Error('Connection is closed.'));
    await expect(processor.process(job(JobName.Finalize, { jobId: 'j' }))).rejects.toThrow('Connection is closed.');
  });

  it('refuses unknown job names for good', async () => {
    await expect(processor.process(job('mystery', {}))).rejects.toBeInstanceOf(UnrecoverableError);
  });
});
