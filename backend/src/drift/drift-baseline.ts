import { readFileSync } from 'node:fs';

import { Inject, Injectable, Logger } from '@nestjs/common';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { DriftFeature } from './drift-features';

interface BaselineFile {
  dataset: string;
  n: number;
  model: string;
  version: string;
  histograms: Record<DriftFeature, number[]>;
  vocabulary: string[];
}

/**
 * What live traffic is compared with: `npm run model:drift-baseline` wrote it beside the embedded model (the
 * validation split's histograms and the training data's vocabulary). Missing or unreadable: drift is off, said once.
 */
@Injectable()
export class DriftBaseline {
  private readonly logger = new Logger(DriftBaseline.name);
  readonly file: Omit<BaselineFile, 'vocabulary'> | null;
  readonly vocabulary: ReadonlySet<string>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    let parsed: BaselineFile | null = null;
    try {
      parsed = JSON.parse(readFileSync(config.DRIFT_BASELINE_PATH, 'utf-8')) as BaselineFile;
    } catch (error) {
      this.logger.warn(`drift monitoring off: no baseline at ${config.DRIFT_BASELINE_PATH} (${(error as Error).message}); npm run model:drift-baseline writes it`);
    }
    this.vocabulary = new Set(parsed?.vocabulary ?? []);
    this.file = parsed ? { dataset: parsed.dataset, n: parsed.n, model: parsed.model, version: parsed.version, histograms: parsed.histograms } : null;
  }
}
