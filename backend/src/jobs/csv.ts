import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { JobResultRow } from '@allocine/contracts';

import { invalidRequest } from '../common/api-errors';

export interface CsvOptions {
  textColumn?: string;
  idColumn?: string;
  delimiter?: string;
}

/** What an upload may hold, applied while parsing so a hostile file is refused before it is all in memory. */
export interface CsvLimits {
  maxRows: number;
  maxTextChars: number;
}

/** Results as CSV: the standard form, or French Excel's (UTF-8 BOM, `;` between fields, decimal comma). */
export type CsvDialect = 'csv' | 'excel';

const DEFAULT_TEXT_COLUMNS = ['text', 'review', 'texte', 'avis', 'critique'];

/**
 * The upload's text: UTF-8 when it is valid UTF-8, else Windows-1252, what French Excel writes by default
 * (decoding that as UTF-8 would turn every accent into U+FFFD).
 */
export function decodeCsv(content: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return new TextDecoder('windows-1252').decode(content);
  }
}

/**
 * Reviews from an uploaded CSV with a header row. Blank lines are skipped; ids default to the
 * 1-based row number (header excluded) so they point back into the caller's file. Rows past the job
 * limit and absurdly long records stop the parser at once.
 */
export function reviewsFromCsv(content: Buffer, options: CsvOptions, limits: CsvLimits): { id?: string; text: unknown }[] {
  let records: Record<string, string>[];
  try {
    records = parse(decodeCsv(content), {
      columns: true,
      bom: true,
      skip_empty_lines: true,
      trim: false,
      delimiter: options.delimiter || ',',
      // One row more than allowed is enough to refuse the file; the rest is never parsed.
      to: limits.maxRows + 1,
      // A review at the limit plus generous room for the other columns.
      max_record_size: limits.maxTextChars * 4 + 4_096,
    });
  } catch (error) {
    throw invalidRequest(`CSV could not be parsed: ${parseProblem(error as Error & { code?: string })}`);
  }
  if (records.length === 0) throw invalidRequest('CSV has a header but no rows');
  if (records.length > limits.maxRows) throw invalidRequest(`CSV has more than ${limits.maxRows} rows, the limit of one job`);
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

function parseProblem(error: Error & { code?: string }): string {
  if (error.code === 'CSV_RECORD_INCONSISTENT_COLUMNS') {
    return `${error.message} (a field holding the delimiter must be quoted; nothing was cut off silently)`;
  }
  if (error.code === 'CSV_MAX_RECORD_SIZE') return `a record is far longer than a review may be (${error.message})`;
  return error.message;
}

export const CSV_HEADER = ['id', 'text', 'label', 'score', 'probability_positive', 'uncertain', 'error'];
/** Written first in the Excel dialect: French Excel reads UTF-8 only with it. */
export const UTF8_BOM = '\uFEFF';

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, or a leading tab or carriage return) is
 * prefixed with an apostrophe, which spreadsheets show as text (CSV injection; OWASP's advice).
 */
export function spreadsheetSafe(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** Result rows as CSV lines (no header); errors fill the `error` column instead of the label. */
export function rowsToCsv(rows: JobResultRow[], withHeader: boolean, dialect: CsvDialect = 'csv'): string {
  const number = (value: number | undefined) => {
    const text = value?.toFixed(4) ?? '';
    return dialect === 'excel' ? text.replace('.', ',') : text;
  };
  const records = rows.map((row) => [
    spreadsheetSafe(row.id),
    spreadsheetSafe(row.text),
    row.label ?? '',
    number(row.score),
    number(row.probabilities?.positive),
    row.uncertain === undefined ? '' : String(row.uncertain),
    row.status === 'pending' ? 'pending' : (row.error?.code ?? ''),
  ]);
  return stringify(withHeader ? [CSV_HEADER, ...records] : records, { delimiter: dialect === 'excel' ? ';' : ',' });
}
