/** Drift: `GET /api/v1/drift`. */
import type { Schema } from './schemas';

export type DriftHour = Schema<'DriftHour'>;
export type DriftReport = Schema<'DriftReport'>;
