import { Kysely, Migration, MigrationProvider, Migrator, sql } from 'kysely';

/**
 * Migrations as code, applied in name order at boot (Kysely's migrator holds a lock, so replicas starting
 * together apply each once). Never edit one that has shipped: add the next.
 */
const migrations: Record<string, Migration> = {
  '2026-11-28-001-history': {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        create table jobs (
          id uuid primary key,
          owner text not null,
          name text,
          metadata jsonb,
          state text not null,
          total integer not null,
          done integer not null default 0,
          failed integer not null default 0,
          positive integer not null default 0,
          negative integer not null default 0,
          created_at timestamptz not null,
          finished_at timestamptz
        )`.execute(db);
      // The caller's jobs, newest first (GET /jobs).
      await sql`create index jobs_owner_created on jobs (owner, created_at desc, id desc)`.execute(db);
      await sql`
        create table predictions (
          id bigint generated always as identity primary key,
          event_id text not null unique,
          created_at timestamptz not null,
          owner text not null,
          source text not null check (source in ('single', 'job')),
          job_id uuid,
          position integer,
          review_id text,
          text text,
          text_sha256 text not null,
          label text not null check (label in ('positive', 'negative')),
          score real not null,
          p_negative real not null,
          p_positive real not null,
          uncertain boolean not null,
          latency_ms real,
          model text not null,
          model_version text not null,
          search tsvector generated always as (to_tsvector('french', coalesce(text, ''))) stored
        )`.execute(db);
      // History pages (newest first, by id cursor) and statistics per time bucket, per owner.
      await sql`create index predictions_owner_id on predictions (owner, id desc)`.execute(db);
      await sql`create index predictions_owner_time on predictions (owner, created_at)`.execute(db);
      // French full-text search (q=).
      await sql`create index predictions_search on predictions using gin (search)`.execute(db);
      // A job's rows in the caller's order; deleting a job's data.
      await sql`create index predictions_job on predictions (job_id, position)`.execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop table predictions`.execute(db);
      await sql`drop table jobs`.execute(db);
    },
  },
  // Reviews of a job that ended as errors are kept too, so an expired job's results stay whole.
  '2026-11-28-002-error-rows': {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const column of ['label', 'score', 'p_negative', 'p_positive', 'uncertain', 'model', 'model_version']) {
        await sql`alter table predictions alter column ${sql.ref(column)} drop not null`.execute(db);
      }
      await sql`alter table predictions add column error_code text, add column error_message text`.execute(db);
      await sql`alter table predictions add constraint predictions_outcome check ((label is null) = (error_code is not null))`.execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`delete from predictions where label is null`.execute(db);
      await sql`alter table predictions drop constraint predictions_outcome, drop column error_code, drop column error_message`.execute(db);
    },
  },
  // Reviews classified from the Kafka stream: origin `stream`, with the message's topic, partition and offset.
  '2026-12-07-003-stream-origin': {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`alter table predictions drop constraint predictions_source_check`.execute(db);
      await sql`alter table predictions add constraint predictions_source_check check (source in ('single', 'job', 'stream'))`.execute(db);
      await sql`alter table predictions add column stream_topic text, add column stream_partition integer, add column stream_offset bigint`.execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`delete from predictions where source = 'stream'`.execute(db);
      await sql`alter table predictions drop column stream_topic, drop column stream_partition, drop column stream_offset`.execute(db);
      await sql`alter table predictions drop constraint predictions_source_check`.execute(db);
      await sql`alter table predictions add constraint predictions_source_check check (source in ('single', 'job'))`.execute(db);
    },
  },
  // Reviewers' corrections (POST /predictions/{id}/feedback): one per prediction, the latest wins; gone with it.
  '2026-12-07-004-corrections': {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        create table corrections (
          id bigint generated always as identity primary key,
          prediction_event_id text not null unique references predictions (event_id) on delete cascade,
          owner text not null,
          corrected_by text not null,
          label text not null check (label in ('positive', 'negative')),
          predicted_label text not null check (predicted_label in ('positive', 'negative')),
          model text not null,
          model_version text not null,
          created_at timestamptz not null
        )`.execute(db);
      // The caller's corrections, newest first; counts per model version.
      await sql`create index corrections_owner_id on corrections (owner, id desc)`.execute(db);
      await sql`create index corrections_version on corrections (model, model_version)`.execute(db);
      await sql`create index predictions_version on predictions (model, model_version)`.execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop index predictions_version`.execute(db);
      await sql`drop table corrections`.execute(db);
    },
  },
  // The model lifecycle's audit log (docs/model-lifecycle.md): who shadowed, promoted or rolled back what, when.
  '2026-12-08-005-model-events': {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        create table model_events (
          id bigint generated always as identity primary key,
          at timestamptz not null,
          actor text not null,
          action text not null check (action in ('shadow', 'shadow-stop', 'promote', 'rollback')),
          from_version text,
          to_version text,
          detail text
        )`.execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop table model_events`.execute(db);
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Bring the schema up to date; throws (naming the migration) when one fails. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`history migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
