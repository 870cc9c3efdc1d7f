import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../metrics/metrics.service';
import { ModelServerClient, toModelServerError } from '../model-server/model-server.client';
import { ModelResult } from '../model-server/model-server.types';
import { ServingProfileService } from '../model-server/serving-profile.service';
import { JobName, PREDICTION_QUEUE, PredictJobData } from '../queue/queue.constants';
import { BatchProcessor } from '../jobs/batch.processor';
import { SpanKind, inSpan } from '../tracing/tracing';
import { countPredictions } from '../model-server/count-predictions';
import { drain } from '../queue/drain';
import { toQueueError } from '../failures/queue-failure';

/**
 * Single predictions, on a queue and a model-server lane of their own so they never wait behind job chunks.
 * A model-server failure crosses the queue typed (failures/queue-failure.ts): a 4xx is not retried; 5xx and
 * timeouts are, by BullMQ, while the caller waits.
 */
// Not started by @nestjs/bullmq: its options come from the validated config, set before `run` below.
@Processor(PREDICTION_QUEUE, { autorun: false })
export class PredictionProcessor extends WorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PredictionProcessor.name);

  constructor(
    private readonly model: ModelServerClient,
    private readonly profile: ServingProfileService,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly batch: BatchProcessor,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    // Concurrency at least the interactive lane's batch size lets TorchServe batch concurrent requests.
    this.worker.concurrency = this.config.WORKER_CONCURRENCY;
    this.worker.opts.stalledInterval = this.config.STALLED_CHECK_MS;
    this.worker.run().catch((error: Error) => this.logger.error(`worker stopped: ${error.message}`));
  }

  /** SIGTERM: finish and save what is in hand (within SHUTDOWN_GRACE_MS) before Redis closes. */
  async onModuleDestroy(): Promise<void> {
    await drain(this.worker, this.config.SHUTDOWN_GRACE_MS, this.logger);
  }

  async process(job: Job): Promise<unknown> {
    // Chunks and finalize steps accepted before batch jobs had a queue of their own (an upgrade with work
    // in Redis) still run here, with the batch logic: nothing accepted is dropped by the lane split.
    if (job.name === JobName.Chunk || job.name === JobName.Finalize) return this.batch.process(job);
    if (job.name !== JobName.Predict) throw new UnrecoverableError(`unknown job name ${job.name}`);
    if (job.attemptsMade > 0) this.metrics.retries.inc({ queue: PREDICTION_QUEUE, reason: 'retry' });
    const predict = job as Job<PredictJobData>;
    return inSpan('predict', SpanKind.CONSUMER, { 'messaging.message.id': String(job.id), attempt: job.attemptsMade + 1 }, () => this.predict(predict), predict.data.trace);
  }

  @OnWorkerEvent('stalled')
  onStalled(): void {
    this.metrics.retries.inc({ queue: PREDICTION_QUEUE, reason: 'stalled' });
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    // Redis outages surface here while ioredis reconnects; the worker resumes on its own.
    this.logger.warn(`worker error: ${error.message}`);
  }

  private async predict(job: Job<PredictJobData>): Promise<ModelResult[]> {
    const { texts, deadline, explain, requestId } = job.data;
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      this.metrics.expired.inc();
      throw new UnrecoverableError('expired: the caller stopped waiting before a worker took the request');
    }
    try {
      const timeoutMs = Math.min(this.profile.modelCallTimeoutMs(), remaining);
      const started = performance.now();
      const results = await this.model.predict(texts, { lane: 'interactive', timeoutMs, deadline, explain, requestId });
      countPredictions(this.metrics, results);
      this.logger.debug({ requestId, reviews: texts.length, ms: Math.round(performance.now() - started) }, 'predicted');
      return results;
    } catch (error) {
      throw toQueueError(toModelServerError(error));
    }
  }
}
