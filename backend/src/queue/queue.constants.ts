import type { TraceCarrier } from '../tracing/tracing';

/** Single predictions: a lane of their own, so they never wait behind job chunks. */
export const PREDICTION_QUEUE = 'predictions';
/** Batch jobs: their chunks and the finalize step, at the concurrency the serving profile allows. */
export const BATCH_QUEUE = 'batch';

/** Job-completion callbacks, retried with backoff; apart so a slow receiver never holds a model slot. */
export const WEBHOOK_QUEUE = 'webhooks';

/** Job names; each processor switches on the names of its queue. */
export const JobName = {
  /** Synchronous prediction: the HTTP request waits for its result. */
  Predict: 'predict',
  /** One slice of a batch job; results are written to the job store. */
  Chunk: 'chunk',
  /** Parent of a batch job's chunks: runs once every chunk has finished. */
  Finalize: 'finalize',
  /** POST a finished job's status to its callbackUrl. */
  Callback: 'callback',
} as const;

export interface PredictJobData {
  texts: string[];
  /** Epoch ms when the HTTP caller stops waiting: no work is done for it after that. */
  deadline: number;
  /** Ask the model server for each review's word weights too. */
  explain?: boolean;
  /** The HTTP request's id: worker log lines and the model-server call carry it. */
  requestId?: string;
  /** W3C trace context of the request (tracing on): the worker's spans continue its trace. */
  trace?: TraceCarrier;
}

/** Reviews stay in the job store; the queue carries only where to find them. */
export interface ChunkJobData {
  jobId: string;
  index: number;
  /** The id of the request that created the job. */
  requestId?: string;
  trace?: TraceCarrier;
}

export interface FinalizeJobData {
  jobId: string;
  requestId?: string;
  trace?: TraceCarrier;
}

export interface CallbackJobData {
  jobId: string;
}
