import type { JobStatus } from '@allocine/contracts';
import { of } from 'rxjs';

import { pollJob } from './job-poller';

const status = (state: JobStatus['state'], done: number) => ({ state, progress: { done, total: 10, failed: 0 } }) as JobStatus;

describe('pollJob', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('polls with growing pauses until the job finishes, emitting the final state once', async () => {
    const answers = [status('queued', 0), status('running', 5), status('running', 8), status('completed', 10)];
    const fetch = vi.fn(() => of(answers.shift()!));
    const seen: string[] = [];
    let done = false;
    pollJob(fetch).subscribe({ next: (s) => seen.push(`${s.state}:${s.progress.done}`), complete: () => (done = true) });

    expect(seen).toEqual(['queued:0']);
    await vi.advanceTimersByTimeAsync(500);
    expect(seen).toEqual(['queued:0', 'running:5']);
    await vi.advanceTimersByTimeAsync(749); // second pause is 750 ms
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(1125);
    expect(seen).toEqual(['queued:0', 'running:5', 'running:8', 'completed:10']);
    expect(done).toBe(true);
  });
});
