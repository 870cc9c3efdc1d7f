import { z } from 'zod';

import type { Limits } from '../validation/schemas';
import { reviewId, reviewText } from '../validation/schemas';
import type { StreamOrigin } from '../history/history-events';
import type { ModelPrediction } from '../model-server/model-server.types';

/** Where a message came from: its topic, partition and offset (carried into its sentiment and the history). */
export type MessageSource = StreamOrigin;

/** One review of `allocine.reviews.v1`, once checked. */
export interface StreamReview {
  id: string;
  text: string;
  metadata: Record<string, unknown> | null;
}

/** Why a message goes to the DLQ: its reason code (the `x-dlq-reason` header) and what is wrong, in words. */
export interface Refusal {
  reason: 'not_json' | 'invalid';
  detail: string;
}

const MAX_METADATA_BYTES = 4_096;

/** The input message's schema: `{"id", "text", "metadata"?}`, with the REST API's limits on each. */
export const streamReview = (limits: Limits) =>
  z.strictObject({
    id: reviewId,
    text: reviewText(limits),
    metadata: z
      .record(z.string(), z.unknown(), { error: 'metadata must be a JSON object' })
      .refine((value) => Buffer.byteLength(JSON.stringify(value)) <= MAX_METADATA_BYTES, `metadata is larger than ${MAX_METADATA_BYTES} bytes as JSON`)
      .nullish(),
  });

/** A message's review, or why it cannot be classified (a bad message goes to the DLQ, never stalls its partition). */
export function readReview(value: Buffer | string | undefined | null, schema: ReturnType<typeof streamReview>): StreamReview | Refusal {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.isBuffer(value) ? value.toString('utf-8') : (value ?? ''));
  } catch {
    return { reason: 'not_json', detail: 'the message is not JSON' };
  }
  const checked = schema.safeParse(parsed);
  if (!checked.success) {
    const [issue] = checked.error.issues;
    return { reason: 'invalid', detail: `${issue.path.join('.') || 'message'}: ${issue.message}` };
  }
  return { id: checked.data.id, text: checked.data.text, metadata: checked.data.metadata ?? null };
}

export const isRefusal = (read: StreamReview | Refusal): read is Refusal => 'reason' in read;

/** `allocine.sentiments.v1`: the REST API's result for the review, its id and metadata, and where it came from. */
export function sentimentMessage(review: StreamReview, result: ModelPrediction, source: MessageSource, latencyMs: number, predictionId: string) {
  return { id: review.id, ...result, latencyMs, predictionId, metadata: review.metadata, source };
}
