import { Injectable, Logger } from '@nestjs/common';
import type { JobStatus } from '@allocine/contracts';

import { orRedisDown } from '../failures/failure';
import { HistoryLog } from '../history/history-log';
import { PredictionProducer } from '../queue/prediction.producer';
import { JobReader } from './job-reader';
import { JobStore } from './job.store';

/** DELETE /jobs/{id}: a job in progress is cancelled, a finished one deleted with its results and history. */
@Injectable()
export class JobControl {
  private readonly logger = new Logger(JobControl.name);

  constructor(
    private readonly reader: JobReader,
    private readonly store: JobStore,
    private readonly producer: PredictionProducer,
    private readonly history: HistoryLog,
  ) {}

  /**
   * A queued or running job is cancelled (finished work kept; its status is returned); a finished one is
   * deleted with its results and its history (null is returned).
   */
  async remove(owner: string, id: string): Promise<JobStatus | null> {
    const job = await this.reader.find(owner, id);
    if (job.live && (job.state === 'queued' || job.state === 'running')) {
      const state = await orRedisDown(() => this.store.cancel(id));
      if (state === 'cancelled') {
        await this.producer.withdrawBatch(id).catch(() => undefined);
        await this.store.finish(id);
        // Best effort: the cancel stands either way, and a finalize still running queues the same callback.
        if (job.live.callbackUrl) {
          await this.producer.enqueueCallback(id).catch((error: Error) => this.logger.warn(`job ${id}: callback not queued: ${error.message}`));
        }
        return (await this.reader.find(owner, id)).status();
      }
    }
    // Finished (or it finished just now): everything goes, Redis now, the history through its stream.
    await orRedisDown(async () => {
      await this.store.delete(id, job.live);
      await this.history.append([{ type: 'job-deleted', id, owner }]);
    });
    return null;
  }
}

