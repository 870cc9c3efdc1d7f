import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { failFastRedisOptions } from '../queue/redis-options';

/**
 * The one ioredis client for job records and results (BullMQ keeps its own connections). It closes in the
 * last shutdown phase: workers finishing their chunks (onModuleDestroy) still need it to save them.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.client = new Redis({ ...failFastRedisOptions(config.REDIS_URL), lazyConnect: false });
    // Errors surface on the commands that hit them; without a listener ioredis would print each retry.
    this.client.on('error', () => undefined);
  }

  async ping(): Promise<string> {
    return this.client.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
