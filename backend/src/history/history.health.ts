import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

import { withTimeout } from '../redis/redis.health';
import { HistoryDatabaseService } from './history-database';

/**
 * The history database: "up" with `degraded: true` when it does not answer, never down. Predictions do not
 * need it (history waits in Redis meanwhile), so it must not take the API out of its load balancer.
 */
@Injectable()
export class HistoryHealthIndicator {
  constructor(
    private readonly database: HistoryDatabaseService,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key = 'history') {
    const session = this.health.check(key);
    if (!this.database.enabled) return session.up({ backend: 'off' });
    try {
      await withTimeout(this.database.ping(), 1_000);
      return session.up({ backend: this.database.backend });
    } catch (error) {
      return session.up({ backend: this.database.backend, degraded: true, message: `History database: ${(error as Error).message}; history waits in Redis` });
    }
  }
}
