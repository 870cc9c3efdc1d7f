import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';

import { HistoryHealthIndicator } from '../history/history.health';
import { HistoryModule } from '../history/history.module';
import { ModelServerHealthIndicator } from '../model-server/model-server.health';
import { ModelServerModule } from '../model-server/model-server.module';
import { QueueHealthIndicator } from '../queue/queue.health';
import { QueueModule } from '../queue/queue.module';
import { RedisHealthIndicator } from '../redis/redis.health';
import { StreamStatusModule } from '../stream/stream-status.module';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', gracefulShutdownTimeoutMs: 0 }), QueueModule, ModelServerModule, HistoryModule, StreamStatusModule],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, ModelServerHealthIndicator, QueueHealthIndicator, HistoryHealthIndicator],
})
export class HealthModule {}
