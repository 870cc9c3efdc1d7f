import { Injectable, Logger } from '@nestjs/common';

import { RedisService } from '../redis/redis.service';
import { DriftBaseline } from './drift-baseline';
import { featuresOf } from './drift-features';

export const HOUR_MS = 3_600_000;
/** Hours of binned traffic kept: a week and a day, for the report's widest window. */
const KEEP_SECONDS = 8 * 24 * 3_600;

export const hourStart = (at: number): string => new Date(Math.floor(at / HOUR_MS) * HOUR_MS).toISOString();

/**
 * Bins every classified review into its hour's histograms in Redis (shared by every API and worker process):
 * one pipeline per call, off the caller's path, and a failure only loses that sample.
 */
@Injectable()
export class DriftMonitor {
  private readonly logger = new Logger(DriftMonitor.name);

  constructor(
    private readonly redis: RedisService,
    private readonly baseline: DriftBaseline,
  ) {}

  observe(texts: string[], results: ({ label: string; score: number } | null)[]): void {
    if (!this.baseline.file) return;
    const key = this.redis.keys.driftHour(hourStart(Date.now()));
    const pipeline = this.redis.client.pipeline();
    let classified = 0;
    results.forEach((result, i) => {
      if (!result) return;
      classified += 1;
      for (const [feature, bin] of Object.entries(featuresOf(texts[i], result.label, result.score, this.baseline.vocabulary))) {
        pipeline.hincrby(key, `${feature}:${bin}`, 1);
      }
    });
    if (!classified) return;
    pipeline.hincrby(key, 'count', classified).expire(key, KEEP_SECONDS);
    pipeline.exec().catch((error: Error) => this.logger.debug(`drift sample lost: ${error.message}`));
  }
}
