import type { JobStatus } from '@allocine/contracts';
import { of } from 'rxjs';

import { followJob, pollJob } from './job-poller';

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

class FakeStream {
  readonly listeners: Record<string, (event: MessageEvent<string>) => void> = {};
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners[type] = listener;
  }
  emit(type: string, data: JobStatus) {
    this.listeners[type]({ data: JSON.stringify(data) } as MessageEvent<string>);
  }
  close() {
    this.closed = true;
  }
}

describe('followJob', () => {
  it('follows the event stream until its end event, without polling', () => {
    const stream = new FakeStream();
    const fetch = vi.fn(() => of(status('completed', 10)));
    const seen: string[] = [];
    let done = false;
    followJob('/api/v1/jobs/x/events', fetch, () => stream).subscribe({ next: (s) => seen.push(`${s.state}:${s.progress.done}`), complete: () => (done = true) });
    stream.emit('progress', status('running', 4));
    stream.emit('end', status('completed', 10));
    expect(seen).toEqual(['running:4', 'completed:10']);
    expect(done).toBe(true);
    expect(stream.closed).toBe(true);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('falls back to polling when the stream fails, or when the browser has none', () => {
    const stream = new FakeStream();
    const fetch = vi.fn(() => of(status('completed', 10)));
    const seen: string[] = [];
    followJob('/api/v1/jobs/x/events', fetch, () => stream).subscribe((s) => seen.push(s.state));
    stream.onerror!(new Event('error'));
    expect(stream.closed).toBe(true);
    expect(seen).toEqual(['completed']);
    const noStream: string[] = [];
    followJob('/api/v1/jobs/x/events', fetch, null).subscribe((s) => noStream.push(s.state));
    expect(noStream).toEqual(['completed']);
  });
});
