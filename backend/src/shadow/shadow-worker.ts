import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

import { ModelServerClient } from '../model-server/model-server.client';
import { isItemError } from '../model-server/model-server.types';
import { ServingProfileService } from '../model-server/serving-profile.service';
import { RedisService } from '../redis/redis.service';
import { confidenceBin } from './shadow-stats';
import type { ShadowCopy } from './shadow-sampler';

/** Copies classified per model call: one bulk-lane batch. */
const BATCH = 64;
const IDLE_MS = 500;
/** A shadow run's counts and labels outlive it long enough for late corrections to be scored. */
const KEEP_SECONDS = 30 * 24 * 3_600;

/**
 * Classifies the shadow's copies with the version in shadow (the bulk lane, that version named in the call) and
 * counts, per run, how often it agrees with the live label and how confident each side was; keeps its label per
 * prediction for scoring against corrections. Runs in worker processes; several share the list.
 */
@Injectable()
export class ShadowWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ShadowWorker.name);
  private stopped = false;
  private loop?: Promise<void>;

  constructor(
    private readonly redis: RedisService,
    private readonly model: ModelServerClient,
    private readonly profile: ServingProfileService,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const worked = await this.once().catch((error: Error) => {
        this.logger.debug(`shadow batch lost: ${error.message}`);
        return false;
      });
      if (!worked) await new Promise((resolve) => setTimeout(resolve, IDLE_MS).unref());
    }
  }

  /** One batch: false when there was nothing to do. */
  async once(): Promise<boolean> {
    const raw = await this.redis.client.rpop(this.redis.keys.shadowBacklog, BATCH);
    if (!raw?.length) return false;
    const copies = raw.map((item) => JSON.parse(item) as ShadowCopy);
    // One model call per shadow run the batch holds (a run that just ended may still have copies waiting).
    const runs = new Map<string, ShadowCopy[]>();
    for (const copy of copies) {
      const run = `${copy.version}\n${copy.since}`;
      runs.set(run, [...(runs.get(run) ?? []), copy]);
    }
    for (const run of runs.values()) await this.classify(run);
    return true;
  }

  private async classify(copies: ShadowCopy[]): Promise<void> {
    const { version, since } = copies[0];
    const results = await this.model.predict(copies.map((copy) => copy.text), { lane: 'bulk', version, timeoutMs: this.profile.modelCallTimeoutMs() });
    const stats = this.redis.keys.shadowStats(version, since);
    const labels = this.redis.keys.shadowLabels(version, since);
    const pipeline = this.redis.client.pipeline();
    let compared = 0;
    results.forEach((result, i) => {
      // Answered by another version (the shadow's was unregistered meanwhile): not a comparison.
      if (isItemError(result) || result.version !== version) return;
      const copy = copies[i];
      compared += 1;
      if (result.label === copy.label) pipeline.hincrby(stats, 'agreed', 1);
      pipeline.hincrby(stats, `live:${confidenceBin(copy.score)}`, 1);
      pipeline.hincrby(stats, `shadow:${confidenceBin(result.score)}`, 1);
      pipeline.hset(labels, copy.predictionId, result.label);
    });
    if (!compared) return;
    pipeline.hincrby(stats, 'compared', compared).expire(stats, KEEP_SECONDS).expire(labels, KEEP_SECONDS);
    await pipeline.exec();
  }
}
