import { Logger } from '@nestjs/common';
import { Worker } from 'bullmq';

import { settled } from './close-settled';

/**
 * First shutdown phase (before Redis and the queues close): take no new work, let the jobs in hand finish
 * and be saved, for at most `graceMs`. Past that the worker lets go; BullMQ's stalled check hands what it
 * held to another worker, without spending one of the job's attempts.
 */
export async function drain(worker: Worker, graceMs: number, logger: Logger): Promise<void> {
  await settled(worker);
  let timer: NodeJS.Timeout | undefined;
  const gracePassed = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
  const outcome = await Promise.race([worker.close().then(() => 'drained' as const), gracePassed]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    logger.warn(`jobs still running after ${graceMs} ms: leaving them to the stalled check`);
    await worker.close(true);
  }
}
