import type { Kysely } from 'kysely';

import type { ErrorRowEvent, HistoryEvent, JobDeletedEvent, JobEvent, PredictionEvent } from './history-events';
import type { HistoryDatabase, NewPrediction } from './schema';

/**
 * A job's metadata is any JSON object (as its schema says), but jsonb cannot hold U+0000: in the history's copy
 * it becomes U+FFFD, in keys and strings alike. The job itself (Redis, GET /jobs/{id}) keeps it as sent.
 */
export function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\ufffd');
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [withoutNul(key), withoutNul(item)]));
  return value;
}

/**
 * Writes a batch of history events in one transaction, idempotently: event ids are unique (a rewritten event
 * replaces its row), a job's row takes its latest state, and a deletion in the batch removes what the same
 * batch wrote.
 */
export async function writeEvents(db: Kysely<HistoryDatabase>, events: HistoryEvent[]): Promise<void> {
  const rows = events.flatMap((e) => (e.type === 'prediction' ? [toRow(e)] : e.type === 'error-row' ? [toErrorRow(e)] : []));
  const predictions = dedupe(rows, (row) => row.event_id);
  const jobs = dedupe(events.filter((e): e is JobEvent => e.type === 'job'), (job) => job.id);
  const deleted = events.filter((e): e is JobDeletedEvent => e.type === 'job-deleted');
  await db.transaction().execute(async (tx) => {
    for (const job of jobs) {
      const row = {
        id: job.id,
        owner: job.owner,
        name: job.name,
        metadata: job.metadata === null || job.metadata === undefined ? null : JSON.stringify(withoutNul(job.metadata)),
        state: job.state,
        total: job.total,
        done: job.done,
        failed: job.failed,
        positive: job.positive,
        negative: job.negative,
        created_at: job.createdAt,
        finished_at: job.finishedAt,
      };
      await tx
        .insertInto('jobs')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet({ state: row.state, done: row.done, failed: row.failed, positive: row.positive, negative: row.negative, finished_at: row.finished_at }))
        .execute();
    }
    // Multi-row inserts of a few hundred rows: one round trip each, well under PostgreSQL's parameter limit.
    for (let start = 0; start < predictions.length; start += 500) {
      await tx
        .insertInto('predictions')
        .values(predictions.slice(start, start + 500))
        .onConflict((oc) =>
          oc.column('event_id').doUpdateSet((eb) => ({
            label: eb.ref('excluded.label'),
            score: eb.ref('excluded.score'),
            p_negative: eb.ref('excluded.p_negative'),
            p_positive: eb.ref('excluded.p_positive'),
            uncertain: eb.ref('excluded.uncertain'),
            model: eb.ref('excluded.model'),
            model_version: eb.ref('excluded.model_version'),
            error_code: eb.ref('excluded.error_code'),
            error_message: eb.ref('excluded.error_message'),
            created_at: eb.ref('excluded.created_at'),
          })),
        )
        .execute();
    }
    // Last: a deletion in this batch also removes rows the same batch wrote.
    for (const job of deleted) {
      await tx.deleteFrom('predictions').where('job_id', '=', job.id).where('owner', '=', job.owner).execute();
      await tx.deleteFrom('jobs').where('id', '=', job.id).where('owner', '=', job.owner).execute();
    }
  });
}

function toRow(event: PredictionEvent): NewPrediction {
  return {
    event_id: event.eventId,
    created_at: event.at,
    owner: event.owner,
    source: event.stream ? 'stream' : event.jobId ? 'job' : 'single',
    job_id: event.jobId,
    position: event.position,
    review_id: event.reviewId,
    text: event.text,
    text_sha256: event.textSha256,
    label: event.label,
    score: event.score,
    p_negative: event.probabilities.negative,
    p_positive: event.probabilities.positive,
    uncertain: event.uncertain,
    latency_ms: event.latencyMs,
    model: event.model,
    model_version: event.version,
    error_code: null,
    error_message: null,
    stream_topic: event.stream?.topic ?? null,
    stream_partition: event.stream?.partition ?? null,
    stream_offset: event.stream?.offset ?? null,
  };
}

function toErrorRow(event: ErrorRowEvent): NewPrediction {
  return {
    event_id: event.eventId,
    created_at: event.at,
    owner: event.owner,
    source: 'job',
    job_id: event.jobId,
    position: event.position,
    review_id: event.reviewId,
    text: event.text,
    text_sha256: event.textSha256,
    label: null,
    score: null,
    p_negative: null,
    p_positive: null,
    uncertain: null,
    latency_ms: null,
    model: null,
    model_version: null,
    error_code: event.error.code,
    error_message: event.error.message,
  };
}

/** The last of each key wins (a retried chunk's rows, a job's latest state); PostgreSQL refuses one key twice per insert. */
function dedupe<T>(items: T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}
