import { z } from 'zod';

import { UUID_PATTERN, freeText, queryNumber } from '../validation/schemas';

/**
 * An ISO 8601 date (2024-01-31, midnight UTC) or date-time with its offset (2024-01-31T12:00:00Z); the schema
 * says exactly this, so an empty or looser value is refused by both (`new Date` alone would take "1" as 2001).
 */
const isoDate = (name: string) =>
  z
    .union([z.iso.date(), z.iso.datetime({ offset: true })], {
      error: `${name} must be an ISO 8601 date (2024-01-31) or date-time with offset (2024-01-31T12:00:00Z)`,
    })
    .transform((value) => new Date(value));

/**
 * A page of GET /jobs ends at this job: `<creation time in ms>_<id>`. Any string of that form is a position in
 * the list (keyset pagination), so the documented pattern is exactly what the API accepts.
 */
// No i flag in these patterns: a JSON Schema pattern cannot carry one, and the document must say what is accepted.
const JOB_CURSOR = new RegExp(`^(\\d{1,13})_(${UUID_PATTERN})$`);

export function encodeJobCursor(createdAt: Date, id: string): string {
  return `${createdAt.getTime()}_${id}`;
}

/** The job a cursor points after (thirteen digits of milliseconds end in 2286: a date every driver writes). */
export function decodeJobCursor(cursor: string): { at: Date; id: string } | null {
  const match = JOB_CURSOR.exec(cursor);
  return match ? { at: new Date(Number(match[1])), id: match[2] } : null;
}

/** GET /predictions: the caller's history, newest first, filtered. */
export const historyQuery = z.strictObject({
  label: z.enum(['positive', 'negative']).optional(),
  from: isoDate('from').optional().describe('ISO 8601, inclusive'),
  to: isoDate('to').optional().describe('ISO 8601, exclusive'),
  q: freeText('q', 200).optional().describe('French full-text search (websearch syntax)'),
  source: z
    .string()
    .regex(new RegExp(`^(single|job|stream|${UUID_PATTERN})$`), 'source is single, job, stream, or a job id')
    .optional()
    .describe('single, job, stream (the Kafka connector), or a job id'),
  minScore: queryNumber(z.coerce.number().min(0).max(1)).optional(),
  // Eighteen digits stay below PostgreSQL's largest bigint, so every cursor of this form is one it can compare.
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'cursor is the nextCursor of a previous page')
    .optional()
    .describe('nextCursor of the previous page'),
  limit: queryNumber(z.coerce.number().int().min(1).max(500).default(50)),
});

const DAY_MS = 86_400_000;
const MAX_DAYS = { hour: 31, day: 366 } as const;

/**
 * GET /stats: per hour or per day, by default the last 7 days. A period longer than 31 days by hour (366 by
 * day) is cut to its last 31 (366) days, and a period that ends before it starts is empty; the answer's
 * `from` and `to` say which period it covers. (No 400 for these: the schema cannot state them, so a request it
 * allows is always answered.)
 */
export const statsQuery = z
  .strictObject({
    bucket: z.enum(['hour', 'day']).default('day'),
    from: isoDate('from').optional().describe('ISO 8601; default: 7 days before to; at most 31 days before to by hour, 366 by day (an earlier from is moved up)'),
    to: isoDate('to').optional().describe('ISO 8601, exclusive; default: now'),
  })
  .transform((query) => {
    const to = query.to ?? new Date();
    const earliest = new Date(to.getTime() - MAX_DAYS[query.bucket] * DAY_MS);
    const from = query.from ?? new Date(to.getTime() - 7 * DAY_MS);
    return { bucket: query.bucket, from: from < earliest ? earliest : from, to };
  });

/** GET /jobs: the caller's jobs, newest first. */
export const jobListQuery = z.strictObject({
  cursor: z.string().regex(JOB_CURSOR, 'cursor is the nextCursor of a previous page').optional().describe('nextCursor of the previous page'),
  limit: queryNumber(z.coerce.number().int().min(1).max(200).default(50)),
});
