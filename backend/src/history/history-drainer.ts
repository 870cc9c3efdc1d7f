import { hostname } from 'node:os';

import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { sql } from 'kysely';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../metrics/metrics.service';
import { redisOptions } from '../redis/redis-options';
import { HistoryDatabaseService } from './history-database';
import type { ErrorRowEvent, HistoryEvent, JobDeletedEvent, JobEvent, PredictionEvent } from './history-events';
import { HistoryLog } from './history-log';
import type { NewPrediction } from './schema';

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
    const written = await this.writeOrSetAside(entries.map(([id, fields]) => ({ id, raw: fields[1] })));
    const ids = entries.map(([id]) => id);
    await redis.multi().xack(this.log.key, GROUP, ...ids).xdel(this.log.key, ...ids).exec();
    this.metrics.historyWritten.inc(written);
    return entries.length;
  }

  /**
   * Write a batch. If the database answers but refuses it, one event is to blame (a poison event would
   * otherwise hold the stream forever): write them one by one and set aside, in `<stream>:dead` with the
   * reason, those it refuses or that cannot be read. A database that does not answer fails the whole batch,
   * which then waits in the stream. Returns how many events were written.
   */
  private async writeOrSetAside(batch: { id: string; raw: string }[]): Promise<number> {
    const readable = batch.map((entry) => ({ ...entry, event: parse(entry.raw) }));
    const events = readable.flatMap((entry) => (entry.event ? [entry.event] : []));
    try {
      await this.write(events);
      for (const entry of readable) if (!entry.event) await this.setAside(entry.raw, 'not a history event');
      return events.length;
    } catch {
      await this.database.ping(); // throws while the database is away: not the batch's fault
      let written = 0;
      for (const entry of readable) {
        try {
          if (!entry.event) throw new Error('not a history event');
          await this.write([entry.event]);
          written++;
        } catch (refused) {
          await this.setAside(entry.raw, (refused as Error).message);
        }
      }
      return written;
    }
  }

  /**
   * Keep a refused event, with why, for an operator (`npm run history:dead`): at most HISTORY_DEAD_MAX of them,
   * the oldest dropped first, so a stream of bad events can never fill Redis.
   */
  private async setAside(raw: string, reason: string): Promise<void> {
    await this.redis!.xadd(`${this.log.key}:dead`, 'MAXLEN', '~', String(this.config.HISTORY_DEAD_MAX), '*', 'e', raw, 'reason', reason);
    this.metrics.historyRefused.inc();
    this.logger.error(`history event set aside in ${this.log.key}:dead: ${reason}`);
  }

  private async write(events: HistoryEvent[]): Promise<void> {
    const rows = events.flatMap((e) => (e.type === 'prediction' ? [toRow(e)] : e.type === 'error-row' ? [toErrorRow(e)] : []));
    const predictions = dedupe(rows, (row) => row.event_id);
    const jobs = dedupe(events.filter((e): e is JobEvent => e.type === 'job'), (job) => job.id);
    const deleted = events.filter((e): e is JobDeletedEvent => e.type === 'job-deleted');
    await this.database.db!.transaction().execute(async (tx) => {
      for (const job of jobs) {
        const row = {
          id: job.id,
          owner: job.owner,
          name: job.name,
          metadata: job.metadata === null || job.metadata === undefined ? null : JSON.stringify(job.metadata),
          state: job.state,
          total: job.total,
          done: job.done,
          failed: job.failed,
          positive: job.positive,
          negative: job.negative,
          created_at: job.createdAt,
          finished_at: job.finishedAt,
        };
        await tx
          .insertInto('jobs')
          .values(row)
          .onConflict((oc) => oc.column('id').doUpdateSet({ state: row.state, done: row.done, failed: row.failed, positive: row.positive, negative: row.negative, finished_at: row.finished_at }))
          .execute();
      }
      // Multi-row inserts of a few hundred rows: one round trip each, well under PostgreSQL's parameter limit.
      for (let start = 0; start < predictions.length; start += 500) {
        await tx
          .insertInto('predictions')
          .values(predictions.slice(start, start + 500))
          .onConflict((oc) =>
            oc.column('event_id').doUpdateSet((eb) => ({
              label: eb.ref('excluded.label'),
              score: eb.ref('excluded.score'),
              p_negative: eb.ref('excluded.p_negative'),
              p_positive: eb.ref('excluded.p_positive'),
              uncertain: eb.ref('excluded.uncertain'),
              model: eb.ref('excluded.model'),
              model_version: eb.ref('excluded.model_version'),
              error_code: eb.ref('excluded.error_code'),
              error_message: eb.ref('excluded.error_message'),
              created_at: eb.ref('excluded.created_at'),
            })),
          )
          .execute();
      }
      // Last: a deletion in this batch also removes rows the same batch wrote.
      for (const job of deleted) {
        await tx.deleteFrom('predictions').where('job_id', '=', job.id).where('owner', '=', job.owner).execute();
        await tx.deleteFrom('jobs').where('id', '=', job.id).where('owner', '=', job.owner).execute();
      }
    });
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

function parse(raw: string): HistoryEvent | null {
  try {
    const event = JSON.parse(raw) as HistoryEvent;
    return ['prediction', 'error-row', 'job', 'job-deleted'].includes(event?.type) ? event : null;
  } catch {
    return null;
  }
}

function toRow(event: PredictionEvent): NewPrediction {
  return {
    event_id: event.eventId,
    created_at: event.at,
    owner: event.owner,
    source: event.jobId ? 'job' : 'single',
    job_id: event.jobId,
    position: event.position,
    review_id: event.reviewId,
    text: event.text,
    text_sha256: event.textSha256,
    label: event.label,
    score: event.score,
    p_negative: event.probabilities.negative,
    p_positive: event.probabilities.positive,
    uncertain: event.uncertain,
    latency_ms: event.latencyMs,
    model: event.model,
    model_version: event.version,
    error_code: null,
    error_message: null,
  };
}

function toErrorRow(event: ErrorRowEvent): NewPrediction {
  return {
    event_id: event.eventId,
    created_at: event.at,
    owner: event.owner,
    source: 'job',
    job_id: event.jobId,
    position: event.position,
    review_id: event.reviewId,
    text: event.text,
    text_sha256: event.textSha256,
    label: null,
    score: null,
    p_negative: null,
    p_positive: null,
    uncertain: null,
    latency_ms: null,
    model: null,
    model_version: null,
    error_code: event.error.code,
    error_message: event.error.message,
  };
}

/** The last of each key wins (a retried chunk's rows, a job's latest state); PostgreSQL refuses one key twice per insert. */
function dedupe<T>(items: T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
