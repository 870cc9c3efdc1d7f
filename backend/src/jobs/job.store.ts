import { Inject, Injectable } from '@nestjs/common';
import type { JobResultRow, JobState, JobStatus, WebhookDelivery } from '@allocine/contracts';

import { AppConfig } from '../config/app-config';
import { ANONYMOUS } from '../access/key-ring';
import { APP_CONFIG } from '../config/config.module';
import { JobEvent, HistoryEvent } from '../history/history-events';
import { HISTORY_EVENT_FIELD, HistoryLog } from '../history/history-log';
import { JOB_FIELDS } from '../redis/redis-keys';
import { RedisService } from '../redis/redis.service';
import { jobStatus } from './job-status';

/** Counts one finished chunk contributes; stored per chunk so a retried chunk is counted once. */
export interface ChunkCounts {
  done: number;
  failed: number;
  positive: number;
  negative: number;
}

/** What the caller may attach to a job: shown in job lists, kept in the history. */
export interface JobDetails {
  name: string | null;
  metadata: Record<string, unknown> | null;
}

export interface JobRecord extends JobDetails {
  id: string;
  /** Who may see and cancel it (a key digest, or `anonymous` without keys; jobs from before keys: anonymous). */
  owner: string;
  state: JobState;
  total: number;
  chunkSize: number;
  chunkCount: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  expiresAt: string;
  /** Where the finished job's status is POSTed; null without a callback. */
  callbackUrl: string | null;
  webhook: WebhookDelivery | null;
  /** The model version live when it was created: its chunks go to that version (null: whichever is live). */
  modelVersion: string | null;
}

// Writes a job's callback record only while the job exists (a deleted job is not brought back without a TTL).
const SAVE_WEBHOOK = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], '${JOB_FIELDS.webhook}', ARGV[1])
return 1`;

// Moves queued → running once; never revives a cancelled job.
const MARK_RUNNING = `
if redis.call('HGET', KEYS[1], '${JOB_FIELDS.state}') == 'queued' then
  redis.call('HSET', KEYS[1], '${JOB_FIELDS.state}', 'running', '${JOB_FIELDS.startedAt}', ARGV[1])
end
return redis.call('HGET', KEYS[1], '${JOB_FIELDS.state}')`;

// Cancels only unfinished jobs. Returns 'cancelled' when it did, else the state the job was already
// in prefixed with 'already:' (false when the job does not exist).
const CANCEL = `
local state = redis.call('HGET', KEYS[1], '${JOB_FIELDS.state}')
if state == 'queued' or state == 'running' then
  redis.call('HSET', KEYS[1], '${JOB_FIELDS.state}', 'cancelled', '${JOB_FIELDS.finishedAt}', ARGV[1])
  return 'cancelled'
end
if state then return 'already:' .. state end
return state`;

// Closes a job in one step, so a cancel landing while finalize ran is never overwritten: a cancelled job stays
// cancelled, a job already closed keeps its state (finalize retried after a blip), else it takes ARGV[1].
// Then every key of the job starts the results' retention clock (ARGV[4] seconds).
const FINISH = `
local state = redis.call('HGET', KEYS[1], '${JOB_FIELDS.state}')
if not state then return false end
local final = state
if state == 'queued' or state == 'running' then final = ARGV[1] end
if state ~= 'completed' and state ~= 'failed' then
  redis.call('HSET', KEYS[1], '${JOB_FIELDS.state}', final, '${JOB_FIELDS.expiresAt}', ARGV[3])
  if not redis.call('HGET', KEYS[1], '${JOB_FIELDS.finishedAt}') then redis.call('HSET', KEYS[1], '${JOB_FIELDS.finishedAt}', ARGV[2]) end
  if not redis.call('HGET', KEYS[1], '${JOB_FIELDS.startedAt}') then redis.call('HSET', KEYS[1], '${JOB_FIELDS.startedAt}', ARGV[2]) end
  for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], tonumber(ARGV[4])) end
