import { createHash } from 'node:crypto';

import type { JobListItem, PredictionResult } from '@allocine/contracts';

/**
 * What travels from the request path and the workers to the history database, through a Redis stream:
 * the stream is the durable buffer (on disk with the rest of Redis), so a database outage loses nothing.
 */
export type HistoryEvent = PredictionEvent | JobEvent | JobDeletedEvent;

/** The caller deleted a finished job: its rows and record go too. */
export interface JobDeletedEvent {
  type: 'job-deleted';
  id: string;
  owner: string;
}

export interface PredictionEvent {
  type: 'prediction';
  eventId: string;
  at: string;
  owner: string;
  jobId: string | null;
  position: number | null;
  reviewId: string | null;
  text: string | null;
  textSha256: string;
  label: PredictionResult['label'];
  score: number;
  probabilities: PredictionResult['probabilities'];
  uncertain: boolean;
  latencyMs: number | null;
  model: string;
  version: string;
}

/** A job's state as the history keeps it: what `GET /jobs` lists, plus whose it is. */
export interface JobEvent extends JobListItem {
  type: 'job';
  owner: string;
}

/** A classified review as a history event; its text only when STORE_TEXT allows. */
export function predictionEvent(
  result: Omit<PredictionResult, 'latencyMs' | 'truncated'> & { latencyMs?: number },
  context: { eventId: string; owner: string; text: string; storeText: boolean; jobId?: string; position?: number; reviewId?: string; at?: Date },
): PredictionEvent {
  return {
    type: 'prediction',
    eventId: context.eventId,
    at: (context.at ?? new Date()).toISOString(),
    owner: context.owner,
    jobId: context.jobId ?? null,
    position: context.position ?? null,
    reviewId: context.reviewId ?? null,
    text: context.storeText ? context.text : null,
    textSha256: createHash('sha256').update(context.text).digest('hex'),
    label: result.label,
    score: result.score,
    probabilities: result.probabilities,
    uncertain: result.uncertain,
    latencyMs: result.latencyMs ?? null,
    model: result.model,
    version: result.version,
  };
}
