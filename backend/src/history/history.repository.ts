import { Injectable } from '@nestjs/common';
import type { HistoryItem, HistoryPage, JobList, JobListItem, JobResultRow, JobState, StatsBucket, StatsResponse } from '@allocine/contracts';
import { sql } from 'kysely';

import { round } from '../common/round';
import { HistoryDatabaseService } from './history-database';
import { decodeJobCursor, encodeJobCursor } from './history-queries';
import type { JobRow, PredictionRow } from './schema';

export interface HistoryFilter {
  label?: 'positive' | 'negative';
  from?: Date;
  to?: Date;
  q?: string;
  /** `single`, `job`, `stream`, or one job's id. */
  source?: string;
  minScore?: number;
  cursor?: string;
  limit: number;
}

/** The read side of the history, always scoped to one owner (a key's digest, or anonymous). */
@Injectable()
export class HistoryRepository {
  constructor(private readonly database: HistoryDatabaseService) {}

  async predictions(owner: string, filter: HistoryFilter): Promise<HistoryPage> {
    // Classified reviews only: a job's error rows are kept for its results, not listed as history.
    let query = this.db()
      .selectFrom('predictions')
      .leftJoin('corrections', 'corrections.prediction_event_id', 'predictions.event_id')
      .selectAll('predictions')
      .select(['corrections.label as corrected_label', 'corrections.created_at as corrected_at'])
      .where('predictions.owner', '=', owner)
      .where('predictions.label', 'is not', null);
    if (filter.label) query = query.where('predictions.label', '=', filter.label);
    if (filter.from) query = query.where('predictions.created_at', '>=', filter.from);
    if (filter.to) query = query.where('predictions.created_at', '<', filter.to);
    // As double precision: a bound too small for the column's `real` (1e-224) would otherwise be a database error.
    if (filter.minScore !== undefined) query = query.where('predictions.score', '>=', sql<number>`${filter.minScore}::float8`);
    if (filter.source === 'single' || filter.source === 'job' || filter.source === 'stream') query = query.where('predictions.source', '=', filter.source);
    else if (filter.source) query = query.where('predictions.job_id', '=', filter.source);
    if (filter.q) query = query.where(sql<boolean>`predictions.search @@ websearch_to_tsquery('french', ${filter.q})`);
    // Newest first by id: stable however many rows arrive while someone pages.
    if (filter.cursor) query = query.where('predictions.id', '<', filter.cursor);
    const rows = await this.guard(query.orderBy('predictions.id', 'desc').limit(filter.limit + 1).execute());
    const page = rows.slice(0, filter.limit);
    const items = page.map((row) => ({
      ...toItem(row),
      correction: row.corrected_label ? { label: row.corrected_label, correctedAt: new Date(row.corrected_at as Date).toISOString() } : null,
    }));
    return { items, nextCursor: rows.length > filter.limit ? String(page.at(-1)!.id) : null };
  }

  async stats(owner: string, bucket: 'hour' | 'day', from: Date, to: Date): Promise<StatsResponse> {
    const start = sql<Date>`date_trunc(${bucket}, created_at, 'UTC')`;
    const rows = await this.guard(
      this.db()
        .selectFrom('predictions')
        .select([
          start.as('start'),
          sql<number>`count(*)::int`.as('total'),
          sql<number>`(count(*) filter (where label = 'positive'))::int`.as('positive'),
          sql<number>`avg(score)::float8`.as('mean_score'),
          sql<number | null>`avg(latency_ms)::float8`.as('mean_latency'),
        ])
        .where('owner', '=', owner)
        .where('label', 'is not', null)
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .groupBy(sql`1`)
        .orderBy(sql`1`)
        .execute(),
    );
    const buckets: StatsBucket[] = rows.map((row) => ({
      start: new Date(row.start).toISOString(),
      total: row.total,
      positive: row.positive,
      negative: row.total - row.positive,
      meanScore: round(row.mean_score),
      meanLatencyMs: row.mean_latency === null ? null : round(row.mean_latency, 1),
    }));
    const total = buckets.reduce((sum, b) => ({ total: sum.total + b.total, positive: sum.positive + b.positive, negative: sum.negative + b.negative }), { total: 0, positive: 0, negative: 0 });
    return { bucket, from: from.toISOString(), to: to.toISOString(), buckets, total };
  }

