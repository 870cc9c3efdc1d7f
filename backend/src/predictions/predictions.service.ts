import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PredictionResult } from '@allocine/contracts';

import type { Caller } from '../access/key-ring';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { LaneFull, orRedisDown } from '../failures/failure';
import { DriftMonitor } from '../drift/drift.monitor';
import { predictionEvent } from '../history/history-events';
import { HistoryLog } from '../history/history-log';
import { ModelServerError } from '../model-server/model-server.errors';
import { isItemError } from '../model-server/model-server.types';
import { PredictionProducer } from '../queue/prediction.producer';
import { QueueStats } from '../queue/queue-stats.service';
import { ShadowSampler } from '../shadow/shadow-sampler';

/** Synchronous predictions: through the queue, waiting for the worker's answer. */
@Injectable()
export class PredictionsService {
  private readonly logger = new Logger(PredictionsService.name);

  constructor(
    private readonly producer: PredictionProducer,
    private readonly history: HistoryLog,
    private readonly queueStats: QueueStats,
    private readonly drift: DriftMonitor,
    private readonly shadow: ShadowSampler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async predict(caller: Caller, texts: string[], explain = false, requestId?: string): Promise<PredictionResult[]> {
    const started = performance.now();
    await this.refuseWhenOverloaded();
    // Fails with a typed Failure (model server, timeout, Redis): the HTTP answer comes from failures/failure-answers.ts.
    const results = await this.producer.predict(texts, explain, requestId);
    const latencyMs = Math.round(performance.now() - started);
    const answered = results.map((result) => {
      // Texts were validated here first, so a per-item error from the model server is its fault.
      if (isItemError(result)) throw new ModelServerError(`a review was refused: ${result.error.message}`, false, 'model-rejected');
      // Its history event's id: what a reviewer corrects it with.
      return { ...result, latencyMs, predictionId: randomUUID() };
    });
    this.record(caller, texts, answered);
    this.drift.observe(texts, answered);
    this.shadow.offer(answered.map((result, i) => ({ predictionId: result.predictionId, text: texts[i], label: result.label, score: result.score })));
    return answered;
  }

  /** Into the history, off the request path: the answer never waits for it, and a failure never fails it. */
  private record(caller: Caller, texts: string[], results: PredictionResult[]): void {
    if (!this.history.enabled) return;
    const events = results.map((result, i) =>
      predictionEvent(result, { eventId: result.predictionId, owner: caller.owner, text: texts[i], storeText: this.config.STORE_TEXT }),
    );
    this.history.append(events).catch((error: Error) => this.logger.warn(`prediction not recorded in the history: ${error.message}`));
  }

  private async refuseWhenOverloaded(): Promise<void> {
    const backlog = await orRedisDown(() => this.queueStats.interactiveBacklog(), 'Queue unavailable');
    if (this.queueStats.isOverloaded(backlog)) {
      throw new LaneFull('interactive', `Too many single predictions waiting (${backlog}); try again shortly`);
    }
  }
}
