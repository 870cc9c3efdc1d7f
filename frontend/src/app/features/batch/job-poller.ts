import type { JobStatus } from '@allocine/contracts';
import { Observable, Subscription, defer, expand, takeWhile, timer, switchMap } from 'rxjs';

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

/** The part of EventSource `followJob` uses (a fake one in tests). */
export interface EventStream {
  addEventListener(type: 'progress' | 'end', listener: (event: MessageEvent<string>) => void): void;
  onerror: ((event: Event) => void) | null;
  close(): void;
}

/**
 * A job's status as it changes: the server's event stream (`/jobs/:id/events`), and if that cannot be opened or
 * breaks (a proxy that buffers, an old browser), polling from then on. Completes once the job has ended.
 */
export function followJob(
  url: string,
  poll: () => Observable<JobStatus>,
  open: ((url: string) => EventStream) | null = typeof EventSource === 'undefined' ? null : (u) => new EventSource(u) as EventStream,
): Observable<JobStatus> {
  return new Observable<JobStatus>((subscriber) => {
    let stream: EventStream | null = null;
    let fallback: Subscription | null = null;
    const toPolling = () => {
      stream?.close();
      stream = null;
      fallback ??= pollJob(poll).subscribe(subscriber);
    };
    if (!open) {
      toPolling();
    } else {
      stream = open(url);
      stream.addEventListener('progress', (event) => subscriber.next(JSON.parse(event.data) as JobStatus));
      stream.addEventListener('end', (event) => {
        subscriber.next(JSON.parse(event.data) as JobStatus);
        stream?.close();
        subscriber.complete();
      });
      stream.onerror = toPolling;
    }
    return () => {
      stream?.close();
      fallback?.unsubscribe();
    };
  });
}
