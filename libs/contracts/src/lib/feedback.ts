/** Corrections: `POST /api/v1/predictions/{predictionId}/feedback`, `GET /api/v1/feedback`, `GET /api/v1/feedback/versions`. */
import type { Schema } from './schemas';

export type Correction = Schema<'Correction'>;
export type CorrectionList = Schema<'CorrectionList'>;
export type VersionErrorRate = Schema<'VersionErrorRate'>;
export type VersionErrorRates = Schema<'VersionErrorRates'>;
