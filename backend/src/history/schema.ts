import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** PostgreSQL tables of the history (migrations.ts creates them; this is their TypeScript shape). */
export interface HistoryDatabase {
  predictions: PredictionsTable;
  jobs: JobsTable;
  corrections: CorrectionsTable;
  model_events: ModelEventsTable;
}

/** One model operation, for the audit log: who (a key's owner), when, which versions. */
export interface ModelEventsTable {
  id: Generated<string>;
  at: ColumnType<Date, Date | string, Date | string>;
  actor: string;
  action: 'shadow' | 'shadow-stop' | 'promote' | 'rollback';
  from_version: string | null;
  to_version: string | null;
  detail: string | null;
}

/** A reviewer's correction of one prediction (the latest replaces an earlier one). */
export interface CorrectionsTable {
  id: Generated<string>;
  prediction_event_id: string;
  /** The prediction's owner (whose history it is), so a key lists the corrections of its own predictions. */
  owner: string;
  /** Who corrected it: the key's owner (an admin may correct another key's prediction). */
  corrected_by: string;
  label: 'positive' | 'negative';
  /** What the model said, and which model and version said it. */
  predicted_label: 'positive' | 'negative';
  model: string;
  model_version: string;
  created_at: ColumnType<Date, Date | string, Date | string>;
}

export interface PredictionsTable {
  id: Generated<string>;
  /** Idempotency: a single prediction's uuid, or `<job id>:<position>` (a retried chunk rewrites its rows). */
  event_id: string;
  /** When it was classified (a rewritten row takes the time of its last classification). */
  created_at: ColumnType<Date, Date | string, Date | string>;
  owner: string;
  source: 'single' | 'job' | 'stream';
  job_id: string | null;
  /** 0-based place of the review in its job, in the caller's order. */
  position: number | null;
  review_id: string | null;
  /** Null when STORE_TEXT=false: only the hash is kept. */
  text: string | null;
  text_sha256: string;
  /** Null for a job's review that ended as an error (error_code then says why). */
  label: 'positive' | 'negative' | null;
  score: number | null;
  p_negative: number | null;
  p_positive: number | null;
  uncertain: boolean | null;
  latency_ms: number | null;
  model: string | null;
  model_version: string | null;
  error_code: string | null;
  error_message: string | null;
  /** Where a streamed review came from (source `stream`); null otherwise. */
  stream_topic: string | null;
  stream_partition: number | null;
  stream_offset: ColumnType<string | null, string | number | null, string | number | null>;
}

export interface JobsTable {
  id: string;
  owner: string;
  name: string | null;
  metadata: unknown;
  state: string;
  total: number;
  done: number;
  failed: number;
  positive: number;
  negative: number;
  created_at: ColumnType<Date, Date | string, never>;
  finished_at: Date | string | null;
}

export type PredictionRow = Selectable<PredictionsTable>;
export type NewPrediction = Insertable<PredictionsTable>;
export type JobRow = Selectable<JobsTable>;
