import { Inject, Injectable } from '@nestjs/common';

import { AppConfig, toBytes } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RedisService } from '../redis/redis.service';

export type Admission =
  /** `reviewsAhead`: this client's reviews already queued or running, which sets the new job's place in line. */
  | { admitted: true; reviewsAhead: number }
  | { admitted: false; reason: 'client'; activeJobs: number }
  | { admitted: false; reason: 'reviews'; queuedReviews: number }
  | { admitted: false; reason: 'budget'; acceptedBytes: number };

// One atomic step over the hash of accepted jobs (job id → "bytes|admitted at ms|reviews|client"; entries
// written before reviews were counted read as 0 reviews): forget jobs that have ended (or whose record never
// appeared within the grace period: their submission failed), then admit the new one if its client has fewer
// than ARGV[7] unfinished jobs and at most ARGV[10] unfinished reviews with it, and the unfinished text stays
// within ARGV[6] bytes. Pruning here, rather than on every finish, means no code path can leak budget.
const ADMIT = `
local now, grace = tonumber(ARGV[5]), tonumber(ARGV[8])
local entries = redis.call('HGETALL', KEYS[1])
local total, mine, myReviews = 0, 0, 0
for i = 1, #entries, 2 do
  local id, value = entries[i], entries[i + 1]
  local bytes, at, reviews, client = string.match(value, '^(%d+)|(%d+)|(%d+)|(.*)$')
  if not bytes then
    bytes, at, client = string.match(value, '^(%d+)|(%d+)|(.*)$')
    reviews = 0
  end
  local state = redis.call('HGET', ARGV[1] .. id, 'state')
  local live = state == 'queued' or state == 'running' or (not state and now - tonumber(at) < grace)
  if live then
    total = total + tonumber(bytes)
    if client == ARGV[4] then
      mine = mine + 1
      myReviews = myReviews + tonumber(reviews)
    end
  else
    redis.call('HDEL', KEYS[1], id)
  end
end
if mine >= tonumber(ARGV[7]) then return {'client', mine} end
if myReviews + tonumber(ARGV[9]) > tonumber(ARGV[10]) then return {'reviews', myReviews} end
if total + tonumber(ARGV[3]) > tonumber(ARGV[6]) then return {'budget', total} end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3] .. '|' .. ARGV[5] .. '|' .. ARGV[9] .. '|' .. ARGV[4])
return {'ok', myReviews}`;

/** A submission that never got its job record is forgotten after this long. */
const GRACE_MS = 60_000;

/**
 * Admission of batch jobs beyond the batch lane's depth: at most MAX_ACTIVE_JOBS_PER_CLIENT unfinished jobs
 * and MAX_QUEUED_REVIEWS_PER_CLIENT unfinished reviews per client (its own backlog is its own limit, never
 * everyone's), and at most ACCEPTED_WORK_BYTES of unfinished review text in all (what Redis must hold until it
 * is classified; its maxmemory is the hard bound, this keeps the API well inside it).
 */
@Injectable()
export class JobAdmission {
  private readonly key: string;
  private readonly jobPrefix: string;
  readonly budgetBytes: number;

  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.key = `${config.QUEUE_PREFIX}:accepted-jobs`;
    this.jobPrefix = `${config.QUEUE_PREFIX}:job:`;
    this.budgetBytes = toBytes(config.ACCEPTED_WORK_BYTES);
  }

  async admit(jobId: string, client: string, bytes: number, reviews: number): Promise<Admission> {
    const { MAX_ACTIVE_JOBS_PER_CLIENT, MAX_QUEUED_REVIEWS_PER_CLIENT } = this.config;
    const args = [this.jobPrefix, jobId, bytes, client, Date.now(), this.budgetBytes, MAX_ACTIVE_JOBS_PER_CLIENT, GRACE_MS, reviews, MAX_QUEUED_REVIEWS_PER_CLIENT];
    const [verdict, count] = (await this.redis.client.eval(ADMIT, 1, this.key, ...args)) as [string, number];
    if (verdict === 'client') return { admitted: false, reason: 'client', activeJobs: count };
    if (verdict === 'reviews') return { admitted: false, reason: 'reviews', queuedReviews: count };
    if (verdict === 'budget') return { admitted: false, reason: 'budget', acceptedBytes: count };
    return { admitted: true, reviewsAhead: count };
  }

  /** The job was not accepted after all (its record or queue entry could not be written). */
  async withdraw(jobId: string): Promise<void> {
    await this.redis.client.hdel(this.key, jobId);
  }
}
