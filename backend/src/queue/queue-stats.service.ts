import { Inject, Injectable, OnModuleInit } from '@nestjs/common';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../metrics/metrics.service';
import { PredictionQueue } from './prediction-queue';

const STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed', 'waiting-children'] as const;
const NOT_PICKED_UP = ['waiting', 'prioritized', 'delayed'] as const;

export type QueueCounts = Record<(typeof STATES)[number], number>;

/** Jobs not yet picked up by a worker. */
export function backlogOf(counts: Partial<Record<string, number>>): number {
  return NOT_PICKED_UP.reduce((sum, state) => sum + (counts[state] ?? 0), 0);
}

/** Queue depth for metrics, health and back-pressure. */
@Injectable()
export class QueueStats implements OnModuleInit {
  constructor(
    private readonly handles: PredictionQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.setQueueSources(
      () => this.counts(),
      () => this.oldestWaitingSeconds(),
    );
  }

  /** Both lanes together: single predictions and batch-job chunks. */
  async counts(): Promise<QueueCounts> {
    const [interactive, batch] = await Promise.all([this.handles.queue, this.handles.batch].map((q) => q.getJobCounts(...STATES)));
    return Object.fromEntries(STATES.map((state) => [state, (interactive[state] ?? 0) + (batch[state] ?? 0)])) as QueueCounts;
  }

  /**
   * Per queue, seconds since the oldest job no worker has taken was queued (waiting or prioritized; retries
   * waiting out their backoff are delayed, not behind). Zero when nothing waits.
   */
  async oldestWaitingSeconds(): Promise<Record<string, number>> {
    const queues = [this.handles.queue, this.handles.batch, this.handles.webhooks];
    const ages = await Promise.all(
      queues.map(async (queue) => {
        const oldest = await queue.getJobs(['waiting', 'prioritized'], 0, 0, true);
        const queuedAt = Math.min(...oldest.filter(Boolean).map((job) => job.timestamp));
        return [queue.name, Number.isFinite(queuedAt) ? Math.max(0, (Date.now() - queuedAt) / 1000) : 0] as const;
      }),
    );
    return Object.fromEntries(ages);
  }

  /** Jobs of both lanes not yet picked up (what health reports). */
  async backlog(): Promise<number> {
    return (await this.interactiveBacklog()) + (await this.batchBacklog());
  }

  /**
   * Single predictions not yet picked up; above MAX_QUEUE_DEPTH new ones are refused rather than queued without
   * bound. Only this lane counts: a batch backlog, however deep, never refuses a single prediction.
   */
  async interactiveBacklog(): Promise<number> {
    return backlogOf(await this.handles.queue.getJobCounts(...NOT_PICKED_UP));
  }

  /** Job chunks not yet picked up (the bound for new jobs is MAX_BATCH_QUEUE_DEPTH). */
  async batchBacklog(): Promise<number> {
    return backlogOf(await this.handles.batch.getJobCounts(...NOT_PICKED_UP));
  }

  isOverloaded(backlog: number): boolean {
    return backlog >= this.config.MAX_QUEUE_DEPTH;
  }

  async workerCount(): Promise<number> {
    return this.handles.queue.getWorkersCount();
  }
}
