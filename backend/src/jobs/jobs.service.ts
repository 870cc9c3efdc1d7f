import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JobListItem, JobResultRow, JobResultsPage, JobStatus } from '@allocine/contracts';

import type { Caller } from '../access/key-ring';
import { ApiError, invalidRequest, notFound, payloadTooLarge, tooManyJobs, unavailable } from '../common/api-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ServingProfileService } from '../model-server/serving-profile.service';
import { PredictionProducer } from '../queue/prediction.producer';
import { QueueStats } from '../queue/queue-stats.service';
import { HistoryLog } from '../history/history-log';
import { ValidationDetail } from '../validation/schemas';
import { refusalOf } from '../webhooks/callback-target';
import { JobAdmission } from './admission';
import { ArchivedJobs } from './archived-jobs';
import { IdempotencyKeys } from './idempotency';
import { JobDetails, JobRecord, JobStore } from './job.store';
import { jobLinks } from './job-links';

/** What a job is created with besides its reviews; the request id only travels (queue, logs, model server). */
type JobOptions = Partial<JobDetails> & { callbackUrl?: string; requestId?: string };

/** Batch jobs: accepted whole or not at all, split into chunks; results in Redis RESULTS_TTL_SECONDS, then in the history. */
@Injectable()
export class JobsService {
  private readonly logger = new Logger(JobsService.name);

