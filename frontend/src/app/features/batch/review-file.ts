import Papa from 'papaparse';
import type { JobReviewInput } from '@allocine/contracts';

export interface ParsedFile {
  columns: string[];
  rows: Record<string, string>[];
  /** The CSV's delimiter as papaparse detected it; absent for TXT. */
  delimiter?: string;
}

/** CSV with a header (delimiter detected by papaparse), or TXT with one review per line. */
export function parseReviewFile(name: string, content: string): ParsedFile {
  if (!name.toLowerCase().endsWith('.csv')) {
    return { columns: ['text'], rows: linesOf(content).map((text) => ({ text })) };
  }
  const parsed = Papa.parse<Record<string, string>>(content, { header: true, skipEmptyLines: 'greedy' });
  return { columns: parsed.meta.fields ?? [], rows: parsed.data, delimiter: parsed.meta.delimiter };
}

export function linesOf(content: string): string[] {
  return content
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** The column most likely to hold the review text. */
export function guessTextColumn(columns: string[]): string {
  return columns.find((c) => /^(text|texte|review|avis|critique|comment)/i.test(c)) ?? columns[0] ?? '';
}

/** A column that looks like the caller's own identifiers, or '' to number rows. */
export function guessIdColumn(columns: string[]): string {
  return columns.find((c) => /^(id|ref|référence|reference|identifiant)$/i.test(c.trim())) ?? '';
}

export function toReviews(file: ParsedFile, textColumn: string, idColumn: string): JobReviewInput[] {
  return file.rows
    .filter((row) => (row[textColumn] ?? '').trim())
    .map((row, index) => ({ id: idColumn ? row[idColumn] : String(index + 1), text: row[textColumn] }));
}
