import type * as Kafka from '@platformatic/kafka';

/**
 * The one adapter for Kafka (@platformatic/kafka: pure JavaScript, maintained; see the README for the choice).
 * The package is ESM only: it is loaded when a connector starts (Node's require of ES modules), so that nothing
 * else, test runners included, loads it.
 */
export function kafka(): typeof Kafka {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand; see above
  return require('@platformatic/kafka') as typeof Kafka;
}

export type KafkaMessage = Kafka.Message<Buffer, Buffer, Buffer, Buffer>;
export type KafkaStream = Kafka.MessagesStream<Buffer, Buffer, Buffer, Buffer>;
export type KafkaConsumer = Kafka.Consumer<Buffer, Buffer, Buffer, Buffer>;
export type KafkaAdmin = Kafka.Admin;
export type KafkaProducer = Kafka.Producer<string | Buffer, string | Buffer, string | Buffer, string | Buffer>;

/**
 * Closes a consumer or a producer (forced: a connector that stops leaves its group at once), whatever went wrong
 * before. Not for an Admin: its close takes a callback, not a force flag.
 */
export async function closeQuietly(client: { close(force?: boolean): Promise<void> } | undefined): Promise<void> {
  await client?.close(true).catch(() => undefined);
}

/** A Kafka error in one line, with the causes the client nests in it (an AggregateError of per-broker errors). */
export function kafkaErrorText(error: unknown): string {
  const own = error instanceof Error ? error.message : String(error);
  const nested = error instanceof AggregateError ? error.errors.map(kafkaErrorText) : [];
  const cause = error instanceof Error && error.cause ? [kafkaErrorText(error.cause)] : [];
  const code = (error as { code?: string }).code;
  return [`${own}${code ? ` (${code})` : ''}`, ...[...new Set([...nested, ...cause])].slice(0, 3)].join(': ');
}
