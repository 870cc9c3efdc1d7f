import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import type { JobStatus } from '@allocine/contracts';

import type { Caller } from '../access/key-ring';
import { refusalOf } from '../callback-url/callback-target';
import { ApiError, conflict, invalidRequest, payloadTooLarge } from '../common/api-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { LaneFull, RedisDown, orRedisDown } from '../failures/failure';
import { ModelLifecycleState } from '../model-state/lifecycle-state';
import { ServingProfileService } from '../model-server/serving-profile.service';
import { PredictionProducer } from '../queue/prediction.producer';
import { QueueStats } from '../queue/queue-stats.service';
import { ValidationDetail } from '../validation/schemas';
import { JobAdmission } from './admission';
import { admissionRefusal } from './admission-refusal';
import { IdempotencyKeys } from './idempotency';
import { JobReader } from './job-reader';
import { JobDetails, JobRecord, JobStore } from './job.store';

/** What a job is created with besides its reviews; the request id only travels (queue, logs, model server). */
export type JobOptions = Partial<JobDetails> & { callbackUrl?: string; requestId?: string };

type Review = { id: string; text: string };

/**
 * Where jobs come in: accepted whole or not at all. In order: ids unique, the callback allowed, the
 * Idempotency-Key (a replay returns the first job), the batch lane's depth, the client's share and the
 * service's budget (admission), then the record and its chunks, undone if they cannot all be queued.
 */
@Injectable()
export class JobIntake {
  constructor(
    private readonly store: JobStore,
    private readonly reader: JobReader,
    private readonly producer: PredictionProducer,
    private readonly queueStats: QueueStats,
    private readonly profile: ServingProfileService,
    private readonly admission: JobAdmission,
    private readonly models: ModelLifecycleState,
    private readonly idempotency: IdempotencyKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A new job, or with an `Idempotency-Key` seen before for the same request, that request's job. */
  async create(caller: Caller, reviews: { id?: string; text: string }[], details: JobOptions = {}, idempotencyKey?: string): Promise<{ job: JobStatus; replayed: boolean }> {
    const withIds = reviews.map((review, index) => ({ id: review.id ?? String(index + 1), text: review.text }));
    assertUniqueIds(withIds);
    if (details.callbackUrl) await this.assertCallbackAllowed(details.callbackUrl);
    const accept = (id: string) => this.accept(caller, id, withIds, details);
    if (!idempotencyKey) return { job: await accept(randomUUID()), replayed: false };
    const fingerprint = IdempotencyKeys.fingerprint({ reviews: withIds, name: details.name ?? null, metadata: details.metadata ?? null, callbackUrl: details.callbackUrl ?? null });
    const { value, replayed } = await this.idempotency.once(caller.owner, idempotencyKey, fingerprint, randomUUID(), accept, (id) => this.statusOnceVisible(caller, id));
    return { job: value, replayed };
  }

  /** Webhooks on, the host allowed, and (unless allowed) a public address: else a 400 naming the field. */
  private async assertCallbackAllowed(url: string): Promise<void> {
    const policy = { allowedHosts: this.config.WEBHOOK_ALLOWED_HOSTS, allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE };
    const refusal = this.config.WEBHOOK_SECRET ? await refusalOf(url, policy) : 'webhooks are off on this server (the operator has not set WEBHOOK_SECRET)';
    if (refusal) throw invalidRequest('Invalid job request', [{ path: 'callbackUrl', message: refusal, code: 'callback_refused' }]);
  }

  private async accept(caller: Caller, id: string, withIds: Review[], details: JobOptions): Promise<JobStatus> {
    await this.refuseWhenOverloaded();
    const reviewsAhead = await this.admit(id, caller, withIds);
    let record: JobRecord | undefined;
    try {
      const attached = { name: details.name ?? null, metadata: details.metadata ?? null };
      const chunkSize = this.profile.chunkSize();
      // The job stays on the version live now, whatever is promoted before it ends.
      const { live } = await this.models.recent();
      record = await this.store.create(id, caller.owner, withIds, chunkSize, attached, details.callbackUrl ?? null, live);
      await this.producer.enqueueBatch(id, record.chunkCount, details.requestId, Math.floor(reviewsAhead / chunkSize));
    } catch {
      if (record) await this.store.remove(record).catch(() => undefined);
      await this.admission.withdraw(id, caller.client).catch(() => undefined);
      throw new RedisDown('Queue unavailable (Redis is not answering); the job was not accepted');
    }
    return (await this.reader.find(caller.owner, id)).status();
  }

  /** A replayed key's job: a concurrent first request may still be writing it, for a moment. */
  private async statusOnceVisible(caller: Caller, id: string): Promise<JobStatus> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await (await this.reader.find(caller.owner, id)).status();
      } catch (error) {
        if (!(error instanceof ApiError && error.type === 'not-found')) throw error;
        // Not yet visible (the first request is still creating it), or gone: deleted by its owner, or expired.
        if (attempt >= 30 || (await orRedisDown(() => this.store.isDeleted(id)))) {
          throw conflict(`The job this Idempotency-Key created (${id}) was deleted or has expired: send a new key for a new job`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** Admits the job or throws the refusal; returns how many of this client's reviews are ahead of it. */
  private async admit(id: string, caller: Caller, reviews: Review[]): Promise<number> {
    const bytes = reviews.reduce((sum, review) => sum + Buffer.byteLength(review.text) + Buffer.byteLength(review.id), 0);
    if (bytes > this.admission.budgetBytes) {
      throw payloadTooLarge(`This job holds ${bytes} bytes of text, more than the service accepts at once (${this.admission.budgetBytes})`);
    }
    const verdict = await orRedisDown(() => this.admission.admit(id, caller.client, bytes, reviews.length));
    if (verdict.admitted) return verdict.reviewsAhead;
    throw admissionRefusal(verdict, reviews.length, this.config);
  }

  /** The batch lane's depth, all clients together: a safety bound; fairness comes from the per-client share. */
  private async refuseWhenOverloaded(): Promise<void> {
    const backlog = await orRedisDown(() => this.queueStats.batchBacklog());
    if (backlog >= this.config.MAX_BATCH_QUEUE_DEPTH) throw new LaneFull('batch', `Too much work queued (${backlog} chunks waiting); try again shortly`);
  }
}


function assertUniqueIds(reviews: Review[]): void {
  const seen = new Set<string>();
  const duplicates: ValidationDetail[] = [];
  reviews.forEach((review, index) => {
    if (seen.has(review.id)) duplicates.push({ path: `reviews.${index}.id`, message: `duplicate id "${review.id}"`, code: 'duplicate' });
    seen.add(review.id);
  });
  if (duplicates.length) throw invalidRequest('Review ids must be unique', duplicates.slice(0, 20));
}
