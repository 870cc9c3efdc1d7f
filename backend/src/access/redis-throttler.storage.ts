import { Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';

import { RedisDown } from '../failures/failure';
import { WindowCounter } from './window-counter';

/**
 * @nestjs/throttler's storage, kept in Redis: one count per client for all API replicas. When Redis refuses
 * the count (down, or at maxmemory) the request is refused with 503: a limit that cannot count does not
 * let everything through. Health and the problem catalogue skip the limiter and keep answering.
 */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly counter: WindowCounter) {}

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const { hits, msLeft } = await this.counter.hit(`rate:${key}`, ttl).catch(() => {
      throw new RedisDown('Rate limit unavailable (Redis is not counting requests); try again shortly');
    });
    const seconds = Math.max(1, Math.ceil(msLeft / 1000));
    const isBlocked = hits > limit;
    return { totalHits: hits, timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 };
  }
}
