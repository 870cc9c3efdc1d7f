import { z } from 'zod';

import { FIELD_ERROR_CODES } from '../validation/schemas';
import { COMPAT_RESPONSE_SCHEMAS } from './compat-responses';
import { MODELS_RESPONSE_SCHEMAS } from './models-responses';
import { ServingLane, ServingProfile } from './serving-profile';
import { DRIFT_RESPONSE_SCHEMAS } from './drift-responses';
import { FEEDBACK_RESPONSE_SCHEMAS } from './feedback-responses';

/**
 * The response bodies, as zod schemas: the one source of the OpenAPI document's response schemas, and through
 * it (`npm run api:generate`) of the TypeScript types in @allocine/contracts that the backend returns and the
 * UI reads. Requests are validated by the schemas in validation/ and documented from them too.
 */
const label = z.enum(['positive', 'negative']);
const dateTime = z.iso.datetime({ offset: true });
const count = z.int().min(0);

export const Probabilities = z.object({ negative: z.number(), positive: z.number() });

export const WordWeight = z
  .object({ text: z.string(), start: count, end: count, weight: z.number().describe('> 0 pushes towards positive') })
  .describe('One word as written: `text.trim().slice(start, end)` (offsets count in the trimmed text)');

export const Explanation = z
  .object({
    method: z.string().describe('`linear-exact`: the model\'s own decomposition; `occlusion` for transformers'),
    unit: z.string(),
    bias: z.number(),
    words: z.array(WordWeight),
  })
  .describe('The embedded model: each word\'s exact signed weight; the weights plus bias are the logit difference.');

export const PredictionResult = z.object({
  label,
  score: z.number().describe('Calibrated probability of the label'),
  probabilities: Probabilities,
  uncertain: z.boolean().describe('Probability too close to 0.5 to trust'),
  truncated: z.boolean().describe('Only the beginning of the text was read'),
  model: z.string(),
  version: z.string(),
  latencyMs: z.number(),
  predictionId: z.string().describe('The id to correct this prediction with (POST /predictions/{predictionId}/feedback)'),
  explanation: Explanation.nullable().optional().describe('With "explain": true; null when the served model cannot explain itself'),
});

export const PredictManyResponse = z.object({ results: z.array(PredictionResult), latencyMs: z.number() });

export const FieldError = z.object({
  path: z.string().describe('Where: `text`, `reviews.3.id`, `(body)`'),
  message: z.string().describe('In English, for developers'),
  code: z.enum(FIELD_ERROR_CODES).describe('What, for a client to say in its own words'),
  limit: z.number().optional().describe('The bound crossed (too_long, too_many, too_small, too_big)'),
});

export const Problem = z
  .looseObject({
    type: z.string().describe('/api/v1/problems/<name>: GET it for what it means'),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z.string().describe('The request path'),
    errors: z.array(FieldError).optional().describe('invalid-request: one entry per field'),
    checks: z.record(z.string(), z.unknown()).optional().describe('not-ready: the report of each component'),
  })
  .describe('RFC 9457 problem details: the body of every error (application/problem+json)');

export const ProblemTypeDoc = z.object({ type: z.string(), name: z.string(), status: z.int(), title: z.string(), description: z.string() });

export const JobState = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);

export const WebhookAttempt = z.object({
  attempt: z.int().min(1),
  at: dateTime,
  status: z.int().nullable().describe("The receiver's HTTP status; null when it could not be reached"),
  error: z.string().nullable(),
  durationMs: count,
});

export const WebhookDelivery = z
  .object({
    url: z.string(),
    state: z.enum(['pending', 'delivered', 'failed']).describe('pending until a 2xx (delivered) or the attempts run out (failed)'),
    attempts: z.array(WebhookAttempt),
    nextAttemptAt: dateTime.nullable(),
  })
  .describe("A job's completion callback: every attempt, and when the next one is due");

const jobCore = {
  id: z.uuid(),
  state: JobState,
  progress: z.object({ done: count, total: count, failed: count }),
  createdAt: dateTime,
  startedAt: dateTime.nullable(),
  finishedAt: dateTime.nullable(),
  expiresAt: dateTime.nullable().describe('When the results leave Redis; null once served from the history'),
  summary: z.object({ positive: count, negative: count, errors: count }),
  links: z.object({ self: z.string(), results: z.string(), csv: z.string() }),
};

export const JobStatus = z.object({
  ...jobCore,
  webhook: WebhookDelivery.optional().describe('Only for a job created with a callbackUrl, while its results are kept'),
});

export const WebhookPayload = z
  .object({ type: z.enum(['job.completed', 'job.failed', 'job.cancelled']), timestamp: dateTime, data: z.object(jobCore) })
  .describe('The body POSTed to a callbackUrl, signed (GET /api/v1/webhooks/secret)');

