/** Batch jobs: `POST /api/v1/jobs`, `GET /api/v1/jobs/:id`, results and cancellation. */

import type { Probabilities, SentimentLabel } from './predictions';

export type JobState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface JobReviewInput {
  id?: string;
  text: string;
}

export interface CreateJobRequest {
  reviews: JobReviewInput[];
}

export interface JobLinks {
  self: string;
  results: string;
  csv: string;
}

export interface JobProgress {
  done: number;
  total: number;
  failed: number;
}

export interface JobSummary {
  positive: number;
  negative: number;
  errors: number;
}

export interface JobStatus {
  id: string;
  state: JobState;
  progress: JobProgress;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** When the results leave Redis; null once they are served from the history (kept until RETENTION_DAYS). */
  expiresAt: string | null;
  summary: JobSummary;
  links: JobLinks;
}

export type JobResultStatus = 'done' | 'error' | 'pending';

export interface JobResultRow {
  id: string;
  text: string;
  status: JobResultStatus;
  label?: SentimentLabel;
  score?: number;
  probabilities?: Probabilities;
  uncertain?: boolean;
  truncated?: boolean;
  error?: { code: string; message: string };
}

export interface JobResultsPage {
  jobId: string;
  state: JobState;
  offset: number;
  limit: number;
  total: number;
  items: JobResultRow[];
}