  constructor(
    private readonly store: JobStore,
    private readonly producer: PredictionProducer,
    private readonly queueStats: QueueStats,
    private readonly profile: ServingProfileService,
    private readonly admission: JobAdmission,
    private readonly archive: ArchivedJobs,
    private readonly history: HistoryLog,
    private readonly idempotency: IdempotencyKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A new job, or with an `Idempotency-Key` seen before for the same request, that request's job. */
  async create(
    caller: Caller,
    reviews: { id?: string; text: string }[],
    details: JobOptions = {},
    idempotencyKey?: string,
  ): Promise<{ job: JobStatus; replayed: boolean }> {
    const withIds = reviews.map((review, index) => ({ id: review.id ?? String(index + 1), text: review.text }));
    assertUniqueIds(withIds);
    if (details.callbackUrl) await this.assertCallbackAllowed(details.callbackUrl);
    const accept = (id: string) => this.accept(caller, id, withIds, details);
    if (!idempotencyKey) return { job: await accept(randomUUID()), replayed: false };
    const fingerprint = IdempotencyKeys.fingerprint({
      reviews: withIds,
      name: details.name ?? null,
      metadata: details.metadata ?? null,
      callbackUrl: details.callbackUrl ?? null,
    });
    const { value, replayed } = await this.idempotency.once(caller.owner, idempotencyKey, fingerprint, randomUUID(), accept, (id) =>
      this.statusOnceVisible(caller, id),
    );
    return { job: value, replayed };
  }

  /** Webhooks on, the host allowed, and (unless allowed) a public address: else a 400 naming the field. */
  private async assertCallbackAllowed(url: string): Promise<void> {
    const policy = { allowedHosts: this.config.WEBHOOK_ALLOWED_HOSTS, allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE };
    const refusal = this.config.WEBHOOK_SECRET
      ? await refusalOf(url, policy)
      : 'webhooks are off on this server (the operator has not set WEBHOOK_SECRET)';
    if (refusal) throw invalidRequest('Invalid job request', [{ path: 'callbackUrl', message: refusal, code: 'callback_refused' }]);
  }

  private async accept(
    caller: Caller,
    id: string,
    withIds: { id: string; text: string }[],
    details: JobOptions,
  ): Promise<JobStatus> {
    await this.refuseWhenOverloaded();
    const reviewsAhead = await this.admit(id, caller, withIds);
    let record: JobRecord | undefined;
    try {
      const attached = { name: details.name ?? null, metadata: details.metadata ?? null };
      const chunkSize = this.profile.chunkSize();
      record = await this.store.create(id, caller.owner, withIds, chunkSize, attached, details.callbackUrl ?? null);
      await this.producer.enqueueBatch(id, record.chunkCount, details.requestId, Math.floor(reviewsAhead / chunkSize));
    } catch {
      if (record) await this.store.remove(record).catch(() => undefined);
      await this.admission.withdraw(id, caller.client).catch(() => undefined);
      throw unavailable('Queue unavailable (Redis is not answering); the job was not accepted');
    }
    return this.status(caller, id);
  }

  /** A replayed key's job: a concurrent first request may still be writing it, for a moment. */
  private async statusOnceVisible(caller: Caller, id: string): Promise<JobStatus> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.status(caller, id);
      } catch (error) {
        if (attempt >= 30 || !(error instanceof ApiError && error.type === 'not-found')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  async status(caller: Caller, id: string): Promise<JobStatus> {
    const job = await this.find(caller, id);
    if ('archived' in job) return this.archive.status(job.archived, jobLinks(id));
    return this.guard(() => this.store.status(job.live, jobLinks(id)));
  }

  async results(caller: Caller, id: string, offset: number, limit: number): Promise<JobResultsPage> {
    const job = await this.find(caller, id);
    if ('archived' in job) {
      const items = await this.archive.rows(job.archived, offset, limit);
      return { jobId: id, state: job.archived.state, offset, limit, total: job.archived.total, items };
    }
    const items = await this.guard(() => this.store.rows(job.live, offset, limit));
    return { jobId: id, state: job.live.state, offset, limit, total: job.live.total, items };
  }

  /** All rows in pages, for streaming CSV downloads without holding the whole job in memory. */
  async *allRows(caller: Caller, id: string): AsyncGenerator<JobResultRow[]> {
    const job = await this.find(caller, id);
    const total = 'archived' in job ? job.archived.total : job.live.total;
    const page = 'archived' in job ? 1_000 : job.live.chunkSize;
    for (let offset = 0; offset < total; offset += page) {
      yield 'archived' in job ? await this.archive.rows(job.archived, offset, page) : await this.store.rows(job.live, offset, page);
    }
  }

  /**
   * DELETE: a queued or running job is cancelled (finished work kept; its status is returned); a finished
   * one is deleted with its results and its history (null is returned).
   */
  async remove(caller: Caller, id: string): Promise<JobStatus | null> {
    const job = await this.find(caller, id);
    if ('live' in job && (job.live.state === 'queued' || job.live.state === 'running')) {
      const state = await this.guard(() => this.store.cancel(id));
      if (state === 'cancelled') {
        await this.producer.withdrawBatch(id).catch(() => undefined);
        await this.store.finish(id);
        // Best effort: the cancel stands either way, and a finalize still running queues the same callback.
        if (job.live.callbackUrl) {
          await this.producer.enqueueCallback(id).catch((error: Error) => this.logger.warn(`job ${id}: callback not queued: ${error.message}`));
        }
        return this.status(caller, id);
      }
    }
    // Finished (or it finished just now): everything goes, Redis now, the history through its stream.
    await this.guard(async () => {
      await this.store.delete(id, 'live' in job ? job.live : null);
      await this.history.append([{ type: 'job-deleted', id, owner: caller.owner }]);
    });
    return null;
  }

  /**
   * The job in Redis, else (its results expired there) in the history. Another key's job answers exactly as
   * an unknown one: its existence is not for this caller to learn.
   */
  private async find(caller: Caller, id: string): Promise<{ live: JobRecord } | { archived: JobListItem }> {
    const record = await this.guard(() => this.store.get(id));
    if (record) {
      if (record.owner === caller.owner) return { live: record };
    } else if (!(await this.guard(() => this.store.isDeleted(id)))) {
      const archived = await this.archive.find(caller.owner, id);
      if (archived) return { archived };
    }
    throw notFound(`No job ${id} (unknown, deleted, or expired)`);
  }

  /** Admits the job or throws the refusal; returns how many of this client's reviews are ahead of it. */
  private async admit(id: string, caller: Caller, reviews: { id: string; text: string }[]): Promise<number> {
    const bytes = reviews.reduce((sum, review) => sum + Buffer.byteLength(review.text) + Buffer.byteLength(review.id), 0);
    if (bytes > this.admission.budgetBytes) {
      throw payloadTooLarge(`This job holds ${bytes} bytes of text, more than the service accepts at once (${this.admission.budgetBytes})`);
    }
    const verdict = await this.guard(() => this.admission.admit(id, caller.client, bytes, reviews.length));
    if (verdict.admitted) return verdict.reviewsAhead;
    if (verdict.reason === 'reviews') {
      throw tooManyJobs(
        `You already have ${verdict.queuedReviews} reviews queued or running; with these ${reviews.length} that would pass your share ` +
          `(${this.config.MAX_QUEUED_REVIEWS_PER_CLIENT}). Submit them when some have finished`,
        30,
      );
    }
    if (verdict.reason === 'client') {
      throw tooManyJobs(
        `You already have ${verdict.activeJobs} jobs queued or running (at most ${this.config.MAX_ACTIVE_JOBS_PER_CLIENT}); submit more when one has finished`,
        30,
      );
    }
    if (verdict.reason === 'held') {
      throw tooManyJobs(
        `Your jobs already hold ${verdict.heldBytes} bytes in the service, finished ones' results included (at most ` +
          `${this.config.RESULTS_BYTES_PER_CLIENT} per client): delete the jobs you no longer need (DELETE /api/v1/jobs/{id}) or wait for their results to expire`,
        60,
      );
    }
    throw unavailable(`The service already holds ${verdict.acceptedBytes} bytes of review text waiting to be classified; try again shortly`, 30);
  }

  /** The batch lane's depth, all clients together: a safety bound; fairness comes from the per-client share. */
  private async refuseWhenOverloaded(): Promise<void> {
    const backlog = await this.guard(() => this.queueStats.batchBacklog());
    if (backlog >= this.config.MAX_BATCH_QUEUE_DEPTH) {
      throw unavailable(`Too much work queued (${backlog} chunks waiting); try again shortly`, 30);
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

function assertUniqueIds(reviews: { id: string }[]): void {
  const seen = new Set<string>();
  const duplicates: ValidationDetail[] = [];
  reviews.forEach((review, index) => {
    if (seen.has(review.id)) duplicates.push({ path: `reviews.${index}.id`, message: `duplicate id "${review.id}"`, code: 'duplicate' });
    seen.add(review.id);
  });
  if (duplicates.length) throw invalidRequest('Review ids must be unique', duplicates.slice(0, 20));
}
