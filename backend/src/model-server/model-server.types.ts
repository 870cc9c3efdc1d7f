import type { PredictionResult, ServingProfile } from '@allocine/contracts';

/** What the TorchServe handler returns for one review: the API's result before latency is added. */
export type ModelPrediction = Omit<PredictionResult, 'latencyMs' | 'predictionId'>;

export interface ModelItemError {
  error: { code: string; message: string };
}

export type ModelResult = ModelPrediction | ModelItemError;

export const isItemError = (result: ModelResult): result is ModelItemError => 'error' in result;

/** Which TorchServe registration serves a call: job chunks (bulk) or single predictions (interactive). */
export type Lane = 'bulk' | 'interactive';

/** The handler's answer to `{"describe": true}`: identity and serving profile of the loaded model. */
export interface ModelDescription {
  model: string;
  version: string;
  labels: string[];
  family: string;
  device: string;
  profile: ServingProfile;
}
