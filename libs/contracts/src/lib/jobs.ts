/** Batch jobs: `POST /api/v1/jobs`, `GET /api/v1/jobs/:id`, results and cancellation. */

import type { Probabilities, SentimentLabel } from './predictions';

export type JobState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface JobReviewInput {
  id?: string;
  text: string;
}

export interface CreateJobRequest {
  reviews: JobReviewInput[];
  name?: string;
  metadata?: Record<string, unknown>;
  /** Called once the job has finished (see WebhookDelivery). */
  callbackUrl?: string;
}

/** `pending` until an attempt gets a 2xx (`delivered`) or the attempts run out (`failed`). */
export type WebhookState = 'pending' | 'delivered' | 'failed';

export interface WebhookAttempt {
  attempt: number;
  at: string;
  /** The receiver's HTTP status; null when it could not be reached. */
  status: number | null;
  error: string | null;
  durationMs: number;
}

/** A job's completion callback: every attempt, and when the next one is due. */
export interface WebhookDelivery {
  url: string;
  state: WebhookState;
  attempts: WebhookAttempt[];
  nextAttemptAt: string | null;
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
  /** Only for a job created with a callbackUrl (and while its results are kept). */
  webhook?: WebhookDelivery;
}

/** The body POSTed to a callbackUrl (signed: see GET /api/v1/webhooks/secret). */
export interface WebhookPayload {
  type: 'job.completed' | 'job.failed' | 'job.cancelled';
  timestamp: string;
  data: Omit<JobStatus, 'webhook'>;
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
