/**
 * Work started concurrently and finished in the order it was started: each time the oldest unfinished item is
 * ready, it and every consecutive item ready behind it are finished together (one `finish` call: for the stream,
 * one send and one commit, or one transaction, for several micro-batches). `finish` calls never overlap.
 */
export class InOrder<T> {
  private readonly queue: Array<{ value?: T; ready: boolean }> = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly finish: (ready: T[]) => Promise<void>,
    private readonly finished: (count: number) => void,
  ) {}

  /** Items started and not finished yet. */
  get size(): number {
    return this.queue.length;
  }

  add(work: Promise<T>): void {
    const entry: { value?: T; ready: boolean } = { ready: false };
    this.queue.push(entry);
    void work.then((value) => {
      entry.value = value;
      entry.ready = true;
      this.pump();
    });
  }

  /** Resolves once everything added so far is finished. */
  async idle(): Promise<void> {
    while (this.queue.length || this.running) {
      await (this.running ?? new Promise((resolve) => setTimeout(resolve, 10)));
    }
  }

  private pump(): void {
    if (this.running || !this.queue[0]?.ready) return;
    const ready: T[] = [];
    while (this.queue[0]?.ready) ready.push(this.queue.shift()!.value as T);
    this.running = this.finish(ready).finally(() => {
      this.running = null;
      this.finished(ready.length);
      this.pump();
    });
  }
}
