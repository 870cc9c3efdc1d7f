import { Injectable } from '@nestjs/common';
import type { ModelEvent } from '@allocine/contracts';

import { HistoryDatabaseService } from '../history/history-database';

export type ModelAction = ModelEvent['action'];

/** The model lifecycle's audit log: the `model_events` table of the history database (migration 005). */
@Injectable()
export class ModelEventsRepository {
  constructor(private readonly database: HistoryDatabaseService) {}

  /** Throws (503) when the log cannot be written: an operation is refused rather than done unrecorded. */
  assertWritable(): void {
    this.database.ready();
  }

  async record(actor: string, action: ModelAction, fromVersion: string | null, toVersion: string | null, detail: string | null = null): Promise<void> {
    const row = { at: new Date(), actor, action, from_version: fromVersion, to_version: toVersion, detail };
    await this.database.answer(this.database.ready().insertInto('model_events').values(row).execute());
  }

  /** Newest first. */
  async list(limit: number): Promise<ModelEvent[]> {
    const rows = await this.database.answer(this.database.ready().selectFrom('model_events').selectAll().orderBy('id', 'desc').limit(limit).execute());
    return rows.map((row) => ({
      id: String(row.id),
      at: new Date(row.at).toISOString(),
      actor: row.actor,
      action: row.action,
      fromVersion: row.from_version,
      toVersion: row.to_version,
      detail: row.detail,
    }));
  }
}
