import { setImmediate as nextTurn } from 'node:timers/promises';

import { parse } from 'csv-parse';

import { ApiError, invalidRequest } from '../common/api-errors';

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

/** Columns a CSV may have: far more than any export of reviews, far fewer than a file built to hurt. */
export const MAX_CSV_COLUMNS = 256;

const DEFAULT_TEXT_COLUMNS = ['text', 'review', 'texte', 'avis', 'critique'];

/** Parsed this many characters at a time, the event loop served in between: liveness never waits on a file. */
const SLICE_CHARS = 64 * 1024;

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

type Review = { id?: string; text: unknown };

/**
 * Reviews from an uploaded CSV with a header row, parsed as a stream. Blank lines are skipped; ids default to
 * the 1-based row number (header excluded) so they point back into the caller's file. The header is checked
 * first (at most MAX_CSV_COLUMNS columns, the text and id columns present); every other column is dropped as
 * it is read, so a row costs two strings whatever the file's width. Rows past the job limit and absurdly long
 * records stop the parser at once.
 */
export async function reviewsFromCsv(content: Buffer, options: CsvOptions, limits: CsvLimits): Promise<Review[]> {
  const columns = pickColumns(options);
  const parser = parse({
    columns: columns.fromHeader,
    bom: true,
    skip_empty_lines: true,
    trim: false,
    delimiter: options.delimiter || ',',
    // One row more than allowed is enough to refuse the file; the rest is never parsed.
    to: limits.maxRows + 1,
    // A review at the limit plus generous room for the other columns.
    max_record_size: limits.maxTextChars * 4 + 4_096,
  });
  const reviews: Review[] = [];
  const text = decodeCsv(content);
  parser.on('readable', () => {
    for (let record = parser.read(); record !== null; record = parser.read()) {
      const row = record as Record<string, string>;
      reviews.push({ id: options.idColumn ? row[options.idColumn] : String(reviews.length + 1), text: row[columns.text] ?? '' });
    }
  });
  const ended = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
  });
  ended.catch(() => undefined); // awaited below; this keeps an early failure from counting as unhandled
  try {
    for (let at = 0; at < text.length && !parser.destroyed && !parser.writableEnded && reviews.length <= limits.maxRows; at += SLICE_CHARS) {
      parser.write(text.slice(at, at + SLICE_CHARS));
      await nextTurn();
    }
    if (!parser.destroyed && !parser.writableEnded) parser.end();
    if (reviews.length <= limits.maxRows) await ended;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // A header so wide it is over the record size: say what is wrong with it, not only that it is long.
    if (!columns.text && (error as { code?: string }).code === 'CSV_MAX_RECORD_SIZE') tooManyColumns(roughColumnCount(text, options));
    throw invalidRequest(`CSV could not be parsed: ${parseProblem(error as Error & { code?: string })}`);
  } finally {
    parser.destroy();
  }
  if (reviews.length > limits.maxRows) throw invalidRequest(`CSV has more than ${limits.maxRows} rows, the limit of one job`);
  if (reviews.length === 0) throw invalidRequest('CSV has a header but no rows');
  return reviews;
}

/** Checks the header as soon as it is read, and keeps only the text and id columns of every row. */
function pickColumns(options: CsvOptions) {
  const picked = {
    text: '',
    fromHeader: (header: string[]): (string | false)[] => {
      tooManyColumns(header.length);
      const text = options.textColumn || DEFAULT_TEXT_COLUMNS.find((name) => header.includes(name));
      if (!text || !header.includes(text)) {
        throw invalidRequest(`CSV has no column "${text ?? DEFAULT_TEXT_COLUMNS.join('" or "')}"; columns found: ${header.join(', ')}`, {
          columns: header,
        });
      }
      if (options.idColumn && !header.includes(options.idColumn)) {
        throw invalidRequest(`CSV has no id column "${options.idColumn}"; columns found: ${header.join(', ')}`, { columns: header });
      }
      picked.text = text;
      return header.map((name) => (name === text || name === options.idColumn ? name : false));
    },
  };
  return picked;
}

/** Throws the 400 for a file wider than MAX_CSV_COLUMNS; returns for one within it. */
function tooManyColumns(count: number): void {
  if (count <= MAX_CSV_COLUMNS) return;
  throw invalidRequest(`CSV has ${count} columns; at most ${MAX_CSV_COLUMNS} are accepted`, [
    { path: 'file', message: `more than ${MAX_CSV_COLUMNS} columns`, code: 'too_many', limit: MAX_CSV_COLUMNS },
  ]);
}

/** Delimiters on the first line plus one: exact for an unquoted header, which is what a very wide one is. */
function roughColumnCount(text: string, options: CsvOptions): number {
  const end = text.indexOf('\n');
  return (end === -1 ? text : text.slice(0, end)).split(options.delimiter || ',').length;
}

function parseProblem(error: Error & { code?: string }): string {
  if (error.code === 'CSV_RECORD_INCONSISTENT_COLUMNS') {
    return `${error.message} (a field holding the delimiter must be quoted; nothing was cut off silently)`;
  }
  if (error.code === 'CSV_MAX_RECORD_SIZE') return `a record is far longer than a review may be (${error.message})`;
  return error.message;
}
