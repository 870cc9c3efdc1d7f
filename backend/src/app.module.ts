import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';

import { AccessGuard } from './access/access.guard';
import { AccessModule } from './access/access.module';
import { ClientThrottlerGuard } from './access/client-throttler.guard';
import { CompatModule } from './compat/compat.module';
import { BodyModule } from './body/body.module';
import { RedisThrottlerStorage } from './access/redis-throttler.storage';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DriftApiModule } from './drift/drift-api.module';
import { FeedbackModule } from './feedback/feedback.module';
import { HealthModule } from './health/health.module';
import { HistoryApiModule } from './history/history-api.module';
import { HistoryWorkerModule } from './history/history-worker.module';
import { JobsWorkerModule } from './jobs/jobs-worker.module';
import { JobsModule } from './jobs/jobs.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsModule } from './metrics/metrics.module';
import { ModelInfoModule } from './model-info/model-info.module';
import { ModelStatusReportModule, ModelViewModule } from './model-server/model-view.module';
import { ModelsModule } from './models/models.module';
import { PredictionsWorkerModule } from './predictions/predictions-worker.module';
import { PredictionsModule } from './predictions/predictions.module';
import { ProblemsModule } from './problems/problems.module';
import { WorkerConnectionModule } from './queue/worker-connection.module';
import { RedisModule } from './redis/redis.module';
import { ShadowWorkerModule } from './shadow/shadow-worker.module';
import { StreamWorkerModule } from './stream/stream-worker.module';
import { TracingModule } from './tracing/tracing.module';
import { WebhooksWorkerModule } from './webhooks/webhooks-worker.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/** What the HTTP API serves: each capability's API module. */
const API_MODULES: Type[] = [PredictionsModule, HistoryApiModule, FeedbackModule, DriftApiModule, JobsModule, ModelInfoModule, ModelsModule, ProblemsModule, WebhooksModule];
/** What runs in a worker: each capability's worker module, over the workers' own Redis connection. */
const WORKER_MODULES: Type[] = [WorkerConnectionModule, PredictionsWorkerModule, JobsWorkerModule, WebhooksWorkerModule, HistoryWorkerModule, ShadowWorkerModule];

/**
 * The one place a process's role (APP_ROLE) is read: the HTTP API, the queue workers, both (the default), or
 * the Kafka stream connector (its own role, and part of `all` when KAFKA_BROKERS is set). A process that calls
 * the model server (workers, the connector) asks it itself; an API-only one reads the workers' report of it,
 * which only a worker beside no API publishes.
 */
export function modulesForRole({ APP_ROLE: role, KAFKA_BROKERS, COMPAT_API }: Pick<AppConfig, 'APP_ROLE' | 'KAFKA_BROKERS' | 'COMPAT_API'>): Array<Type | DynamicModule> {
  const servesApi = role === 'all' || role === 'api';
  const runsWorkers = role === 'all' || role === 'worker';
  const runsStream = role === 'stream' || (role === 'all' && KAFKA_BROKERS.length > 0);
  return [
    ...(servesApi ? API_MODULES : []),
    ...(servesApi && COMPAT_API ? [CompatModule] : []),
    ...(runsWorkers ? WORKER_MODULES : []),
    ...(runsStream ? [StreamWorkerModule] : []),
    runsWorkers || runsStream ? ModelViewModule.direct() : ModelViewModule.published(),
    ...(role === 'worker' ? [ModelStatusReportModule] : []),
  ];
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
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
        ...modulesForRole(config),
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
