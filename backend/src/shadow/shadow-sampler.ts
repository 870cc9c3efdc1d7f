import { Inject, Injectable, Logger } from '@nestjs/common';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ModelLifecycleState } from '../model-state/lifecycle-state';
import { RedisService } from '../redis/redis.service';

/** A review the live model classified, and the id a reviewer corrects it with. */
export interface ClassifiedReview {
  predictionId: string;
  text: string;
  label: string;
  score: number;
}

/** One copy waiting for the shadow version: which run it belongs to and what the live model said. */
export interface ShadowCopy {
  version: string;
  since: string;
  predictionId: string;
  text: string;
  label: string;
  score: number;
}

/**
 * Where classified reviews meet the shadow: the three places that classify (single predictions, job chunks, the
 * Kafka stream) offer what they classified, and a sample of it (the run's percentage) is copied to a bounded
 * Redis list for the shadow worker. Off the caller's path: nothing is awaited, a failure only loses the sample.
 */
@Injectable()
export class ShadowSampler {
  private readonly logger = new Logger(ShadowSampler.name);

  constructor(
    private readonly state: ModelLifecycleState,
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  offer(reviews: ClassifiedReview[]): void {
    if (!reviews.length) return;
    this.copy(reviews).catch((error: Error) => this.logger.debug(`shadow sample lost: ${error.message}`));
  }

  private async copy(reviews: ClassifiedReview[]): Promise<void> {
    const { shadow } = await this.state.recent();
    if (!shadow) return;
    const sampled = reviews.filter(() => Math.random() * 100 < shadow.percent);
    if (!sampled.length) return;
    const copies = sampled.map((review): string => JSON.stringify({ version: shadow.version, since: shadow.since, ...review } satisfies ShadowCopy));
    const key = this.redis.keys.shadowBacklog;
    // Newest at the head; past SHADOW_BACKLOG the oldest copies go (the worker lags: the sample thins, nothing grows).
    await this.redis.client.multi().lpush(key, ...copies).ltrim(key, 0, this.config.SHADOW_BACKLOG - 1).exec();
  }
}
