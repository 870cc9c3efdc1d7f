import type { JobStatus } from '@allocine/contracts';
import { Observable, defer, expand, takeWhile, timer, switchMap } from 'rxjs';

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 5_000;

/** Poll a job with growing pauses (500 ms ×1.5 up to 5 s) until it is no longer queued or running. */
export function pollJob(fetch: () => Observable<JobStatus>): Observable<JobStatus> {
  let delay = FIRST_DELAY_MS;
  return defer(fetch).pipe(
    expand((status) =>
      isActive(status)
        ? timer(delay).pipe(
            switchMap(() => {
              delay = Math.min(MAX_DELAY_MS, Math.round(delay * 1.5));
              return fetch();
            }),
          )
        : [],
    ),
    takeWhile((status) => isActive(status), true),
  );
}

export const isActive = (status: JobStatus) => status.state === 'queued' || status.state === 'running';
