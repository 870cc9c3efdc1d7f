import type { JobStatus } from '@allocine/contracts';

import { ANONYMOUS, Caller } from '../access/key-ring';
import { ApiError } from '../common/api-errors';
import { loadConfig } from '../config/app-config';
import { LaneFull, RedisDown } from '../failures/failure';
import type { ServingProfileService } from '../model-server/serving-profile.service';
import type { PredictionProducer } from '../queue/prediction.producer';
import type { QueueStats } from '../queue/queue-stats.service';
import { strictDouble } from '../../test/unit/strict-double';
import type { JobAdmission } from './admission';
import { IdempotencyKeys } from './idempotency';
import { JobIntake } from './job-intake';
import type { JobReader, JobView } from './job-reader';
import type { JobRecord, JobStore } from './job.store';
import type { ModelLifecycleState } from '../model-state/lifecycle-state';

const caller: Caller = { owner: ANONYMOUS, client: '203.0.113.7' } as Caller;
const config = loadConfig({ MAX_BATCH_QUEUE_DEPTH: '100' });
const accepted = { id: 'job', state: 'queued' } as JobStatus;
const reviews = [{ text: 'Un chef-d’œuvre.' }, { text: 'Ennuyeux.' }, { text: 'Pas mal.' }];

function setUp(overrides: { backlog?: () => Promise<number>; admit?: JobAdmission['admit']; enqueue?: PredictionProducer['enqueueBatch'] } = {}) {
  const record = { id: 'job', chunkCount: 2 } as JobRecord;
  const store = strictDouble<JobStore>('store', { create: async () => record, remove: async () => undefined });
  const view = strictDouble<JobView>('view', { status: async () => accepted });
  const reader = strictDouble<JobReader>('reader', { find: async () => view });
  const producer = strictDouble<PredictionProducer>('producer', { enqueueBatch: overrides.enqueue ?? (async () => undefined) });
  const queueStats = strictDouble<QueueStats>('queueStats', { batchBacklog: overrides.backlog ?? (async () => 0) });
  const profile = strictDouble<ServingProfileService>('profile', { chunkSize: () => 2 });
  const admission = strictDouble<JobAdmission>('admission', {
    budgetBytes: 1_000_000,
    admit: overrides.admit ?? (async () => ({ admitted: true, reviewsAhead: 5 })),
    withdraw: async () => undefined,
  });
  const idempotency = strictDouble<IdempotencyKeys>('idempotency', {
    once: async (_owner, _key, _fingerprint, newId, create) => ({ value: await create(newId), replayed: false }),
  });
  const models = strictDouble<ModelLifecycleState>('models', { recent: async () => ({ live: '1.0', previous: null, shadow: null }) });
  const intake = new JobIntake(store, reader, producer, queueStats, profile, admission, models, idempotency, config);
  return { intake, store, producer, admission, idempotency, reader };
}

describe('JobIntake', () => {
  it('records the job in chunks of the serving profile, on the version live now, queued behind the client’s own reviews, and answers its status', async () => {
    const { intake, store, producer, admission } = setUp();
    const { job, replayed } = await intake.create(caller, reviews, { name: 'Lot', requestId: 'r1' });
    expect(job).toBe(accepted);
    expect(replayed).toBe(false);
    const [id] = store.create.mock.calls[0];
    expect(store.create).toHaveBeenCalledWith(id, ANONYMOUS, [{ id: '1', text: reviews[0].text }, { id: '2', text: reviews[1].text }, { id: '3', text: reviews[2].text }], 2, { name: 'Lot', metadata: null }, null, '1.0');
    expect(admission.admit).toHaveBeenCalledWith(id, caller.client, expect.any(Number), 3);
    // 5 reviews ahead, chunks of 2: this job's chunks queue after the client's 2 whole chunks.
    expect(producer.enqueueBatch).toHaveBeenCalledWith(id, 2, 'r1', 2);
  });

  it('refuses duplicate ids before anything is admitted or written', async () => {
    const { intake, admission, store } = setUp();
    const refused = await intake.create(caller, [{ id: 'a', text: 'x' }, { id: 'a', text: 'y' }]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).extra).toEqual([{ path: 'reviews.1.id', message: 'duplicate id "a"', code: 'duplicate' }]);
    expect(admission.admit).not.toHaveBeenCalled();
    expect(store.create).not.toHaveBeenCalled();
  });

  it('refuses a callback while webhooks are off, naming the field', async () => {
    const { intake, store } = setUp();
    const refused = (await intake.create(caller, reviews, { callbackUrl: 'https://films.example/hook' }).catch((error: unknown) => error)) as ApiError;
    expect(refused.extra).toEqual([expect.objectContaining({ path: 'callbackUrl', code: 'callback_refused' })]);
    expect(store.create).not.toHaveBeenCalled();
  });

  it('refuses a full batch lane before admission: the client’s share is not touched', async () => {
    const { intake, admission } = setUp({ backlog: async () => 100 });
    await expect(intake.create(caller, reviews)).rejects.toBeInstanceOf(LaneFull);
    expect(admission.admit).not.toHaveBeenCalled();
  });

  it("turns the client's full share into a 429 it can act on, and writes nothing", async () => {
    const { intake, store } = setUp({ admit: async () => ({ admitted: false, reason: 'client', activeJobs: 3 }) });
    const refused = (await intake.create(caller, reviews).catch((error: unknown) => error)) as ApiError;
    expect(refused.type).toBe('too-many-jobs');
    expect(refused.retryAfterSeconds).toBe(30);
    expect(refused.message).toMatch(/already have 3 jobs queued or running/);
    expect(store.create).not.toHaveBeenCalled();
  });

  it('undoes the record and the admission when the chunks cannot be queued: nothing half-accepted stays', async () => {
    const { intake, store, admission } = setUp({ enqueue: async () => Promise.reject(new Error('READONLY')) });
    await expect(intake.create(caller, reviews)).rejects.toBeInstanceOf(RedisDown);
    expect(store.remove).toHaveBeenCalledWith(expect.objectContaining({ id: 'job' }));
    expect(admission.withdraw).toHaveBeenCalledWith(expect.any(String), caller.client);
  });

  it('passes an Idempotency-Key with the fingerprint of the validated request', async () => {
    const { intake, idempotency } = setUp();
    await intake.create(caller, reviews, {}, 'retry-1');
    const fingerprint = IdempotencyKeys.fingerprint({
      reviews: reviews.map((review, index) => ({ id: String(index + 1), text: review.text })),
      name: null,
      metadata: null,
      callbackUrl: null,
    });
    expect(idempotency.once).toHaveBeenCalledWith(ANONYMOUS, 'retry-1', fingerprint, expect.any(String), expect.any(Function), expect.any(Function));
  });
});
