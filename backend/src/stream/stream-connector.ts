import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';

import { ANONYMOUS, ownerOfKey } from '../access/key-ring';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { HistoryLog } from '../history/history-log';
import { DriftMonitor } from '../drift/drift.monitor';
import { ShadowSampler } from '../shadow/shadow-sampler';
import { MetricsService } from '../metrics/metrics.service';
import { ModelServerClient, toModelServerError } from '../model-server/model-server.client';
import { isItemError } from '../model-server/model-server.types';
import { ServingProfileService } from '../model-server/serving-profile.service';
import { traceCarrier } from '../tracing/tracing';
import { backoffMs, sleep } from './backoff';
import { KafkaConsumer, KafkaMessage, KafkaProducer, KafkaStream, closeQuietly, kafka } from './kafka-client';
import { InOrder } from './in-order';
import { InteractiveDemand } from './interactive-demand';
import { BatchPrediction, ReadBatch, batchOutcome, readBatch } from './stream-batch';
import { StreamDelivery } from './stream-delivery';
import { streamReview } from './stream-messages';

/** A micro-batch read and classified: its reviews, the model server's answer, the call's request id. */
interface Classified {
  read: ReadBatch;
  prediction: BatchPrediction | null;
  requestId: string;
}

/**
 * The stream connector (APP_ROLE=stream, or `all` with KAFKA_BROKERS): reviews from STREAM_INPUT_TOPIC are
 * classified in micro-batches through the same model-server client, bulk lane and serving profile as job chunks,
 * and their sentiments produced to STREAM_OUTPUT_TOPIC (keyed by review id). Messages that cannot be classified
 * go to STREAM_DLQ_TOPIC with their reason in the `x-dlq-reason` header.
 *
 * Micro-batches are classified concurrently and delivered in the order they were read (InOrder), those answered
 * together at once (StreamDelivery): at least once by default (offsets committed only after the broker
 * acknowledged the sentiments, so a crash replays at most the batches in hand), or exactly once (STREAM_DELIVERY:
 * sentiments and offsets in one transaction). While the model server fails, the batches are retried with backoff
 * and nothing more is read past one batch per call in flight (memory stays bounded); while single predictions are
 * asked for, one small batch at a time (InteractiveDemand).
 */
