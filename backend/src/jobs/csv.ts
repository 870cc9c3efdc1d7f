import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { JobResultRow } from '@allocine/contracts';

import { invalidRequest } from '../common/api-errors';

export interface CsvOptions {
  textColumn?: string;
  idColumn?: string;
  delimiter?: string;
}

const DEFAULT_TEXT_COLUMNS = ['text', 'review', 'texte', 'avis', 'critique'];

/**
 * Reviews from an uploaded CSV with a header row. Blank lines are skipped; ids default to the
 * 1-based row number (header excluded) so they point back into the caller's file.
 */
export function reviewsFromCsv(content: Buffer, options: CsvOptions): { id?: string; text: unknown }[] {
  let records: Record<string, string>[];
  try {
    records = parse(content, {
      columns: true,
      bom: true,
      skip_empty_lines: true,
      trim: false,
      relax_column_count: true,
      delimiter: options.delimiter || ',',
    });
  } catch (error) {
    throw invalidRequest(`CSV could not be parsed: ${(error as Error).message}`);
  }
  if (records.length === 0) throw invalidRequest('CSV has a header but no rows');
  const columns = Object.keys(records[0]);
  const textColumn = options.textColumn || DEFAULT_TEXT_COLUMNS.find((name) => columns.includes(name));
  if (!textColumn || !columns.includes(textColumn)) {
    throw invalidRequest(
      `CSV has no column "${textColumn ?? DEFAULT_TEXT_COLUMNS.join('" or "')}"; columns found: ${columns.join(', ')}`,
      { columns },
    );
  }
  if (options.idColumn && !columns.includes(options.idColumn)) {
    throw invalidRequest(`CSV has no id column "${options.idColumn}"; columns found: ${columns.join(', ')}`, { columns });
  }
  return records.map((record, index) => ({
    id: options.idColumn ? record[options.idColumn] : String(index + 1),
    text: record[textColumn] ?? '',
  }));
}

export const CSV_HEADER = ['id', 'text', 'label', 'score', 'probability_positive', 'uncertain', 'error'];

/** Result rows as CSV lines (no header); errors fill the `error` column instead of the label. */
export function rowsToCsv(rows: JobResultRow[], withHeader: boolean): string {
  const records = rows.map((row) => [
    row.id,
    row.text,
    row.label ?? '',
    row.score?.toFixed(4) ?? '',
    row.probabilities?.positive.toFixed(4) ?? '',
    row.uncertain === undefined ? '' : String(row.uncertain),
    row.status === 'pending' ? 'pending' : (row.error?.code ?? ''),
  ]);
  return stringify(withHeader ? [CSV_HEADER, ...records] : records);
}
