import { Controller, Get, Inject, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';

import type { AuthenticatedRequest } from '../access/access.guard';
import { acceptedKeys } from '../access/key-ring';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ref } from '../openapi/schema-ref';
import { HistoryHealthIndicator } from '../history/history.health';
import { ModelServerHealthIndicator } from '../model-server/model-server.health';
import { QueueHealthIndicator } from '../queue/queue.health';
import { RedisHealthIndicator } from '../redis/redis.health';
import { StreamHealthIndicator } from '../stream/stream.health';
import { ReadinessReport, redactFailure, redactReport } from './readiness-report';

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
    private readonly stream: StreamHealthIndicator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
  @ApiOperation({
    summary: 'Redis, the model server (model loaded), queue workers, queue depth, history database (degraded, never down), the Kafka stream when on (lag, rate; degraded when the broker is away); 503 when a needed one is down',
    description: 'With API keys on, a request without a valid key sees each component\'s status only (no addresses, counts or error messages).',
  })
  @ApiResponse({ status: 200, description: 'Ready: every component reported in details', schema: ref('HealthReport') })
  @ApiResponse({ status: 503, description: 'A needed component is down: a not-ready problem, its checks holding every report' })
  async ready(@Req() request: AuthenticatedRequest) {
    const checking = this.health.check([
      () => this.redis.check(),
      () => this.modelServer.check(),
      () => this.queue.workers(),
      () => this.queue.depth(),
      () => this.history.check(),
      ...(this.stream.enabled ? [() => this.stream.check()] : []),
    ]);
    const anonymous = acceptedKeys(this.config).length > 0 && !request.caller;
    if (!anonymous) return checking;
    try {
      return redactReport((await checking) as ReadinessReport);
    } catch (error) {
      throw redactFailure(error);
    }
  }
}
