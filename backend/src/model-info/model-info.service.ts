import { readFile } from 'node:fs/promises';

import { Inject, Injectable } from '@nestjs/common';
import type { ModelInfo } from '@allocine/contracts';

import { unavailable } from '../common/api-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ModelServerClient } from '../model-server/model-server.client';
import { isItemError } from '../model-server/model-server.types';

interface TrainingReport {
  name?: string;
  family?: string;
  metrics?: Record<string, { accuracy: number; f1: number; n: number }>;
}

const PROBE = 'Un film magnifique.';
const CACHE_MS = 60_000;
/** Metrics keys the training report uses → how to name the data and where it lies under ../shared/data. */
const DATASETS: Record<string, { name: string; file: string }> = {
  validation: { name: 'Allociné validation (official split, 500 reviews)', file: 'allocine/validation.jsonl' },
  tv_series_dev: { name: 'Allociné TV-series dev (391 reviews)', file: 'allocine_tv_series/dev.tsv' },
};

/** What model is served, as TorchServe reports it, with the accuracy its training run documented. */
@Injectable()
export class ModelInfoService {
  private cached?: { at: number; info: ModelInfo };

  constructor(
    private readonly client: ModelServerClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async info(): Promise<ModelInfo> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.info;
    // A one-review probe is the only way to learn name and version through the inference API alone.
    const [result] = await this.client.predict([PROBE]).catch(() => {
      throw unavailable('Model server unavailable');
    });
    if (!result || isItemError(result)) throw unavailable('Model server gave no usable answer');
    const report = await this.report();
    const documented = report.name === result.model ? report.metrics ?? {} : {};
    const info: ModelInfo = {
      name: result.model,
      version: result.version,
      labels: ['negative', 'positive'],
      family: report.name === result.model ? (report.family ?? 'unknown') : 'huggingface',
      documentedAccuracy: Object.entries(documented)
        .filter(([key]) => key in DATASETS)
        .map(([key, m]) => ({
          dataset: DATASETS[key].name,
          accuracy: m.accuracy,
          f1: m.f1,
          command: `npm run model:evaluate -- --data ../shared/data/${DATASETS[key].file}`,
        })),
      limits: {
        maxTextChars: this.config.MAX_TEXT_CHARS,
        maxTextsPerRequest: this.config.MAX_TEXTS_PER_REQUEST,
        maxReviewsPerJob: this.config.MAX_REVIEWS_PER_JOB,
      },
    };
    this.cached = { at: Date.now(), info };
    return info;
  }

  private async report(): Promise<TrainingReport> {
    try {
      return JSON.parse(await readFile(this.config.MODEL_METRICS_PATH, 'utf-8')) as TrainingReport;
    } catch {
      return {};
    }
  }
}
