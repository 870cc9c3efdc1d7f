import { stringify } from 'csv-stringify/sync';
import type { Correction } from '@allocine/contracts';

import { spreadsheetSafe } from '../jobs/csv';

const HEADER = ['prediction_id', 'corrected_at', 'source', 'job_id', 'review_id', 'text', 'predicted_label', 'label', 'model', 'version', 'corrected_by'];

/** Corrections as CSV, with a header; free text made spreadsheet-safe as job results are. */
export function correctionsToCsv(corrections: Correction[]): string {
  const rows = corrections.map((c) => [
    c.predictionId, c.correctedAt, c.source, c.jobId ?? '', spreadsheetSafe(c.reviewId ?? ''), spreadsheetSafe(c.text ?? ''),
    c.predictedLabel, c.label, c.model, c.version, c.correctedBy,
  ]);
  return stringify([HEADER, ...rows]);
}
