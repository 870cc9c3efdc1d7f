import { Injectable } from '@nestjs/common';
import type { JobListItem, JobResultRow, JobStatus } from '@allocine/contracts';

import { HistoryRepository } from '../history/history.repository';

// Only for a job archived before error rows were kept (or a row lost with its retention).
const NOT_KEPT = { code: 'not_kept', message: 'this review is not in the history' };

/**
 * Finished jobs whose Redis copy has expired, served from the history: status from its job row, results
 * from its rows (classified reviews and those that ended as errors) in their places.
 */
@Injectable()
export class ArchivedJobs {
  constructor(private readonly history: HistoryRepository) {}

  /** The owner's job in the history; null when unknown there or when there is no history (503 when it is down). */
  find(owner: string, id: string): Promise<JobListItem | null> {
    return this.history.job(owner, id);
  }

  status(job: JobListItem, links: JobStatus['links']): JobStatus {
    return {
      id: job.id,
      state: job.state,
      progress: { done: job.done, total: job.total, failed: job.failed },
      createdAt: job.createdAt,
      startedAt: null,
      finishedAt: job.finishedAt,
      expiresAt: null,
      summary: { positive: job.positive, negative: job.negative, errors: job.failed },
      links,
    };
  }

  async rows(job: JobListItem, offset: number, limit: number): Promise<JobResultRow[]> {
    const end = Math.min(offset + limit, job.total);
    if (offset >= end) return [];
    const kept = await this.history.jobRows(job.id, offset, end - offset);
    const rows: JobResultRow[] = [];
    for (let position = offset; position < end; position++) {
      rows.push(kept.get(position) ?? { id: String(position + 1), text: '', status: 'error', error: NOT_KEPT });
    }
    return rows;
  }
}
