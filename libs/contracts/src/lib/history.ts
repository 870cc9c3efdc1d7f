/** History: `GET /api/v1/predictions`, `GET /api/v1/stats`, `GET /api/v1/jobs` (PostgreSQL-backed). */
import type { Schema } from './schemas';

export type HistoryItem = Schema<'HistoryItem'>;
export type HistoryPage = Schema<'HistoryPage'>;
export type StatsBucket = Schema<'StatsBucket'>;
export type StatsResponse = Schema<'StatsResponse'>;
export type JobListItem = Schema<'JobListItem'>;
export type JobList = Schema<'JobList'>;
