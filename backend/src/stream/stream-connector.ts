import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../metrics/metrics.service';
import { ModelServerClient, toModelServerError } from '../model-server/model-server.client';
import { ModelResult, isItemError } from '../model-server/model-server.types';
import { ServingProfileService } from '../model-server/serving-profile.service';
import { traceCarrier } from '../tracing/tracing';
import { KafkaMessage, KafkaStream, kafka } from './kafka-client';
import { Refusal, StreamReview, isRefusal, readReview, sentimentMessage, streamReview } from './stream-messages';

type Produced = { topic: string; key?: Buffer | string; value: string | Buffer; headers: Record<string, string> };
type Stream = KafkaStream;

const BACKOFF_MS = [250, 500, 1_000, 2_000, 5_000, 10_000];

/**
 * The stream connector (APP_ROLE=stream, or `all` with KAFKA_BROKERS): reviews from STREAM_INPUT_TOPIC are
 * classified in micro-batches through the same model-server client, bulk lane and serving profile as job chunks,
 * and their sentiments produced to STREAM_OUTPUT_TOPIC (keyed by review id). Messages that cannot be classified
 * go to STREAM_DLQ_TOPIC with their reason in the `x-dlq-reason` header.
 *
 * At least once: a batch's offsets are committed only after the broker acknowledged every message it produced
 * (acks=all, idempotent producer), so a crash replays at most the batch in hand. While the model server fails,
 * the partitions stay paused (nothing more is read, memory stays bounded) and the batch is retried with backoff.
 */
