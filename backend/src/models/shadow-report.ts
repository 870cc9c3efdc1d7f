import { Injectable } from '@nestjs/common';
import type { ShadowReport } from '@allocine/contracts';

import { round } from '../common/round';
import { FeedbackRepository } from '../feedback/feedback.repository';
import type { LifecycleState } from '../model-state/lifecycle-state';
import { RedisService } from '../redis/redis.service';
import { CONFIDENCE_BINS } from '../shadow/shadow-stats';

/** Corrections scored per report at most: the newest, when reviewers have been busy. */
const SCORED_CORRECTIONS = 5_000;

/** What the shadow run has shown so far: agreement, both sides' confidence, accuracy on corrected reviews. */
@Injectable()
export class ShadowReporter {
  constructor(
    private readonly redis: RedisService,
    private readonly feedback: FeedbackRepository,
  ) {}

  async report(state: LifecycleState): Promise<ShadowReport | null> {
    const { shadow } = state;
    if (!shadow) return null;
    const labelsKey = this.redis.keys.shadowLabels(shadow.version, shadow.since);
    const [stats, backlog] = await Promise.all([
      this.redis.client.hgetall(this.redis.keys.shadowStats(shadow.version, shadow.since)),
      this.redis.client.llen(this.redis.keys.shadowBacklog),
    ]);
    const count = (field: string) => Number(stats[field] ?? 0);
    const histogram = (side: string) => Array.from({ length: CONFIDENCE_BINS }, (_, bin) => count(`${side}:${bin}`));
    const compared = count('compared');
    const agreed = count('agreed');

    const corrections = await this.feedback.correctedSince(new Date(shadow.since), SCORED_CORRECTIONS);
    const shadowLabels = corrections.length ? await this.redis.client.hmget(labelsKey, ...corrections.map((c) => c.predictionId)) : [];
    let scored = 0;
    let liveRight = 0;
    let shadowRight = 0;
    corrections.forEach((correction, i) => {
      const shadowLabel = shadowLabels[i];
      if (!shadowLabel) return;
      scored += 1;
      if (correction.predictedLabel === correction.label) liveRight += 1;
      if (shadowLabel === correction.label) shadowRight += 1;
    });
    return {
      ...shadow,
      live: state.live,
      compared,
      agreed,
      agreement: compared ? round(agreed / compared) : null,
      backlog,
      confidence: { live: histogram('live'), shadow: histogram('shadow') },
      corrected: { n: scored, liveAccuracy: scored ? round(liveRight / scored) : null, shadowAccuracy: scored ? round(shadowRight / scored) : null },
    };
  }
}
