/** What BullMQ's Queue, Worker, FlowProducer and QueueEvents have in common for shutting down. */
interface Closable {
  waitUntilReady(): Promise<unknown>;
}

const SETTLE_MS = 2_000;

/**
 * Lets a BullMQ handle's connection finish initialising (or fail to) before it is closed. Closed while it
 * initialises, BullMQ cuts the socket under its own start-up commands and re-emits their failure as an
 * `error` on a connection whose listeners are already gone: an unhandled error that fails the process
 * (a pod stopped just after it started). Bounded, for a Redis that never answers.
 */
export async function settled(handle: Closable): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, SETTLE_MS)));
  const ready = handle.waitUntilReady().then(
    () => undefined,
    () => undefined,
  );
  await Promise.race([ready, bound]);
  clearTimeout(timer);
}
