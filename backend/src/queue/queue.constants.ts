export const PREDICTION_QUEUE = 'predictions';

/** Job names: one queue, one processor that switches on the name. */
export const JobName = {
  /** Synchronous prediction: the HTTP request waits for its result. */
  Predict: 'predict',
  /** One slice of a batch job; results are written to the job store. */
  Chunk: 'chunk',
  /** Parent of a batch job's chunks: runs once every chunk has finished. */
  Finalize: 'finalize',
} as const;

export interface PredictJobData {
  texts: string[];
}

/** Reviews stay in the job store; the queue carries only where to find them. */
export interface ChunkJobData {
  jobId: string;
  index: number;
}

export interface FinalizeJobData {
  jobId: string;
}
