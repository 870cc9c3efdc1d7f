import { z } from 'zod';

/** Years PostgreSQL and JavaScript both hold; a date outside them is the caller's mistake (400), not a 503. */
const inRange = (date: Date) => !Number.isNaN(date.getTime()) && date.getUTCFullYear() >= 1 && date.getUTCFullYear() <= 9999;

const isoDate = (name: string) =>
  z
    .string()
    .refine((value) => inRange(new Date(value)), `${name} must be a date or time (ISO 8601) between the years 1 and 9999`)
    .transform((value) => new Date(value));

/** The largest id a bigint column holds: a longer cursor could only be forged, and PostgreSQL would refuse it. */
const MAX_BIGINT = 9_223_372_036_854_775_807n;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A page of GET /jobs ends at this job: its creation time and id, base64url-encoded. */
export function encodeJobCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

/** The job a cursor points after, or null when it is not one this API wrote. */
export function decodeJobCursor(cursor: string): { at: Date; id: string } | null {
  const [at, id, extra] = Buffer.from(cursor, 'base64url').toString('utf-8').split('|');
  const date = new Date(at ?? '');
  return extra === undefined && id && UUID.test(id) && inRange(date) ? { at: date, id } : null;
}

/** GET /predictions: the caller's history, newest first, filtered. */
export const historyQuery = z.strictObject({
  label: z.enum(['positive', 'negative']).optional(),
  from: isoDate('from').optional().describe('ISO 8601, inclusive'),
  to: isoDate('to').optional().describe('ISO 8601, exclusive'),
  q: z.string().trim().min(1, 'q is empty').max(200, 'q is longer than 200 characters').optional().describe('French full-text search (websearch syntax)'),
  source: z
    .string()
    .regex(/^(single|job|stream|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, 'source is single, job, stream, or a job id')
    .optional()
    .describe('single, job, stream (the Kafka connector), or a job id'),
  minScore: z.coerce.number().min(0).max(1).optional(),
  cursor: z
    .string()
    .regex(/^\d{1,19}$/, 'cursor is the nextCursor of a previous page')
    // zod runs every check, so this one cannot rely on the regex having passed.
    .refine((value) => !/^\d{1,19}$/.test(value) || BigInt(value) <= MAX_BIGINT, 'cursor is the nextCursor of a previous page')
    .optional()
    .describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const DAY_MS = 86_400_000;

/** GET /stats: per hour (at most 31 days) or per day (at most 366), by default the last 7 days. */
export const statsQuery = z
  .strictObject({
    bucket: z.enum(['hour', 'day']).default('day'),
    from: isoDate('from').optional().describe('ISO 8601; default: 7 days before to'),
    to: isoDate('to').optional().describe('ISO 8601; default: now'),
  })
  .transform((query) => {
    const to = query.to ?? new Date();
    const from = query.from ?? new Date(to.getTime() - 7 * DAY_MS);
    return { bucket: query.bucket, from, to };
  })
  .refine((query) => query.from < query.to, { message: 'from must be before to', path: ['from'] })
  .refine((query) => query.to.getTime() - query.from.getTime() <= (query.bucket === 'hour' ? 31 : 366) * DAY_MS, {
    message: 'too long a period: at most 31 days by hour, 366 by day',
    path: ['from'],
  });

/** GET /jobs: the caller's jobs, newest first. */
export const jobListQuery = z.strictObject({
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/, 'cursor is the nextCursor of a previous page')
    .refine((value) => decodeJobCursor(value) !== null, 'cursor is the nextCursor of a previous page')
    .optional()
    .describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
