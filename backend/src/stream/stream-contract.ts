import { z } from 'zod';

import { AppConfig } from '../config/app-config';
import { PredictionResult } from '../openapi/responses';
import { streamReview } from './stream-messages';

/**
 * The stream's messages as schemas: what the AsyncAPI document (libs/contracts/asyncapi.json, written by
 * `npm run api:generate`) publishes and what the stream tests validate the messages against.
 */
export function streamMessageSchemas(config: AppConfig) {
  const source = z
    .object({ topic: z.string(), partition: z.number().int().min(0), offset: z.string().regex(/^\d+$/).describe('64-bit: a string') })
    .describe('the review message this sentiment answers');
  const sentiment = PredictionResult.omit({ explanation: true, truncated: true })
    .extend({
      id: z.string().describe('the review id (also the message key)'),
      truncated: z.boolean().describe('Only the beginning of the text was read'),
      latencyMs: z.number().describe('model time per review in its micro-batch'),
      metadata: z.record(z.string(), z.unknown()).nullable().describe('the review message’s metadata, as it came'),
      source,
    })
    .strict();
  return { review: streamReview(config), sentiment };
}

/** The headers each topic's messages carry. */
export const STREAM_HEADERS = {
  sentiment: {
    'x-request-id': 'the model-server call that classified the micro-batch (in the logs of both sides)',
    traceparent: 'W3C trace context of that call, when tracing is on',
  },
  deadLetter: {
    'x-dlq-reason': 'not_json | invalid',
    'x-dlq-detail': 'what is wrong, in words (the field and the rule)',
    'x-source-topic': 'the review message’s topic',
    'x-source-partition': 'its partition',
    'x-source-offset': 'its offset',
    'x-request-id': 'the micro-batch’s request id',
  },
} as const;
