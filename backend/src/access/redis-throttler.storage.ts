import { Injectable, Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';

import { WindowCounter } from './window-counter';

/** @nestjs/throttler's storage, kept in Redis: one count per client for all API replicas. */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private warned = false;

  constructor(private readonly counter: WindowCounter) {}

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    try {
      const { hits, msLeft } = await this.counter.hit(`rate:${key}`, ttl);
      const seconds = Math.max(1, Math.ceil(msLeft / 1000));
      const isBlocked = hits > limit;
      this.warned = false;
      return { totalHits: hits, timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 };
    } catch {
      // Redis away: let the request through. Everything but health then answers 503 on its own, and health
      // must keep answering to say why.
      if (!this.warned) this.logger.warn('rate limits not counted while Redis is not answering');
      this.warned = true;
      return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
    }
  }
}
