import { Injectable } from '@nestjs/common';

import { RedisService } from '../redis/redis.service';

/** A version classifying copies of a sample of live reviews, and since when (its run's counts are keyed by it). */
export interface ShadowRun {
  version: string;
  percent: number;
  since: string;
}

/** Which registered versions do what; kept in Redis so every API and worker process reads the same. */
export interface LifecycleState {
  /** The version TorchServe's default should be (null until the first reconcile learned the starting one). */
  live: string | null;
  /** What a rollback returns to. */
  previous: string | null;
  shadow: ShadowRun | null;
}

/** The hot paths (every classification, every job) read the state at most this stale. */
const RECENT_MS = 1_000;

/** The model lifecycle's state, one Redis hash (RedisKeys.modelLifecycle); the lifecycle service alone writes it. */
@Injectable()
export class ModelLifecycleState {
  private cached?: { at: number; state: Promise<LifecycleState> };

  constructor(private readonly redis: RedisService) {}

  async read(): Promise<LifecycleState> {
    const raw = await this.redis.client.hgetall(this.redis.keys.modelLifecycle);
    const percent = Number(raw.shadowPercent);
    return {
      live: raw.live || null,
      previous: raw.previous || null,
      shadow: raw.shadow && percent > 0 && raw.shadowSince ? { version: raw.shadow, percent, since: raw.shadowSince } : null,
    };
  }

  /** At most a second old: what sampling and job pinning read on every call. A Redis failure reads as "nothing set". */
  recent(): Promise<LifecycleState> {
    if (!this.cached || Date.now() - this.cached.at > RECENT_MS) {
      const state = this.read().catch((): LifecycleState => ({ live: null, previous: null, shadow: null }));
      this.cached = { at: Date.now(), state };
    }
    return this.cached.state;
  }

  async write(state: LifecycleState): Promise<void> {
    const key = this.redis.keys.modelLifecycle;
    const fields = {
      live: state.live ?? '',
      previous: state.previous ?? '',
      shadow: state.shadow?.version ?? '',
      shadowPercent: String(state.shadow?.percent ?? 0),
      shadowSince: state.shadow?.since ?? '',
    };
    await this.redis.client.hset(key, fields);
    this.cached = undefined;
  }
}