@Injectable()
export class StreamConnector implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StreamConnector.name);
  private readonly schema;
  private readonly clientId = `allocine-stream-${randomUUID().slice(0, 8)}`;
  private buffer: KafkaMessage[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> | null = null;
  private stopping = false;
  private started: Promise<void> = Promise.resolve();
  private stream?: Stream;
  private consumer?: { close(force?: boolean): Promise<void> };
  private producer?: { send(options: { messages: Produced[] }): Promise<unknown>; close(force?: boolean): Promise<void> };

  constructor(
    private readonly model: ModelServerClient,
    private readonly profile: ServingProfileService,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.schema = streamReview(config);
  }

  onApplicationBootstrap(): void {
    this.started = this.start().catch((error: Error) => this.logger.error(`stream connector stopped: ${error.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.started;
    await this.flushing;
    await this.stream?.close().catch(() => undefined);
    await this.consumer?.close(true).catch(() => undefined);
    await this.producer?.close(true).catch(() => undefined);
  }

  private async start(): Promise<void> {
    const { Admin, Consumer, Producer, ProduceAcks, serializersFrom } = kafka();
    const bootstrapBrokers = this.config.KAFKA_BROKERS;
    await this.untilDone('create the topics', () => this.ensureTopics(new Admin({ clientId: this.clientId, bootstrapBrokers })));
    // Text as UTF-8; a dead-lettered message's bytes as they came (they may not be text at all).
    const bytes = serializersFrom<string | Buffer>((data) => (data === undefined || Buffer.isBuffer(data) ? data : Buffer.from(data)));
    this.producer = new Producer({ clientId: this.clientId, bootstrapBrokers, idempotent: true, acks: ProduceAcks.ALL, serializers: bytes });
    const { STREAM_SESSION_TIMEOUT_MS: sessionTimeout, STREAM_HEARTBEAT_MS: heartbeatInterval } = this.config;
    const consumer = new Consumer({
      groupId: this.config.STREAM_GROUP_ID,
      clientId: this.clientId,
      bootstrapBrokers,
      sessionTimeout,
      heartbeatInterval,
      // A rebalance waits this long for members to rejoin; a batch in hand is at most one model call.
      rebalanceTimeout: sessionTimeout * 3,
    });
    this.consumer = consumer;
    // Where the group committed last; a new group starts at the beginning: no review is skipped.
    const stream = await this.untilDone('join the consumer group', () =>
      consumer.consume({ autocommit: false, topics: [this.config.STREAM_INPUT_TOPIC], mode: 'committed', fallbackMode: 'earliest' }),
    );
    this.stream = stream;
    stream.on('data', (message) => this.take(message as KafkaMessage));
    stream.on('error', (error: Error) => this.logger.warn(`stream: ${error.message}`));
    this.logger.log(`consuming ${this.config.STREAM_INPUT_TOPIC} as ${this.config.STREAM_GROUP_ID} (${bootstrapBrokers.join(',')})`);
  }

  private async ensureTopics(admin: InstanceType<ReturnType<typeof kafka>['Admin']>): Promise<void> {
    try {
      const existing = new Set(await admin.listTopics());
      const wanted = [this.config.STREAM_INPUT_TOPIC, this.config.STREAM_OUTPUT_TOPIC, this.config.STREAM_DLQ_TOPIC].filter((topic) => !existing.has(topic));
      if (wanted.length) await admin.createTopics({ topics: wanted, partitions: this.config.STREAM_PARTITIONS, replicas: -1 });
    } finally {
      await admin.close().catch(() => undefined);
    }
  }

  private take(message: KafkaMessage): void {
    this.buffer.push(message);
    if (this.buffer.length >= this.config.STREAM_BATCH_SIZE) return this.flushSoon(0);
    if (!this.timer) this.flushSoon(this.config.STREAM_LINGER_MS);
  }

  private flushSoon(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.flushing || this.buffer.length === 0) return;
      // Nothing more is read while a batch is in hand: a slow or failing model server holds the partitions.
      this.stream?.pause();
      // A flush only fails when it is given up on at shutdown: nothing was committed, the batch is read again.
      this.flushing = this.flush()
        .catch((error: Error) => this.logger.warn(`batch left uncommitted: ${error.message}`))
        .finally(() => {
          this.flushing = null;
          if (this.stopping) return;
          this.stream?.resume();
          if (this.buffer.length) this.flushSoon(0);
        });
    }, delayMs);
  }

  /** Classify, produce, and only then commit: the batch's offsets move once the broker holds its results. */
  private async flush(): Promise<void> {
    const batch = this.buffer.splice(0, this.config.STREAM_BATCH_SIZE);
    this.logger.debug(`batch of ${batch.length} messages`);
    const produced = await this.classify(batch);
    if (produced === null) return; // stopping: nothing committed, the batch is read again by the next connector
    await this.untilDone('produce the sentiments', () => this.producer!.send({ messages: produced }));
    const last = new Map<number, KafkaMessage>();
    for (const message of batch) last.set(message.partition, message);
    this.logger.debug(`produced ${produced.length} messages`);
    await this.commit([...last.values()]);
    const dead = produced.filter((message) => message.topic === this.config.STREAM_DLQ_TOPIC).length;
    this.metrics.streamMessages.inc({ outcome: 'classified' }, produced.length - dead);
    if (dead) this.metrics.streamMessages.inc({ outcome: 'dead-lettered' }, dead);
  }

  /**
   * Each partition's last message of the batch, committed. A commit that keeps failing (the partition moved to
   * another connector in a rebalance) is given up on: its new owner reads the batch again (at least once).
   */
  private async commit(lastOfEachPartition: KafkaMessage[]): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await Promise.all(lastOfEachPartition.map((message) => message.commit()));
        return;
      } catch (error) {
        this.logger.warn(`could not commit the offsets (${(error as Error).message})`);
        await this.sleep(BACKOFF_MS[attempt]);
      }
    }
    this.logger.warn('offsets left uncommitted: the batch will be read again (at least once)');
  }

  /** The batch's messages to produce: a sentiment for each review classified, a DLQ message for each refused. */
  private async classify(batch: KafkaMessage[]): Promise<Produced[] | null> {
    const requestId = randomUUID();
    const reads = batch.map((message) => ({ message, read: readReview(message.value, this.schema) }));
    const reviews = reads.filter((entry): entry is { message: KafkaMessage; read: StreamReview } => !isRefusal(entry.read));
    const refused = new Map<KafkaMessage, Refusal>(reads.flatMap((entry) => (isRefusal(entry.read) ? [[entry.message, entry.read] as const] : [])));
    let results: ModelResult[] = [];
    let latencyMs = 0;
    if (reviews.length) {
      const outcome = await this.predict(reviews.map((entry) => entry.read.text), requestId);
      if (outcome === null) return null;
      if ('rejected' in outcome) for (const entry of reviews) refused.set(entry.message, { reason: 'invalid', detail: `the model server refused the batch: ${outcome.rejected}` });
      else ({ results, latencyMs } = outcome);
    }
    const headers = { 'x-request-id': requestId, ...(traceCarrier() ?? {}) };
    return batch.map((message) => {
      const source = { topic: message.topic, partition: message.partition, offset: String(message.offset) };
      const index = reviews.findIndex((entry) => entry.message === message);
      const result = index >= 0 ? results[index] : undefined;
      const refusal = refused.get(message) ?? (result && isItemError(result) ? { reason: 'invalid' as const, detail: `${result.error.code}: ${result.error.message}` } : undefined);
      if (refusal || !result || isItemError(result)) {
        const why = refusal ?? { reason: 'invalid' as const, detail: 'not classified' };
        return {
          topic: this.config.STREAM_DLQ_TOPIC,
          ...(message.key ? { key: message.key } : {}),
          value: message.value ?? '',
          headers: { ...headers, 'x-dlq-reason': why.reason, 'x-dlq-detail': why.detail, 'x-source-topic': source.topic, 'x-source-partition': String(source.partition), 'x-source-offset': source.offset },
        };
      }
      const review = reviews[index].read;
      return { topic: this.config.STREAM_OUTPUT_TOPIC, key: review.id, value: JSON.stringify(sentimentMessage(review, result, source, latencyMs)), headers };
    });
  }

  /** The model server's results; retried with backoff (partitions paused) while it fails for a retryable reason. */
  private async predict(texts: string[], requestId: string): Promise<{ results: ModelResult[]; latencyMs: number } | { rejected: string } | null> {
    for (let attempt = 0; !this.stopping; attempt++) {
      const started = performance.now();
      try {
        const results = await this.model.predict(texts, { lane: 'bulk', timeoutMs: this.profile.modelCallTimeoutMs(), requestId });
        return { results, latencyMs: Math.round((performance.now() - started) / texts.length) };
      } catch (error) {
        const failure = toModelServerError(error);
        if (!failure.retryable) return { rejected: failure.message };
        if (attempt === 0) this.metrics.streamPaused.inc();
        this.logger.warn(`model server failed (${failure.message}); partitions paused, retrying`);
        await this.sleep(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]);
      }
    }
    return null;
  }

  /** Kafka operations are retried until they succeed (the broker restarts, a rebalance ends) or the process stops. */
  private async untilDone<T>(what: string, operation: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        if (this.stopping && attempt > 0) throw error;
        this.logger.warn(`could not ${what} (${(error as Error).message}); retrying`);
        await this.sleep(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
  }
}
