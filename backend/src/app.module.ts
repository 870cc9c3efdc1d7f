import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';

import { AccessGuard } from './access/access.guard';
import { AccessModule } from './access/access.module';
import { ClientThrottlerGuard } from './access/client-throttler.guard';
import { BodyModule } from './body/body.module';
import { RedisThrottlerStorage } from './access/redis-throttler.storage';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsModule } from './metrics/metrics.module';
import { ModelInfoModule } from './model-info/model-info.module';
import { PredictionsModule } from './predictions/predictions.module';
import { ProblemsModule } from './problems/problems.module';
import { RedisModule } from './redis/redis.module';
import { TracingModule } from './tracing/tracing.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WorkersModule } from './workers/workers.module';

/** The role decides what runs: the HTTP API, the queue workers, or both (the default). */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const api: Type[] = [PredictionsModule, JobsModule, ModelInfoModule, ProblemsModule, WebhooksModule];
    const workers: Type[] = [WorkersModule];
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        TracingModule,
        MetricsModule,
        RedisModule,
        HealthModule,
        AccessModule,
        BodyModule,
        ThrottlerModule.forRootAsync({
          imports: [AccessModule],
          inject: [RedisThrottlerStorage],
          useFactory: (storage: RedisThrottlerStorage) => ({
            throttlers: [{ name: 'default', ttl: 60_000, limit: config.RATE_LIMIT_PER_MINUTE }],
            storage,
            // One budget per client address across every route (the default keys it per route).
            generateKey: (_context, tracker, name) => `${name}:${tracker}`,
            errorMessage: `Too many requests: at most ${config.RATE_LIMIT_PER_MINUTE} per minute per client`,
          }),
        }),
        ...(config.APP_ROLE === 'worker' ? [] : api),
        ...(config.APP_ROLE === 'api' ? [] : workers),
      ],
      controllers: [MetricsController],
      providers: [
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        // Order matters: the rate limit counts every request, a wrong key included, before the key is checked.
        { provide: APP_GUARD, useClass: ClientThrottlerGuard },
        { provide: APP_GUARD, useExisting: AccessGuard },
      ],
    };
  }
}
