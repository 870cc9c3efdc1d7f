/**
 * Every internal failure the service can answer for, named once. Where each becomes an HTTP status and a
 * Retry-After: failure-answers.ts. How one crosses the queue from a worker to the API: queue-failure.ts.
 */
export const FAILURE_KINDS = [
  /** The model server: down or 5xx, too slow for one call, refused a review (4xx), or answered nonsense. */
  'model-unavailable',
  'model-timeout',
  'model-rejected',
  'model-bad-response',
  /** No worker answered a single prediction within PREDICT_TIMEOUT_MS. */
  'prediction-timeout',
  /** Redis (queue, job store, keys, rate limits) is not answering. */
  'redis-down',
  /** The history's database is not answering, or the history is switched off. */
  'database-down',
  'history-off',
  /** Too much work waiting in one lane, all clients together. */
  'interactive-lane-full',
  'batch-lane-full',
] as const;

export type FailureKind = (typeof FAILURE_KINDS)[number];

/** A failure of the service (never of the request): what went wrong, and whether trying again can help. */
export class Failure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Redis did not answer: nothing was changed, try again. */
export class RedisDown extends Failure {
  constructor(message: string) {
    super('redis-down', message, true);
  }
}

/** The history's database did not answer (or the history is off: then trying again does not help). */
export class HistoryUnavailable extends Failure {
  constructor(message: string, kind: 'database-down' | 'history-off' = 'database-down') {
    super(kind, message, kind === 'database-down');
  }
}

/** A lane holds as much as it may: try again once it has drained a little. */
export class LaneFull extends Failure {
  constructor(lane: 'interactive' | 'batch', message: string) {
    super(lane === 'interactive' ? 'interactive-lane-full' : 'batch-lane-full', message, true);
  }
}

/** Nobody answered a single prediction in time. */
export class PredictionTimeout extends Failure {
  constructor(message: string) {
    super('prediction-timeout', message, false);
  }
}

export const isFailureKind = (value: unknown): value is FailureKind => (FAILURE_KINDS as readonly unknown[]).includes(value);

/** Runs a Redis operation on a request's path: any error of it becomes RedisDown, saying what was not reached. */
export async function orRedisDown<T>(operation: () => Promise<T>, what = 'Job store unavailable'): Promise<T> {
  try {
    return await operation();
  } catch {
    throw new RedisDown(`${what} (Redis is not answering)`);
  }
}
