import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { redisOptions } from '../redis/redis-options';

/**
 * The queue consumers' Redis connection, loaded once by AppModule in the roles that run workers. Workers block on
 * Redis: they get retrying connections (maxRetriesPerRequest: null) of their own. Each capability's worker module
 * registers its queue, which is what makes @nestjs/bullmq discover its @Processor and start a worker.
 */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ connection: redisOptions(config.REDIS_URL), prefix: config.QUEUE_PREFIX }),
    }),
  ],
})
export class WorkerConnectionModule {}
