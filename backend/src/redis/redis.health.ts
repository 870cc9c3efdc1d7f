import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

import { RedisService } from './redis.service';

/** Redis answers PING within a second. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly redis: RedisService,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key = 'redis') {
    const session = this.health.check(key);
    const started = Date.now();
    try {
      await withTimeout(this.redis.ping(), 1_000);
      return session.up({ latencyMs: Date.now() - started });
    } catch (error) {
      return session.down({ message: `Redis not answering: ${(error as Error).message}` });
    }
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref()),
  ]);
}