end
return final`;

// Saves one chunk's rows, progress and history events in one step, unless the job was deleted meanwhile (its
// tombstone, KEYS[1]): a chunk classified while its job was being deleted must not bring its rows back, in
// Redis or, through the history stream (KEYS[4], absent with history off), in the database.
const SAVE_CHUNK = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local ttl = tonumber(ARGV[4])
redis.call('SET', KEYS[2], ARGV[1], 'EX', ttl)
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[3], ttl)
if KEYS[4] then
  for i = 6, #ARGV do redis.call('XADD', KEYS[4], '*', '${HISTORY_EVENT_FIELD}', ARGV[i]) end
end
redis.call('PUBLISH', ARGV[5], 'chunk')
return 1`;

/** Batch-job records and results in Redis, all keys expiring RESULTS_TTL_SECONDS after the job ends. */
@Injectable()
export class JobStore {
  private readonly ttl: number;

  constructor(
    private readonly redis: RedisService,
    private readonly history: HistoryLog,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttl = config.RESULTS_TTL_SECONDS;
  }

  private meta = (id: string) => this.redis.keys.job(id);
  private progress = (id: string) => this.redis.keys.jobProgress(id);
  private chunk = (id: string, index: number) => this.redis.keys.jobChunk(id, index);
  private tombstone = (id: string) => this.redis.keys.jobTombstone(id);
  private changes = (id: string) => this.redis.keys.jobChanges(id);
  /** Every key holding a job: its record, its progress, its chunks (the meta key first: FINISH reads it). */
  private keysOf = (id: string, chunkCount: number) => [this.meta(id), this.progress(id), ...range(chunkCount).map((i) => this.chunk(id, i))];

  /**
   * Record a new job and store its reviews as pending rows, one key per chunk: the queue then only
   * carries (job id, chunk index), and a chunk's input survives any number of retries or restarts.
   */
  async create(
    id: string,
    owner: string,
    reviews: { id: string; text: string }[],
    chunkSize: number,
    details: JobDetails,
    callbackUrl: string | null = null,
    modelVersion: string | null = null,
  ): Promise<JobRecord> {
    const total = reviews.length;
    const now = new Date();
    const record: JobRecord = {
      id,
      owner,
      ...details,
      state: 'queued',
      total,
      chunkSize,
      chunkCount: Math.ceil(total / chunkSize),
      createdAt: now.toISOString(),
      startedAt: null,
      finishedAt: null,
      expiresAt: new Date(now.getTime() + this.ttl * 1000).toISOString(),
      callbackUrl,
      webhook: callbackUrl ? { url: callbackUrl, state: 'pending', attempts: [], nextAttemptAt: null } : null,
      modelVersion,
    };
    const stored = { ...record, metadata: record.metadata && JSON.stringify(record.metadata), webhook: record.webhook && JSON.stringify(record.webhook) };
    const fields = Object.entries(stored).filter(([, value]) => value !== null);
    const tx = this.redis.client.multi().hset(this.meta(id), Object.fromEntries(fields)).expire(this.meta(id), this.ttl);
    this.history.appendTo(tx, [jobEvent(record, { done: 0, failed: 0, positive: 0, negative: 0 })]);
    for (const index of range(record.chunkCount)) {
      const pending: JobResultRow[] = reviews
        .slice(index * chunkSize, (index + 1) * chunkSize)
        .map((review) => ({ id: review.id, text: review.text, status: 'pending' }));
      tx.set(this.chunk(id, index), JSON.stringify(pending), 'EX', this.ttl);
    }
    await tx.exec();
    return record;
  }

  /** Undo `create` when the job could not be queued. */
  async remove(record: JobRecord): Promise<void> {
    await this.redis.client.del(...this.keysOf(record.id, record.chunkCount));
  }

  /**
   * Delete a job on its owner's request (cancelled first when unfinished), leaving a tombstone for the results' retention: the history
   * drops its copy a moment later (through its stream), and until then the job must not be read from there.
   */
  async delete(id: string, record: JobRecord | null): Promise<void> {
    const keys = record ? this.keysOf(id, record.chunkCount) : [];
    const tx = this.redis.client.multi();
    if (keys.length) tx.del(...keys);
    await tx.set(this.tombstone(id), '1', 'EX', this.ttl).publish(this.changes(id), 'deleted').exec();
  }

