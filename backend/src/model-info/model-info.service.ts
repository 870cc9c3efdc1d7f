import { readFile } from 'node:fs/promises';

import { Inject, Injectable } from '@nestjs/common';
import type { ModelInfo } from '@allocine/contracts';

import { toModelServerError } from '../model-server/model-server.client';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MODEL_SERVER_CONTRACT } from '../model-server-contract/model-server-contract';
import { ModelView } from '../model-server/model-view';
import { ServingProfileService } from '../model-server/serving-profile.service';

interface TrainingReport {
  name?: string;
  metrics?: Record<string, { accuracy: number; f1: number; n: number }>;
}

const CACHE_MS = 60_000;
/** Metrics keys the training report uses → how to name the data and where it lies under ../shared/data. */
const DATASETS: Record<string, { name: string; file: string }> = MODEL_SERVER_CONTRACT.lifecycle.evaluationSets;

/** What model is served, as TorchServe reports it, with the accuracy its training run documented. */
@Injectable()
export class ModelInfoService {
  private cached?: { at: number; info: ModelInfo };

  constructor(
    private readonly model: ModelView,
    private readonly profile: ServingProfileService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async info(): Promise<ModelInfo> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.info;
    const described = await this.model.describe().catch((error: unknown) => {
      throw toModelServerError(error);
    });
    const report = await this.report();
    const documented = report.name === described.model ? report.metrics ?? {} : {};
    const info: ModelInfo = {
      name: described.model,
      version: described.version,
      labels: ['negative', 'positive'],
      family: described.family,
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
      // What this API actually uses: the model's profile, with any environment override applied.
      serving: {
        ...described.profile,
        device: described.device,
        chunkSize: this.profile.chunkSize(),
        chunkConcurrency: this.profile.chunkConcurrency(),
        timeouts: { ...described.profile.timeouts, modelCallMs: this.profile.modelCallTimeoutMs() },
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
