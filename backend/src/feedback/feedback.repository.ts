import { Injectable } from '@nestjs/common';
import type { Correction, CorrectionList, VersionErrorRates } from '@allocine/contracts';
import { sql } from 'kysely';

import type { Caller } from '../access/key-ring';
import { conflict } from '../common/api-errors';
import { round } from '../common/round';
import { HistoryDatabaseService } from '../history/history-database';

type Label = 'positive' | 'negative';

/**
 * Corrections in the history database (the `corrections` table, history/migrations.ts), beside the predictions
 * they correct. A client key reaches only its own predictions; an admin key every key's.
 */
@Injectable()
export class FeedbackRepository {
  constructor(private readonly database: HistoryDatabaseService) {}

  /** Record (or replace) the correction of one prediction; null when the caller has no such prediction (yet). */
  async correct(caller: Caller, predictionId: string, label: Label): Promise<Correction | null> {
    const db = this.database.ready();
    let find = db.selectFrom('predictions').selectAll().where('event_id', '=', predictionId);
    if (caller.role !== 'admin') find = find.where('owner', '=', caller.owner);
    const prediction = await this.database.answer(find.executeTakeFirst());
    if (!prediction) return null;
    if (prediction.label === null || prediction.model === null || prediction.model_version === null) {
      throw conflict(`Review ${predictionId} ended as an error, not a prediction: there is nothing to correct`);
    }
    const correction = {
      prediction_event_id: predictionId,
      owner: prediction.owner,
      corrected_by: caller.owner,
      label,
      predicted_label: prediction.label,
      model: prediction.model,
      model_version: prediction.model_version,
      created_at: new Date(),
    };
    await this.database.answer(
      db
        .insertInto('corrections')
        .values(correction)
        .onConflict((oc) => oc.column('prediction_event_id').doUpdateSet({ label, corrected_by: caller.owner, created_at: correction.created_at }))
        .execute(),
    );
    return {
      predictionId,
      label,
      predictedLabel: prediction.label,
      model: prediction.model,
      version: prediction.model_version,
      source: prediction.source,
      jobId: prediction.job_id,
      reviewId: prediction.review_id,
      text: prediction.text,
      correctedBy: caller.owner,
      correctedAt: correction.created_at.toISOString(),
    };
  }

  /** The corrections of the caller's predictions (every key's for an admin), newest first. */
  async list(caller: Caller, cursor: string | undefined, limit: number): Promise<CorrectionList> {
    let query = this.database
      .ready()
      .selectFrom('corrections as c')
      .innerJoin('predictions as p', 'p.event_id', 'c.prediction_event_id')
      .select([
        'c.id', 'c.prediction_event_id', 'c.label', 'c.predicted_label', 'c.model', 'c.model_version', 'c.corrected_by', 'c.created_at',
        'p.source', 'p.job_id', 'p.review_id', 'p.text',
      ]);
    if (caller.role !== 'admin') query = query.where('c.owner', '=', caller.owner);
    if (cursor) query = query.where('c.id', '<', cursor);
    const rows = await this.database.answer(query.orderBy('c.id', 'desc').limit(limit + 1).execute());
    const page = rows.slice(0, limit);
    return {
      items: page.map((row) => ({
        predictionId: row.prediction_event_id,
        label: row.label,
        predictedLabel: row.predicted_label,
        model: row.model,
        version: row.model_version,
        source: row.source,
        jobId: row.job_id,
        reviewId: row.review_id,
        text: row.text,
        correctedBy: row.corrected_by,
        correctedAt: new Date(row.created_at).toISOString(),
      })),
      nextCursor: rows.length > limit ? String(page.at(-1)!.id) : null,
    };
  }

  /** Every key's corrections made since `since` (at most `limit`, newest first): what a shadow run is scored on. */
  async correctedSince(since: Date, limit: number): Promise<{ predictionId: string; label: Label; predictedLabel: Label }[]> {
    const rows = await this.database.answer(
      this.database
        .ready()
        .selectFrom('corrections')
        .select(['prediction_event_id', 'label', 'predicted_label'])
        .where('created_at', '>=', since)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),
    );
    return rows.map((row) => ({ predictionId: row.prediction_event_id, label: row.label, predictedLabel: row.predicted_label }));
  }

  /** Per model version: what it classified, how much of it reviewers looked at, and how much it got wrong. */
  async versions(caller: Caller): Promise<VersionErrorRates> {
    let query = this.database
      .ready()
      .selectFrom('predictions as p')
      .leftJoin('corrections as c', 'c.prediction_event_id', 'p.event_id')
      .select([
        'p.model',
        'p.model_version',
        sql<number>`count(*)::int`.as('predictions'),
        sql<number>`count(c.id)::int`.as('reviewed'),
        sql<number>`(count(c.id) filter (where c.label <> c.predicted_label))::int`.as('wrong'),
      ])
      .where('p.label', 'is not', null)
      .groupBy(['p.model', 'p.model_version'])
      .orderBy('p.model')
      .orderBy('p.model_version');
    if (caller.role !== 'admin') query = query.where('p.owner', '=', caller.owner);
    const rows = await this.database.answer(query.execute());
    return {
      items: rows.map((row) => ({
        model: row.model ?? '',
        version: row.model_version ?? '',
        predictions: row.predictions,
        reviewed: row.reviewed,
        wrong: row.wrong,
        observedErrorRate: row.reviewed > 0 ? round(row.wrong / row.reviewed) : null,
      })),
    };
  }
}
