/** How long the connector waits before trying a Kafka or model-server operation again, by attempt (capped at 10 s). */
const BACKOFF_MS = [250, 500, 1_000, 2_000, 5_000, 10_000];

export const backoffMs = (attempt: number): number => BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];

/** A wait that never keeps the process alive on its own. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());
