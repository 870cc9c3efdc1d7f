import { loadConfig } from '../config/app-config';
import { RedisKeys } from '../redis/redis-keys';
import type { RedisService } from '../redis/redis.service';
import { strictDouble } from '../../test/unit/strict-double';
import { JobAdmission } from './admission';

const config = loadConfig({ MAX_ACTIVE_JOBS_PER_CLIENT: '3', MAX_QUEUED_REVIEWS_PER_CLIENT: '100', ACCEPTED_WORK_BYTES: '1mb', RESULTS_BYTES_PER_CLIENT: '2mb' });

function admission(answer: unknown) {
  const client = { eval: jest.fn(async () => answer), multi: jest.fn() };
  const redis = strictDouble<RedisService>('redis', { client: client as never, keys: new RedisKeys('test') });
  return { client, admission: new JobAdmission(redis, config) };
}

describe('JobAdmission', () => {
  it("runs one atomic script over the layout's keys, with the client's limits and what the job would hold", async () => {
    const { client, admission: jobs } = admission(['ok', 40]);
    expect(await jobs.admit('job-1', '203.0.113.7', 1_000, 10)).toEqual({ admitted: true, reviewsAhead: 40 });
    const [script, keyCount, accepted, held, jobPrefix, jobId, bytes, who, , budget, maxJobs, , reviews, maxReviews, heldBudget, heldBytes] = client.eval.mock
      .calls[0] as unknown as unknown[];
    expect(script).toContain("'state'"); // the record's field, from the layout (JOB_FIELDS), interpolated
    expect([keyCount, accepted, held, jobPrefix]).toEqual([2, 'test:accepted-jobs', 'test:held-jobs:203.0.113.7', 'test:job:']);
    expect([jobId, bytes, who, budget, maxJobs, reviews, maxReviews, heldBudget]).toEqual(['job-1', 1_000, '203.0.113.7', 1024 * 1024, 3, 10, 100, 2 * 1024 * 1024]);
    // The results it will hold: its text, and room for each row's label and scores.
    expect(heldBytes).toBe(1_000 + 10 * 200);
  });

  it.each([
    [['client', 3], { admitted: false, reason: 'client', activeJobs: 3 }],
    [['reviews', 95], { admitted: false, reason: 'reviews', queuedReviews: 95 }],
    [['budget', 1_048_000], { admitted: false, reason: 'budget', acceptedBytes: 1_048_000 }],
    [['held', 2_000_000], { admitted: false, reason: 'held', heldBytes: 2_000_000 }],
  ])('reads the refusal %j as %j', async (answer, verdict) => {
    expect(await admission(answer).admission.admit('job-1', 'c', 10, 1)).toEqual(verdict);
  });
});
