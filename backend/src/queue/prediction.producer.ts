import { Inject, Injectable } from '@nestjs/common';
import { Job } from 'bullmq';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { PredictionTimeout, RedisDown } from '../failures/failure';
import { fromQueueReason } from '../failures/queue-failure';
import { ModelResult } from '../model-server/model-server.types';
import { PredictionQueue } from './prediction-queue';
import { CAPPED_BACKOFF } from './backoff';
import { TraceCarrier, SpanKind, inSpan, traceCarrier } from '../tracing/tracing';
import { BATCH_QUEUE, CallbackJobData, ChunkJobData, FinalizeJobData, JobName, PREDICTION_QUEUE, PredictJobData } from './queue.constants';

/** The only place that puts work on the queue. */
@Injectable()
export class PredictionProducer {
  constructor(
    private readonly handles: PredictionQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get queue() {
    return this.handles.queue;
  }

  /**
   * Queue texts and wait for their results. On timeout the job is withdrawn if no worker took it yet,
   * so nothing half-done is left behind; a job already running finishes and is then discarded.
   * Fails only with a Failure: the worker's own (model server), PredictionTimeout, or RedisDown.
   */
  async predict(texts: string[], explain = false, requestId?: string): Promise<ModelResult[]> {
    // The deadline travels with the job: a worker (or a retry) never computes for a caller who has gone.
    const deadline = Date.now() + this.config.PREDICT_TIMEOUT_MS;
    let job: Job;
    try {
      job = await inSpan('queue predictions', SpanKind.PRODUCER, { 'messaging.destination.name': PREDICTION_QUEUE, reviews: texts.length }, () =>
        this.queue.add(JobName.Predict, { texts, deadline, requestId, trace: traceCarrier(), ...(explain ? { explain } : {}) } satisfies PredictJobData, {
          attempts: this.config.PREDICT_ATTEMPTS,
          backoff: { type: 'exponential', delay: this.config.RETRY_BACKOFF_MS },
          removeOnComplete: { age: 60, count: 1_000 },
          removeOnFail: { age: 3_600, count: 1_000 },
        }),
      );
    } catch {
      throw new RedisDown('Queue unavailable (Redis is not answering)');
    }
    try {
      return (await job.waitUntilFinished(this.handles.events, this.config.PREDICT_TIMEOUT_MS)) as ModelResult[];
    } catch (error) {
      const failure = fromQueueReason(error instanceof Error ? error.message : String(error));
      if (failure) throw failure;
      // waitUntilFinished gives up at the deadline (its wait started after it).
      if (Date.now() >= deadline) {
        await withdraw(job);
        throw new PredictionTimeout(`Prediction timed out: no result within ${this.config.PREDICT_TIMEOUT_MS} ms`);
      }
      // Anything else comes from the queue itself: Redis unreachable or not writable.
      throw new RedisDown('Queue unavailable (Redis is not answering)');
    }
  }

  /**
   * A batch job as a flow: one `finalize` parent whose children are the chunks. Chunk ids are derived
   * from the job id and position, so re-adding a chunk never duplicates its results.
   *
   * Fair share: chunk i of a job whose client already has `chunksAhead` chunks unfinished gets priority
   * chunksAhead + i + 1 (BullMQ takes the lowest first, in order of arrival among equals). Each client's chunks
   * are numbered from its own backlog, so a job queues behind its own client's earlier chunks, not behind other
   * clients': a client with less unfinished work is served first, and clients with equal backlogs alternate.
   */
  async enqueueBatch(jobId: string, chunkCount: number, requestId?: string, chunksAhead = 0): Promise<void> {
    await inSpan('queue job', SpanKind.PRODUCER, { 'messaging.destination.name': BATCH_QUEUE, 'job.id': jobId, 'job.chunks': chunkCount }, () =>
      this.addBatchFlow(jobId, chunkCount, requestId, traceCarrier(), chunksAhead),
    );
  }

  private async addBatchFlow(
    jobId: string,
    chunkCount: number,
    requestId: string | undefined,
    trace: TraceCarrier | undefined,
    chunksAhead: number,
  ): Promise<void> {
    const retention = { removeOnComplete: { age: 3_600, count: 10_000 }, removeOnFail: { age: 24 * 3_600, count: 10_000 } };
    await this.handles.flows.add({
      name: JobName.Finalize,
      queueName: BATCH_QUEUE,
      data: { jobId, requestId, trace } satisfies FinalizeJobData,
      // Finalize writes the job's outcome: a Redis blip must not leave the job `running` until it expires.
      opts: { jobId: `${jobId}-finalize`, attempts: this.config.JOB_ATTEMPTS, backoff: { type: CAPPED_BACKOFF, delay: this.config.RETRY_BACKOFF_MS }, ...retention },
      children: Array.from({ length: chunkCount }, (_, index) => ({
        name: JobName.Chunk,
        queueName: BATCH_QUEUE,
        data: { jobId, index, requestId, trace } satisfies ChunkJobData,
        opts: {
          jobId: `${jobId}-chunk-${index}`,
          priority: fairPriority(chunksAhead, index),
          attempts: this.config.JOB_ATTEMPTS,
          backoff: { type: CAPPED_BACKOFF, delay: this.config.RETRY_BACKOFF_MS },
          // A chunk that fails for good must not hold the job forever: finalize still runs and turns
          // its reviews into error rows (JobStore.finish).
          ignoreDependencyOnFailure: true,
          ...retention,
        },
      })),
    });
  }

  /**
   * Queue a finished job's callback. Its id is derived from the job: finalize retried, or a cancel racing
   * finalize, queue it once.
   */
  async enqueueCallback(jobId: string): Promise<void> {
    await this.handles.webhooks.add(JobName.Callback, { jobId } satisfies CallbackJobData, {
      jobId: `${jobId}-callback`,
      attempts: this.config.WEBHOOK_MAX_ATTEMPTS,
      backoff: { type: CAPPED_BACKOFF, delay: this.config.WEBHOOK_BACKOFF_MS },
      removeOnComplete: { age: 24 * 3_600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3_600, count: 10_000 },
    });
  }

  /** Remove a batch job's queued work; chunks already running finish and see the job is cancelled. */
  async withdrawBatch(jobId: string): Promise<void> {
    const parent = await this.handles.batch.getJob(`${jobId}-finalize`);
    if (!parent) return;
    await parent.remove({ removeChildren: true }).catch(async () => {
      // A locked (running) child blocks removing the whole flow: drop the waiting chunks one by one.
      const children = await parent.getDependencies({ unprocessed: { count: 10_000 } });
      for (const key of children.unprocessed ?? []) {
        const child = await this.handles.batch.getJob(key.split(':').pop() ?? '');
        if (child && ['waiting', 'delayed', 'prioritized'].includes(await child.getState())) await withdraw(child);
      }
    });
  }
}

/** BullMQ's largest priority (2^21 - 1): past it every chunk simply waits in arrival order. */
const MAX_PRIORITY = 2_097_151;

export function fairPriority(chunksAhead: number, index: number): number {
  return Math.min(MAX_PRIORITY, chunksAhead + index + 1);
}

async function withdraw(job: Job): Promise<void> {
  try {
    await job.remove();
  } catch {
    // Already taken by a worker: it completes and is removed by removeOnComplete.
  }
}