export const JobResultRow = z.object({
  id: z.string(),
  text: z.string(),
  status: z.enum(['done', 'error', 'pending']),
  predictionId: z.string().optional().describe('On a done row: the id to correct it with (POST /predictions/{predictionId}/feedback)'),
  label: label.optional(),
  score: z.number().optional(),
  probabilities: Probabilities.optional(),
  uncertain: z.boolean().optional(),
  truncated: z.boolean().optional(),
  model: z.string().optional().describe('On a done row: the model that classified it'),
  version: z.string().optional().describe('On a done row: the model version that classified it (a job keeps the version live when it started)'),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const JobResultsPage = z.object({
  jobId: z.string(),
  state: JobState,
  offset: count,
  limit: count,
  total: count,
  items: z.array(JobResultRow),
});

export const JobListItem = z.object({
  id: z.uuid(),
  name: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  state: JobState,
  total: count,
  done: count,
  failed: count,
  positive: count,
  negative: count,
  createdAt: dateTime,
  finishedAt: dateTime.nullable(),
});

export const JobList = z.object({ items: z.array(JobListItem), nextCursor: z.string().nullable() });

export const HistoryItem = z.object({
  id: z.string(),
  predictionId: z.string().describe('The id to correct it with (POST /predictions/{predictionId}/feedback)'),
  correction: z
    .object({ label, correctedAt: dateTime })
    .nullable()
    .describe('What a reviewer said the review really is; null when nobody has'),
  createdAt: dateTime,
  source: z.enum(['single', 'job', 'stream']).describe('single: POST /predict; job: a batch job; stream: read from the Kafka topic'),
  jobId: z.string().nullable(),
  reviewId: z.string().nullable(),
  text: z.string().nullable().describe('null when the service keeps only a hash (STORE_TEXT=false)'),
  label,
  score: z.number(),
  probabilities: Probabilities,
  uncertain: z.boolean(),
  latencyMs: z.number().nullable().describe('Single: the request; job: model time per review'),
  model: z.string(),
  version: z.string(),
  stream: z
    .object({ topic: z.string(), partition: z.number().int(), offset: z.string().describe('64-bit: a string') })
    .nullable()
    .describe('source stream: the message the review came in'),
});

export const HistoryPage = z.object({
  items: z.array(HistoryItem),
  nextCursor: z.string().nullable().describe('cursor of the next (older) page; null on the last'),
});

export const StatsBucket = z.object({
  start: dateTime.describe('Start of the hour or day (UTC)'),
  total: count,
  positive: count,
  negative: count,
  meanScore: z.number(),
  meanLatencyMs: z.number().nullable(),
});

export const StatsResponse = z.object({
  bucket: z.enum(['hour', 'day']),
  from: dateTime,
  to: dateTime,
  buckets: z.array(StatsBucket),
  total: z.object({ total: count, positive: count, negative: count }),
});

export const ModelInfo = z.object({
  name: z.string(),
  version: z.string(),
  labels: z.array(label),
  family: z.string(),
  documentedAccuracy: z
    .array(z.object({ dataset: z.string(), accuracy: z.number(), f1: z.number(), command: z.string() }))
    .describe('Measured by the evaluation CLI on the named data (model-server/MODEL_CARD.md)'),
  limits: z.object({ maxTextChars: z.int(), maxTextsPerRequest: z.int(), maxReviewsPerJob: z.int() }),
  serving: ServingProfile,
});

export const ComponentHealth = z.looseObject({ status: z.enum(['up', 'down']), message: z.string().optional() });

export const HealthReport = z
  .object({
    status: z.enum(['ok', 'error', 'shutting_down']),
    info: z.record(z.string(), ComponentHealth).optional(),
    error: z.record(z.string(), ComponentHealth).optional(),
    details: z.record(z.string(), ComponentHealth),
  })
  .describe('One entry per component (@nestjs/terminus); a 503 is a not-ready problem whose checks hold the details');

export const WebhookSecret = z.object({
  secret: z.string().describe("This key's signing secret (whsec_<base64>)"),
  scheme: z.literal('standard-webhooks-v1'),
  headers: z.object({ id: z.literal('webhook-id'), timestamp: z.literal('webhook-timestamp'), signature: z.literal('webhook-signature') }),
});

/** Every named response schema, by its name in the document's components. */
export const RESPONSE_SCHEMAS = {
  Probabilities,
  WordWeight,
  Explanation,
  PredictionResult,
  PredictManyResponse,
  FieldError,
  Problem,
  ProblemTypeDoc,
  JobState,
  WebhookAttempt,
  WebhookDelivery,
  JobStatus,
  WebhookPayload,
  JobResultRow,
  JobResultsPage,
  JobListItem,
  JobList,
  HistoryItem,
  HistoryPage,
  StatsBucket,
  StatsResponse,
  ServingLane,
  ServingProfile,
  ModelInfo,
  ComponentHealth,
  HealthReport,
  WebhookSecret,
  ...COMPAT_RESPONSE_SCHEMAS,
  ...FEEDBACK_RESPONSE_SCHEMAS,
  ...DRIFT_RESPONSE_SCHEMAS,
  ...MODELS_RESPONSE_SCHEMAS,
};
