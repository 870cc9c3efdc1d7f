import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { JobResultRow } from '@allocine/contracts';
import { Job, UnrecoverableError } from 'bullmq';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ChunkCounts, JobStore } from '../jobs/job.store';
import { MetricsService } from '../metrics/metrics.service';
import { ModelServerClient, toModelServerError } from '../model-server/model-server.client';
import { ModelResult, isItemError } from '../model-server/model-server.types';
import { ChunkJobData, FinalizeJobData, JobName, PREDICTION_QUEUE, PredictJobData } from '../queue/queue.constants';

/**
 * The queue's one consumer. Model-server 4xx → UnrecoverableError (retrying cannot help);
 * 5xx, 503 and timeouts → thrown for BullMQ to retry with exponential backoff.
 */
// Not started by @nestjs/bullmq: its options come from the validated config, set before `run` below.
@Processor(PREDICTION_QUEUE, { autorun: false })
export class PredictionProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(PredictionProcessor.name);

  constructor(
    private readonly model: ModelServerClient,
    private readonly store: JobStore,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    // Concurrency at least TorchServe's batch size lets its dynamic batching group concurrent requests.
    this.worker.concurrency = this.config.WORKER_CONCURRENCY;
    // The stalled check runs once at start, then at this interval: a chunk whose worker crashed is
    // requeued within about two intervals (BullMQ flags it on one pass and moves it on the next).
    this.worker.opts.stalledInterval = this.config.STALLED_CHECK_MS;
    this.worker.run().catch((error: Error) => this.logger.error(`worker stopped: ${error.message}`));
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case JobName.Predict:
        return this.predict(job as Job<PredictJobData>);
      case JobName.Chunk:
        return this.classifyChunk(job as Job<ChunkJobData>);
      case JobName.Finalize:
        return this.finalize(job as Job<FinalizeJobData>);
      default:
        throw new UnrecoverableError(`unknown job name ${job.name}`);
    }
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    // Redis outages surface here while ioredis reconnects; the worker resumes on its own.
    this.logger.warn(`worker error: ${error.message}`);
  }

  private async predict(job: Job<PredictJobData>): Promise<ModelResult[]> {
    try {
      const results = await this.model.predict(job.data.texts);
      this.count(results);
      return results;
    } catch (error) {
      const failure = toModelServerError(error);
      if (!failure.retryable) throw new UnrecoverableError(`${failure.kind}: ${failure.message}`);
      throw new Error(`${failure.kind}: ${failure.message}`);
    }
  }

  private async classifyChunk(job: Job<ChunkJobData>): Promise<ChunkCounts | { skipped: string }> {
    const { jobId, index } = job.data;
    const state = await this.store.markRunning(jobId);
    if (state !== 'running') return { skipped: state ?? 'missing' };
    const pending = await this.store.chunkRows(jobId, index);
    if (!pending) return { skipped: 'expired' };

    let rows: JobResultRow[];
    try {
      const results = await this.model.predict(pending.map((row) => row.text));
      this.count(results);
      rows = pending.map((row, i) => toRow(row, results[i]));
    } catch (error) {
      const failure = toModelServerError(error);
      const attemptsLeft = (job.opts.attempts ?? 1) - job.attemptsMade - 1;
      if (failure.retryable && attemptsLeft > 0) throw failure;
      // Out of retries: the reviews become error rows so the job still completes and nothing is lost silently.
      this.logger.warn(`job ${jobId} chunk ${index} failed for good: ${failure.message}`);
      const code = failure.retryable ? 'model_unavailable' : 'model_rejected';
      rows = pending.map((row) => ({ id: row.id, text: row.text, status: 'error', error: { code, message: failure.message } }));
    }
    const counts = countRows(rows);
    await this.store.saveChunk(jobId, index, rows, counts);
    return counts;
  }

  private async finalize(job: Job<FinalizeJobData>): Promise<{ state: string }> {
    const record = await this.store.finish(job.data.jobId);
    if (!record) return { state: 'missing' };
    this.metrics.jobDuration.observe({ state: record.state }, (Date.now() - Date.parse(record.createdAt)) / 1000);
    return { state: record.state };
  }

  private count(results: ModelResult[]): void {
    for (const result of results) this.metrics.predictions.inc({ label: isItemError(result) ? 'error' : result.label });
  }
}

function toRow(input: JobResultRow, result: ModelResult | undefined): JobResultRow {
  if (!result) return { id: input.id, text: input.text, status: 'error', error: { code: 'missing', message: 'no result' } };
  if (isItemError(result)) return { id: input.id, text: input.text, status: 'error', error: result.error };
  return {
    id: input.id,
    text: input.text,
    status: 'done',
    label: result.label,
    score: result.score,
    probabilities: result.probabilities,
    uncertain: result.uncertain,
    truncated: result.truncated,
  };
}

function countRows(rows: JobResultRow[]): ChunkCounts {
  const counts: ChunkCounts = { done: rows.length, failed: 0, positive: 0, negative: 0 };
  for (const row of rows) {
    if (row.status === 'error') counts.failed++;
    else if (row.label === 'positive') counts.positive++;
    else counts.negative++;
  }
  return counts;
}
