import { Injectable } from '@nestjs/common';
import type { DriftReport as Report } from '@allocine/contracts';

import { round } from '../common/round';
import { orRedisDown } from '../failures/failure';
import { RedisService } from '../redis/redis.service';
import { DriftBaseline } from './drift-baseline';
import { DRIFT_CONTRACT, DRIFT_FEATURES, binCount, psi } from './drift-features';
import { HOUR_MS, hourStart } from './drift.monitor';

type Hour = Report['hours'][number];

/** Each hour's histograms read back from Redis and compared with the baseline. */
@Injectable()
export class DriftReport {
  constructor(
    private readonly redis: RedisService,
    private readonly baseline: DriftBaseline,
  ) {}

  async report(hours: number): Promise<Report> {
    const { moderate, major, minimumCount } = DRIFT_CONTRACT.psi;
    const baseline = this.baseline.file;
    const starts = Array.from({ length: hours }, (_, i) => hourStart(Date.now() - i * HOUR_MS));
    const read = await orRedisDown(async () => {
      const pipeline = this.redis.client.pipeline();
      for (const start of starts) pipeline.hgetall(this.redis.keys.driftHour(start));
      return (await pipeline.exec()) ?? [];
    }, 'Drift counts unavailable');
    const rows: Hour[] = starts.map((start, i) => {
      const counts = (read[i]?.[1] ?? {}) as Record<string, string>;
      const count = Number(counts.count ?? 0);
      if (!baseline || count < minimumCount) return { start, count, psi: null };
      const histogram = (feature: (typeof DRIFT_FEATURES)[number]) => Array.from({ length: binCount(feature) }, (_, bin) => Number(counts[`${feature}:${bin}`] ?? 0));
      const [textLength, unknownWords, label, confidence] = DRIFT_FEATURES.map((feature) => round(psi(baseline.histograms[feature], histogram(feature))));
      return { start, count, psi: { text_length: textLength, unknown_words: unknownWords, label, confidence } };
    });
    return {
      baseline: baseline && { dataset: baseline.dataset, n: baseline.n, model: baseline.model, version: baseline.version },
      thresholds: { moderate, major, minimumCount },
      latest: rows.slice(0, 2).find((hour) => hour.psi !== null) ?? null,
      hours: rows,
    };
  }
}
