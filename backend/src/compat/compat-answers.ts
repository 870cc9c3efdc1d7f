import type { ModelInfo, PredictionResult } from '@allocine/contracts';
import type { z } from 'zod';

import { round } from '../common/round';
import type { CompatBatch, CompatModelInfo, CompatPrediction } from '../openapi/compat-responses';

type Prediction = z.infer<typeof CompatPrediction>;

/** One result of /api/v1/predictions as the original app wrote it: French labels, 0/1, snake_case. */
export function toOriginal(text: string, result: PredictionResult): Prediction {
  const positive = result.label === 'positive';
  return {
    text,
    sentiment: positive ? 'POSITIF' : 'NEGATIF',
    confidence: round(result.score),
    label: positive ? 1 : 0,
    probabilities: { NEGATIF: round(result.probabilities.negative), POSITIF: round(result.probabilities.positive) },
    processing_time_ms: result.latencyMs,
  };
}

export function toOriginalBatch(texts: string[], results: PredictionResult[]): z.infer<typeof CompatBatch> {
  const answers = results.map((result, i) => toOriginal(texts[i], result));
  const positive = answers.filter((answer) => answer.label === 1).length;
  const confidence = answers.reduce((sum, answer) => sum + answer.confidence, 0) / Math.max(1, answers.length);
  return {
    results: answers,
    summary: {
      total: answers.length,
      positive,
      negative: answers.length - positive,
      average_confidence: round(confidence),
      processing_time_ms: results[0]?.latencyMs ?? 0,
    },
  };
}

export function toOriginalModelInfo(info: ModelInfo, maxBatch: number): z.infer<typeof CompatModelInfo> {
  const validation = info.documentedAccuracy.find((entry) => entry.dataset.startsWith('Allociné validation'));
  return {
    model_name: info.name,
    model_version: info.version,
    model_family: info.family,
    labels: { '0': 'NEGATIF', '1': 'POSITIF' },
    accuracy: validation?.accuracy ?? null,
    max_text_length: info.limits.maxTextChars,
    max_batch_size: maxBatch,
  };
}
