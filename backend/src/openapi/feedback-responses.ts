import { z } from 'zod';

/** Reviewers' corrections (POST /predictions/{predictionId}/feedback) and what they say of each model version. */
const label = z.enum(['positive', 'negative']);

export const Correction = z.object({
  predictionId: z.string(),
  label: label.describe('What the reviewer says the review is'),
  predictedLabel: label.describe('What the model said'),
  model: z.string(),
  version: z.string().describe('The model version the correction is about'),
  source: z.enum(['single', 'job', 'stream']),
  jobId: z.string().nullable(),
  reviewId: z.string().nullable(),
  text: z.string().nullable().describe('null when the service keeps only a hash (STORE_TEXT=false)'),
  correctedBy: z.string().describe("The correcting key's owner (a digest, never the key)"),
  correctedAt: z.iso.datetime({ offset: true }),
});

export const CorrectionList = z.object({
  items: z.array(Correction),
  nextCursor: z.string().nullable().describe('cursor of the next (older) page; null on the last'),
});

export const VersionErrorRate = z.object({
  model: z.string(),
  version: z.string(),
  predictions: z.int().min(0).describe('Reviews this version classified (in what the caller can see)'),
  reviewed: z.int().min(0).describe('Of them, how many a reviewer corrected or confirmed'),
  wrong: z.int().min(0).describe('Of the reviewed, how many the model got wrong'),
  observedErrorRate: z.number().nullable().describe('wrong / reviewed; null before any review'),
});

export const VersionErrorRates = z.object({ items: z.array(VersionErrorRate) });

export const FEEDBACK_RESPONSE_SCHEMAS = { Correction, CorrectionList, VersionErrorRate, VersionErrorRates };
