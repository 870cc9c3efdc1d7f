/** Chunk retries: exponential from RETRY_BACKOFF_MS, capped at RETRY_MAX_BACKOFF_MS (see cappedBackoff). */
export const CAPPED_BACKOFF = 'capped-exponential';

/**
 * The worker's strategy for CAPPED_BACKOFF: an outage of the model server is ridden out by attempts spread
 * over minutes, not burnt in seconds (500 ms doubling five times gave up after 7.5 s).
 */
export function cappedBackoff(baseMs: number, maxMs: number) {
  return (attemptsMade: number, type?: string): number =>
    type === CAPPED_BACKOFF ? Math.min(baseMs * 2 ** Math.max(0, attemptsMade - 1), maxMs) : -1;
}
