import { hostname } from 'node:os';

import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { sql } from 'kysely';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../metrics/metrics.service';
import { redisOptions } from '../redis/redis-options';
import { HistoryDatabaseService } from './history-database';
import { BatchSink, writeOrSetAside } from './history-batch';
import { HISTORY_EVENT_FIELD, HistoryLog } from './history-log';
import { writeEvents } from './history-writer';

const GROUP = 'history';
const BATCH = 1_000;
const BLOCK_MS = 1_000;
/** Events a dead drainer had read but not written are taken over after this long. */
const ORPHANED_MS = 30_000;
const PURGE_EVERY_MS = 3_600_000;
const GATHER_MS = 250;

/**
 * Moves history events from the Redis stream into the database, in batches, at least once: an event is
 * acknowledged (and deleted from the stream) only after its rows are committed, and rewriting one changes
 * nothing (event ids are unique; a job's row is replaced by its latest state). While the database is away
 * the events wait in Redis. Runs wherever HistoryWorkerModule is loaded (the worker roles: app.module.ts), as many
 * as there are workers: a consumer group gives each event to one of them; API processes only append.
 */
@Injectable()
export class HistoryDrainer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HistoryDrainer.name);
  private readonly consumer = `${hostname()}-${process.pid}`;
  private redis: Redis | undefined;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private lastPurge = 0;

  constructor(
    private readonly database: HistoryDatabaseService,
    private readonly log: HistoryLog,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.database.enabled) return;
    // A connection of its own: XREADGROUP blocks it for up to a second at a time.
    this.redis = new Redis(redisOptions(this.config.REDIS_URL));
    this.redis.on('error', () => undefined);
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    await this.loop;
    this.redis?.disconnect();
  }

  /** Drain until stopped; a failing database or Redis is retried with a pause, never given up on. */
  private async run(): Promise<void> {
    let pause = 500;
    while (this.running) {
      try {
        if (!this.database.db) {
          await sleep(500);
          continue;
        }
        await this.ensureGroup();
        const written = await this.drainOnce();
        this.metrics.historyBacklog.set(await this.redis!.xlen(this.log.key));
        await this.purgeIfDue();
        pause = 500;
        // A trickle (single predictions) is gathered for a moment: fewer, larger transactions cost the
        // request path less than one per review. The history lags by at most this much more.
        if (written < BATCH / 10) await sleep(GATHER_MS);
      } catch (error) {
        // The stream and its group are gone (Redis lost its data, or someone deleted the key): make them again.
        if (/NOGROUP/.test((error as Error).message)) this.groupReady = false;
        this.logger.warn(`history not written yet (${(error as Error).message}); retrying in ${pause} ms`);
        await sleep(pause);
        pause = Math.min(pause * 2, 5_000); // short: the backlog is written soon after the database returns
      }
    }
  }

  private groupReady = false;

  private async ensureGroup(): Promise<void> {
    if (this.groupReady) return;
    try {
      await this.redis!.xgroup('CREATE', this.log.key, GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!/BUSYGROUP/.test((error as Error).message)) throw error;
    }
    this.groupReady = true;
  }

  /** One batch: first events orphaned by a dead drainer, else new ones. Returns how many were written. */
  async drainOnce(): Promise<number> {
    const redis = this.redis!;
    const claimed = (await redis.xautoclaim(this.log.key, GROUP, this.consumer, ORPHANED_MS, '0', 'COUNT', BATCH)) as [string, [string, string[]][]];
    let entries = claimed[1].filter(([, fields]) => fields);
    if (entries.length === 0) {
      const read = (await redis.xreadgroup('GROUP', GROUP, this.consumer, 'COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', this.log.key, '>')) as
        | [string, [string, string[]][]][]
        | null;
      entries = read?.[0]?.[1] ?? [];
    }
    if (entries.length === 0) return 0;
    const written = await writeOrSetAside(
      entries.map(([, fields]) => ({ raw: fields[1] })),
      this.sink,
    );
    const ids = entries.map(([id]) => id);
    await redis.multi().xack(this.log.key, GROUP, ...ids).xdel(this.log.key, ...ids).exec();
    this.metrics.historyWritten.inc(written);
    return entries.length;
  }

  /** Where a batch goes: the database, and the dead-letter stream for what it refuses. */
  private readonly sink: BatchSink = {
    write: (events) => writeEvents(this.database.db!, events),
    ping: () => this.database.ping(),
    setAside: (raw, reason) => this.setAside(raw, reason),
  };

  /**
   * Keep a refused event, with why, for an operator (`npm run history:dead`): at most HISTORY_DEAD_MAX of them,
   * the oldest dropped first, so a stream of bad events can never fill Redis.
   */
  private async setAside(raw: string, reason: string): Promise<void> {
    await this.redis!.xadd(this.log.deadKey, 'MAXLEN', '~', String(this.config.HISTORY_DEAD_MAX), '*', HISTORY_EVENT_FIELD, raw, 'reason', reason);
    this.metrics.historyRefused.inc();
    this.logger.error(`history event set aside in ${this.log.deadKey}: ${reason}`);
  }

  private async purgeIfDue(): Promise<void> {
    if (this.config.RETENTION_DAYS === 0 || Date.now() - this.lastPurge < PURGE_EVERY_MS) return;
    const db = this.database.db!;
    const cutoff = sql<Date>`now() - make_interval(days => ${this.config.RETENTION_DAYS})`;
    const predictions = await db.deleteFrom('predictions').where('created_at', '<', cutoff).executeTakeFirst();
    const jobs = await db.deleteFrom('jobs').where('finished_at', '<', cutoff).executeTakeFirst();
    this.lastPurge = Date.now();
    this.logger.log(`retention (${this.config.RETENTION_DAYS} days): purged ${predictions.numDeletedRows} predictions, ${jobs.numDeletedRows} jobs`);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
