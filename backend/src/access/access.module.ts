import { Module } from '@nestjs/common';

import { AccessGuard } from './access.guard';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { WindowCounter } from './window-counter';

/** Who may call the API and how often: keys, failed-key limits, rate-limit storage in Redis. */
@Module({
  providers: [WindowCounter, AccessGuard, RedisThrottlerStorage],
  exports: [WindowCounter, AccessGuard, RedisThrottlerStorage],
})
export class AccessModule {}
