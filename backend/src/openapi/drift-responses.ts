import { z } from 'zod';

/** GET /api/v1/drift: live traffic per hour against the baseline, as population stability indices. */
const PsiByFeature = z
  .object({ text_length: z.number(), unknown_words: z.number(), label: z.number(), confidence: z.number() })
  .describe('Population stability index per feature: under 0.1 stable, 0.1 to 0.25 moderate, above 0.25 major drift');

export const DriftHour = z.object({
  start: z.iso.datetime({ offset: true }),
  count: z.int().min(0).describe('Reviews classified in the hour'),
  psi: PsiByFeature.nullable().describe('null below minimumCount reviews: too few to compare'),
});

export const DriftReport = z.object({
  baseline: z
    .object({ dataset: z.string(), n: z.int(), model: z.string(), version: z.string() })
    .nullable()
    .describe('What live traffic is compared with; null when no baseline is installed (drift off)'),
  thresholds: z.object({ moderate: z.number(), major: z.number(), minimumCount: z.int() }),
  latest: DriftHour.nullable().describe('The most recent hour (this one or the last) with enough reviews to compare'),
  hours: z.array(DriftHour).describe('Newest first'),
});

export const DRIFT_RESPONSE_SCHEMAS = { DriftHour, DriftReport };