  async isDeleted(id: string): Promise<boolean> {
    return (await this.redis.client.exists(this.tombstone(id))) === 1;
  }

  /** A chunk's rows: its reviews, pending until the chunk has been classified. */
  async chunkRows(id: string, index: number): Promise<JobResultRow[] | null> {
    const stored = await this.redis.client.get(this.chunk(id, index));
    return stored ? (JSON.parse(stored) as JobResultRow[]) : null;
  }

  async get(id: string): Promise<JobRecord | null> {
    const raw = await this.redis.client.hgetall(this.meta(id));
    if (!raw.id) return null;
    return {
      id: raw.id,
      owner: raw.owner ?? ANONYMOUS,
      name: raw.name ?? null,
      metadata: raw.metadata ? (JSON.parse(raw.metadata) as Record<string, unknown>) : null,
      state: raw.state as JobState,
      total: Number(raw.total),
      chunkSize: Number(raw.chunkSize),
      chunkCount: Number(raw.chunkCount),
      createdAt: raw.createdAt,
      startedAt: raw.startedAt ?? null,
      finishedAt: raw.finishedAt ?? null,
      expiresAt: raw.expiresAt,
      callbackUrl: raw.callbackUrl ?? null,
      webhook: raw.webhook ? (JSON.parse(raw.webhook) as WebhookDelivery) : null,
      modelVersion: raw.modelVersion || null,
    };
  }

  /** Record a callback attempt's outcome on the job (false when the job is gone). */
  async saveWebhook(id: string, delivery: WebhookDelivery): Promise<boolean> {
    const saved = (await this.redis.client.eval(SAVE_WEBHOOK, 1, this.meta(id), JSON.stringify(delivery))) === 1;
    if (saved) await this.announce(id);
    return saved;
  }

  async counts(id: string): Promise<ChunkCounts> {
    const values = await this.redis.client.hvals(this.progress(id));
    return values
      .map((value) => JSON.parse(value) as ChunkCounts)
      .reduce(
        (sum, c) => ({
          done: sum.done + c.done,
          failed: sum.failed + c.failed,
          positive: sum.positive + c.positive,
          negative: sum.negative + c.negative,
        }),
        { done: 0, failed: 0, positive: 0, negative: 0 },
      );
  }

  /** A live job's status: its record and its chunks' counts. */
  async status(record: JobRecord): Promise<JobStatus> {
    return jobStatus({ ...record, counts: await this.counts(record.id) });
  }

  async markRunning(id: string): Promise<JobState | null> {
    const state = (await this.redis.client.eval(MARK_RUNNING, 1, this.meta(id), new Date().toISOString())) as JobState | null;
    await this.announce(id);
    return state;
  }

  /** Tell the job's event streams it changed. Best effort: a stream also looks by itself every few seconds. */
  private async announce(id: string): Promise<void> {
    await this.redis.client.publish(this.changes(id), 'state').catch(() => undefined);
  }

  /** `cancelled` when this call cancelled the job, `already:<state>` when it had finished, null when unknown. */
  async cancel(id: string): Promise<string | null> {
    const outcome = (await this.redis.client.eval(CANCEL, 1, this.meta(id), new Date().toISOString())) as string | null;
    await this.announce(id);
    return outcome;
  }

  /**
   * Write one chunk's rows with their history events, atomically; writing the same chunk again replaces it (and
   * its history rows, by event id), so retries never duplicate. Nothing is written for a deleted job.
   */
  async saveChunk(id: string, index: number, rows: JobResultRow[], counts: ChunkCounts, history: HistoryEvent[] = []): Promise<void> {
    const keys = [this.tombstone(id), this.chunk(id, index), this.progress(id), ...(this.history.enabled ? [this.history.key] : [])];
    const events = this.history.enabled ? history.map((event) => JSON.stringify(event)) : [];
    await this.redis.client.eval(
      SAVE_CHUNK, keys.length, ...keys,
      JSON.stringify(rows), String(index), JSON.stringify(counts), this.ttl, this.changes(id), ...events,
    );
  }

