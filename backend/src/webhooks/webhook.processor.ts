import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { JobStatus, WebhookAttempt, WebhookDelivery, WebhookPayload } from '@allocine/contracts';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';

import { PerClientSlots } from '../common/per-client-slots';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { JobRecord, JobStore } from '../jobs/job.store';
import { CAPPED_BACKOFF, cappedBackoff } from '../queue/backoff';
import { CallbackJobData, WEBHOOK_QUEUE } from '../queue/queue.constants';
import { drain } from '../queue/drain';
import { CallbackPolicy, CallbackRefused, refusalOf } from '../callback-url/callback-target';
import { postCallback } from './deliver';
import { SIGNATURE_HEADERS, sign, signingSecretFor } from './signature';

/**
 * Delivers a finished job's status to its callbackUrl: signed, one attempt per BullMQ attempt, each recorded on
 * the job (`webhook.attempts`), retried with capped exponential backoff until a 2xx or WEBHOOK_MAX_ATTEMPTS.
 * At least once: a worker that dies mid-POST leaves the attempt to another, so receivers dedupe on webhook-id.
 * Fair: one key's deliveries hold at most WEBHOOK_CONCURRENCY_PER_CLIENT of this worker's slots; past that its
 * next one waits a moment (without spending an attempt), so a key whose receivers hang delays only its own.
 */
/** How long a delivery waits when its key already holds all the slots it may. */
const RETRY_WHEN_BUSY_MS = 500;

@Processor(WEBHOOK_QUEUE, { concurrency: 16 })
export class WebhookProcessor extends WorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookProcessor.name);
  private readonly backoff: (attemptsMade: number, type?: string) => number;
  private readonly policy: CallbackPolicy;
  private readonly inFlight: PerClientSlots;

  constructor(
    private readonly store: JobStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
    this.backoff = cappedBackoff(config.WEBHOOK_BACKOFF_MS, config.WEBHOOK_MAX_BACKOFF_MS);
    this.policy = { allowedHosts: config.WEBHOOK_ALLOWED_HOSTS, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE };
    this.inFlight = new PerClientSlots(config.WEBHOOK_CONCURRENCY_PER_CLIENT);
  }

  onApplicationBootstrap(): void {
    this.worker.opts.settings = { ...this.worker.opts.settings, backoffStrategy: this.backoff };
  }

  async onModuleDestroy(): Promise<void> {
    await drain(this.worker, this.config.SHUTDOWN_GRACE_MS, this.logger);
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn(`worker error: ${error.message}`);
  }

  async process(job: Job<CallbackJobData>, token?: string): Promise<{ state: string }> {
    const record = await this.store.get(job.data.jobId);
    if (!record?.callbackUrl || !record.webhook) return { state: 'gone' };
    if (record.webhook.state !== 'pending') return { state: record.webhook.state };
    const release = this.inFlight.take(record.owner);
    if (!release) {
      // This key already holds its share of the slots: try again shortly, the attempt not spent.
      await job.moveToDelayed(Date.now() + RETRY_WHEN_BUSY_MS, token);
      throw new DelayedError();
    }
    try {
      return await this.deliver(job, record, record.webhook);
    } finally {
      release();
    }
  }

  private async deliver(job: Job<CallbackJobData>, record: JobRecord, webhook: WebhookDelivery): Promise<{ state: string }> {
    const attempt = job.attemptsMade + 1;
    const started = Date.now();
    const { status, error, refused } = await this.attempt(record);
    const delivered = error === null;
    const last = delivered || refused || attempt >= (job.opts.attempts ?? 1);
    const made: WebhookAttempt = { attempt, at: new Date(started).toISOString(), status, error, durationMs: Date.now() - started };
    const delivery: WebhookDelivery = {
      ...webhook,
      state: delivered ? 'delivered' : last ? 'failed' : 'pending',
      attempts: [...webhook.attempts, made],
      nextAttemptAt: last ? null : new Date(Date.now() + this.backoff(attempt, CAPPED_BACKOFF)).toISOString(),
    };
    await this.store.saveWebhook(record.id, delivery);
    if (delivered) return { state: 'delivered' };
    this.logger.warn(`job ${record.id}: callback attempt ${attempt} failed: ${error}`);
    throw refused ? new UnrecoverableError(error ?? 'refused') : new Error(error ?? 'failed');
  }

  /** One signed POST of the job's status; the policy is checked again (a name may resolve elsewhere now). */
  private async attempt(record: JobRecord): Promise<{ status: number | null; error: string | null; refused: boolean }> {
    try {
      const secret = this.config.WEBHOOK_SECRET;
      const refusal = secret ? await refusalOf(record.callbackUrl as string, this.policy) : 'webhooks are off on this worker (no WEBHOOK_SECRET)';
      if (refusal || !secret) throw new CallbackRefused(refusal ?? '');
      const data: Partial<JobStatus> = await this.store.status(record);
      delete data.webhook; // the receiver is told the outcome, not the story of its own deliveries
      const body = JSON.stringify({ type: `job.${record.state}`, timestamp: new Date().toISOString(), data } as WebhookPayload);
      // One id per job outcome, the same on every attempt: what receivers deduplicate on.
      const id = `${record.id}.${record.state}`;
      const timestamp = Math.floor(Date.now() / 1000);
      const headers = {
        [SIGNATURE_HEADERS.id]: id,
        [SIGNATURE_HEADERS.timestamp]: String(timestamp),
        [SIGNATURE_HEADERS.signature]: sign(signingSecretFor(secret, record.owner), id, timestamp, body),
      };
      const status = await postCallback(record.callbackUrl as string, body, headers, this.config.WEBHOOK_TIMEOUT_MS, this.policy);
      return { status, error: status >= 200 && status <= 299 ? null : `the receiver answered ${status}`, refused: false };
    } catch (failure) {
      return { status: null, error: (failure as Error).message, refused: failure instanceof CallbackRefused };
    }
  }
}
