import type { ProblemType } from '@allocine/contracts';

import { FailureKind } from './failure';

export interface FailureAnswer {
  /** The problem type, hence the HTTP status (common/problem-types.ts). */
  type: ProblemType;
  /** Seconds a client should wait before trying again (Retry-After); none when trying again cannot help. */
  retryAfterSeconds?: number;
  /** Said before the failure's own message, which names the cause: "<summary> (<message>)". */
  summary?: string;
}

/**
 * Where every internal failure becomes an HTTP answer: the one table. A full batch lane asks for longer than a
 * full interactive lane because a job's chunks take minutes to drain, a single prediction seconds.
 */
export const FAILURE_ANSWERS: Record<FailureKind, FailureAnswer> = {
  'model-unavailable': { type: 'unavailable', retryAfterSeconds: 10, summary: 'Model server unavailable' },
  'model-timeout': { type: 'unavailable', retryAfterSeconds: 10, summary: 'Model server unavailable' },
  'model-bad-response': { type: 'unavailable', retryAfterSeconds: 10, summary: 'Model server unavailable' },
  'model-rejected': { type: 'model-rejected', summary: 'Model server rejected the request' },
  'prediction-timeout': { type: 'model-timeout' },
  'redis-down': { type: 'unavailable', retryAfterSeconds: 5 },
  'database-down': { type: 'unavailable', retryAfterSeconds: 5 },
  'history-off': { type: 'unavailable', retryAfterSeconds: 3600 },
  'interactive-lane-full': { type: 'unavailable', retryAfterSeconds: 5 },
  'batch-lane-full': { type: 'unavailable', retryAfterSeconds: 30 },
};

/** The problem detail for a failure: its summary, if any, then what it says of its cause. */
export function failureDetail(kind: FailureKind, message: string): string {
  const { summary } = FAILURE_ANSWERS[kind];
  return summary ? `${summary} (${message})` : message;
}
