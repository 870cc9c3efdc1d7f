import { stringify } from 'csv-stringify/sync';
import type { JobResultRow } from '@allocine/contracts';

/** Results as CSV: the standard form, or French Excel's (UTF-8 BOM, `;` between fields, decimal comma). */
export type CsvDialect = 'csv' | 'excel';

export const CSV_HEADER = ['id', 'text', 'label', 'score', 'probability_positive', 'uncertain', 'error', 'model_version'];
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
    row.version ?? '',
  ]);
  return stringify(withHeader ? [CSV_HEADER, ...records] : records, { delimiter: dialect === 'excel' ? ';' : ',' });
}
