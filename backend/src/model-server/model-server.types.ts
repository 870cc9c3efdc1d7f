import type { PredictionResult } from '@allocine/contracts';

/** What the TorchServe handler returns for one review: the API's result before latency is added. */
export type ModelPrediction = Omit<PredictionResult, 'latencyMs'>;

export interface ModelItemError {
  error: { code: string; message: string };
}

export type ModelResult = ModelPrediction | ModelItemError;

export const isItemError = (result: ModelResult): result is ModelItemError => 'error' in result;
