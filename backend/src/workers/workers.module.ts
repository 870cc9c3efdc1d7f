import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { HistoryModule } from '../history/history.module';
import { JobStoreModule } from '../jobs/job-store.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ModelServerModule } from '../model-server/model-server.module';
import { ModelStatusPublisher } from '../model-server/model-status.publisher';
import { QueueModule } from '../queue/queue.module';
import { BATCH_QUEUE, PREDICTION_QUEUE, WEBHOOK_QUEUE } from '../queue/queue.constants';
import { redisOptions } from '../queue/redis-options';
import { BatchProcessor } from './batch.processor';
import { PredictionProcessor } from './prediction.processor';
import { WebhookProcessor } from '../webhooks/webhook.processor';

/** Queue consumers; only loaded in the `all` and `worker` roles. */
@Module({
  imports: [
    // Workers block on Redis: they get retrying connections (maxRetriesPerRequest: null) of their own.
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ connection: redisOptions(config.REDIS_URL), prefix: config.QUEUE_PREFIX }),
    }),
    // Registering the queue is what makes @nestjs/bullmq discover @Processor classes and start workers.
    BullModule.registerQueue({ name: PREDICTION_QUEUE }, { name: BATCH_QUEUE }, { name: WEBHOOK_QUEUE }),
    QueueModule,
    MetricsModule,
    ModelServerModule,
    JobStoreModule,
    HistoryModule,
  ],
  providers: [PredictionProcessor, BatchProcessor, WebhookProcessor, ModelStatusPublisher],
})
export class WorkersModule {}
