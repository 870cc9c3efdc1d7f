import { Inject, Injectable } from '@nestjs/common';

import { AppConfig, toBytes } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { JOB_FIELDS, JOB_TOMBSTONE_SUFFIX } from '../redis/redis-keys';
import { RedisService } from '../redis/redis.service';

export type Admission =
  /** `reviewsAhead`: this client's reviews already queued or running, which sets the new job's place in line. */
  | { admitted: true; reviewsAhead: number }
  | { admitted: false; reason: 'client'; activeJobs: number }
  | { admitted: false; reason: 'reviews'; queuedReviews: number }
  | { admitted: false; reason: 'budget'; acceptedBytes: number }
  | { admitted: false; reason: 'held'; heldBytes: number };

// One atomic step over the hash of accepted jobs (job id → "bytes|admitted at ms|reviews|client"; entries
// written before reviews were counted read as 0 reviews): forget jobs that have ended or been deleted (or whose
// record never appeared within the grace period: their submission failed), then admit the new one if its client has fewer
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
  local state = redis.call('HGET', ARGV[1] .. id, '${JOB_FIELDS.state}')
  -- No record: still being submitted (within the grace period), unless it was deleted (its tombstone).
  local deleted = redis.call('EXISTS', ARGV[1] .. id .. '${JOB_TOMBSTONE_SUFFIX}') == 1
  local live = state == 'queued' or state == 'running' or (not state and not deleted and now - tonumber(at) < grace)
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
-- What this client holds in Redis (KEYS[2], job id → "bytes|admitted at ms"): every job of its whose record is
-- still there, finished ones too, until their results expire or are deleted (JobStore's tombstone).
local held = 0
local mineHeld = redis.call('HGETALL', KEYS[2])
for i = 1, #mineHeld, 2 do
  local id, value = mineHeld[i], mineHeld[i + 1]
  local bytes, at = string.match(value, '^(%d+)|(%d+)$')
  local deleted = redis.call('EXISTS', ARGV[1] .. id .. '${JOB_TOMBSTONE_SUFFIX}') == 1
  if not deleted and (redis.call('EXISTS', ARGV[1] .. id) == 1 or now - tonumber(at) < grace) then
    held = held + tonumber(bytes)
  else
    redis.call('HDEL', KEYS[2], id)
  end
end
if held + tonumber(ARGV[12]) > tonumber(ARGV[11]) then return {'held', held} end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3] .. '|' .. ARGV[5] .. '|' .. ARGV[9] .. '|' .. ARGV[4])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[12] .. '|' .. ARGV[5])
return {'ok', myReviews}`;

/** Room a result row takes beyond its text and id (label, score, probabilities, status), for the held budget. */
const RESULT_ROW_BYTES = 200;

/** A submission that never got its job record is forgotten after this long. */
const GRACE_MS = 60_000;

/**
 * Admission of batch jobs beyond the batch lane's depth: at most MAX_ACTIVE_JOBS_PER_CLIENT unfinished jobs
 * and MAX_QUEUED_REVIEWS_PER_CLIENT unfinished reviews per client (its own backlog is its own limit, never
 * everyone's), at most ACCEPTED_WORK_BYTES of unfinished review text in all (what Redis must hold until it
 * is classified; its maxmemory is the hard bound, this keeps the API well inside it), and per client at most
 * RESULTS_BYTES_PER_CLIENT held in Redis, finished jobs' results included, until they expire or are deleted.
 */
@Injectable()
export class JobAdmission {
  readonly budgetBytes: number;
  readonly heldBudget: number;

  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.heldBudget = toBytes(config.RESULTS_BYTES_PER_CLIENT);
    this.budgetBytes = toBytes(config.ACCEPTED_WORK_BYTES);
  }

  async admit(jobId: string, client: string, bytes: number, reviews: number): Promise<Admission> {
    const { MAX_ACTIVE_JOBS_PER_CLIENT, MAX_QUEUED_REVIEWS_PER_CLIENT } = this.config;
    const held = bytes + reviews * RESULT_ROW_BYTES;
    const { keys } = this.redis;
    const args = [keys.jobPrefix, jobId, bytes, client, Date.now(), this.budgetBytes, MAX_ACTIVE_JOBS_PER_CLIENT, GRACE_MS, reviews, MAX_QUEUED_REVIEWS_PER_CLIENT, this.heldBudget, held];
    const [verdict, count] = (await this.redis.client.eval(ADMIT, 2, keys.acceptedJobs, keys.heldJobs(client), ...args)) as [string, number];
    if (verdict === 'client') return { admitted: false, reason: 'client', activeJobs: count };
    if (verdict === 'reviews') return { admitted: false, reason: 'reviews', queuedReviews: count };
    if (verdict === 'budget') return { admitted: false, reason: 'budget', acceptedBytes: count };
    if (verdict === 'held') return { admitted: false, reason: 'held', heldBytes: count };
    return { admitted: true, reviewsAhead: count };
  }

  /** The job was not accepted after all (its record or queue entry could not be written). */
  async withdraw(jobId: string, client: string): Promise<void> {
    const { keys } = this.redis;
    await this.redis.client.multi().hdel(keys.acceptedJobs, jobId).hdel(keys.heldJobs(client), jobId).exec();
  }
}
