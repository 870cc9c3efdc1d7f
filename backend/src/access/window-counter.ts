import { Injectable } from '@nestjs/common';

import { RedisService } from '../redis/redis.service';

export interface WindowCount {
  hits: number;
  /** Until the window closes and the count starts again from zero. */
  msLeft: number;
}

// One round trip: count the hit and start the window with the first one.
const HIT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); left = tonumber(ARGV[1]) end
return {hits, left}`;

/**
 * Fixed-window counters in Redis, shared by every API replica (an in-memory count is per process, so N
 * replicas would allow N times the limit). Used for rate limits and for failed key attempts.
 */
@Injectable()
export class WindowCounter {
  constructor(private readonly redis: RedisService) {}

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const [hits, msLeft] = (await this.redis.client.eval(HIT, 1, this.redis.keys.limit(key), windowMs)) as [number, number];
    return { hits, msLeft };
  }
}
