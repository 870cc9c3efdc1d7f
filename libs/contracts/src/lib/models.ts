/** Model versions: `GET /api/v1/models`, the shadow's report, promotion, rollback and their audit log. */
import type { Schema } from './schemas';

export type VersionMetric = Schema<'VersionMetric'>;
export type ModelVersion = Schema<'ModelVersion'>;
export type ModelVersionList = Schema<'ModelVersionList'>;
export type ShadowReport = Schema<'ShadowReport'>;
export type ModelEvent = Schema<'ModelEvent'>;
export type ModelEventList = Schema<'ModelEventList'>;