@Injectable()
export class StreamConnector implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StreamConnector.name);
  private readonly schema;
  private readonly clientId = `allocine-stream-${randomUUID().slice(0, 8)}`;
  private readonly historyOwner: string;
  private buffer: KafkaMessage[] = [];
  private timer?: NodeJS.Timeout;
  /** Micro-batches being classified or delivered: delivered in the order they were read. */
  private readonly batches = new InOrder<{ batch: KafkaMessage[]; classified: Classified | null }>(
    (ready) => this.deliverInOrder(ready),
    () => this.schedule(),
  );
  private halted = false;
  private paused = false;
  private delivery?: StreamDelivery;
  private stopping = false;
  private started: Promise<void> = Promise.resolve();
  private stream?: KafkaStream;
  private consumer?: KafkaConsumer;
  private producer?: KafkaProducer;

  constructor(
    private readonly model: ModelServerClient,
    private readonly profile: ServingProfileService,
    private readonly metrics: MetricsService,
    private readonly history: HistoryLog,
    private readonly interactive: InteractiveDemand,
    private readonly drift: DriftMonitor,
    private readonly shadow: ShadowSampler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.schema = streamReview(config);
    const key = config.STREAM_HISTORY_KEY ?? config.UI_API_KEY;
    this.historyOwner = key ? ownerOfKey(key) : ANONYMOUS;
  }

  onApplicationBootstrap(): void {
    this.started = this.start().catch((error: Error) => this.logger.error(`stream connector stopped: ${error.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.started;
    await this.batches.idle();
    await this.stream?.close().catch(() => undefined);
    await closeQuietly(this.consumer);
    await closeQuietly(this.producer);
  }

  private async start(): Promise<void> {
    const { Admin, Consumer, Producer, ProduceAcks, serializersFrom } = kafka();
    const bootstrapBrokers = this.config.KAFKA_BROKERS;
    await this.untilDone('create the topics', () => this.ensureTopics(new Admin({ clientId: this.clientId, bootstrapBrokers })));
    // Text as UTF-8; a dead-lettered message's bytes as they came (they may not be text at all).
    const bytes = serializersFrom<string | Buffer>((data) => (data === undefined || Buffer.isBuffer(data) ? data : Buffer.from(data)));
    this.producer = new Producer({
      clientId: this.clientId,
      bootstrapBrokers,
      idempotent: true,
      acks: ProduceAcks.ALL,
      serializers: bytes,
      // One transactional id per connector process: a restarted one is a new producer, fenced by the group's generation.
      ...(this.config.STREAM_DELIVERY === 'exactly-once' ? { transactionalId: this.clientId } : {}),
    });
    const { STREAM_SESSION_TIMEOUT_MS: sessionTimeout, STREAM_HEARTBEAT_MS: heartbeatInterval } = this.config;
    const consumer: KafkaConsumer = new Consumer({
      groupId: this.config.STREAM_GROUP_ID,
      clientId: this.clientId,
      bootstrapBrokers,
      sessionTimeout,
      heartbeatInterval,
      // A rebalance waits this long for members to rejoin; a batch in hand is at most one model call.
      rebalanceTimeout: sessionTimeout * 3,
    });
    this.consumer = consumer;
    const producer = this.producer;
    this.delivery = new StreamDelivery({ producer, consumer, owns: (message) => this.owns(message), stopping: () => this.stopping }, this.config.STREAM_DELIVERY);
    // A rebalance took partitions away: their buffered messages are their new owner's to read.
    consumer.on('consumer:group:join', () => this.dropUnowned());
    // Where the group committed last; a new group starts at the beginning: no review is skipped.
    const stream = await this.untilDone('join the consumer group', () =>
      consumer.consume({ autocommit: false, topics: [this.config.STREAM_INPUT_TOPIC], mode: 'committed', fallbackMode: 'earliest' }),
    );
    this.stream = stream;
    stream.on('data', (message) => this.take(message as KafkaMessage));
    stream.on('error', (error: Error) => this.logger.warn(`stream: ${error.message}`));
    this.logger.log(`consuming ${this.config.STREAM_INPUT_TOPIC} as ${this.config.STREAM_GROUP_ID} (${bootstrapBrokers.join(',')}, ${this.config.STREAM_DELIVERY})`);
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

  /** Whether this connector still owns the message's partition (a rebalance may have moved it). */
  private owns(message: KafkaMessage): boolean {
    const assignments = this.consumer?.assignments;
    if (!assignments) return true; // not known yet: the commit decides
    return assignments.some((assignment) => assignment.topic === message.topic && assignment.partitions.includes(message.partition));
  }

  private dropUnowned(): void {
    const kept = this.buffer.filter((message) => this.owns(message));
    if (kept.length < this.buffer.length) this.logger.log(`rebalance: ${this.buffer.length - kept.length} buffered messages left to their partitions' new owner`);
    this.buffer = kept;
  }

  /**
   * Reviews per model call: the serving profile's chunk size, as job chunks (STREAM_BATCH_SIZE overrides); a
   * fifth of it while single predictions are being asked for, so that none waits long behind a stream batch.
   */
  private batchSize(): number {
    const size = this.config.STREAM_BATCH_SIZE ?? this.profile.chunkSize();
    return this.interactive.active ? Math.max(1, Math.ceil(size / 5)) : size;
  }

  /**
   * Batches at the model server at once: the profile's chunk concurrency, as one job's chunks (the model server
   * queues what exceeds its workers), or STREAM_CONCURRENCY; one while single predictions are being asked for
   * (interactive calls come first).
   */
  private concurrency(): number {
    if (this.interactive.active) return 1;
    return this.config.STREAM_CONCURRENCY ?? this.profile.chunkConcurrency();
  }

  private take(message: KafkaMessage): void {
    if (!this.owns(message)) return;
    this.buffer.push(message);
    this.schedule();
  }

  /** Starts every full batch there is room for, a partial one after STREAM_LINGER_MS; reads ahead one batch per call in flight. */
  private schedule(): void {
    if (this.stopping) return;
    while (this.batches.size < this.concurrency() && this.buffer.length >= this.batchSize()) this.startBatch();
    if (this.buffer.length && this.batches.size < this.concurrency() && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.stopping && this.buffer.length && this.batches.size < this.concurrency()) this.startBatch();
        this.schedule();
      }, this.config.STREAM_LINGER_MS);
    }
    // Memory stays bounded while the model server is slow or down: nothing more is read past that.
    const full = this.buffer.length >= this.batchSize() * this.concurrency();
    if (full !== this.paused) {
      this.paused = full;
      if (full) this.stream?.pause();
      else this.stream?.resume();
    }
  }

  /** Classifies a batch now; InOrder delivers it after every batch read before it (each partition's order). */
  private startBatch(): void {
    const batch = this.buffer.splice(0, this.batchSize());
    this.batches.add(this.classify(batch).then((classified) => ({ batch, classified })));
  }

  /**
   * The batches answered so far, in the order they were read, delivered together: one send and one commit, or
   * one transaction. A batch given up on at shutdown halts every later delivery (a commit would pass it).
   */
  private async deliverInOrder(ready: Array<{ batch: KafkaMessage[]; classified: Classified | null }>): Promise<void> {
    if (this.halted || ready.some((entry) => entry.classified === null)) {
      this.halted = true; // stopping: nothing from here on is committed; the next reader reads it again
      return;
    }
    const outcomes = ready.map(({ batch, classified }) =>
      batchOutcome(batch, classified!.read, classified!.prediction, {
        topics: { output: this.config.STREAM_OUTPUT_TOPIC, dlq: this.config.STREAM_DLQ_TOPIC },
        headers: { 'x-request-id': classified!.requestId, ...(traceCarrier() ?? {}) },
        history: { owner: this.historyOwner, storeText: this.config.STORE_TEXT },
      }),
    );
    const batch = ready.flatMap((entry) => entry.batch);
    const produced = outcomes.flatMap((outcome) => outcome.produced);
    try {
      if (!(await this.delivery!.deliver(batch, produced))) return;
    } catch (error) {
      this.halted = true;
      this.logger.error(`stream halted, batches left uncommitted: ${(error as Error).message}`);
      return;
    }
    const history = outcomes.flatMap((outcome) => outcome.history);
    const deadLettered = outcomes.reduce((sum, outcome) => sum + outcome.deadLettered, 0);
    // The history follows the stream (a replayed message rewrites its row); it never holds the stream back.
    await this.history.append(history).catch((error: Error) => this.logger.warn(`history of ${history.length} streamed predictions not written: ${error.message}`));
    this.shadow.offer(outcomes.flatMap((outcome) => outcome.classified));
    this.metrics.streamMessages.inc({ outcome: 'classified' }, produced.length - deadLettered);
    if (deadLettered) this.metrics.streamMessages.inc({ outcome: 'dead-lettered' }, deadLettered);
  }

  /** The batch read and classified; null when the model server was given up on at shutdown. */
  private async classify(batch: KafkaMessage[]): Promise<Classified | null> {
    const read = readBatch(batch, this.schema);
    const requestId = randomUUID();
    if (!read.reviews.length) return { read, prediction: null, requestId };
    const prediction = await this.predict(read.reviews.map((entry) => entry.review.text), requestId);
    return prediction === null ? null : { read, prediction, requestId };
  }

  /** The model server's results; retried with backoff (partitions paused) while it fails for a retryable reason. */
  private async predict(texts: string[], requestId: string): Promise<BatchPrediction | null> {
    for (let attempt = 0; !this.stopping; attempt++) {
      const started = performance.now();
      try {
        const results = await this.model.predict(texts, { lane: 'bulk', timeoutMs: this.profile.modelCallTimeoutMs(), requestId });
        this.drift.observe(texts, results.map((result) => (isItemError(result) ? null : result)));
        return { results, latencyMs: Math.round((performance.now() - started) / texts.length) };
      } catch (error) {
        const failure = toModelServerError(error);
        if (!failure.retryable) return { rejected: failure.message };
        if (attempt === 0) this.metrics.streamPaused.inc();
        this.logger.warn(`model server failed (${failure.message}); partitions paused, retrying`);
        await sleep(backoffMs(attempt));
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
        await sleep(backoffMs(attempt));
      }
    }
  }
}
