import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../metrics/metrics.service';
import { withTimeout } from '../redis/redis.health';
import { KafkaAdmin, kafka } from './kafka-client';

/** The stream as the API sees it from the broker: what the Santé page and readiness show. */
export interface StreamSnapshot {
  /** Whether the broker answered the last look. */
  reachable: boolean;
  topic: string;
  group: string;
  /** Reviews not yet committed by the group, in all partitions, and per partition. */
  lag: number;
  partitions: Array<{ partition: number; lag: number }>;
  /** Reviews the group committed per second since the previous look. */
  ratePerSecond: number;
  /** Connector processes in the group. */
  connectors: number;
  checkedAt: string;
  message?: string;
}

const EARLIEST = -2n;
const LATEST = -1n;

/**
 * Looks at the stream from the broker every STREAM_MONITOR_INTERVAL_MS (in API processes, when KAFKA_BROKERS is
 * set): the input topic's end offsets against the connectors' group commits give the lag per partition, and
 * the commits' progress gives the rate, whichever process (or how many) runs the connectors. A look that fails
 * marks the broker unreachable; it is never on a request's path (readiness reads the last snapshot).
 */
@Injectable()
export class StreamMonitor implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(StreamMonitor.name);
  private admin?: KafkaAdmin;
  private timer?: NodeJS.Timeout;
  private previous?: { committed: bigint; at: number };
  private current: StreamSnapshot | null = null;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get enabled(): boolean {
    return this.config.KAFKA_BROKERS.length > 0;
  }

  /** The last look, or null before the first one ended. */
  snapshot(): StreamSnapshot | null {
    return this.current;
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    const { Admin } = kafka();
    this.admin = new Admin({ clientId: 'allocine-stream-monitor', bootstrapBrokers: this.config.KAFKA_BROKERS, retries: 0, timeout: 2_000 });
    const look = () => {
      this.look().finally(() => {
        if (this.admin) this.timer = setTimeout(look, this.config.STREAM_MONITOR_INTERVAL_MS).unref();
      });
    };
    look();
  }

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.timer);
    const admin = this.admin;
    this.admin = undefined;
    // Admin.close takes no force flag (closeQuietly's close(true) would hand it `true` as its callback).
    await admin?.close().catch(() => undefined);
  }

  private async look(): Promise<void> {
    const topic = this.config.STREAM_INPUT_TOPIC;
    const group = this.config.STREAM_GROUP_ID;
    try {
      const partitions = await withTimeout(this.partitionsOf(topic), 3_000);
      const [starts, ends, commits, groups] = await withTimeout(
        Promise.all([this.offsets(topic, partitions, EARLIEST), this.offsets(topic, partitions, LATEST), this.commits(group, topic), this.admin!.describeGroups({ groups: [group] })]),
        3_000,
      );
      // A partition the group never committed starts at its earliest offset (the connector's fallback).
      const committed = partitions.map((partition) => {
        const commit = commits.get(partition);
        return commit !== undefined && commit >= 0n ? commit : (starts.get(partition) ?? 0n);
      });
      const lags = partitions.map((partition, i) => ({ partition, lag: Number((ends.get(partition) ?? 0n) - committed[i]) }));
      const total = committed.reduce((sum, offset) => sum + offset, 0n);
      const now = Date.now();
      const rate = this.previous && now > this.previous.at ? Number(total - this.previous.committed) / ((now - this.previous.at) / 1_000) : 0;
      this.previous = { committed: total, at: now };
      this.current = {
        reachable: true,
        topic,
        group,
        lag: lags.reduce((sum, entry) => sum + Math.max(entry.lag, 0), 0),
        partitions: lags,
        ratePerSecond: Math.max(0, Math.round(rate * 10) / 10),
        connectors: groups.get(group)?.members.size ?? 0,
        checkedAt: new Date(now).toISOString(),
      };
      this.metrics.streamBrokerUp.set(1);
      for (const { partition, lag } of lags) this.metrics.streamLag.set({ topic, partition: String(partition) }, lag);
    } catch (error) {
      const message = `Kafka (${this.config.KAFKA_BROKERS.join(',')}): ${(error as Error).message}`;
      if (this.current?.reachable !== false) this.logger.warn(`stream monitor: ${message}`);
      this.current = { ...(this.current ?? { topic, group, lag: 0, partitions: [], ratePerSecond: 0, connectors: 0 }), reachable: false, checkedAt: new Date().toISOString(), message };
      this.metrics.streamBrokerUp.set(0);
    }
  }

  private async partitionsOf(topic: string): Promise<number[]> {
    const metadata = await this.admin!.metadata({ topics: [topic], forceUpdate: true });
    const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
    return Array.from({ length: count }, (_, partition) => partition);
  }

  private async offsets(topic: string, partitions: number[], timestamp: bigint): Promise<Map<number, bigint>> {
    const listed = await this.admin!.listOffsets({ topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }] });
    return new Map(listed.flatMap((entry) => entry.partitions.map((partition) => [partition.partitionIndex, partition.offset] as const)));
  }

  private async commits(group: string, topic: string): Promise<Map<number, bigint>> {
    const [listed] = await this.admin!.listConsumerGroupOffsets({ groups: [group] });
    const ours = listed?.topics.find((entry) => entry.name === topic);
    return new Map((ours?.partitions ?? []).map((partition) => [partition.partitionIndex, partition.committedOffset] as const));
  }
}
