/** `POST /api/v1/predictions` and `GET /api/v1/model`: the generated schemas under the names the code uses. */
import type { Schema } from './schemas';

export type SentimentLabel = Schema<'PredictionResult'>['label'];
export type Probabilities = Schema<'Probabilities'>;
/** One classified review, as the model server returns it plus the time it took end to end. */
export type PredictionResult = Schema<'PredictionResult'>;
/** One word of the review as written (`text.trim().slice(start, end)`) and its signed weight: > 0 towards positive. */
export type WordWeight = Schema<'WordWeight'>;
export type Explanation = Schema<'Explanation'>;
export type PredictRequest = Schema<'PredictRequest'> | Schema<'PredictManyRequest'>;
export type PredictManyResponse = Schema<'PredictManyResponse'>;
export type ModelInfo = Schema<'ModelInfo'>;
/** One TorchServe registration of the model: worker processes, their threads, dynamic batching. */
export type ServingLane = Schema<'ServingLane'>;
/** Everything that depends on the served model's cost (model-server/allocine_sentiment/serving_profile.py). */
export type ServingProfile = Schema<'ServingProfile'>;
