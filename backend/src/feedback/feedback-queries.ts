import { z } from 'zod';

import { UUID_PATTERN, queryNumber } from '../validation/schemas';

/**
 * A prediction's id, as results and the history give it (`predictionId`): a single prediction's uuid, a job
 * row's `<job id>:<position>`, or a streamed review's `stream:<topic>:<partition>:<offset>`.
 */
export const PREDICTION_ID_PATTERN = `^(?:${UUID_PATTERN}(?::[0-9]{1,9})?|stream:[A-Za-z0-9._-]{1,249}:[0-9]{1,9}:[0-9]{1,19})$`;

export const feedbackRequest = z.strictObject(
  { label: z.enum(['positive', 'negative'], { error: 'label is positive or negative' }).describe('What the review really is') },
  { error: (issue: { code?: string }) => (issue.code === 'invalid_type' ? 'expected a JSON object' : undefined) },
);

/** GET /feedback: the corrections the caller can see, newest first. */
export const correctionListQuery = z.strictObject({
  cursor: z.string().regex(/^\d{1,18}$/, 'cursor is the nextCursor of a previous page').optional().describe('nextCursor of the previous page'),
  limit: queryNumber(z.coerce.number().int().min(1).max(1_000).default(100)),
  format: z.enum(['json', 'csv']).optional().describe('csv: every correction the caller can see, as a file'),
});
