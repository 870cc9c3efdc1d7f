import { createHash } from 'node:crypto';

import type { JobListItem, PredictionResult } from '@allocine/contracts';

/**
 * What travels from the request path and the workers to the history database, through a Redis stream:
 * the stream is the durable buffer (on disk with the rest of Redis), so a database outage loses nothing.
 */
export type HistoryEvent = PredictionEvent | ErrorRowEvent | JobEvent | JobDeletedEvent;

/** A job's review that ended as an error: kept so that the job's results stay whole after Redis lets them go. */
export interface ErrorRowEvent {
  type: 'error-row';
  eventId: string;
  at: string;
  owner: string;
  jobId: string;
  position: number;
  reviewId: string;
  text: string | null;
  textSha256: string;
  error: { code: string; message: string };
}

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
  /** A review read from the Kafka stream: where it came from (absent for the API's own predictions). */
  stream?: StreamOrigin;
}

/** A streamed review's message: its topic, partition and offset (the offset as a string: Kafka's are 64-bit). */
export interface StreamOrigin {
  topic: string;
  partition: number;
  offset: string;
}

/** A job's state as the history keeps it: what `GET /jobs` lists, plus whose it is. */
export interface JobEvent extends JobListItem {
  type: 'job';
  owner: string;
}

/** A job's review that ended as an error, as a history event; its text only when STORE_TEXT allows. */
export function errorRowEvent(
  error: ErrorRowEvent['error'],
  context: { eventId: string; owner: string; text: string; storeText: boolean; jobId: string; position: number; reviewId: string; at: Date },
): ErrorRowEvent {
  return {
    type: 'error-row',
    eventId: context.eventId,
    at: context.at.toISOString(),
    owner: context.owner,
    jobId: context.jobId,
    position: context.position,
    reviewId: context.reviewId,
    text: context.storeText ? context.text : null,
    textSha256: sha256(context.text),
    error,
  };
}

/** A classified review as a history event; its text only when STORE_TEXT allows. */
export function predictionEvent(
  result: Omit<PredictionResult, 'latencyMs' | 'truncated' | 'predictionId'> & { latencyMs?: number },
  context: { eventId: string; owner: string; text: string; storeText: boolean; jobId?: string; position?: number; reviewId?: string; at?: Date; stream?: StreamOrigin },
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
    textSha256: sha256(context.text),
    label: result.label,
    score: result.score,
    probabilities: result.probabilities,
    uncertain: result.uncertain,
    latencyMs: result.latencyMs ?? null,
    model: result.model,
    version: result.version,
    ...(context.stream ? { stream: context.stream } : {}),
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
