import { Inject, Injectable } from '@nestjs/common';
import type { PredictionResult } from '@allocine/contracts';

import { unavailable, upstreamError, upstreamTimeout } from '../common/api-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ModelResult, isItemError } from '../model-server/model-server.types';
import { PredictionProducer, PredictionTimeoutError } from '../queue/prediction.producer';
import { QueueStats } from '../queue/queue-stats.service';

/** Synchronous predictions: through the queue, waiting for the worker's answer. */
@Injectable()
export class PredictionsService {
  constructor(
    private readonly producer: PredictionProducer,
    private readonly queueStats: QueueStats,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async predict(texts: string[]): Promise<PredictionResult[]> {
    const started = performance.now();
    await this.refuseWhenOverloaded();
    let results: ModelResult[];
    try {
      results = await this.producer.predict(texts);
    } catch (error) {
      throw toApiError(error);
    }
    const latencyMs = Math.round(performance.now() - started);
    return results.map((result) => {
      // Texts were validated here first, so a per-item error from the model server is its fault.
      if (isItemError(result)) throw upstreamError(`model server rejected a review: ${result.error.message}`);
      return { ...result, latencyMs };
    });
  }

  private async refuseWhenOverloaded(): Promise<void> {
    let backlog: number;
    try {
      backlog = await this.queueStats.backlog();
    } catch {
      throw unavailable('Queue unavailable (Redis is not answering)');
    }
    if (this.queueStats.isOverloaded(backlog)) {
      throw unavailable(`Too much work queued (${backlog} jobs waiting); try again shortly`, 5);
    }
  }
}

function toApiError(error: unknown) {
  if (error instanceof PredictionTimeoutError) return upstreamTimeout(`Prediction timed out: ${error.message}`);
  const message = error instanceof Error ? error.message : String(error);
  if (/^rejected:/.test(message)) return upstreamError(`Model server rejected the request (${message})`);
  if (/^(unavailable|timeout|bad_response):/.test(message)) {
    return unavailable(`Model server unavailable (${message.replace(/^\w+: /, '')})`, 10);
  }
  // Anything else comes from the queue itself: Redis unreachable or not writable.
  return unavailable('Queue unavailable (Redis is not answering)');
}
