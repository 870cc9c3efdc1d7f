import { Injectable } from '@nestjs/common';
import type { JobList, JobListItem, JobResultRow, JobResultsPage, JobState, JobStatus } from '@allocine/contracts';

import { notFound } from '../common/api-errors';
import { orRedisDown } from '../failures/failure';
import { HistoryRepository } from '../history/history.repository';
import { JobRecord, JobStore } from './job.store';
import { jobStatus } from './job-status';

/** A job as its owner sees it, wherever it is kept: in Redis while its results are, then in the history. */
export interface JobView {
  readonly id: string;
  readonly state: JobState;
  readonly total: number;
  /** Rows per page when reading them all (a live job's chunk: one Redis read a page). */
  readonly pageSize: number;
  /** The Redis record while the job is live (what cancelling needs); null once only the history has it. */
  readonly live: JobRecord | null;
  status(): Promise<JobStatus>;
  rows(offset: number, limit: number): Promise<JobResultRow[]>;
}

// Only for a job archived before error rows were kept (or a row lost with its retention).
const NOT_KEPT = { code: 'not_kept', message: 'this review is not in the history' };


class LiveJob implements JobView {
  readonly live: JobRecord;

  constructor(
    record: JobRecord,
    private readonly store: JobStore,
  ) {
    this.live = record;
  }

  get id() {
    return this.live.id;
  }
  get state() {
    return this.live.state;
  }
  get total() {
    return this.live.total;
  }
  get pageSize() {
    return this.live.chunkSize;
  }

  status(): Promise<JobStatus> {
    return orRedisDown(() => this.store.status(this.live));
  }

  rows(offset: number, limit: number): Promise<JobResultRow[]> {
    return orRedisDown(() => this.store.rows(this.live, offset, limit));
  }
}

/** A finished job whose Redis copy has expired: its status from its job row, its results from its rows. */
class ArchivedJob implements JobView {
  readonly live = null;
  readonly pageSize = 1_000;

  constructor(
    private readonly job: JobListItem,
    private readonly history: HistoryRepository,
  ) {}

  get id() {
    return this.job.id;
  }
  get state() {
    return this.job.state;
  }
  get total() {
    return this.job.total;
  }

  async status(): Promise<JobStatus> {
    const { job } = this;
    return jobStatus({ ...job, counts: job, startedAt: null, expiresAt: null });
  }

  async rows(offset: number, limit: number): Promise<JobResultRow[]> {
    const end = Math.min(offset + limit, this.job.total);
    if (offset >= end) return [];
    const kept = await this.history.jobRows(this.job.id, offset, end - offset);
    const rows: JobResultRow[] = [];
    for (let position = offset; position < end; position++) {
      rows.push(kept.get(position) ?? { id: String(position + 1), text: '', status: 'error', error: NOT_KEPT });
    }
    return rows;
  }
}

/** Where a job is read: one job (live or archived), a page of its results, all of them, or an owner's list. */
@Injectable()
export class JobReader {
  constructor(
    private readonly store: JobStore,
    private readonly history: HistoryRepository,
  ) {}

  /**
   * The owner's job: in Redis, else (its results expired there) in the history. Another key's job answers
   * exactly as an unknown one: its existence is not for this caller to learn.
   */
  async find(owner: string, id: string): Promise<JobView> {
    const record = await orRedisDown(() => this.store.get(id));
    if (record) {
      if (record.owner === owner) return new LiveJob(record, this.store);
    } else if (!(await orRedisDown(() => this.store.isDeleted(id)))) {
      const archived = await this.history.job(owner, id);
      if (archived) return new ArchivedJob(archived, this.history);
    }
    throw notFound(`No job ${id} (unknown, deleted, or expired)`);
  }

  /**
   * GET /jobs: the owner's jobs, newest first, from the history (they outlive the results' retention); an
   * unfinished one with its state and counts from Redis, which the history learns a moment later.
   */
  async list(owner: string, cursor: string | undefined, limit: number): Promise<JobList> {
    const page = await this.history.jobs(owner, cursor, limit);
    const items = await Promise.all(page.items.map((item) => (item.state === 'queued' || item.state === 'running' ? this.live(owner, item) : item)));
    return { ...page, items };
  }

  private async live(owner: string, item: JobListItem): Promise<JobListItem> {
    const record = await orRedisDown(() => this.store.get(item.id));
    if (!record || record.owner !== owner) return item;
    const counts = await orRedisDown(() => this.store.counts(item.id));
    return { ...item, ...counts, state: record.state, finishedAt: record.finishedAt };
  }

  async page(owner: string, id: string, offset: number, limit: number): Promise<JobResultsPage> {
    const job = await this.find(owner, id);
    const items = await job.rows(offset, limit);
    return { jobId: id, state: job.state, offset, limit, total: job.total, items };
  }

  /** All rows in pages, for streaming CSV downloads without holding the whole job in memory. */
  async *allRows(owner: string, id: string): AsyncGenerator<JobResultRow[]> {
    const job = await this.find(owner, id);
    for (let offset = 0; offset < job.total; offset += job.pageSize) yield await job.rows(offset, job.pageSize);
  }
}
