import { tooManyJobs } from '../common/api-errors';
import { AppConfig } from '../config/app-config';
import { LaneFull } from '../failures/failure';
import type { Admission } from './admission';

/**
 * Why a job was not admitted, in words a client can act on: its own share (429, try again when one of its
 * jobs ends) or the service's budget for all clients (503, try again shortly).
 */
export function admissionRefusal(verdict: Exclude<Admission, { admitted: true }>, reviews: number, config: AppConfig): Error {
  switch (verdict.reason) {
    case 'reviews':
      return tooManyJobs(
        `You already have ${verdict.queuedReviews} reviews queued or running; with these ${reviews} that would pass your share ` +
          `(${config.MAX_QUEUED_REVIEWS_PER_CLIENT}). Submit them when some have finished`,
        30,
      );
    case 'client':
      return tooManyJobs(
        `You already have ${verdict.activeJobs} jobs queued or running (at most ${config.MAX_ACTIVE_JOBS_PER_CLIENT}); submit more when one has finished`,
        30,
      );
    case 'held':
      return tooManyJobs(
        `Your jobs already hold ${verdict.heldBytes} bytes in the service, finished ones' results included (at most ` +
          `${config.RESULTS_BYTES_PER_CLIENT} per client): delete the jobs you no longer need (DELETE /api/v1/jobs/{id}) or wait for their results to expire`,
        60,
      );
    case 'budget':
      return new LaneFull('batch', `The service already holds ${verdict.acceptedBytes} bytes of review text waiting to be classified; try again shortly`);
  }
}
