import type { Probabilities, SentimentLabel } from '@allocine/contracts';

/** What the TorchServe handler returns for one review. */
export interface ModelPrediction {
  label: SentimentLabel;
  score: number;
  probabilities: Probabilities;
  uncertain: boolean;
  truncated: boolean;
  model: string;
  version: string;
}

export interface ModelItemError {
  error: { code: string; message: string };
}

export type ModelResult = ModelPrediction | ModelItemError;

export const isItemError = (result: ModelResult): result is ModelItemError => 'error' in result;
