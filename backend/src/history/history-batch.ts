import type { HistoryEvent } from './history-events';

/** What writing a batch needs: the database's write, its ping, and where a refused event is set aside. */
export interface BatchSink {
  write(events: HistoryEvent[]): Promise<void>;
  /** Throws while the database does not answer. */
  ping(): Promise<void>;
  setAside(raw: string, reason: string): Promise<void>;
}

/**
 * Write a batch of raw stream entries. If the database answers but refuses the batch, one event is to blame (a
 * poison event would otherwise hold the stream forever): write them one by one and set aside, with the reason,
 * those it refuses or that cannot be read. A database that does not answer fails the whole batch, which then
 * waits in the stream. Returns how many events were written.
 */
export async function writeOrSetAside(batch: { raw: string }[], sink: BatchSink): Promise<number> {
  const readable = batch.map((entry) => ({ ...entry, event: parseEvent(entry.raw) }));
  const events = readable.flatMap((entry) => (entry.event ? [entry.event] : []));
  try {
    await sink.write(events);
    for (const entry of readable) if (!entry.event) await sink.setAside(entry.raw, 'not a history event');
    return events.length;
  } catch {
    await sink.ping(); // throws while the database is away: not the batch's fault
    let written = 0;
    for (const entry of readable) {
      try {
        if (!entry.event) throw new Error('not a history event');
        await sink.write([entry.event]);
        written++;
      } catch (refused) {
        await sink.setAside(entry.raw, (refused as Error).message);
      }
    }
    return written;
  }
}

/** A stream entry's event, or null when it is not one (set aside, never retried). */
export function parseEvent(raw: string): HistoryEvent | null {
  try {
    const event = JSON.parse(raw) as HistoryEvent;
    return ['prediction', 'error-row', 'job', 'job-deleted'].includes(event?.type) ? event : null;
  } catch {
    return null;
  }
}
