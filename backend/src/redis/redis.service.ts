import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RedisKeys } from './redis-keys';
import { failFastRedisOptions } from './redis-options';

const READY_WAIT_MS = 3_000;

/**
 * The one ioredis client for job records and results (BullMQ keeps its own connections). It closes in the
 * last shutdown phase: workers finishing their chunks (onModuleDestroy) still need it to save them.
 */
@Injectable()
export class RedisService implements OnModuleInit, OnApplicationShutdown {
  readonly client: Redis;
  /** Where everything is kept: the one key layout (redis-keys.ts). */
  readonly keys: RedisKeys;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.keys = new RedisKeys(config.QUEUE_PREFIX);
    this.client = new Redis({ ...failFastRedisOptions(config.REDIS_URL), lazyConnect: false });
    // Errors surface on the commands that hit them; without a listener ioredis would print each retry.
    this.client.on('error', () => undefined);
  }

  /**
   * Give the first connection a moment before the app serves: commands fail fast while it is not ready, and
   * the first requests would otherwise pass uncounted by the rate limits. Redis down at boot delays nothing
   * beyond this; the API then answers 503 until it is back.
   */
  async onModuleInit(): Promise<void> {
    if (this.client.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, READY_WAIT_MS);
      this.client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async ping(): Promise<string> {
    return this.client.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
