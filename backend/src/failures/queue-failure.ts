import { UnrecoverableError } from 'bullmq';

import { Failure, isFailureKind } from './failure';

/**
 * BullMQ keeps only the message of what a worker threw (the job's failedReason), and the waiting API process
 * gets it back as a plain Error. A failure therefore crosses the queue as its own JSON, and is rebuilt on the
 * other side as the same kind: no text is parsed with patterns.
 */
const MARK = 'failure:';

/** What a worker throws: BullMQ retries it if the failure is retryable, and never otherwise. */
export function toQueueError(failure: Failure): Error {
  const reason = MARK + JSON.stringify({ kind: failure.kind, retryable: failure.retryable, message: failure.message });
  return failure.retryable ? new Error(reason) : new UnrecoverableError(reason);
}

/** The failure a worker threw, from the job's failed reason; null when it was not one (BullMQ's own errors). */
export function fromQueueReason(reason: string): Failure | null {
  if (!reason.startsWith(MARK)) return null;
  try {
    const { kind, retryable, message } = JSON.parse(reason.slice(MARK.length)) as Record<string, unknown>;
    if (!isFailureKind(kind) || typeof message !== 'string') return null;
    return new Failure(kind, message, retryable === true);
  } catch {
    return null;
  }
}