  async jobs(owner: string, cursor: string | undefined, limit: number): Promise<JobList> {
    let query = this.db().selectFrom('jobs').selectAll().where('owner', '=', owner);
    const after = cursor ? decodeJobCursor(cursor) : null;
    if (after) {
      query = query.where((eb) => eb.or([eb('created_at', '<', after.at), eb.and([eb('created_at', '=', after.at), eb('id', '<', after.id)])]));
    }
    const rows = await this.guard(query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute());
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map(toJob), nextCursor: rows.length > limit && last ? encodeJobCursor(new Date(last.created_at), last.id) : null };
  }

  /**
   * One of the owner's jobs as the history keeps it (after its Redis copy expired); null with no history.
   * A history that is down answers 503: whether the job exists cannot be told.
   */
  async job(owner: string, id: string): Promise<JobListItem | null> {
    if (!this.database.enabled) return null;
    const row = await this.guard(this.db().selectFrom('jobs').selectAll().where('id', '=', id).where('owner', '=', owner).executeTakeFirst());
    return row ? toJob(row) : null;
  }

  /** A job's rows at places offset .. offset+limit-1: classified reviews, and those that ended as errors. */
  async jobRows(id: string, offset: number, limit: number): Promise<Map<number, JobResultRow>> {
    const rows = await this.guard(
      this.db()
        .selectFrom('predictions')
        .selectAll()
        .where('job_id', '=', id)
        .where('position', '>=', offset)
        .where('position', '<', offset + limit)
        .orderBy('position')
        .execute(),
    );
    return new Map(rows.map((row) => [row.position as number, toResultRow(row)]));
  }

  private db() {
    return this.database.ready();
  }

  private guard<T>(query: Promise<T>): Promise<T> {
    return this.database.answer(query);
  }
}

function toResultRow(row: PredictionRow): JobResultRow {
  const base = { id: row.review_id ?? String((row.position ?? 0) + 1), text: row.text ?? '' };
  if (row.label === null) return { ...base, status: 'error', error: { code: row.error_code ?? 'error', message: row.error_message ?? '' } };
  const item = toItem(row);
  return { ...base, status: 'done', predictionId: row.event_id, label: item.label, score: item.score, probabilities: item.probabilities, uncertain: item.uncertain };
}

/** A classified row (label not null: the queries select only those), before its correction is joined. */
function toItem(row: PredictionRow): Omit<HistoryItem, 'correction'> {
  return {
    id: String(row.id),
    predictionId: row.event_id,
    createdAt: new Date(row.created_at).toISOString(),
    source: row.source,
    jobId: row.job_id,
    reviewId: row.review_id,
    text: row.text,
    label: row.label as HistoryItem['label'],
    score: row.score as number,
    probabilities: { negative: row.p_negative as number, positive: row.p_positive as number },
    uncertain: row.uncertain as boolean,
    latencyMs: row.latency_ms,
    model: row.model as string,
    version: row.model_version as string,
    stream: row.source === 'stream' ? { topic: row.stream_topic ?? '', partition: row.stream_partition ?? 0, offset: String(row.stream_offset ?? '') } : null,
  };
}

function toJob(row: JobRow): JobListItem {
  return {
    id: row.id,
    name: row.name,
    metadata: (row.metadata as Record<string, unknown> | null) ?? null,
    state: row.state as JobState,
    total: row.total,
    done: row.done,
    failed: row.failed,
    positive: row.positive,
    negative: row.negative,
    createdAt: new Date(row.created_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
  };
}
