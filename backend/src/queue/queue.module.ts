import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { PREDICTION_FLOW, PredictionProducer } from './prediction.producer';
import { PREDICTION_QUEUE } from './queue.constants';
import { QueueStats } from './queue-stats.service';
import { failFastRedisOptions, redisOptions } from './redis-options';

@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ connection: redisOptions(config.REDIS_URL), prefix: config.QUEUE_PREFIX }),
    }),
    // Producers fail fast while Redis is down so the API can answer 503 instead of hanging.
    BullModule.registerQueueAsync({
      name: PREDICTION_QUEUE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: failFastRedisOptions(config.REDIS_URL),
        prefix: config.QUEUE_PREFIX,
      }),
    }),
    BullModule.registerFlowProducerAsync({
      name: PREDICTION_FLOW,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: failFastRedisOptions(config.REDIS_URL),
        prefix: config.QUEUE_PREFIX,
      }),
    }),
  ],
  providers: [PredictionProducer, QueueStats],
  exports: [PredictionProducer, QueueStats, BullModule],
})
export class QueueModule {}
