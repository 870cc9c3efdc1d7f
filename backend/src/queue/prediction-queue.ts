import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { FlowProducer, Queue, QueueEvents } from 'bullmq';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { settled } from './close-settled';
import { BATCH_QUEUE, PREDICTION_QUEUE, WEBHOOK_QUEUE } from './queue.constants';
import { failFastRedisOptions, redisOptions } from '../redis/redis-options';

/**
 * The BullMQ handles the request path uses. Queue and flow producer fail fast while Redis is down
 * (so the API answers 503 instead of hanging, and a refused request never runs later); shutdown
 * tolerates a Redis that is already gone.
 */
@Injectable()
export class PredictionQueue implements OnApplicationShutdown {
  private readonly logger = new Logger(PredictionQueue.name);
  /** Single predictions. */
  readonly queue: Queue;
  /** Batch-job chunks and their finalize step. */
  readonly batch: Queue;
  /** Completion callbacks of jobs. */
  readonly webhooks: Queue;
  readonly flows: FlowProducer;
  readonly events: QueueEvents;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const prefix = config.QUEUE_PREFIX;
    this.queue = new Queue(PREDICTION_QUEUE, { connection: failFastRedisOptions(config.REDIS_URL), prefix });
    this.batch = new Queue(BATCH_QUEUE, { connection: failFastRedisOptions(config.REDIS_URL), prefix });
    this.webhooks = new Queue(WEBHOOK_QUEUE, { connection: failFastRedisOptions(config.REDIS_URL), prefix });
    this.flows = new FlowProducer({ connection: failFastRedisOptions(config.REDIS_URL), prefix });
    this.events = new QueueEvents(PREDICTION_QUEUE, { connection: redisOptions(config.REDIS_URL), prefix });
    // Outages surface on the commands that hit them; these listeners keep reconnect noise out of the logs.
    this.queue.on('error', () => undefined);
    this.batch.on('error', () => undefined);
    this.webhooks.on('error', () => undefined);
    this.flows.on('error', () => undefined);
    this.events.on('error', () => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      [this.events, this.flows, this.webhooks, this.batch, this.queue].map(async (handle) => {
        await settled(handle);
        return handle.close().catch((error: Error) => {
          this.logger.warn(`closing ${handle.constructor.name} while Redis is unreachable: ${error.message}`);
          return handle.disconnect();
        });
      }),
    );
  }
}