  /**
   * Close the job (unless cancelled) and start the results' retention clock. Safe to run again (finalize is
   * retried after a Redis blip) and atomic against a concurrent cancel.
   */
  async finish(id: string): Promise<JobRecord | null> {
    const record = await this.get(id);
    if (!record) return null;
    if (record.state !== 'cancelled') await this.failUnreportedChunks(record);
    const counts = await this.counts(id);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.ttl * 1000).toISOString();
    // `done` counts every classified review, errors included: a job fails when all of its reviews errored.
    const outcome: JobState = counts.failed === record.total ? 'failed' : 'completed';
    const keys = this.keysOf(id, record.chunkCount);
    const state = (await this.redis.client.eval(FINISH, keys.length, ...keys, outcome, now.toISOString(), expiresAt, this.ttl)) as JobState | null;
    if (!state) return null;
    await this.announce(id);
    const closed = await this.get(id);
    // Finalize is retried until this is written too: the history's copy of the job ends in the same state.
    if (closed) await this.history.append([jobEvent(closed, counts)]);
    return closed;
  }

  /**
   * A chunk that never reported failed for a reason other than the model (e.g. its worker died holding
   * it more often than the queue tolerates): its reviews become error rows instead of staying pending.
   */
  private async failUnreportedChunks(record: JobRecord): Promise<void> {
    const reported = new Set(await this.redis.client.hkeys(this.progress(record.id)));
    const error = { code: 'not_processed', message: 'Not classified: the worker handling it failed repeatedly' };
    for (const index of range(record.chunkCount)) {
      if (reported.has(String(index))) continue;
      const pending = await this.chunkRows(record.id, index);
      if (!pending) continue;
      const rows: JobResultRow[] = pending.map((row) => ({ id: row.id, text: row.text, status: 'error', error }));
      await this.saveChunk(record.id, index, rows, { done: rows.length, failed: rows.length, positive: 0, negative: 0 });
    }
  }

  /** Rows `offset .. offset+limit-1` in the caller's order; rows of unfinished chunks are still pending. */
  async rows(record: JobRecord, offset: number, limit: number): Promise<JobResultRow[]> {
    const end = Math.min(offset + limit, record.total);
    if (offset >= end) return [];
    const first = Math.floor(offset / record.chunkSize);
    const last = Math.floor((end - 1) / record.chunkSize);
    const indexes = range(last - first + 1).map((i) => first + i);
    const stored = await this.redis.client.mget(indexes.map((i) => this.chunk(record.id, i)));
    const rows: JobResultRow[] = [];
    indexes.forEach((chunkIndex, position) => {
      const start = chunkIndex * record.chunkSize;
      const size = Math.min(record.chunkSize, record.total - start);
      const chunkRows = stored[position] ? (JSON.parse(stored[position] as string) as JobResultRow[]) : null;
      for (let i = 0; i < size; i++) {
        // A missing chunk key means the job's retention ran out between reading the record and the rows.
        const row = chunkRows?.[i] ?? { id: String(start + i + 1), text: '', status: 'error', error: EXPIRED };
        // A classified row is a prediction a reviewer can correct: its id is its history event's.
        rows.push(row.status === 'done' ? { ...row, predictionId: jobPredictionId(record.id, start + i) } : row);
      }
    });
    return rows.slice(offset - first * record.chunkSize, end - first * record.chunkSize);
  }
}

const EXPIRED = { code: 'expired', message: 'results expired' };

/** A job row's prediction id: its history event id (batch.processor.ts writes the same). */
export const jobPredictionId = (jobId: string, position: number): string => `${jobId}:${position}`;

function jobEvent(record: JobRecord, counts: ChunkCounts): JobEvent {
  const ended = ['completed', 'failed', 'cancelled'].includes(record.state);
  return {
    type: 'job',
    id: record.id,
    owner: record.owner,
    name: record.name,
    metadata: record.metadata,
    state: record.state,
    total: record.total,
    done: counts.done,
    failed: counts.failed,
    positive: counts.positive,
    negative: counts.negative,
    createdAt: record.createdAt,
    finishedAt: ended ? record.finishedAt : null,
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
