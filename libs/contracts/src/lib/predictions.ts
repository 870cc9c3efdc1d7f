/** Request and response shapes of `POST /api/v1/predictions` and `GET /api/v1/model`. */

export type SentimentLabel = 'positive' | 'negative';

export interface Probabilities {
  negative: number;
  positive: number;
}

/** One classified review, as the model server returns it plus the time it took end to end. */
export interface PredictionResult {
  label: SentimentLabel;
  /** Calibrated probability of `label`. */
  score: number;
  probabilities: Probabilities;
  /** True when the calibrated probability is close to 0.5 (threshold chosen on validation data). */
  uncertain: boolean;
  /** True when the model could only read the beginning of the text. */
  truncated: boolean;
  model: string;
  version: string;
  latencyMs: number;
  /** With `"explain": true`: the words that pushed the decision, and how much. */
  explanation?: Explanation | null;
}

/** One word of the review as written (`text.trim().slice(start, end)`: offsets count from the trimmed text) and its
 * signed weight: > 0 towards positive. */
export interface WordWeight {
  text: string;
  start: number;
  end: number;
  weight: number;
}

export interface Explanation {
  /** `linear-exact`: the model's own decomposition (the weights plus `bias` are its logit difference). */
  method: string;
  unit: string;
  bias: number;
  words: WordWeight[];
}

export interface PredictRequest {
  text?: string;
  texts?: string[];
  /** Single review only: also return its explanation. */
  explain?: boolean;
}

export interface PredictManyResponse {
  results: PredictionResult[];
  latencyMs: number;
}

export interface ModelInfo {
  name: string;
  version: string;
  labels: SentimentLabel[];
  family: string;
  /** Accuracy measured by the evaluation CLI on the named data (see model-server/MODEL_CARD.md). */
  documentedAccuracy: { dataset: string; accuracy: number; f1: number; command: string }[];
  limits: { maxTextChars: number; maxTextsPerRequest: number; maxReviewsPerJob: number };
  /** How the model is served (from the model server), and the chunking the API uses for it. */
  serving: ServingProfile & { device: string };
}

/** One TorchServe registration of the model: worker processes, their threads, dynamic batching. */
export interface ServingLane {
  workers: number;
  threads: number;
  batchSize: number;
  maxBatchDelayMs: number;
}

/** Everything that depends on the served model's cost (model-server/allocine_sentiment/serving_profile.py). */
export interface ServingProfile {
  bulk: ServingLane;
  interactive: ServingLane;
  timeouts: { responseTimeoutS: number; modelCallMs: number };
  chunkSize: number;
  chunkConcurrency: number;
  tokenBudget: number | null;
  acceleration: string;
  device: string;
}
