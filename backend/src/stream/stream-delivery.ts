import { Logger } from '@nestjs/common';

import { backoffMs, sleep } from './backoff';
import { kafkaErrorText } from './kafka-client';
import type { KafkaConsumer, KafkaMessage, KafkaProducer } from './kafka-client';
import type { Produced } from './stream-batch';

/** What a delivery needs of its connector: its clients, which partitions it owns now, and whether it stops. */
export interface DeliveryContext {
  producer: KafkaProducer;
  consumer: KafkaConsumer;
  owns(message: KafkaMessage): boolean;
  stopping(): boolean;
}

/**
 * Puts a classified micro-batch on the broker and moves its offsets, at least once or exactly once. `produced[i]`
 * answers `batch[i]`. Only the messages of partitions this connector still owns are delivered: one that moved in
 * a rebalance is its new owner's to read again from the committed offset, never skipped.
 */
export class StreamDelivery {
  private readonly logger = new Logger('StreamDelivery');

  constructor(
    private readonly context: DeliveryContext,
    private readonly mode: 'at-least-once' | 'exactly-once',
  ) {}

  /** False when nothing of the batch could be delivered (every partition moved, or the process stops). */
  async deliver(batch: KafkaMessage[], produced: Produced[]): Promise<boolean> {
    const { producer, consumer } = this.context;
    if (this.mode === 'exactly-once') {
      // The results and the offsets in one transaction; one that fails is aborted (readers with read_committed
      // never see its messages) and tried again.
      return this.whileOwned(batch, 'commit the transaction', async (owned) => {
        const transaction = await producer.beginTransaction();
        try {
          for (const messages of sends(owned.map((i) => produced[i]))) await transaction.send({ messages });
          await transaction.addConsumer(consumer);
          for (const message of lastOfEachPartition(owned.map((i) => batch[i]))) await transaction.addOffset(message);
          await transaction.commit();
        } catch (error) {
          await transaction.abort().catch(() => undefined);
          throw error;
        }
      });
    }
    // At least once: produce (acknowledged by every replica; the idempotent producer writes a request it retries
    // once, but a send retried here after a failure may write again: a duplicate, same key), then commit each
    // partition's last offset.
    const sent = await this.whileOwned(batch, 'produce the sentiments', async (owned) => {
      for (const messages of sends(owned.map((i) => produced[i]))) await producer.send({ messages });
    });
    return sent && this.whileOwned(batch, 'commit the offsets', (owned) => Promise.all(lastOfEachPartition(owned.map((i) => batch[i])).map((message) => message.commit())));
  }

  /** Runs `operation` on the indexes of the batch's messages this connector owns, until it succeeds or none is owned. */
  private async whileOwned(batch: KafkaMessage[], what: string, operation: (owned: number[]) => Promise<unknown>): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      const owned = batch.flatMap((message, i) => (this.context.owns(message) ? [i] : []));
      if (owned.length === 0) {
        this.logger.warn(`could not ${what}: the partitions moved; their new owner reads the batch again`);
        return false;
      }
      try {
        await operation(owned);
        return true;
      } catch (error) {
        // Stopping: given up on, uncommitted; whoever reads the partitions next reads the batch again.
        if (this.context.stopping()) return false;
        this.logger.warn(`could not ${what} (${kafkaErrorText(error)}); retrying`);
        await sleep(backoffMs(attempt));
      }
    }
  }
}

/** What one send may carry: well under the broker's default message.max.bytes (1 MiB) per partition's batch. */
export const MAX_SEND_BYTES = 512 * 1024;

/** The messages in sends of at most MAX_SEND_BYTES each, in order (a group of micro-batches can be megabytes). */
export function sends(messages: Produced[]): Produced[][] {
  const out: Produced[][] = [];
  let current: Produced[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = producedBytes(message);
    if (current.length && bytes + size > MAX_SEND_BYTES) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

export function producedBytes(message: Produced): number {
  const headers = Object.entries(message.headers).reduce((sum, [name, value]) => sum + name.length + Buffer.byteLength(value), 0);
  return Buffer.byteLength(message.value) + (message.key ? Buffer.byteLength(message.key) : 0) + headers + 64;
}

function lastOfEachPartition(messages: KafkaMessage[]): KafkaMessage[] {
  const last = new Map<string, KafkaMessage>();
  for (const message of messages) last.set(`${message.topic}:${message.partition}`, message);
  return [...last.values()];
}
