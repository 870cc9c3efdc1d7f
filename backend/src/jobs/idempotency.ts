import { createHash } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';

import { orRedisDown } from '../failures/failure';
import { ApiError } from '../common/api-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RedisService } from '../redis/redis.service';

/** What an `Idempotency-Key` on POST /jobs means this time. */
export type IdempotencyClaim = { kind: 'new' } | { kind: 'replay'; jobId: string } | { kind: 'mismatch' };

/**
 * `Idempotency-Key` for job creation: per key of a caller, the first request's fingerprint and job id, kept
 * IDEMPOTENCY_TTL_SECONDS. The claim is one SET NX, so two concurrent retries create one job between them.
 * The fingerprint is of the validated request (reviews with their ids, name, metadata): the same job sent as
 * JSON with other spacing, or the same rows again, is the same request.
 */
@Injectable()
export class IdempotencyKeys {
  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  static fingerprint(request: unknown): string {
    return createHash('sha256').update(JSON.stringify(request)).digest('hex');
  }

  /**
   * `create(newId)` the first time this key is used; the first job's `replay(jobId)` when the same request
   * comes again; 422 when the key comes with another request. A refused creation frees the key.
   */
  async once<T>(
    owner: string,
    key: string,
    fingerprint: string,
    newId: string,
    create: (id: string) => Promise<T>,
    replay: (id: string) => Promise<T>,
  ): Promise<{ value: T; replayed: boolean }> {
    const claim = await orRedisDown(() => this.claim(owner, key, fingerprint, newId));
    if (claim.kind === 'mismatch') {
      throw new ApiError('idempotency-mismatch', 'This Idempotency-Key was already used with a different request body');
    }
    if (claim.kind === 'replay') return { value: await replay(claim.jobId), replayed: true };
    try {
      return { value: await create(newId), replayed: false };
    } catch (error) {
      await this.release(owner, key).catch(() => undefined);
      throw error;
    }
  }

  async claim(owner: string, key: string, fingerprint: string, jobId: string): Promise<IdempotencyClaim> {
    const slot = this.slot(owner, key);
    const claimed = await this.redis.client.set(slot, `${fingerprint}|${jobId}`, 'EX', this.config.IDEMPOTENCY_TTL_SECONDS, 'NX');
    if (claimed === 'OK') return { kind: 'new' };
    const [seen, firstJob] = ((await this.redis.client.get(slot)) ?? '').split('|');
    if (!firstJob) return this.claim(owner, key, fingerprint, jobId); // expired between the two calls
    return seen === fingerprint ? { kind: 'replay', jobId: firstJob } : { kind: 'mismatch' };
  }

  /** The job was not accepted after all: the key is free for a retry. */
  async release(owner: string, key: string): Promise<void> {
    await this.redis.client.del(this.slot(owner, key));
  }

  private slot(owner: string, key: string): string {
    return this.redis.keys.idempotency(owner, key);
  }
}
