/** History: `GET /api/v1/predictions`, `GET /api/v1/stats`, `GET /api/v1/jobs` (PostgreSQL-backed). */

import type { JobState } from './jobs';
import type { Probabilities, SentimentLabel } from './predictions';

export interface HistoryItem {
  id: string;
  createdAt: string;
  /** `single`, or the job the review came in. */
  source: 'single' | 'job';
  jobId: string | null;
  reviewId: string | null;
  /** Null when the service keeps only a hash of each review (STORE_TEXT=false). */
  text: string | null;
  label: SentimentLabel;
  score: number;
  probabilities: Probabilities;
  uncertain: boolean;
  latencyMs: number | null;
  model: string;
  version: string;
}

export interface HistoryPage {
  items: HistoryItem[];
  /** Pass as `cursor` for the next (older) page; null on the last one. */
  nextCursor: string | null;
}

export interface StatsBucket {
  /** Start of the hour or day (UTC). */
  start: string;
  total: number;
  positive: number;
  negative: number;
  meanScore: number;
  meanLatencyMs: number | null;
}

export interface StatsResponse {
  bucket: 'hour' | 'day';
  from: string;
  to: string;
  buckets: StatsBucket[];
  total: { total: number; positive: number; negative: number };
}

export interface JobListItem {
  id: string;
  name: string | null;
  metadata: unknown;
  state: JobState;
  total: number;
  done: number;
  failed: number;
  positive: number;
  negative: number;
  createdAt: string;
  finishedAt: string | null;
}

export interface JobList {
  items: JobListItem[];
  nextCursor: string | null;
}
