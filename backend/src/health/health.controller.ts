import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';

import { ref } from '../docs/schema-ref';
import { HistoryHealthIndicator } from '../history/history.health';
import { ModelServerHealthIndicator } from '../model-server/model-server.health';
import { QueueHealthIndicator } from '../queue/queue.health';
import { RedisHealthIndicator } from '../redis/redis.health';

/** Liveness (the process) and readiness (everything a prediction needs), each component in the body. */
@ApiTags('health')
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly redis: RedisHealthIndicator,
    private readonly modelServer: ModelServerHealthIndicator,
    private readonly queue: QueueHealthIndicator,
    private readonly history: HistoryHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'The API process is up (checks nothing else)' })
  @ApiResponse({ status: 200, description: 'Up', schema: ref('HealthReport') })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Redis, the model server (model loaded), queue workers, queue depth, history database (degraded, never down); 503 when a needed one is down' })
  @ApiResponse({ status: 200, description: 'Ready: every component reported in details', schema: ref('HealthReport') })
  @ApiResponse({ status: 503, description: 'A needed component is down: a not-ready problem, its checks holding every report' })
  ready() {
    return this.health.check([
      () => this.redis.check(),
      () => this.modelServer.check(),
      () => this.queue.workers(),
      () => this.queue.depth(),
      () => this.history.check(),
    ]);
  }
}
