import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ModelVersion, ServingProfile } from '@allocine/contracts';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MODEL_SERVER_CONTRACT } from '../model-server-contract/model-server-contract';
import { ServingProfileService } from '../model-server/serving-profile.service';

const { registryCard, evaluationSets } = MODEL_SERVER_CONTRACT.lifecycle;

/** The base model's training report (embedded_model.json, or a checkpoint's metrics file). */
interface BaseReport {
  name?: string;
  version?: string;
  family?: string;
  metrics?: Metrics;
  calibration?: { temperature?: number; uncertain_below?: number };
  training?: { fingerprint?: string };
}

type Metrics = Record<string, { n?: number; accuracy?: number; f1?: number; ece?: number } | number>;

/** A registered version's card.json, as `model:train --with-feedback` writes it (model-server/allocine_sentiment/training/candidate.py). */
interface RegistryCard {
  name: string;
  version: string;
  family: string;
  createdAt?: string;
  base?: { name: string; version: string };
  method?: 'retrained' | 'recalibrated';
  data?: { fingerprint?: string; corrections?: number };
  metrics?: Metrics;
  baseMetrics?: Metrics;
  gate?: { passed: boolean; maxLossPoints: number; lossPoints: Record<string, number>; reasons: string[] };
  calibration?: { temperature?: number; uncertain_below?: number };
  serving?: ServingProfile;
}

/** A version's card, in the API's shape, without what only the lifecycle knows (status, served). */
export type VersionCard = Omit<ModelVersion, 'status' | 'served'>;

const metricsOf = (metrics: Metrics | undefined, base: Metrics | undefined): ModelVersion['metrics'] =>
  Object.entries(metrics ?? {})
    .filter(([key, value]) => key in evaluationSets && typeof value === 'object')
    .map(([key, value]) => {
      const m = value as { n?: number; accuracy?: number; f1?: number; ece?: number };
      const before = base?.[key];
      return {
        set: key,
        dataset: evaluationSets[key as keyof typeof evaluationSets].name,
        n: m.n ?? 0,
        accuracy: m.accuracy ?? 0,
        f1: m.f1 ?? 0,
        ece: m.ece ?? null,
        baseAccuracy: typeof before === 'object' ? (before.accuracy ?? null) : null,
      };
    });

/**
 * The registered versions: one folder per version under MODEL_REGISTRY_DIR (with its card.json), and the base
 * model TorchServe starts with (its card: MODEL_METRICS_PATH). Read on each call: training adds folders at any time.
 */
@Injectable()
export class ModelRegistry {
  private readonly logger = new Logger(ModelRegistry.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly profile: ServingProfileService,
  ) {}

  async cards(): Promise<VersionCard[]> {
    const cards: VersionCard[] = [];
    const base = await this.baseCard();
    if (base) cards.push(base);
    let folders: string[] = [];
    try {
      folders = (await readdir(this.config.MODEL_REGISTRY_DIR, { withFileTypes: true })).filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name);
    } catch {
      return cards; // no registry yet: only the base model
    }
    for (const folder of folders.sort()) {
      const card = await readJson<RegistryCard>(join(this.config.MODEL_REGISTRY_DIR, folder, registryCard));
      if (!card || card.version !== folder) {
        if (card) this.logger.warn(`registry folder ${folder} holds the card of version ${card.version}: skipped`);
        continue;
      }
      cards.push({
        version: card.version,
        name: card.name,
        family: card.family,
        createdAt: card.createdAt ?? null,
        base: card.base ?? null,
        method: card.method ?? 'retrained',
        dataFingerprint: card.data?.fingerprint ?? null,
        corrections: card.data?.corrections ?? null,
        metrics: metricsOf(card.metrics, card.baseMetrics),
        gate: card.gate ? { passed: card.gate.passed, maxLossPoints: card.gate.maxLossPoints, lossPoints: card.gate.lossPoints, reasons: card.gate.reasons } : null,
        calibration: card.calibration ? { temperature: card.calibration.temperature ?? null, uncertainBelow: card.calibration.uncertain_below ?? null } : null,
        serving: card.serving ?? null,
      });
    }
    return cards;
  }

  async card(version: string): Promise<VersionCard | undefined> {
    return (await this.cards()).find((card) => card.version === version);
  }

  /** The model TorchServe starts with: its training report, when the configuration names one. */
  private async baseCard(): Promise<VersionCard | null> {
    const report = await readJson<BaseReport>(this.config.MODEL_METRICS_PATH);
    if (!report?.version || !report.name) return null;
    return {
      version: report.version,
      name: report.name,
      family: report.family ?? 'unknown',
      createdAt: null,
      base: null,
      method: 'trained',
      dataFingerprint: report.training?.fingerprint ?? null,
      corrections: null,
      metrics: metricsOf(report.metrics, undefined),
      gate: null,
      calibration: report.calibration ? { temperature: report.calibration.temperature ?? null, uncertainBelow: report.calibration.uncertain_below ?? null } : null,
      // What the model server describes (the base is what it started with).
      serving: this.profile.profile(),
    };
  }
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf-8')) as T;
  } catch {
    return null;
  }
}
