import { z } from 'zod';

/**
 * The original app's answers (its Flask API, before this service): served only with COMPAT_API=true, deprecated,
 * each described with the /api/v1 route and field it maps to.
 */
const sentiment = z.enum(['NEGATIF', 'POSITIF']);

export const CompatPrediction = z
  .object({
    text: z.string().describe('The text, without its surrounding whitespace'),
    sentiment: sentiment.describe('label in /api/v1 (negative, positive)'),
    confidence: z.number().describe('Probability of the sentiment: score in /api/v1'),
    label: z.union([z.literal(0), z.literal(1)]).describe('1 for POSITIF, 0 for NEGATIF'),
    probabilities: z.object({ NEGATIF: z.number(), POSITIF: z.number() }).describe('probabilities in /api/v1'),
    processing_time_ms: z.number().describe('latencyMs in /api/v1'),
  })
  .describe('Deprecated: POST /api/v1/predictions {"text"} answers the same with label, score, probabilities, latencyMs');

export const CompatBatch = z
  .object({
    results: z.array(CompatPrediction).describe('In the order of texts'),
    summary: z.object({
      total: z.int().min(0),
      positive: z.int().min(0),
      negative: z.int().min(0),
      average_confidence: z.number(),
      processing_time_ms: z.number(),
    }),
  })
  .describe('Deprecated: POST /api/v1/predictions {"texts"} answers {results, latencyMs}; POST /api/v1/jobs takes up to 10,000');

export const CompatHealth = z
  .object({
    status: z.enum(['healthy', 'unhealthy']),
    model_loaded: z.boolean().describe('The model server answers'),
    model: z.string().nullable(),
  })
  .describe('Deprecated: GET /api/v1/health/ready reports each component');

export const CompatModelInfo = z
  .object({
    model_name: z.string(),
    model_version: z.string(),
    model_family: z.string(),
    labels: z.object({ '0': z.literal('NEGATIF'), '1': z.literal('POSITIF') }),
    accuracy: z.number().nullable().describe('Documented accuracy on the Allociné validation split, when the training run recorded it'),
    max_text_length: z.int(),
    max_batch_size: z.int(),
  })
  .describe('Deprecated: GET /api/v1/model gives name, version, family, documentedAccuracy and limits');

export const COMPAT_RESPONSE_SCHEMAS = { CompatPrediction, CompatBatch, CompatHealth, CompatModelInfo };
