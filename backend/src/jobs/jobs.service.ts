import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import type { JobResultRow, JobResultsPage, JobStatus } from '@allocine/contracts';

import { conflict, invalidRequest, notFound, unavailable } from '../common/api-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ServingProfileService } from '../model-server/serving-profile.service';
import { PredictionProducer } from '../queue/prediction.producer';
import { QueueStats } from '../queue/queue-stats.service';
import { JobRecord, JobStore } from './job.store';

const API = '/api/v1/jobs';

/** Batch jobs: accepted whole or not at all, split into chunks, results kept RESULTS_TTL_SECONDS. */
@Injectable()
export class JobsService {
  constructor(
    private readonly store: JobStore,
    private readonly producer: PredictionProducer,
    private readonly queueStats: QueueStats,
    private readonly profile: ServingProfileService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(reviews: { id?: string; text: string }[]): Promise<JobStatus> {
    const withIds = reviews.map((review, index) => ({ id: review.id ?? String(index + 1), text: review.text }));
    assertUniqueIds(withIds);
    await this.refuseWhenOverloaded();
    const id = randomUUID();
    let record: JobRecord | undefined;
    try {
      record = await this.store.create(id, withIds, this.profile.chunkSize());
      await this.producer.enqueueBatch(id, record.chunkCount);
    } catch {
      if (record) await this.store.remove(record).catch(() => undefined);
      throw unavailable('Queue unavailable (Redis is not answering); the job was not accepted');
    }
    return this.status(id);
  }

  async status(id: string): Promise<JobStatus> {
    const status = await this.guard(() => this.store.status(id, links(id)));
    if (!status) throw notFound(`No job ${id} (unknown, or its results expired)`);
    return status;
  }

  async results(id: string, offset: number, limit: number): Promise<JobResultsPage> {
    const record = await this.record(id);
    const items = await this.guard(() => this.store.rows(record, offset, limit));
    return { jobId: id, state: record.state, offset, limit, total: record.total, items };
  }

  /** All rows in pages of one chunk, for streaming CSV downloads without holding the whole job in memory. */
  async *allRows(id: string): AsyncGenerator<JobResultRow[]> {
    const record = await this.record(id);
    for (let offset = 0; offset < record.total; offset += record.chunkSize) {
      yield await this.store.rows(record, offset, record.chunkSize);
    }
  }

  async cancel(id: string): Promise<JobStatus> {
    const state = await this.guard(() => this.store.cancel(id));
    if (!state) throw notFound(`No job ${id} (unknown, or its results expired)`);
    if (state !== 'cancelled') throw conflict(`Job ${id} is already ${state.replace('already:', '')}`);
    await this.producer.withdrawBatch(id).catch(() => undefined);
    await this.store.finish(id);
    return this.status(id);
  }

  private async record(id: string): Promise<JobRecord> {
    const record = await this.guard(() => this.store.get(id));
    if (!record) throw notFound(`No job ${id} (unknown, or its results expired)`);
    return record;
  }

  private async refuseWhenOverloaded(): Promise<void> {
    const backlog = await this.guard(() => this.queueStats.backlog());
    if (this.queueStats.isOverloaded(backlog)) {
      throw unavailable(`Too much work queued (${backlog} jobs waiting); try again shortly`, 30);
    }
  }

  /** Redis errors on the request path become 503 with Retry-After. */
  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch {
      throw unavailable('Job store unavailable (Redis is not answering)');
    }
  }
}

function links(id: string): JobStatus['links'] {
  return { self: `${API}/${id}`, results: `${API}/${id}/results`, csv: `${API}/${id}/results?format=csv` };
}

function assertUniqueIds(reviews: { id: string }[]): void {
  const seen = new Set<string>();
  const duplicates: { path: string; message: string }[] = [];
  reviews.forEach((review, index) => {
    if (seen.has(review.id)) duplicates.push({ path: `reviews.${index}.id`, message: `duplicate id "${review.id}"` });
    seen.add(review.id);
  });
  if (duplicates.length) throw invalidRequest('Review ids must be unique', duplicates.slice(0, 20));
}
