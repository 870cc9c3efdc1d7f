import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

import { withTimeout } from '../redis/redis.health';
import { QueueStats, backlogOf } from './queue-stats.service';

/**
 * Queue workers are connected; the backlog is reported. A deep backlog is "degraded", not down: if it made
 * readiness fail, every API replica would drop out of its load balancer and clients could not even poll.
 */
@Injectable()
export class QueueHealthIndicator {
  constructor(
    private readonly stats: QueueStats,
    private readonly health: HealthIndicatorService,
  ) {}

  async workers(key = 'workers') {
    const session = this.health.check(key);
    try {
      const count = await withTimeout(this.stats.workerCount(), 1_000);
      return count > 0 ? session.up({ count }) : session.down({ count, message: 'No queue worker is running' });
    } catch (error) {
      return session.down({ message: `Cannot list workers: ${(error as Error).message}` });
    }
  }

  async depth(key = 'queue') {
    const session = this.health.check(key);
    try {
      const counts = await withTimeout(this.stats.counts(), 1_000);
      const backlog = backlogOf(counts);
      const info = { waiting: counts.waiting, active: counts.active, delayed: counts.delayed, failed: counts.failed };
      return this.stats.isOverloaded(backlog)
        ? session.up({ ...info, degraded: true, message: `Backlog of ${backlog} jobs: new work is refused for now` })
        : session.up(info);
    } catch (error) {
      return session.down({ message: `Cannot read queue: ${(error as Error).message}` });
    }
  }
}
