import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { JobResultRow } from '@allocine/contracts';
import { Job, Queue, UnrecoverableError } from 'bullmq';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { HistoryEvent, errorRowEvent, predictionEvent } from '../history/history-events';
import { HistoryLog } from '../history/history-log';
import { ChunkCounts, JobRecord, JobStore, jobPredictionId } from './job.store';
import { DriftMonitor } from '../drift/drift.monitor';
import { MetricsService } from '../metrics/metrics.service';
import { ModelServerClient, toModelServerError } from '../model-server/model-server.client';
import { ModelResult, isItemError } from '../model-server/model-server.types';
import { ServingProfileService } from '../model-server/serving-profile.service';
import { cappedBackoff } from '../queue/backoff';
import { PredictionProducer } from '../queue/prediction.producer';
import { BATCH_QUEUE, ChunkJobData, FinalizeJobData, JobName } from '../queue/queue.constants';
import { ShadowSampler } from '../shadow/shadow-sampler';
import { SpanKind, inSpan } from '../tracing/tracing';
import { countPredictions } from '../model-server/count-predictions';
import { drain } from '../queue/drain';

/**
 * Batch jobs: chunks go to the model server's bulk lane, at most the serving profile's chunkConcurrency in
 * flight across all workers (BullMQ global concurrency), so none waits in TorchServe's queue long enough to
 * time out and be computed twice. Retryable failures are thrown for BullMQ to retry with backoff.
 */
