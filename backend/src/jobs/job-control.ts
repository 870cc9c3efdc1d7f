import { Injectable, Logger } from '@nestjs/common';
import type { JobStatus } from '@allocine/contracts';

import { conflict } from '../common/api-errors';
import { orRedisDown } from '../failures/failure';
import { HistoryLog } from '../history/history-log';
import { PredictionProducer } from '../queue/prediction.producer';
import { JobReader } from './job-reader';
import { JobStore } from './job.store';

/**
 * POST /jobs/{id}/cancel stops a job and keeps what it finished; DELETE /jobs/{id} removes a job whatever its
 * state (stopping it first), so that after a DELETE the job is gone, as HTTP clients expect.
 */
@Injectable()
export class JobControl {
  private readonly logger = new Logger(JobControl.name);

  constructor(
    private readonly reader: JobReader,
    private readonly store: JobStore,
    private readonly producer: PredictionProducer,
    private readonly history: HistoryLog,
  ) {}

  /** Cancel a queued or running job: its waiting chunks withdrawn, finished work kept, its callback sent. */
  async cancel(owner: string, id: string): Promise<JobStatus> {
    const job = await this.reader.find(owner, id);
    const outcome = job.live && (job.state === 'queued' || job.state === 'running') ? await this.stop(id) : `already:${job.state}`;
    if (outcome !== 'cancelled') {
      throw conflict(`Job ${id} is ${outcome?.replace('already:', '') ?? 'gone'}: only a queued or running job can be cancelled`);
    }
    if (job.live?.callbackUrl) {
      // Best effort: the cancel stands either way, and a finalize still running queues the same callback.
      await this.producer.enqueueCallback(id).catch((error: Error) => this.logger.warn(`job ${id}: callback not queued: ${error.message}`));
    }
    return (await this.reader.find(owner, id)).status();
  }

  /** Delete a job with its results and history; an unfinished one is stopped first (no callback: it is gone). */
  async remove(owner: string, id: string): Promise<void> {
    const job = await this.reader.find(owner, id);
    if (job.live && (job.state === 'queued' || job.state === 'running')) await this.stop(id);
    // Everything goes, Redis now, the history through its stream; a chunk still being classified is not saved.
    await orRedisDown(async () => {
      await this.store.delete(id, job.live);
      await this.history.append([{ type: 'job-deleted', id, owner }]);
    });
  }

  /** 'cancelled' when this call stopped the job, else the state it had already reached. */
  private async stop(id: string): Promise<string | null> {
    const state = await orRedisDown(() => this.store.cancel(id));
    if (state !== 'cancelled') return state;
    await this.producer.withdrawBatch(id).catch(() => undefined);
    await this.store.finish(id);
    return state;
  }
}