@Processor(BATCH_QUEUE, { autorun: false })
export class BatchProcessor extends WorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(BatchProcessor.name);

  constructor(
    private readonly model: ModelServerClient,
    private readonly profile: ServingProfileService,
    private readonly store: JobStore,
    private readonly metrics: MetricsService,
    private readonly history: HistoryLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly producer: PredictionProducer,
    private readonly drift: DriftMonitor,
    private readonly shadow: ShadowSampler,
    @InjectQueue(BATCH_QUEUE) private readonly queue: Queue,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    // The stalled check runs once at start, then at this interval: a chunk whose worker crashed is
    // requeued within about two intervals (BullMQ flags it on one pass and moves it on the next).
    this.worker.opts.stalledInterval = this.config.STALLED_CHECK_MS;
    const backoffStrategy = cappedBackoff(this.config.RETRY_BACKOFF_MS, this.config.RETRY_MAX_BACKOFF_MS);
    this.worker.opts.settings = { ...this.worker.opts.settings, backoffStrategy };
    // No chunk is taken before the model's profile is known: the n-gram model's 32 chunks in flight would
    // overwhelm CamemBERT. Chunks wait in Redis meanwhile (they could not be classified anyway).
    void this.profile.known$.then(() => {
      this.resize();
      this.profile.onChange(() => this.resize());
      this.worker.run().catch((error: Error) => this.logger.error(`worker stopped: ${error.message}`));
    });
  }

  /** Chunks in flight follow the model's cost: 32 for the n-gram model, a few for CamemBERT. */
  private resize(): void {
    const concurrency = this.profile.chunkConcurrency();
    this.worker.concurrency = concurrency;
    // One finalize step can hold a slot, so the global limit counts it in.
    this.queue
      .setGlobalConcurrency(concurrency + 1)
      .catch((error: Error) => this.logger.warn(`could not set the global chunk concurrency: ${error.message}`));
  }

  /** SIGTERM: finish and save what is in hand (within SHUTDOWN_GRACE_MS) before Redis closes. */
  async onModuleDestroy(): Promise<void> {
    await drain(this.worker, this.config.SHUTDOWN_GRACE_MS, this.logger);
  }

  async process(job: Job): Promise<unknown> {
    if (job.attemptsMade > 0) this.metrics.retries.inc({ queue: BATCH_QUEUE, reason: 'retry' });
    const data = job.data as ChunkJobData | FinalizeJobData;
    const attributes = { 'job.id': data.jobId, 'messaging.message.id': String(job.id), attempt: job.attemptsMade + 1 };
    switch (job.name) {
      case JobName.Chunk:
        return inSpan('classify chunk', SpanKind.CONSUMER, attributes, () => this.classifyChunk(job as Job<ChunkJobData>), data.trace);
      case JobName.Finalize:
        return inSpan('finish job', SpanKind.CONSUMER, attributes, () => this.finalize(job as Job<FinalizeJobData>), data.trace);
      default:
        throw new UnrecoverableError(`unknown job name ${job.name}`);
    }
  }

  @OnWorkerEvent('stalled')
  onStalled(): void {
    this.metrics.retries.inc({ queue: BATCH_QUEUE, reason: 'stalled' });
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn(`worker error: ${error.message}`);
  }

  private async classifyChunk(job: Job<ChunkJobData>): Promise<ChunkCounts | { skipped: string }> {
    const { jobId, index, requestId } = job.data;
    const state = await this.store.markRunning(jobId);
    if (state !== 'running') return { skipped: state ?? 'missing' };
    const [pending, record] = await Promise.all([this.store.chunkRows(jobId, index), this.store.get(jobId)]);
    if (!pending || !record) return { skipped: 'expired' };

    let rows: JobResultRow[];
    let results: ModelResult[] = [];
    let perReviewMs = 0;
    try {
      const texts = pending.map((row) => row.text);
      const started = performance.now();
      // The version live when the job started: a promotion meanwhile does not split the job between versions.
      const version = record.modelVersion ?? undefined;
      results = await this.model.predict(texts, { lane: 'bulk', timeoutMs: this.profile.modelCallTimeoutMs(), requestId, version });
      this.drift.observe(texts, results.map((result) => (isItemError(result) ? null : result)));
      this.shadow.offer(
        results.flatMap((result, i) =>
          isItemError(result) ? [] : [{ predictionId: jobPredictionId(jobId, index * record.chunkSize + i), text: texts[i], label: result.label, score: result.score }],
        ),
      );
      const ms = performance.now() - started;
      perReviewMs = ms / Math.max(1, texts.length);
      this.logger.log({ requestId, jobId, chunk: index, reviews: texts.length, ms: Math.round(ms), attempt: job.attemptsMade + 1 }, 'chunk classified');
      countPredictions(this.metrics, results);
      rows = pending.map((row, i) => toRow(row, results[i]));
    } catch (error) {
      const failure = toModelServerError(error);
      const attemptsLeft = (job.opts.attempts ?? 1) - job.attemptsMade - 1;
      if (failure.retryable && attemptsLeft > 0) throw failure;
      // Out of retries: the reviews become error rows so the job still completes and nothing is lost silently.
      this.logger.warn({ requestId, jobId, chunk: index }, `chunk failed for good: ${failure.message}`);
      const code = failure.retryable ? 'model_unavailable' : 'model_rejected';
      rows = pending.map((row) => ({ id: row.id, text: row.text, status: 'error', error: { code, message: failure.message } }));
    }
    const counts = countRows(rows);
    await this.store.saveChunk(jobId, index, rows, counts, this.historyOf(record, index, rows, results, perReviewMs));
    return counts;
  }

  /**
   * The chunk's rows as history events, keyed by place in the job (a retry rewrites them): classified reviews
   * with the model that classified them, and those that ended as errors, so the job's results stay whole there.
   */
  private historyOf(record: JobRecord, index: number, rows: JobResultRow[], results: ModelResult[], perReviewMs: number): HistoryEvent[] {
    if (!this.history.enabled) return [];
    const jobId = record.id;
    const at = new Date();
    return rows.map((row, i) => {
      const position = index * record.chunkSize + i;
      const context = { eventId: jobPredictionId(jobId, position), owner: record.owner, text: row.text, storeText: this.config.STORE_TEXT, jobId, position, reviewId: row.id, at };
      const result = results[i];
      if (row.status === 'done' && result && !isItemError(result)) {
        return predictionEvent({ ...result, latencyMs: Math.round(perReviewMs * 100) / 100 }, context);
      }
      return errorRowEvent(row.error ?? { code: 'error', message: 'not classified' }, context);
    });
  }

  private async finalize(job: Job<FinalizeJobData>): Promise<{ state: string }> {
    const record = await this.store.finish(job.data.jobId);
    if (!record) return { state: 'missing' };
    this.logger.log({ requestId: job.data.requestId, jobId: record.id, state: record.state, reviews: record.total }, 'job finished');
    // Thrown if Redis blips: finalize is retried, and finishing again is harmless.
    if (record.callbackUrl) await this.producer.enqueueCallback(record.id);
    this.metrics.jobDuration.observe({ state: record.state }, (Date.now() - Date.parse(record.createdAt)) / 1000);
    return { state: record.state };
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
    model: result.model,
    version: result.version,
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
